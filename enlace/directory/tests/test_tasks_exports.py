"""Reminders and expiry (periodic task), exports (audited), data quality, key actors, demo."""

import datetime
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from enlace.audit.models import AuditEvent
from enlace.directory.actions import do_authorise_contact, do_consent_public_listing
from enlace.directory.models import Contact, PublicKeyActor
from enlace.directory.policy import is_authorised_focal_point
from enlace.notifications.models import Notification
from enlace.testing import factories as f

from .helpers import authorised, chancery, propose

pytestmark = pytest.mark.django_db


def _run():
    out = io.StringIO()
    call_command("run-periodic", stdout=out)
    return out.getvalue()


def test_reminders_30_and_7_days_once_each_then_expiry_ends_access(time_machine):
    import zoneinfo

    gt = zoneinfo.ZoneInfo("America/Guatemala")  # settings.TIME_ZONE: the dates the clock works with
    person, ch = f.user("PAN", "focal_point", authorised=False), chancery("PAN")
    admin = f.user("PAN", "focal_point")
    today = datetime.datetime.now(gt).date()
    until = today + datetime.timedelta(days=25)
    contact = do_authorise_contact(ch, propose(admin, user=person), valid_until=until)
    reminders = lambda u: Notification.objects.filter(recipient=u, kind="directory.reminder").count()  # noqa: E731

    assert "'reminders': 1" in _run()
    assert reminders(person) == 1 and reminders(ch) == 1
    _run()
    assert reminders(person) == 1  # idempotent: not sent twice
    time_machine.move_to(datetime.datetime.combine(today + datetime.timedelta(days=20), datetime.time(9), gt))
    _run()
    _run()
    assert reminders(person) == 2 and reminders(ch) == 2  # the 7-day reminder, once

    # Last minutes of the last valid day: the person is still in.
    time_machine.move_to(datetime.datetime.combine(until, datetime.time(23, 50), gt), tick=False)
    session, token = f.verified_client(person), f.token_client(person)
    assert "'expired': 0" in _run()
    assert session.get("/directorio/").status_code == 200 and token.get("/api/v1/me/").status_code == 200
    time_machine.move_to(datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time(0, 5), gt),
                         tick=False)
    assert "'expired': 1" in _run()
    contact.refresh_from_db()
    assert contact.status == "expired" and contact.distribution != "network"
    assert not is_authorised_focal_point(person)
    assert session.get("/directorio/").status_code == 302
    assert token.get("/api/v1/me/").status_code == 401
    assert Notification.objects.filter(recipient=ch, kind="directory.expired").exists()
    assert f.verified_client(f.user("MEX", "focal_point")).get(f"/directorio/contacto/{contact.pk}/").status_code == 404


def test_exports_xlsx_and_vcard_are_audited_and_policy_bound():
    mine = authorised(f.user("DOM", "focal_point"), last_name="Visible")
    hidden = propose(f.user("NIC", "focal_point"), last_name="Oculto")
    reader = f.user("CRI", "analyst")
    web = f.verified_client(reader)
    r = web.get("/directorio/exportar.xlsx?country=DOM")
    assert r.status_code == 200
    text = " ".join(str(v) for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True)
                    for v in row if v)
    assert "Visible" in text and "Oculto" not in text
    r = web.get("/directorio/exportar.vcf")
    body = r.content.decode()
    assert r["Content-Type"].startswith("text/vcard")
    assert "BEGIN:VCARD" in body and f"TEL;TYPE=WORK,VOICE:{mine.phone}" in body and "Oculto" not in body
    r = web.get(f"/directorio/contacto/{mine.pk}/vcard/")
    assert "FN:" in r.content.decode()
    assert web.get(f"/directorio/contacto/{hidden.pk}/vcard/").status_code == 404
    events = AuditEvent.objects.filter(kind="export", object_type="directory.contact", actor=reader)
    assert events.count() == 3
    assert sorted(e.detail.get("format", "one") for e in events) == ["one", "vcard", "xlsx"]


