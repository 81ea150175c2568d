"""The cross-country contract for training requests and events (A = Guatemala, B = Honduras, C = Panamá)."""

from enlace.sharing.testing import ProtectedModelContract
from enlace.testing import factories as f
from enlace.training import actions
from enlace.training.models import Event, TrainingRequest

from .helpers import event, request_


class TestTrainingRequestContract(ProtectedModelContract):
    model = TrainingRequest
    list_url = "/formacion/"

    def make_record(self, owner, distribution, sharing_group=None):
        return request_(owner, distribution, sharing_group)

    def marker(self, record):
        return record.topic

    def detail_url(self, record):
        return f"/formacion/solicitudes/{record.pk}/"

    def decisions(self, record):
        return [("respond", lambda user, r: actions.do_respond_training_request(user, r, text="Propuesta"),
                 lambda owner: f.user("CRM", "st")),
                ("follow up", lambda user, r: actions.do_follow_up_training_request(user, r, status="done"))]


class TestEventContract(ProtectedModelContract):
    model = Event
    list_url = "/formacion/eventos/"

    def make_record(self, owner, distribution, sharing_group=None):
        return event(owner, distribution, sharing_group)

    def marker(self, record):
        return record.title

    def detail_url(self, record):
        return f"/formacion/eventos/{record.pk}/"

    def decisions(self, record):
        return [("attendance", lambda user, e: actions.do_record_attendance(user, e, [])),
                ("propose", lambda user, e: actions.do_propose_event(user, e, {
                    "title_es": "Taller público", "summary_es": "Resumen público"}))]
