"""Cross-border standing comes from the Cancillería's authorisation, and only while it is in force (issue 16).

* Changing who or what an authorised entry designates sends it back to the Cancillería: the new
  (and the old) account has no standing until it decides again.
* Suspension, revocation and expiry act on the next request; a revoked official who logs in again
  sees only their own country; the login page says why the session ended; the menu says why
  the official sees only their country.
* The same reads succeed when the standing check is broken on purpose (the test of the test).
"""

from __future__ import annotations

import base64
import datetime

import pyotp
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from enlace.accounts.actions import do_create_api_token
from enlace.core.models import Institution
from enlace.directory.models import Authorisation, Contact
from enlace.directory.policy import is_authorised_focal_point
from enlace.sharing.tests.testapp.actions import do_create_dossier
from enlace.testing import factories as f

from .helpers import authorised, chancery

pytestmark = pytest.mark.django_db

DOSSIERS_PAGE = "/prueba-expedientes/expedientes/"
DOSSIERS_API = "/api/v1/test-dossiers/"


def _api(user, days: int = 30):
    from rest_framework.test import APIClient

    _instance, token = do_create_api_token(user, days=days)
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return c


def _totp(user):
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()


def _fresh_login(user, client=None) -> Client:
    """Password and second factor, as a person at the login page."""
    c = client or Client()
    r = c.post("/cuenta/entrar/", {"username": user.username, "password": f.PASSWORD})
    assert r.status_code == 302 and r["Location"].startswith("/cuenta/verificar/"), r.status_code
    r = c.post("/cuenta/verificar/", {"code": _totp(user), "next": "/inicio/"})
    assert r.status_code == 302 and r["Location"] == "/inicio/"
    return c


@pytest.fixture
def world():
    """A Guatemalan official linked to an authorised entry; Honduras shares a case and a focal point."""
    admin = f.user("GTM", "focal_point")
    person = f.user("GTM", "focal_point", authorised=False)
    contact = authorised(admin, user=person, last_name="Titular")
    hnd_owner = f.user("HND", "focal_point")
    foreign_case = do_create_dossier(hnd_owner, title="Caso-HND-canario", distribution="network")
    foreign_contact = authorised(hnd_owner, last_name="ContraparteHND")
    own_case = do_create_dossier(admin, title="Caso-GTM-propio", distribution="country")
    return {"admin": admin, "person": person, "contact": contact, "foreign_case": foreign_case,
            "foreign_contact": foreign_contact, "own_case": own_case, "gtm_chancery": chancery("GTM")}


def cross_border_reads(web, api, w) -> dict[str, bool]:
    """Every route by which the official could read Honduras's case or focal point: {route: read?}."""
    case, contact = w["foreign_case"], w["foreign_contact"]
    return {
        "case_page_list": case.title in web.get(DOSSIERS_PAGE).content.decode(),
        "case_page_detail": web.get(f"{DOSSIERS_PAGE}{case.pk}/").status_code == 200,
        "case_api_list": case.title in api.get(DOSSIERS_API).content.decode(),
        "case_api_detail": api.get(f"{DOSSIERS_API}{case.pk}/").status_code == 200,
        "directory_page_list": contact.last_name in web.get("/directorio/?country=HND").content.decode(),
        "directory_page_detail": web.get(f"/directorio/contacto/{contact.pk}/").status_code == 200,
        "directory_api_list": contact.last_name in api.get("/api/v1/directory/contacts/?country=HND").content.decode(),
        "directory_api_detail": api.get(f"/api/v1/directory/contacts/{contact.pk}/").status_code == 200,
    }


def own_country_reads(web, api, w) -> dict[str, bool]:
    case = w["own_case"]
    return {"page": case.title in web.get(DOSSIERS_PAGE).content.decode(),
            "api": api.get(f"{DOSSIERS_API}{case.pk}/").status_code == 200,
            "own_entry": web.get(f"/directorio/contacto/{w['contact'].pk}/").status_code == 200}


def _send_thread(user, subject="Consulta de prueba"):
    return _api(user).post("/api/v1/exchange/threads/", {
        "kind": "info_request", "priority": "normal", "subject": subject, "body": "Texto",
        "recipient_countries": ["HND"]}, format="json")


