"""Dates typed in the page's order outside exchange/directory (issue 15, part 3): a Spanish page takes
dd/mm/aaaa, an English page mm/dd/yyyy, ISO always; a date that only makes sense in the other order is
refused with a message, never swapped. Through HTTP, on a hand-written form (teams), a filter (audit),
and a GET field (centres dashboard)."""

from __future__ import annotations

import datetime

import pytest

from enlace.testing import factories as f

pytestmark = pytest.mark.django_db


def test_team_dates_in_spanish_order_and_other_order_refused():
    from enlace.teams.models import JointTeam

    client = f.verified_client(f.user("GTM", "focal_point"))
    page = client.get("/equipos/nuevo/").content.decode()
    assert 'placeholder="dd/mm/aaaa"' in page and 'type="date"' not in page
    base = {"name": "ECI", "purpose": "Red", "countries": ["HND"]}
    r = client.post("/equipos/nuevo/", {**base, "starts_on": "01/13/2026", "ends_on": "02/25/2026"})
    assert r.status_code == 400 and "mes/día/año" in r.content.decode()
    assert 'value="01/13/2026"' in r.content.decode()  # what was typed stays
    assert JointTeam.objects.unrestricted(reason="test").count() == 0
    r = client.post("/equipos/nuevo/", {**base, "starts_on": "13/01/2026", "ends_on": "25/02/2026"})
    assert r.status_code in (200, 302), r.content.decode()[:500]
    team = JointTeam.objects.unrestricted(reason="test").get()
    assert (team.starts_on, team.ends_on) == (datetime.date(2026, 1, 13), datetime.date(2026, 2, 25))


def test_audit_filter_takes_the_page_order():
    auditor = f.user("CRM", "auditor", inst=f.institution("CRM"))
    c = f.verified_client(auditor)
    page = c.get("/auditoria/").content.decode()
    assert 'type="date"' not in page and 'placeholder="dd/mm/aaaa"' in page
    assert c.get("/auditoria/", {"since": "13/01/2026"}).status_code == 200
    r = c.get("/auditoria/", {"since": "01/13/2026"})
    assert "mes/día/año" in r.content.decode()


def test_centres_dashboard_date_in_page_order():
    from enlace.centres.tests.helpers import manager

    client = f.verified_client(manager("GTM"))
    assert client.get("/centros/ocupacion/?date=13/01/2026").status_code == 200
    assert client.get("/centros/ocupacion/?date=2026-01-13").status_code == 200  # export links stay ISO
    r = client.get("/centros/ocupacion/?date=01/13/2026")
    assert r.status_code == 400 and "mes/día/año" in r.content.decode()
    en = f.verified_client(manager("GTM"))
    en.cookies["django_language"] = "en"
    assert en.get("/centros/ocupacion/?date=01/13/2026", HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    r = en.get("/centros/ocupacion/?date=13/01/2026", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and "day/month/year" in r.content.decode()


def test_exchange_deadline_in_page_order_and_senders_zone():
    from enlace.exchange.models import Thread
    from enlace.exchange.tests.helpers import focal

    cri = focal("CRI")
    focal("PAN")
    cri.time_zone = "America/Guatemala"  # UTC−6 all year
    cri.save(update_fields=["time_zone"])
    client = f.verified_client(cri)
    page = client.get("/intercambio/nuevo/").content.decode()
    assert 'type="datetime-local"' not in page and 'placeholder="dd/mm/aaaa hh:mm"' in page
    assert "hora de Guatemala" in page  # the zone the deadline is read in, named next to the field
    data = {"kind": "info_request", "subject": "Plazo", "recipient_countries": ["PAN"], "priority": "normal",
            "source_grading": "B", "info_grading": "2", "body": "B", "d_info_request_questions": "¿Q?",
            "handling_no_judicial_use": "on", "handling_no_onward_sharing": "on", "send": "1"}
    r = client.post("/intercambio/nuevo/", {**data, "idempotency_key": "k-bad", "due_at": "01/13/2099 14:30"})
    assert r.status_code == 400 and "mes/día/año" in r.content.decode()
    assert 'value="01/13/2099 14:30"' in r.content.decode()
    r = client.post("/intercambio/nuevo/", {**data, "idempotency_key": "k-ok", "due_at": "13/01/2099 14:30"})
    assert r.status_code == 302, r.content.decode()[:300]
    thread = Thread.objects.unrestricted(reason="test").get(subject="Plazo")
    assert thread.due_at == datetime.datetime(2099, 1, 13, 20, 30, tzinfo=datetime.UTC)
