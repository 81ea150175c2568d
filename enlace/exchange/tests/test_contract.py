"""The generic cross-country contract for the exchange's protected models (threads and MLA drafts)."""

import uuid

import pytest

from enlace.exchange.actions import do_create_mla_draft, do_reply_thread, do_save_draft
from enlace.sharing.actions import do_change_sharing
from enlace.sharing.policy import Distribution
from enlace.sharing.testing import A, B, C, ProtectedModelContract

from .helpers import focal, send


class TestThreadContract(ProtectedModelContract):
    list_url = "/intercambio/"
    export_url = "/intercambio/exportar.xlsx"
    api_list_url = "/api/v1/exchange/threads/"

    @pytest.fixture
    def world(self, db):
        # Only authorised focal points use the exchange: the three officials are authorised in the directory.
        return focal(A, self.owner_role), focal(B, self.reader_role), focal(C, self.reader_role)

    def make_record(self, owner, distribution, sharing_group=None):
        thread = do_save_draft(owner, {"kind": "info_request", "subject": f"Hilo {uuid.uuid4().hex[:12]}",
                                       "body": "Contenido reservado"})
        if distribution != Distribution.INSTITUTION:
            thread = do_change_sharing(owner, thread, distribution=distribution, sharing_group=sharing_group)
        return thread

    def marker(self, record):
        return record.subject

    def detail_url(self, record):
        return f"/intercambio/hilo/{record.pk}/"

    def api_detail_url(self, record):
        return f"/api/v1/exchange/threads/{record.pk}/"

    def search_url(self, record):
        return f"/intercambio/?q={record.subject.split()[-1]}"


class TestMlaDraftContract(ProtectedModelContract):
    owner_role = "prosecutor"
    reader_role = "prosecutor"
    list_url = "/intercambio/asistencia-juridica/"
    api_list_url = "/api/v1/exchange/mla-drafts/"

    def make_record(self, owner, distribution, sharing_group=None):
        draft = do_create_mla_draft(owner, title=f"AJR {uuid.uuid4().hex[:12]}", requested_country="MEX",
                                    content={"facts": "Hechos"})
        return do_change_sharing(owner, draft, distribution=distribution, sharing_group=sharing_group)

    def marker(self, record):
        return record.title

    def detail_url(self, record):
        return f"/intercambio/asistencia-juridica/{record.pk}/"

    def api_detail_url(self, record):
        return f"/api/v1/exchange/mla-drafts/{record.pk}/"

    def search_url(self, record):
        return f"/intercambio/asistencia-juridica/?q={record.title.split()[-1]}"


@pytest.mark.django_db
def test_a_message_can_never_reach_further_than_its_thread():
    """Children (messages) are bounded by the thread: a third country never sees them, even by id."""
    from enlace.exchange.models import Message
    from enlace.testing import factories as f

    cri, pan, hnd = focal("CRI"), focal("PAN"), focal("HND")
    thread = send(cri, ["PAN"])
    message, _ = do_reply_thread(pan, thread, body="Respuesta reservada", is_answer=True)
    assert Message.objects.restrict(cri, "view").filter(pk=message.pk).exists()
    assert not Message.objects.restrict(hnd, "count").filter(pk=message.pk).exists()
    r = f.token_client(hnd).get(f"/api/v1/exchange/threads/{thread.pk}/messages/")
    assert r.status_code == 404