# --- changing who an entry designates --------------------------------------------------------------------

def test_patching_the_linked_account_sends_the_entry_back_and_the_new_account_gets_nothing_cross_border(world):
    w = world
    newcomer = f.user("GTM", "focal_point", authorised=False)
    before = cross_border_reads(f.verified_client(w["person"]), _api(w["person"]), w)
    assert all(before.values()), before  # the authorised holder reads across borders
    assert _send_thread(w["person"], subject="Antes del cambio").status_code == 201  # ... and sends

    r = _api(w["admin"]).patch(f"/api/v1/directory/contacts/{w['contact'].pk}/", {"username": newcomer.username},
                               format="json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "proposed" and r.json()["username"] == newcomer.username
    assert r.json()["distribution"] == "group"  # narrowed to its country and the ST

    for account in (newcomer, w["person"]):
        assert not is_authorised_focal_point(account)
        seen = cross_border_reads(f.verified_client(account), _api(account), w)
        assert not any(seen.values()), (account.username, seen)
        r = _send_thread(account)
        assert r.status_code in (403, 404), r.content
    from enlace.exchange.models import Thread

    assert not Thread.objects.unrestricted(reason="test").filter(subject="Consulta de prueba").exists()
    # Nothing leaves Guatemala: Honduras no longer sees the entry, the ST does (to follow it).
    hnd = f.token_client(f.user("HND", "focal_point"))
    assert hnd.get(f"/api/v1/directory/contacts/{w['contact'].pk}/").status_code == 404
    # The Cancillería authorises again: now the new holder has standing.
    r = _api(w["gtm_chancery"]).post(f"/api/v1/directory/contacts/{w['contact'].pk}/authorise/",
                                     {"valid_until": str(datetime.date.today() + datetime.timedelta(days=300))},
                                     format="json")
    assert r.status_code == 200, r.content
    assert is_authorised_focal_point(newcomer) and not is_authorised_focal_point(w["person"])
    kinds = list(Authorisation.objects.restrict(w["admin"], "list").filter(contact=w["contact"])
                 .order_by("decided_at", "pk").values_list("kind", flat=True))
    assert kinds == ["authorised", "reproposed", "authorised"]


@pytest.mark.parametrize("field,value", [("first_name", "Otra"), ("last_name", "Persona"),
                                         ("position", "Jefa de otra unidad")])
def test_patching_names_or_position_sends_the_entry_back(world, field, value):
    w = world
    r = _api(w["admin"]).patch(f"/api/v1/directory/contacts/{w['contact'].pk}/", {field: value}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "proposed"
    assert not any(cross_border_reads(f.verified_client(w["person"]), _api(w["person"]), w).values())


def test_moving_the_entry_to_another_institution_through_the_page_sends_it_back(world):
    w = world
    other = f.institution("GTM", Institution.Type.MIGRATION)
    web = f.verified_client(w["admin"])
    form = web.get(f"/directorio/contacto/{w['contact'].pk}/editar/")
    assert 'id="redesignation-warning"' in form.content.decode()
    c = w["contact"]
    post = {"institution": other.pk, "first_name": c.first_name, "last_name": c.last_name, "position": c.position,
            "scope": c.scope, "areas": c.area_list, "functions": c.function_list, "languages": c.language_list,
            "email": c.email, "phone": c.phone, "timezone": c.timezone, "hours_start": "08:00", "hours_end": "16:00",
            "working_days": ["0", "1", "2", "3", "4"], "username": w["person"].username}
    r = web.post(f"/directorio/contacto/{c.pk}/editar/", post)
    assert r.status_code == 302, r.content.decode()[:1500]
    assert not is_authorised_focal_point(w["person"])
    assert not any(cross_border_reads(f.verified_client(w["person"]), _api(w["person"]), w).values())


def test_an_ordinary_change_keeps_the_authorisation(world):
    w = world
    r = _api(w["admin"]).patch(f"/api/v1/directory/contacts/{w['contact'].pk}/", {"unit": "Unidad nueva"},
                               format="json")
    assert r.status_code == 200 and r.json()["status"] == "active"
    assert is_authorised_focal_point(w["person"])


def test_only_the_owner_institution_edits_and_only_the_cancilleria_decides(world):
    w = world
    cid = w["contact"].pk
    same_country_other_inst = f.user("GTM", "focal_point", inst=f.institution("GTM", Institution.Type.MIGRATION))
    st = f.user("CRM", "st", inst=f.institution("CRM", Institution.Type.SECRETARIAT))
    hnd_chancery = chancery("HND")
    for outsider in (same_country_other_inst, st, hnd_chancery, w["gtm_chancery"]):
        r = _api(outsider).patch(f"/api/v1/directory/contacts/{cid}/", {"position": "Otro"}, format="json")
        assert r.status_code == 404, (outsider.username, r.status_code)
        assert r.json()["error"]["status"] == 404
        assert f.verified_client(outsider).get(f"/directorio/contacto/{cid}/editar/").status_code == 404
    for outsider in (w["admin"], same_country_other_inst, st, hnd_chancery):
        for step, body in (("suspend", {"reason": "x"}), ("revoke", {"reason": "x"}), ("renew", {
                "valid_until": "2030-01-01"})):
            r = _api(outsider).post(f"/api/v1/directory/contacts/{cid}/{step}/", body, format="json")
            assert r.status_code == 404, (outsider.username, step, r.status_code)
        assert f.verified_client(outsider).post(f"/directorio/contacto/{cid}/suspender/",
                                                {"reason": "x"}).status_code == 404
    contact = Contact.objects.restrict(w["admin"], "view").get(pk=cid)
    assert contact.status == "active" and contact.position != "Otro"
    # The card shows the decisions only to who may take them.
    assert "suspender" not in f.verified_client(w["admin"]).get(f"/directorio/contacto/{cid}/").content.decode()
    assert "suspender" in f.verified_client(w["gtm_chancery"]).get(f"/directorio/contacto/{cid}/").content.decode()


def test_the_st_decides_for_its_own_party_like_a_cancilleria():
    st_inst = f.institution("CRM", Institution.Type.SECRETARIAT)
    st = f.user("CRM", "st", inst=st_inst)
    colleague = f.user("CRM", "st", inst=st_inst, authorised=False)
    from .helpers import propose

    contact = propose(st, user=colleague)
    r = _api(st).post(f"/api/v1/directory/contacts/{contact.pk}/authorise/", {"valid_until": "2030-01-01"},
                      format="json")
    assert r.status_code == 200, r.content
    assert is_authorised_focal_point(colleague)


def test_an_unknown_username_and_another_countrys_username_get_the_same_answer(world):
    w = world
    foreigner = f.user("HND", "focal_point", authorised=False)
    api = _api(w["admin"])
    url = f"/api/v1/directory/contacts/{w['contact'].pk}/"
    unknown = api.patch(url, {"username": "nadie.se.llama.asi"}, format="json")
    foreign = api.patch(url, {"username": foreigner.username}, format="json")
    assert unknown.status_code == foreign.status_code == 400
    assert unknown.json() == foreign.json()
    web = f.verified_client(w["admin"])
    c = w["contact"]
    post = {"institution": c.owner_institution_id, "first_name": c.first_name, "last_name": c.last_name,
            "position": c.position, "scope": c.scope, "areas": c.area_list, "languages": c.language_list,
            "email": c.email, "phone": c.phone, "hours_start": "08:00", "hours_end": "16:00",
            "working_days": ["0", "1"]}
    a = web.post(f"/directorio/contacto/{c.pk}/editar/", {**post, "username": "nadie.se.llama.asi"})
    b = web.post(f"/directorio/contacto/{c.pk}/editar/", {**post, "username": foreigner.username})
    assert a.status_code == b.status_code == 400
    msg = "No hay ninguna cuenta activa de su país con ese nombre de usuario."
    assert msg in a.content.decode() and msg in b.content.decode()


# --- revocation, suspension, expiry -------------------------------------------------------------------

def test_a_revoked_focal_point_gets_nothing_cross_border_even_after_a_fresh_login(world):
    w = world
    person = w["person"]
    web, api = f.verified_client(person), _api(person)
    assert all(cross_border_reads(web, api, w).values())

    r = _api(w["gtm_chancery"]).post(f"/api/v1/directory/contacts/{w['contact'].pk}/revoke/",
                                     {"reason": "Cambio de funciones"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "revoked"

    # The next request: the old session and token open nothing.
    r = web.get(DOSSIERS_PAGE)
    assert r.status_code == 302 and r["Location"].startswith("/cuenta/entrar/")
    assert api.get(DOSSIERS_API).status_code == 401
    # The login page says why.
    login = web.get(r["Location"]).content.decode()
    assert "Su autorización como punto focal fue revocada por la Cancillería el" in login

    # A fresh login (same browser) and a new token: only Guatemala.
    web = _fresh_login(person, web)
    api = _api(person)
    seen = cross_border_reads(web, api, w)
    assert not any(seen.values()), seen
    assert all(own_country_reads(web, api, w).values())
    home = web.get("/inicio/").content.decode()
    assert 'id="standing-banner"' in home and "Su autorización no está vigente" in home
    assert "revocó su autorización" in home
    # Signed in again, the notice is read: the login page no longer repeats it.
    web.post("/cuenta/salir/")
    assert "fue revocada" not in web.get("/cuenta/entrar/").content.decode()


def test_the_same_probe_finds_the_reads_when_standing_is_not_checked(world, monkeypatch):
    """The test of the test: with the standing check broken, the revoked official reads across borders."""
    w = world
    from enlace.directory.actions import do_revoke_contact

    do_revoke_contact(w["gtm_chancery"], w["contact"], reason="Cambio de funciones")
    monkeypatch.setattr("enlace.directory.policy.is_authorised_focal_point", lambda user: True)
    web = _fresh_login(w["person"])
    seen = cross_border_reads(web, _api(w["person"]), w)
    assert all(seen.values()), seen


@pytest.mark.parametrize("step,phrase", [("suspend", "fue suspendida por la Cancillería"),
                                         ("revoke", "fue revocada por la Cancillería")])
def test_suspension_and_revocation_act_on_the_next_request_and_are_explained(world, step, phrase):
    w = world
    web, api = f.verified_client(w["person"]), _api(w["person"])
    r = _api(w["gtm_chancery"]).post(f"/api/v1/directory/contacts/{w['contact'].pk}/{step}/", {"reason": "Motivo"},
                                     format="json")
    assert r.status_code == 200, r.content
    r = web.get("/inicio/")
    assert r.status_code == 302
    assert phrase in web.get(r["Location"]).content.decode()
    assert api.get(f"{DOSSIERS_API}{w['foreign_case'].pk}/").status_code == 401


def test_expiry_acts_by_the_dates_even_before_the_clock_runs(world, time_machine):
    w = world
    api = _api(w["person"], days=1000)  # the token outlives the authorisation
    assert api.get(f"{DOSSIERS_API}{w['foreign_case'].pk}/").status_code == 200
    valid_until = w["contact"].valid_until
    time_machine.move_to(datetime.datetime.combine(valid_until + datetime.timedelta(days=1), datetime.time(12)),
                         tick=False)
    # No periodic task has run: the entry still says "active", the dates decide.
    assert Contact.objects.restrict(w["admin"], "view").get(pk=w["contact"].pk).status == "active"
    assert api.get(f"{DOSSIERS_API}{w['foreign_case'].pk}/").status_code == 404
    assert api.get(f"{DOSSIERS_API}{w['own_case'].pk}/").status_code == 200


# --- the standing check itself ---------------------------------------------------------------------------

def test_standing_is_one_query_and_needs_an_entry_of_the_users_own_country(world):
    person = world["person"]
    with CaptureQueriesContext(connection) as ctx:
        assert is_authorised_focal_point(person)
    assert len(ctx.captured_queries) == 1
    # An account moved to another country does not carry Guatemala's authorisation.
    from enlace.accounts.models import User

    User.objects.filter(pk=person.pk).update(institution=f.institution("HND"))
    person.refresh_from_db()
    assert not is_authorised_focal_point(person)
    User.objects.filter(pk=person.pk).update(institution=world["admin"].institution, is_active=False)
    person.refresh_from_db()
    assert not is_authorised_focal_point(person)


def test_the_banner_shows_only_to_officials_without_standing():
    without = f.user("PAN", "focal_point", authorised=False)
    html = f.verified_client(without).get("/inicio/").content.decode()
    assert 'id="standing-banner"' in html and "No tiene una entrada autorizada" in html
    assert 'id="standing-banner"' not in f.verified_client(f.user("PAN", "focal_point")).get("/inicio/").content.decode()
    auditor = f.user("CRM", "auditor", inst=f.institution("CRM", Institution.Type.SECRETARIAT), authorised=False)
    assert 'id="standing-banner"' not in f.verified_client(auditor).get("/inicio/").content.decode()
    # In English too.
    html = f.verified_client(without).get("/inicio/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your authorisation is not in force" in html


def test_one_audit_event_per_decision_and_none_for_opening_the_edit_form(world):
    from enlace.audit.models import AuditEvent

    w = world
    cid = str(w["contact"].pk)
    about = lambda: list(AuditEvent.objects.filter(object_type="directory.contact", object_id=cid)  # noqa: E731
                         .order_by("seq").values_list("kind", flat=True))
    start = len(about())
    assert f.verified_client(w["admin"]).get(f"/directorio/contacto/{cid}/editar/").status_code == 200
    assert about()[start:] == []
    r = f.verified_client(w["gtm_chancery"]).post(f"/directorio/contacto/{cid}/suspender/", {"reason": "Revisión"})
    assert r.status_code == 302
    assert about()[start:] == ["write"]


def test_api_decisions_write_one_audit_event(world):
    from enlace.audit.models import AuditEvent

    w = world
    cid = str(w["contact"].pk)
    about = lambda: list(AuditEvent.objects.filter(object_type="directory.contact", object_id=cid)  # noqa: E731
                         .order_by("seq").values_list("kind", flat=True))
    api = _api(w["gtm_chancery"])
    for step in ("suspend", "revoke"):
        start = len(about())
        r = api.post(f"/api/v1/directory/contacts/{cid}/{step}/", {"reason": "Motivo"}, format="json")
        assert r.status_code == 200, r.content
        assert about()[start:] == ["write"], step
    assert api.post("/api/v1/directory/contacts/abc/revoke/", {"reason": "x"}, format="json").status_code == 404


def test_the_card_names_the_superior_only_if_the_reader_may_see_them(world):
    """A network entry that reports to a proposal does not show the proposal's name abroad."""
    from enlace.directory.actions import do_update_contact

    from .helpers import propose

    w = world
    boss = propose(w["admin"], first_name="Jefa", last_name="Propuesta")
    c = w["contact"]
    do_update_contact(w["admin"], c, {"reports_to": boss, "first_name": c.first_name, "last_name": c.last_name,
                                      "position": c.position, "areas": c.area_list, "languages": c.language_list,
                                      "email": c.email, "phone": c.phone, "user": c.user})
    card = f"/directorio/contacto/{c.pk}/"
    assert "Propuesta" in f.verified_client(w["admin"]).get(card).content.decode()
    abroad = f.verified_client(f.user("HND", "focal_point")).get(card)
    assert abroad.status_code == 200 and "Propuesta" not in abroad.content.decode()


def test_a_renewal_does_not_hand_an_expired_authorisation_to_a_new_holder(world, time_machine):
    from enlace.directory.tasks import run_directory_tasks

    w = world
    later = w["contact"].valid_until + datetime.timedelta(days=2)
    time_machine.move_to(datetime.datetime.combine(later, datetime.time(12)), tick=False)
    run_directory_tasks()
    newcomer = f.user("GTM", "focal_point", authorised=False)
    r = _api(w["admin"]).patch(f"/api/v1/directory/contacts/{w['contact'].pk}/", {"username": newcomer.username},
                               format="json")
    assert r.status_code == 200 and r.json()["status"] == "proposed", r.content
    r = _api(w["gtm_chancery"]).post(f"/api/v1/directory/contacts/{w['contact'].pk}/renew/",
                                     {"valid_until": str(later + datetime.timedelta(days=100))}, format="json")
    assert r.status_code == 400
    assert not is_authorised_focal_point(newcomer)
