"""The write and decision half of ``ProtectedModelContract`` is not vacuous (a test of the test).

Driven on a real edit page and API (cases: ``Case``) and on the sharing decision of the test-only
``Dossier``: the contract passes where the app refuses outsiders, and fails when a planted leak
lets an outsider through, when a refused try still changed the row, or when the owner is refused.
The classes here are not collected on their own (their names do not start with ``Test``); each
test drives one contract method with a world it builds.
"""

from __future__ import annotations

import pytest
from django.forms.models import model_to_dict
from django.http import Http404

from enlace.cases import actions as case_actions
from enlace.cases.models import Case
from enlace.cases.tests import test_contract_cases as case_contracts
from enlace.sharing.actions import do_change_sharing
from enlace.sharing.policy import Distribution
from enlace.sharing.testing import A, B, C, ProtectedModelContract
from enlace.sharing.tests.testapp.actions import do_create_dossier
from enlace.sharing.tests.testapp.models import Dossier
from enlace.testing import factories as f


class CaseWrites(case_contracts.TestCaseContract):
    """The case contract with its edit page and API (what the cases app declares in its own tests)."""

    api_methods = ("PATCH",)  # cases are never deleted through the API

    def edit_url(self, record):
        return f"/casos/{record.pk}/editar/"

    def edit_data(self, record):
        fields = ["title", "case_type", "status", "summary", "opened_on", "source_grade", "info_grade"]
        data = {k: v for k, v in model_to_dict(record, fields=fields).items() if v is not None}
        data["title"] = f"{record.title} editado"
        return data

    def api_edit_url(self, record):
        return f"/api/v1/cases/{record.pk}/"

    def api_edit_data(self, record):
        return {"title": f"{record.title} por la API"}


def _share_back(user, record):
    return do_change_sharing(user, record, distribution=Distribution.COUNTRY)


class DossierDecisions(ProtectedModelContract):
    model = Dossier

    def make_record(self, owner, distribution, sharing_group=None):
        return do_create_dossier(owner, title="Expediente", distribution=distribution, sharing_group=sharing_group)

    def marker(self, record):
        return record.title

    def decisions(self, record):
        return [("narrow", _share_back)]


def world():
    return f.user(A, "focal_point"), f.user(B, "focal_point"), f.user(C, "focal_point")


def _unrestricted_case(user, pk, action="view", **kwargs):
    try:
        return Case.objects.unrestricted(reason="planted leak").get(pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None


# --- the contract passes where the app is right -----------------------------------------------------

@pytest.mark.django_db
def test_case_pages_and_api_pass_the_write_contract():
    contract, people = CaseWrites(), world()
    contract.test_others_cannot_edit_through_pages(people)
    contract.test_others_cannot_edit_through_the_api(people)


@pytest.mark.django_db
def test_a_decision_through_the_policy_passes():
    DossierDecisions().test_others_cannot_take_decisions(world())


@pytest.mark.django_db
def test_hooks_left_empty_are_skipped_not_failed():
    with pytest.raises(pytest.skip.Exception):
        ProtectedModelContract.test_others_cannot_take_decisions(DossierDecisionsWithout(), world())


class DossierDecisionsWithout(DossierDecisions):
    def decisions(self, record):
        return []


# --- and fails where a leak is planted ---------------------------------------------------------------

@pytest.mark.django_db
def test_an_edit_page_that_skips_the_policy_fails_the_contract(monkeypatch):
    monkeypatch.setattr("enlace.cases.views.access_case_by_id", _unrestricted_case)
    with pytest.raises(AssertionError, match="GET"):
        CaseWrites().test_others_cannot_edit_through_pages(world())


@pytest.mark.django_db
def test_an_api_that_skips_the_policy_fails_the_contract(monkeypatch):
    def unrestricted_access(model, user, pk, action="view", **kwargs):
        return model.objects.unrestricted(reason="planted leak").get(pk=pk)

    monkeypatch.setattr("enlace.sharing.api.access_by_id", unrestricted_access)
    monkeypatch.setattr(case_actions, "require", lambda user, record, action: record)
    with pytest.raises(AssertionError, match="PATCH"):
        CaseWrites().test_others_cannot_edit_through_the_api(world())


@pytest.mark.django_db
def test_a_decision_that_skips_the_policy_fails_the_contract():
    class Leaky(DossierDecisions):
        def decisions(self, record):
            def narrow_without_asking(user, record):
                Dossier.objects.unrestricted(reason="planted leak").filter(pk=record.pk).update(
                    distribution=Distribution.COUNTRY)

            return [("narrow", narrow_without_asking)]

    with pytest.raises(AssertionError, match="took the decision"):
        Leaky().test_others_cannot_take_decisions(world())


@pytest.mark.django_db
def test_a_refused_decision_that_still_wrote_fails_the_contract():
    class WritesThenRefuses(DossierDecisions):
        def decisions(self, record):
            def narrow_then_refuse(user, record):
                Dossier.objects.unrestricted(reason="planted leak").filter(pk=record.pk).update(title="cambiado")
                raise Http404

            return [("narrow", narrow_then_refuse)]

    with pytest.raises(AssertionError, match="changed the record"):
        WritesThenRefuses().test_others_cannot_take_decisions(world())


@pytest.mark.django_db
def test_a_decision_refused_to_the_owner_too_fails_the_contract():
    class RefusesEveryone(DossierDecisions):
        def decisions(self, record):
            def refuse(user, record):
                raise Http404

            return [("narrow", refuse)]

    with pytest.raises(Http404):
        RefusesEveryone().test_others_cannot_take_decisions(world())
