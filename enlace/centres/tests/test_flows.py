"""Stays from entry to exit through pages and API: reconciliation, same person?, bad input, children,
belongings and the receipt."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from enlace.centres import actions
from enlace.centres.models import Belonging, FigureSet, Stay
from enlace.notifications.models import Notification
from enlace.sharing.policy import Distribution
from enlace.testing import factories as f

from .helpers import centre, entry, manager

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_figures_for_a_date_equal_the_stays_open_on_that_date():
    user = manager("GTM")
    c1, c2 = centre(user), centre(user)
    day = TODAY() - datetime.timedelta(days=5)
    specs = [  # (centre, entry offset, exit offset or None, nationality, sex, band)
        (c1, 10, None, "HND", "M", "adult"), (c1, 8, 6, "HND", "M", "adult"), (c1, 5, 5, "SLV", "F", "adult"),
        (c1, 5, None, "SLV", "F", "adult"), (c2, 7, 2, "HTI", "M", "adult"), (c2, 2, None, "HTI", "M", "adult"),
        (c2, 9, 4, "VEN", "F", "adult"), (c1, 6, None, "HND", "F", "adult"),
    ]
    stays = []
    for c, e, x, nat, sex, band in specs:
        s = entry(user, c, entry_date=TODAY() - datetime.timedelta(days=e), nationality=nat, sex=sex, age_band=band)
        if x is not None:
            actions.do_register_exit(user, s, exit_date=TODAY() - datetime.timedelta(days=x), exit_reason="release")
        stays.append(s)
    client = f.verified_client(user)
    r = client.post(f"/centros/ocupacion/calcular/?date={day.isoformat()}")
    assert r.status_code == 302
    expected = {}
    for s in Stay.objects.restrict(user, "list"):
        if s.entry_date <= day and (s.exit_date is None or s.exit_date > day):
            key = (s.centre_id, s.nationality, s.sex, s.age_band, s.vulnerability)
            expected[key] = expected.get(key, 0) + 1
    got = {}
    for fs in FigureSet.objects.restrict(user, "list").filter(date=day):
        for nat, sex, band, vuln, n in fs.cells:
            got[(fs.centre_id, nat, sex, band, vuln)] = n
        assert fs.total == sum(n for *_k, n in fs.cells)
    assert got == expected and sum(got.values()) == 5
    # The same numbers reach the owner's dashboard and API.
    api = f.token_client(user).get(f"/api/v1/centros/ocupacion/?date={day.isoformat()}").json()
    assert api["countries"][0]["own"] and api["countries"][0]["total"] == 5


def test_entry_page_registers_and_exit_before_entry_is_refused():
    user = manager("GTM")
    c = centre(user)
    client = f.verified_client(user)
    r = client.post(f"/centros/{c.pk}/ingreso/", {
        "entry_date": (TODAY() - datetime.timedelta(days=2)).isoformat(), "entry_mode": "self_presentation",
        "given_names": "Ana", "surname_1": "Ramírez", "sex": "F", "dob": "1990-05-05", "nationality": "hnd",
        "age_band": "adult", "vulnerabilities": ["refugee"], "referrals": ["asylum"], "biometric_refs": "AFIS:123456"})
    assert r.status_code == 302, r.content.decode()[:2000]
    stay = Stay.objects.restrict(user, "view").get(surname_1="Ramírez")
    assert stay.nationality == "HND" and stay.referrals[0]["kind"] == "asylum" and stay.vulnerability == "refugee"
    r = client.post(f"/centros/estancias/{stay.pk}/salida/", {
        "exit_date": (TODAY() - datetime.timedelta(days=5)).isoformat(), "exit_reason": "release"}, follow=True)
    assert "no puede ser anterior al ingreso" in r.content.decode()
    assert Stay.objects.restrict(user, "view").get(pk=stay.pk).exit_date is None
    api = f.token_client(user)
    r = api.post(f"/api/v1/centros/estancias/{stay.pk}/exit/", {
        "exit_date": (TODAY() - datetime.timedelta(days=5)).isoformat(), "exit_reason": "release"}, format="json")
    assert r.status_code == 400 and r.json()["error"]["status"] == 400
    assert "exit_date" in r.json()["error"]["fields"]


@pytest.mark.parametrize("payload,field,text", [
    ({"nationality": "XXZ"}, "nationality", "desconocido"),
    ({"age_band": "adult", "dob": "2015-01-01"}, "age_band", "no es una persona adulta"),
    ({"age_band": "child", "dob": "1980-01-01"}, "age_band", "no es menor de edad"),
    ({"biometric_refs": ["data:image/png;base64,iVBORw0KGgo="]}, "biometric_refs", "nunca datos biométricos"),
    ({"entry_date": "2999-01-01"}, "entry_date", ""),
])
def test_bad_input_gets_a_clear_message_and_nothing_is_written(payload, field, text):
    user = manager("GTM")
    c = centre(user)
    body = {"centre": c.pk, "entry_date": TODAY().isoformat(), "entry_mode": "interception", "given_names": "Luis",
            "surname_1": "Pérez", "sex": "M", "nationality": "HND", "age_band": "adult", **payload}
    r = f.token_client(user).post("/api/v1/centros/estancias/", body, format="json")
    assert r.status_code == 400, r.content
    err = r.json()["error"]
    assert field in err["fields"] and text in str(err["fields"][field])
    assert not Stay.objects.restrict(user, "list").exists()


def test_a_full_centre_refuses_the_entry():
    user = manager("GTM")
    c = centre(user, capacity=1)
    entry(user, c)
    r = f.token_client(user).post("/api/v1/centros/estancias/", {
        "centre": c.pk, "entry_date": TODAY().isoformat(), "entry_mode": "interception", "surname_1": "Otro",
        "sex": "M", "nationality": "HND", "age_band": "adult"}, format="json")
    assert r.status_code == 400 and "lleno" in str(r.json()["error"]["fields"])


def test_same_person_returning_is_recognised_and_a_reused_document_is_flagged():
    user = manager("GTM")
    c = centre(user)
    first = entry(user, c, given_names="José Luis", surname_1="Hernández", surname_2="Pérez",
                  dob=datetime.date(1988, 3, 7), doc_type="Pasaporte", doc_number="G12345678")
    assert first.identity_status == "new"
    actions.do_register_exit(user, first, exit_date=TODAY() - datetime.timedelta(days=1), exit_reason="return")
    again = entry(user, c, given_names="Jose Luis", surname_1="Hernandez", surname_2="",
                  dob=datetime.date(1988, 7, 3), doc_type="Pasaporte", doc_number="G12345678",
                  entry_date=TODAY())
    assert again.identity_status == "returning"
    assert again.identity_matches[0]["stay"] == first.pk
    # Somebody else with the same passport while José Luis is still inside: a re-used identity.
    other = entry(user, c, given_names="Marvin", surname_1="Castillo", surname_2="Ortiz",
                  dob=datetime.date(2001, 11, 30), doc_type="Pasaporte", doc_number="G12345678", entry_date=TODAY())
    assert other.identity_status == "reused"
    page = f.verified_client(user).get(f"/centros/estancias/{other.pk}/").content.decode()
    assert "Identidad posiblemente reutilizada" in page
    assert Notification.objects.filter(recipient=user, kind="centres.reused_identity").exists()


def test_an_unaccompanied_child_notifies_the_child_protection_focal_point_and_stays_in_the_country():
    from enlace.directory.tests.helpers import authorised

    user = manager("GTM")
    protector = f.user("GTM", "focal_point", authorised=False)
    authorised(f.user("GTM", "focal_point"), institution=protector.institution, user=protector,
               functions=["victim_referral"], areas=["protection"])
    c = centre(user)
    child = entry(user, c, age_band="unaccompanied", dob=TODAY() - datetime.timedelta(days=365 * 14))
    assert child.child_protection and "unaccompanied_child" in child.vulnerability_codes()
    assert Notification.objects.filter(recipient=protector, kind="centres.unaccompanied_child").exists()
    from django.core.exceptions import ValidationError

    from enlace.sharing.actions import do_change_sharing

    with pytest.raises(ValidationError):
        do_change_sharing(user, child, distribution=Distribution.NETWORK)
    do_change_sharing(user, child, distribution=Distribution.COUNTRY)
    # Registering a child with a network distribution is narrowed, never widened.
    other = entry(user, c, age_band="child", dob=TODAY() - datetime.timedelta(days=365 * 9),
                  distribution=Distribution.NETWORK)
    assert other.distribution == Distribution.INSTITUTION
    hnd = manager("HND")
    assert f.verified_client(hnd).get(f"/centros/estancias/{child.pk}/").status_code == 404


def test_belongings_receipt_renders_and_history_keeps_every_version():
    user = manager("GTM")
    c = centre(user)
    stay = entry(user, c, given_names="Marta", surname_1="Ajú")
    client = f.verified_client(user)
    assert client.post(f"/centros/estancias/{stay.pk}/pertenencias/", {
        "item": "Teléfono celular", "description": "Samsung", "value": "80", "currency": "USD",
        "bag_number": "B-77"}).status_code == 302
    client.post(f"/centros/estancias/{stay.pk}/pertenencias/", {"item": "Efectivo", "value": "1250",
                                                                "currency": "MXN", "bag_number": "B-77"})
    pdf = client.get(f"/centros/estancias/{stay.pk}/pertenencias/recibo.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Recibo de pertenencias" in text and "Teléfono celular" in text and "B-77" in text and "Firma" in text
    phone = Belonging.objects.restrict(user, "view").get(item="Teléfono celular")
    r = client.post(f"/centros/pertenencias/{phone.pk}/corregir/", {
        "item": "Teléfono celular", "description": "Samsung A12", "value": "95", "currency": "USD",
        "bag_number": "B-77", "reason": "Modelo y valor corregidos"})
    assert r.status_code == 302
    r = client.post(f"/centros/estancias/{stay.pk}/pertenencias/devolucion/", {
        "status_1": "returned", "status_2": "missing", "note_2": "Faltan 250 MXN"})
    assert r.status_code == 302
    versions = list(Belonging.objects.restrict(user, "view").filter(stay=stay).order_by("item_key", "version"))
    assert [(b.item_key, b.version, b.current) for b in versions] == [
        (1, 1, False), (1, 2, False), (1, 3, True), (2, 1, False), (2, 2, True)]
    assert versions[1].description == "Samsung A12" and versions[0].description == "Samsung"
    assert versions[-1].status == "missing" and versions[-1].discrepancy == "Faltan 250 MXN"
    assert Notification.objects.filter(kind="centres.belongings_discrepancy").exists()
    page = client.get(f"/centros/estancias/{stay.pk}/").content.decode()
    assert "Samsung A12" in page and "sustituida" in page


def test_a_match_with_another_institutions_stay_shows_no_content_of_it():
    """Same person? is answered across the country's institutions, but what the other institution holds
    (its centre, dates) is read through the policy: the reader only learns that a match exists."""
    police = manager("GTM", inst=f.institution("GTM", "police", name="Policía GTM centros"))
    migration = manager("GTM", inst=f.institution("GTM", "migration", name="Migración GTM centros"))
    hidden = centre(police, distribution=Distribution.INSTITUTION, name="Centro reservado de la policía")
    first = entry(police, hidden, given_names="José Luis", surname_1="Hernández", surname_2="Pérez",
                  dob=datetime.date(1988, 3, 7), doc_type="Pasaporte", doc_number="G12345678")
    actions.do_register_exit(police, first, exit_date=TODAY() - datetime.timedelta(days=1), exit_reason="release")
    again = entry(migration, centre(migration), given_names="José Luis", surname_1="Hernández",
                  surname_2="Pérez", dob=datetime.date(1988, 3, 7), doc_type="Pasaporte", doc_number="G12345678",
                  entry_date=TODAY(), distribution=Distribution.NETWORK)
    assert again.identity_status == "returning"
    page = f.verified_client(migration).get(f"/centros/estancias/{again.pk}/").content.decode()
    assert "Centro reservado de la policía" not in page and "1 estancia más de otra institución" in page
    api = f.token_client(manager("MEX")).get(f"/api/v1/centros/estancias/{again.pk}/")
    assert api.status_code in (200, 404)
    assert "Centro reservado" not in api.content.decode()


def test_the_procedure_records_smugglers_smuggled_migrants_and_victims_3_6_a():
    user = manager("GTM")
    c = centre(user)
    api = f.token_client(user)
    r = api.post("/api/v1/centros/estancias/", {
        "centre": c.pk, "entry_date": TODAY().isoformat(), "entry_mode": "interception", "surname_1": "Guía",
        "sex": "M", "nationality": "GTM", "age_band": "adult", "profile": "suspected_smuggler"}, format="json")
    assert r.status_code == 201 and r.json()["profile"] == "suspected_smuggler"
    entry(user, c, profile="smuggled_migrant")
    rows = api.get("/api/v1/centros/estancias/?profile=suspected_smuggler").json()["results"]
    assert [row["surname_1"] for row in rows] == ["Guía"]
    r = api.post("/api/v1/centros/estancias/", {
        "centre": c.pk, "entry_date": TODAY().isoformat(), "entry_mode": "interception", "surname_1": "X",
        "sex": "M", "nationality": "GTM", "age_band": "adult", "profile": "jefe"}, format="json")
    assert r.status_code == 400 and "profile" in r.json()["error"]["fields"]
