"""Same person in other countries? (3.5, fn 16): a stay is checked through the matching app's hit/no-hit
flow, through HTTP. Only the country and whom to ask are shown; details travel on the owner's approval."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from enlace.audit.models import AuditEvent
from enlace.cases import actions as cases
from enlace.centres.models import Stay
from enlace.matching.models import HitNotice, ReleasedRecord
from enlace.sharing.policy import Distribution
from enlace.testing import factories as f

from .helpers import centre, entry, manager

pytestmark = pytest.mark.django_db
JOSE = {"given_names": "José Luis", "surname_1": "Hernández", "surname_2": "Pérez"}
# The passport he carries again (on a two-record test index a name and a date alone are too common to hit).
PASSPORT = {"doc_type": "Pasaporte", "doc_number": "H7654321"}


@pytest.fixture
def honduras(django_capture_on_commit_callbacks):
    """A returning person recorded in Honduras's case data, matching allowed (indexed after commit)."""
    hnd = f.user("HND", "focal_point")
    with django_capture_on_commit_callbacks(execute=True):
        case = cases.do_create_case(hnd, title="Red de San Pedro Sula", case_type="smuggling",
                                    distribution=Distribution.INSTITUTION)
        case = cases.do_set_case_matching(hnd, case, allow=True)
        person = cases.do_add_entity(hnd, case, schema="Person", role="smuggled_migrant", **JOSE,
                                     dob=datetime.date(1988, 3, 7), nationality="HND", sex="M")
        doc = cases.do_add_entity(hnd, case, schema="Passport", doc_number="H7654321", doc_type="passport",
                                  doc_country="HND")
        cases.do_add_link(hnd, case, kind="holds_document", source=person, target=doc)
    return hnd, person