def test_pdf_directory_for_the_st_only():
    authorised(f.user("BLZ", "focal_point"), last_name="Imprimible")
    st = f.user("CRM", "st", inst=f.institution("CRM", "secretariat"))
    r = f.verified_client(st).get("/directorio/directorio.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    from pypdf import PdfReader

    assert "Imprimible" in "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert f.verified_client(f.user("BLZ", "focal_point")).get("/directorio/directorio.pdf").status_code == 403


def test_data_quality_page_shows_stale_gaps_and_duplicates(time_machine):
    st = f.user("CRM", "st", inst=f.institution("CRM", "secretariat"))
    old = authorised(f.user("GTM", "focal_point"), last_name="Antiguo")
    Contact.objects.filter(pk=old.pk).update(confirmed_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    gtm = f.user("GTM", "focal_point", inst=f.institution("GTM", "migration"))
    hnd = f.user("HND", "focal_point")
    a = authorised(hnd, first_name="Rita", last_name="Duarte", email="rita@example.org")
    b = authorised(gtm, first_name="Rita", last_name="Duarte", email="RITA@example.org".lower().replace("rita", "r2"))
    # The same e-mail in two countries (each country checks only what it can see).
    from enlace.directory.models import Contact as C

    C.objects.filter(pk=b.pk).update(email=a.email)
    r = f.verified_client(st).get("/directorio/calidad/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "Antiguo" in html.split('id="stale"')[1].split("</section>")[0]
    assert "mismo correo" in html and f"n.º {a.pk}" in html and f"n.º {b.pk}" in html
    assert 'id="quality-data"' in html  # chart data, rendered by the vendored Chart.js
    assert f.verified_client(hnd).get("/directorio/calidad/").status_code == 403


def test_key_actor_needs_consent_and_st_approval_and_shows_institutional_data_only():
    from rest_framework.test import APIClient

    person, admin = f.user("MEX", "focal_point", authorised=False), f.user("MEX", "focal_point")
    contact = authorised(admin, user=person, first_name="Valeria", last_name="Secreta")
    st = f.user("CRM", "st", inst=f.institution("CRM", "secretariat"))
    # Someone else cannot consent for the person: for them that decision does not exist (404, was 403).
    r = f.verified_client(admin).post(f"/directorio/contacto/{contact.pk}/consentimiento/",
                                      {"consent": "on", "public_email": "info@inm.gob.mx"})
    assert r.status_code == 404
    r = f.verified_client(person).post(f"/directorio/contacto/{contact.pk}/consentimiento/",
                                       {"consent": "on", "public_email": "info@inm.gob.mx"})
    assert r.status_code == 302
    actor = PublicKeyActor.objects.get(contact=contact)
    assert APIClient().get("/api/v1/directory/key-actors/").json()["count"] == 0  # not before the ST approves
    r = f.verified_client(st).post(f"/directorio/actores-clave/{actor.pk}/aprobar/")
    assert r.status_code == 302
    body = APIClient().get("/api/v1/directory/key-actors/").json()
    assert body["count"] == 1
    text = str(body)
    assert "info@inm.gob.mx" in text and contact.position in text
    assert "Valeria" not in text and "Secreta" not in text and contact.email not in text and contact.phone not in text
    # Revocation takes the key actor off the portal.
    from enlace.directory.actions import do_revoke_contact

    do_revoke_contact(chancery("MEX"), contact, reason="Fin de funciones")
    assert APIClient().get("/api/v1/directory/key-actors/").json()["count"] == 0


def test_consent_refuses_personal_work_email():
    person, admin = f.user("MEX", "focal_point", authorised=False), f.user("MEX", "focal_point")
    contact = authorised(admin, user=person)
    with pytest.raises(Exception) as exc:
        do_consent_public_listing(person, contact, public_email=contact.email)
    assert "genérico" in str(exc.value)


def test_demo_loader_links_users_and_leaves_one_pending_and_one_expiring():
    from enlace.core.demo import load_core_demo
    from enlace.directory.demo import load_directory_demo

    load_core_demo()
    load_directory_demo(io.StringIO())
    active = Contact.objects.filter(status="active")
    assert active.filter(user__username="enlace.gtm").exists() and active.filter(user__username="fiscal.gtm").exists()
    # Every member country and the ST (CRM) has authorised entries.
    assert active.values("owner_institution__country").distinct().count() == 12
    assert Contact.objects.filter(status="proposed", owner_institution__country__code="HND").count() == 1
    soon = datetime.date.today() + datetime.timedelta(days=30)
    assert active.filter(valid_until__lte=soon).count() == 1
    load_directory_demo(io.StringIO())  # idempotent
    assert Contact.objects.count() == 11 * 4 + 2 + 1
    # Every demo account that works across borders has standing; the auditor has none and needs none.
    from enlace.accounts.models import User
    from enlace.directory.policy import is_authorised_focal_point

    demo = User.objects.filter(email__endswith="@demo.crm.invalid")
    without = sorted(u.username for u in demo if not is_authorised_focal_point(u))
    assert without == ["auditor.crm"]
    assert {"st.crm", "editor.crm", "cancilleria.mex", "analista.pan", "fiscal.cri"} <= {
        u.username for u in demo if is_authorised_focal_point(u)}


def test_a_demo_account_created_after_the_directory_loader_gets_its_entry():
    """Other apps' demo loaders (e.g. centre managers) call give_demo_entry; it is idempotent."""
    from enlace.accounts.actions import do_create_user
    from enlace.core.demo import load_core_demo
    from enlace.directory.demo import give_demo_entry, load_directory_demo
    from enlace.directory.policy import is_authorised_focal_point

    load_core_demo()
    load_directory_demo(io.StringIO())
    inst = f.institution("GTM", "migration")
    manager = do_create_user(None, username="centros.gtm", institution=inst, roles=["centre_manager"],
                             first_name="Centros", last_name="GTM", email="centros.gtm@demo.crm.invalid")
    assert not is_authorised_focal_point(manager)
    assert give_demo_entry(manager) is not None
    assert is_authorised_focal_point(manager)
    assert give_demo_entry(manager) is None
    auditor = f.user("CRM", "auditor", inst=f.institution("CRM", "secretariat"), authorised=False)
    assert give_demo_entry(auditor) is None and not is_authorised_focal_point(auditor)
