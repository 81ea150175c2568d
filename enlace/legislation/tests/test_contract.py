"""The generic cross-country contract for every protected model of the legislation capability.

Reads (lists, search, exports, API) and writes and decisions: edits, sharing, sending, validating,
returning and publishing a questionnaire, tried by other countries, institutions and roles.
"""

import uuid

from enlace.core.models import Institution
from enlace.legislation import actions
from enlace.legislation.models import Answer, Instrument, Provision, Submission
from enlace.sharing.actions import do_change_sharing
from enlace.sharing.policy import Distribution
from enlace.sharing.testing import ProtectedModelContract
from enlace.testing import factories as f

from .helpers import answers, open_round, post_data


def _tag():
    return uuid.uuid4().hex[:10]


def _keep_in_country(user, record):
    return do_change_sharing(user, record, distribution=Distribution.COUNTRY)


def _cancilleria_of(owner):
    code = owner.institution.country.code
    return f.user(code, "cancilleria", inst=f.institution(code, Institution.Type.FOREIGN_MINISTRY))


def _portal_editor(owner):
    return f.user("CRM", "portal_editor")


def _step(action, prepare=None):
    """``action(user, record)`` for the contract. The entitled decider first brings the questionnaire to the
    state the decision needs (``prepare(record)``); the others' tries meet it untouched."""

    def act(user, record):
        if prepare is not None and getattr(user, "contract_prepare", False):
            record = prepare(record)
        return action(user, record)
    return act


def _decider(make):
    def decider(owner):
        user = make(owner)
        user.contract_prepare = True
        return user
    return decider


def _fresh(record):
    return Submission.objects.unrestricted(reason="contract: fresh copy").get(pk=record.pk)


def _submit(record):
    return actions.do_submit_submission(record.created_by, _fresh(record))


def _validate_with_consent(record):
    actions.do_save_answers(record.created_by, _fresh(record), {}, public_consent=True)
    return actions.do_validate_submission(_cancilleria_of(record.created_by), _submit(record))


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

    def edit_url(self, record):
        return f"/legislacion/instrumentos/{record.pk}/editar/"

    def edit_data(self, record):
        return {"kind": "decree", "title": f"{record.title} (reformada)", "number": "", "official_url": "",
                "in_force": "on"}

    def decisions(self, record):
        return [("share", _keep_in_country),
                ("add a provision", lambda user, r: actions.do_create_provision(user, r, article="art. 99"))]


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

    def edit_url(self, record):
        return f"/legislacion/disposiciones/{record.pk}/editar/"

    def edit_data(self, record):
        return {"article": f"{record.article} bis", "text": "Texto reformado"}

    def decisions(self, record):
        return [("share", _keep_in_country)]


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

    def edit_url(self, record):
        return f"/legislacion/cuestionarios/{record.pk}/editar/"

    def edit_data(self, record):
        return post_data(answers(citation=f"Ley {_tag()}, art. 2"))

    def decisions(self, record):
        return [
            ("share", _keep_in_country),
            ("submit", _step(actions.do_submit_submission)),
            ("validate", _step(actions.do_validate_submission, _submit), _decider(_cancilleria_of)),
            ("return", _step(lambda u, r: actions.do_return_submission(u, r, note="Corregir"), _submit),
             _decider(_cancilleria_of)),
            ("publish", _step(actions.do_publish_submission, _validate_with_consent), _decider(_portal_editor)),
        ]


class TestAnswerContract(ProtectedModelContract):
    """Answers are read through the API (pages show them inside their questionnaire or the matrix) and
    written through their questionnaire's form."""

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

    def edit_url(self, record):
        return f"/legislacion/cuestionarios/{record.submission_id}/editar/"

    def edit_data(self, record):
        return post_data({record.indicator.code: {"status": "no", "citation": "", "comment": "Cambiada"}})

    def decisions(self, record):
        return [("share", _keep_in_country)]
