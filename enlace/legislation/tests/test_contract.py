"""The generic cross-country contract for every protected model of the legislation capability."""

import uuid

from enlace.legislation import actions
from enlace.legislation.models import Answer, Instrument, Provision, Submission
from enlace.sharing.actions import do_change_sharing
from enlace.sharing.policy import Distribution
from enlace.sharing.testing import ProtectedModelContract
from enlace.testing import factories as f

from .helpers import open_round


def _tag():
    return uuid.uuid4().hex[:10]


class TestInstrumentContract(ProtectedModelContract):
    model = Instrument
    list_url = "/legislacion/instrumentos/"
    export_url = "/legislacion/instrumentos/exportar/"
    api_list_url = "/api/v1/legislacion/instrumentos/?limit=500"

    def make_record(self, owner, distribution, sharing_group=None):
        inst = actions.do_create_instrument(owner, title=f"Ley {_tag()}", distribution=Distribution.COUNTRY)
        if distribution != Distribution.COUNTRY:
            inst = do_change_sharing(owner, inst, distribution=distribution, sharing_group=sharing_group)
        return inst

    def marker(self, record):
        return record.title

    def detail_url(self, record):
        return f"/legislacion/instrumentos/{record.pk}/"

    def api_detail_url(self, record):
        return f"/api/v1/legislacion/instrumentos/{record.pk}/"

    def search_url(self, record):
        return f"/legislacion/instrumentos/?q={record.title.split()[-1]}"


class TestProvisionContract(ProtectedModelContract):
    model = Provision
    list_url = "/legislacion/disposiciones/"
    export_url = "/legislacion/instrumentos/exportar/"
    api_list_url = "/api/v1/legislacion/disposiciones/?limit=500"

    def make_record(self, owner, distribution, sharing_group=None):
        inst = actions.do_create_instrument(owner, title="Código Penal", distribution=Distribution.NETWORK)
        prov = actions.do_create_provision(owner, inst, article=f"art. {_tag()}", distribution=Distribution.COUNTRY)
        if distribution != Distribution.COUNTRY:
            prov = do_change_sharing(owner, prov, distribution=distribution, sharing_group=sharing_group)
        return prov

    def marker(self, record):
        return record.article

    def detail_url(self, record):
        return f"/legislacion/disposiciones/{record.pk}/"

    def api_detail_url(self, record):
        return f"/api/v1/legislacion/disposiciones/{record.pk}/"

    def search_url(self, record):
        return f"/legislacion/disposiciones/?q={record.article.split()[-1]}"


class TestSubmissionContract(ProtectedModelContract):
    model = Submission
    list_url = "/legislacion/cuestionarios/"
    api_list_url = "/api/v1/legislacion/cuestionarios/?limit=500"

    def make_record(self, owner, distribution, sharing_group=None):
        rnd = open_round(f.user("CRM", "st"), ["GTM", "HND", "PAN"], title=f"Ronda {_tag()}")
        sub = actions.do_start_submission(owner, rnd)
        if distribution != Distribution.COUNTRY:
            sub = do_change_sharing(owner, sub, distribution=distribution, sharing_group=sharing_group)
        return sub

    def marker(self, record):
        return record.round.title

    def detail_url(self, record):
        return f"/legislacion/cuestionarios/{record.pk}/"

    def api_detail_url(self, record):
        return f"/api/v1/legislacion/cuestionarios/{record.pk}/"


class TestAnswerContract(ProtectedModelContract):
    """Answers are read through the API (pages show them inside their questionnaire or the matrix)."""

    model = Answer

    api_list_url = "/api/v1/legislacion/respuestas/?limit=1000"

    def make_record(self, owner, distribution, sharing_group=None):
        rnd = open_round(f.user("CRM", "st"), ["GTM", "HND", "PAN"], title=f"Ronda {_tag()}")
        sub = actions.do_start_submission(owner, rnd)
        citation = f"Ley {_tag()}, art. 1"
        actions.do_save_answers(owner, sub, {"TIM-6.1.a-tipo": {"status": "yes", "citation": citation}})
        do_change_sharing(owner, sub, distribution=Distribution.NETWORK)
        answer = Answer.objects.restrict(owner, "change").get(submission=sub, indicator__code="TIM-6.1.a-tipo")
        return do_change_sharing(owner, answer, distribution=distribution, sharing_group=sharing_group)

    def marker(self, record):
        return record.citation

    def api_detail_url(self, record):
        return f"/api/v1/legislacion/respuestas/{record.pk}/"