def _entry_page(client, c, **kw):
    data = {"entry_date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "entry_mode": "interception", "sex": "M", "dob": "1988-03-07", "nationality": "HND",
            "age_band": "adult", "allow_matching": "on", **JOSE, **PASSPORT, **kw}
    r = client.post(f"/centros/{c.pk}/ingreso/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    return Stay.objects.unrestricted(reason="test").get(pk=int(r["Location"].rstrip("/").rsplit("/", 1)[1]))


def test_a_returning_person_of_honduras_is_a_hit_at_entry_showing_only_country_and_whom_to_ask(honduras):
    hnd, person = honduras
    gtm = manager("GTM")
    client = f.verified_client(gtm)
    stay = _entry_page(client, centre(gtm))
    # A person hit (the engine) and a document hit (the number query: the passport Honduras recorded).
    assert stay.abroad_checked_at and len(stay.abroad_notices) == 2
    page = client.get(f"/centros/estancias/{stay.pk}/").content.decode()
    assert page.count("Coincidencia en Honduras: pida los datos a") == 2
    assert "Persona" in page and "Documento" in page
    notice = HitNotice.objects.restrict(gtm, "view").get(subject="person")
    assert notice.other_country.code == "HND" and notice.own_person is None and notice.probability >= 0.9
    assert "Coincidencia en Honduras: pida los datos a" in page and f"/coincidencias/{notice.pk}/" in page
    # Nothing of Honduras's record before release: not its case, not its records' ids.
    hit_page = client.get(f"/coincidencias/{notice.pk}/").content.decode()
    for secret in ("San Pedro Sula", person.case.reference, f"cases.person.{person.pk}", "cases.entity."):
        assert secret not in page and secret not in hit_page
    # Honduras's side names its own person and is told that Guatemala asked.
    owner = HitNotice.objects.restrict(hnd, "view").get(subject="person")
    assert owner.own_person == person and owner.other_country.code == "GTM"
    # One audited action, counts only: no name, no number.
    event = AuditEvent.objects.filter(object_type="centres.stay", object_id=str(stay.pk), kind="search").get()
    assert event.detail["count"] == 2 and event.detail["result"] == "checked"
    assert "Hernández" not in str(event.detail) + str(event.after) and "7654321" not in str(event.detail)
    # A second check from the stay page makes no second notice.
    r = client.post(f"/centros/estancias/{stay.pk}/otros-paises/", follow=True)
    assert "Coincidencia en Honduras" in r.content.decode()
    assert HitNotice.objects.unrestricted(reason="test").count() == 4


def test_the_hit_follows_the_release_flow_request_then_the_owner_decides(honduras):
    hnd, person = honduras
    gtm = manager("GTM")
    client = f.verified_client(gtm)
    stay = _entry_page(client, centre(gtm))
    mine = HitNotice.objects.restrict(gtm, "view").get(pk__in=stay.abroad_notices, subject="person")
    r = client.post(f"/coincidencias/{mine.pk}/solicitar-datos/", {"purpose": "Verificar identidad en el albergue"})
    assert r.status_code == 302
    owner = HitNotice.objects.restrict(hnd, "view").get(subject="person")
    assert owner.release == HitNotice.Release.REQUESTED
    assert not ReleasedRecord.objects.restrict(gtm, "view").exists()
    r = f.verified_client(hnd).post(f"/coincidencias/{owner.pk}/decidir/", {"decision": "approve"})
    assert r.status_code == 302
    released = ReleasedRecord.objects.restrict(gtm, "view").get()
    assert released.content["case"] == person.case.reference and released.recipient_country.code == "GTM"
    page = client.get(f"/centros/estancias/{stay.pk}/").content.decode()
    assert "Datos compartidos" in page


def test_no_hit_reveals_nothing(honduras):
    gtm = manager("GTM")
    client = f.verified_client(gtm)
    stay = _entry_page(client, centre(gtm), given_names="Marta", surname_1="Quiñónez", surname_2="Ajú",
                       dob="1975-11-30", sex="F", doc_number="C0012345")
    page = client.get(f"/centros/estancias/{stay.pk}/").content.decode()
    assert "Sin coincidencias en otros países" in page and "Honduras" not in page
    assert stay.abroad_notices == [] and not HitNotice.objects.unrestricted(reason="test").exists()


def test_an_official_without_standing_cannot_check_abroad(honduras):
    gtm = manager("GTM", authorised=False)
    client = f.verified_client(gtm)
    stay = _entry_page(client, centre(gtm))  # the entry is saved, nothing is sent
    assert stay.abroad_checked_at is None
    page = client.get(f"/centros/estancias/{stay.pk}/").content.decode()
    assert "Consultar otros países" not in page and "autorización vigente" in page
    r = client.post(f"/centros/estancias/{stay.pk}/otros-paises/", follow=True)
    assert r.status_code == 200 and "habilitación transfronteriza" in r.content.decode()
    # Another country's official cannot even reach the action.
    assert f.verified_client(manager("MEX")).post(f"/centros/estancias/{stay.pk}/otros-paises/").status_code == 404
    assert not HitNotice.objects.unrestricted(reason="test").exists()


def test_a_childs_stay_is_never_sent_and_the_page_says_why(honduras):
    gtm = manager("GTM")
    client = f.verified_client(gtm)
    stay = _entry_page(client, centre(gtm), age_band="unaccompanied",
                       dob=(timezone.localdate() - datetime.timedelta(days=15 * 365)).isoformat())
    assert stay.child_protection and not stay.allow_matching and stay.abroad_checked_at is None
    page = client.get(f"/centros/estancias/{stay.pk}/").content.decode()
    assert "persona menor de edad no se consulta en otros países" in page and "Consultar otros países" not in page
    r = client.post(f"/centros/estancias/{stay.pk}/otros-paises/", follow=True)
    assert "persona menor de edad no se consulta" in r.content.decode()
    assert not HitNotice.objects.unrestricted(reason="test").exists()


def test_without_the_owners_consent_nothing_is_sent_until_it_is_given(honduras):
    gtm = manager("GTM")
    c = centre(gtm)
    stay = entry(gtm, c, **JOSE, **PASSPORT, dob=datetime.date(1988, 3, 7))  # allow_matching off by default
    client = f.verified_client(gtm)
    assert "no permite coincidencias con otros países" in client.get(f"/centros/estancias/{stay.pk}/").content.decode()
    assert not HitNotice.objects.unrestricted(reason="test").exists()
    r = client.post(f"/centros/estancias/{stay.pk}/identidad/", {"allow_matching": "on", **PASSPORT})
    assert r.status_code == 302
    r = client.post(f"/centros/estancias/{stay.pk}/otros-paises/", follow=True)
    assert "Coincidencia en Honduras" in r.content.decode()


def test_api_check_abroad_answers_country_and_notice_only(honduras):
    gtm = manager("GTM")
    stay = entry(gtm, centre(gtm), **JOSE, **PASSPORT, dob=datetime.date(1988, 3, 7), allow_matching=True)
    r = f.token_client(gtm).post(f"/api/v1/centros/estancias/{stay.pk}/check_abroad/")
    assert r.status_code == 200, r.content
    body = r.json()
    assert {h["country"] for h in body["hits"]} == {"HND"} and {h["subject"] for h in body["hits"]} == {
        "person", "document"}
    assert "San Pedro Sula" not in r.content.decode() and "cases.person" not in r.content.decode()
    assert f.token_client(manager("MEX")).post(f"/api/v1/centros/estancias/{stay.pk}/check_abroad/").status_code == 404
    r = f.token_client(manager("GTM", authorised=False, inst=gtm.institution)).post(
        f"/api/v1/centros/estancias/{stay.pk}/check_abroad/")
    assert r.status_code == 403 and r.json()["error"]["code"] == "no_cross_border_standing"
