"""The cross-country contract on the agreement register's protected models, bad input and query counts."""

import datetime

import pytest

from enlace.sharing.actions import do_change_sharing
from enlace.sharing.policy import Distribution
from enlace.sharing.testing import ProtectedModelContract
from enlace.sharing.tests.testapp.actions import do_create_bulletin
from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries

from ..actions import do_bring_agreement_into_force, do_register_agreement, do_share_under_agreement
from ..models import Agreement, AgreementShare
from .helpers import agreement

_N = [0]


def _title(prefix):
    _N[0] += 1
    return f"{prefix}-{_N[0]}-zk"


class TestAgreementContract(ProtectedModelContract):
    api_list_url = "/api/v1/acuerdos/acuerdos/"

    def api_detail_url(self, record):
        return f"/api/v1/acuerdos/acuerdos/{record.pk}/"

    model = Agreement
    owner_role = "cancilleria"
    list_url = "/acuerdos/"
    export_url = "/acuerdos/exportar.xlsx"
    test_other_institution = False  # the rule admits the owner's whole country (its Cancillería decides)

    def make_record(self, owner, distribution, sharing_group=None):
        return do_register_agreement(owner, {
            "title": _title("Acuerdo"), "kind": "bilateral", "parties": ["GTM", "HND"],
            "starts_on": datetime.date(2026, 1, 1), "purposes": ["investigation"]},
            distribution=distribution, sharing_group=sharing_group)

    def marker(self, record):
        return record.title

    def detail_url(self, record):
        return f"/acuerdos/{record.pk}/"

    def search_url(self, record):
        return f"/acuerdos/?q={record.title.split('-', 1)[1]}"

    def decisions(self, record):
        return [("bring_into_force", do_bring_agreement_into_force)]


class TestAgreementShareContract(ProtectedModelContract):
    api_list_url = "/api/v1/acuerdos/compartidos/"

    def api_detail_url(self, record):
        return f"/api/v1/acuerdos/compartidos/{record.pk}/"

    model = AgreementShare
    list_url = "/acuerdos/compartidos/"

    def make_record(self, owner, distribution, sharing_group=None):
        a = agreement(("GTM", "HND"), title=_title("Acuerdo"))
        bulletin = do_create_bulletin(owner, title=_title("Boletin"), distribution="country")
        share = do_share_under_agreement(owner, bulletin, a, purpose="investigation")
        if distribution != Distribution.COUNTRY:
            share = do_change_sharing(owner, share, distribution=distribution, sharing_group=sharing_group)
        return share

    def marker(self, record):
        return record.record_label


@pytest.mark.django_db
def test_bad_input_is_refused_with_clear_messages_and_nothing_created():
    chancery = f.user("GTM", "cancilleria")
    client = f.verified_client(chancery)
    base = {"title": "Acuerdo X", "kind": "multilateral", "starts_on": "2026-05-01", "purposes": "investigation"}
    cases = [
        ({"parties": ["GTM", "ZZZ"]}, "no es miembro ni observador"),
        ({"parties": ["GTM"]}, "al menos dos partes"),
        ({"parties": ["HND", "PAN"]}, "Su país debe ser parte"),
        ({"parties": ["GTM", "HND"], "ends_on": "2026-04-01"}, "no puede ser anterior"),
        ({"parties": ["GTM", "HND"], "purposes": "robar"}, "Fin desconocido"),
        ({"parties": ["GTM", "HND"], "starts_on": "ayer"}, "fecha válida"),
        ({"parties": ["GTM", "HND", "PAN"], "kind": "bilateral"}, "exactamente dos partes"),
    ]
    for extra, message in cases:
        r = client.post("/acuerdos/nuevo/", {**base, **extra})
        assert r.status_code == 400, extra
        assert message in r.content.decode(), (extra, message)
    assert Agreement.objects.unrestricted(reason="test: nothing half-created").count() == 0


@pytest.mark.django_db
def test_registration_through_the_page_and_decision():
    chancery = f.user("GTM", "cancilleria")
    client = f.verified_client(chancery)
    r = client.post("/acuerdos/nuevo/", {"title": "Memorando GTM-HND", "kind": "bilateral", "parties": ["GTM", "HND"],
                                         "starts_on": "2026-05-01", "purposes": ["investigation", "prosecution"],
                                         "response_days": "10", "limit_no_judicial_use": "on"})
    assert r.status_code == 302
    a = Agreement.objects.restrict(chancery, "view").get(title="Memorando GTM-HND")
    assert client.post(f"/acuerdos/{a.pk}/vigor/").status_code == 302
    assert client.get(f"/acuerdos/{a.pk}/").content.decode().count("Vigente") >= 1
    # A Honduran focal point (party) reads it; cannot decide.
    hnd = f.verified_client(f.user("HND", "focal_point"))
    assert hnd.get(f"/acuerdos/{a.pk}/").status_code == 200
    assert hnd.post(f"/acuerdos/{a.pk}/suspender/").status_code == 404


@pytest.mark.django_db
def test_list_pages_run_constant_queries():
    chancery = f.user("GTM", "cancilleria")
    owner = f.user("GTM", "focal_point")
    a = agreement(("GTM", "HND", "SLV"), chancery=chancery)

    def more_agreements(n):
        for _i in range(n):
            agreement(("GTM", "HND", "PAN"), chancery=chancery, title=_title("Acuerdo"))

    def more_shares(n):
        for _i in range(n):
            b = do_create_bulletin(owner, title=_title("Boletin"), distribution="country")
            do_share_under_agreement(owner, b, a, purpose="investigation")

    assert_constant_queries(f.verified_client(chancery), "/acuerdos/", more_agreements)
    assert_constant_queries(f.verified_client(owner), "/acuerdos/compartidos/", more_shares)
    assert_constant_queries(f.verified_client(owner), f"/acuerdos/{a.pk}/", more_shares)
