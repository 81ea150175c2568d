"""Writes and decisions on implementation reports from other countries, institutions and roles: 404, nothing changed.

Who may do what is declared once (``ImplementationReport.write_rules``): the drafting institution edits,
submits and shares; the Cancillería of its country or the ST (when the report reaches it) validates.
"""

import datetime

import pytest
from django.utils import timezone

from enlace.audit.models import AuditEvent
from enlace.core.models import Institution
from enlace.knowledge.actions import do_save_report, do_submit_report, resolve_action
from enlace.knowledge.models import ImplementationReport, ReportingRound
from enlace.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    today = timezone.localdate()
    rnd = ReportingRound.objects.create(title="Ronda", period="2026", opens_on=today - datetime.timedelta(days=1),
                                        deadline=today + datetime.timedelta(days=9))
    hnd_fp = f.user("HND", "focal_point")
    return {
        "round": rnd,
        "owner": hnd_fp,
        "hnd_cancilleria": f.user("HND", "cancilleria", inst=f.institution("HND", Institution.Type.FOREIGN_MINISTRY)),
        "hnd_other_institution": f.user("HND", "focal_point", inst=f.institution("HND", Institution.Type.MIGRATION)),
        "hnd_analyst": f.user("HND", "analyst"),
        "hnd_prosecutor": f.user("HND", "prosecutor"),
        "gtm_focal": f.user("GTM", "focal_point"),
        "gtm_cancilleria": f.user("GTM", "cancilleria", inst=f.institution("GTM", Institution.Type.FOREIGN_MINISTRY)),
        "st": f.user("CRM", "st"),
    }


def submitted_report(world, distribution):
    report = do_save_report(world["owner"], round=world["round"], action=resolve_action("1.4"), status="implemented",
                            narrative="Avance verificable", distribution=distribution)
    return do_submit_report(world["owner"], report)


def attempts(report):
    """Every write and decision, by page and by API: (label, client kind, method, url, data)."""
    pk = report.pk
    return [
        ("page edit", "web", "post", f"/conocimiento/reportes/{pk}/editar/",
         {"round": report.round_id, "target": "1.4", "status": "not_started", "narrative": "cambiado",
          "distribution": "country"}),
        ("page submit", "web", "post", f"/conocimiento/reportes/{pk}/enviar/", {}),
        ("page validate", "web", "post", f"/conocimiento/reportes/{pk}/validar/", {"decision": "approve", "note": ""}),
        ("page share", "web", "post", f"/conocimiento/reportes/{pk}/compartir/", {"distribution": "country"}),
        ("api edit", "api", "patch", f"/api/v1/implementation-reports/{pk}/", {"narrative": "cambiado"}),
        ("api submit", "api", "post", f"/api/v1/implementation-reports/{pk}/submit/", {}),
        ("api validate", "api", "post", f"/api/v1/implementation-reports/{pk}/validate/", {"decision": "approve"}),
        ("api share", "api", "post", f"/api/v1/implementation-reports/{pk}/share/", {"distribution": "country"}),
    ]


def state_of(report):
    r = ImplementationReport.objects.unrestricted(reason="test: compare before and after").get(pk=report.pk)
    return (r.state, r.narrative, r.status, r.distribution, r.validated_by_id)


def run(user, label, kind, method, url, data):
    client = f.verified_client(user) if kind == "web" else f.token_client(user)
    return getattr(client, method)(url, data, **({"format": "json"} if kind == "api" else {}))


@pytest.mark.parametrize("who", ["hnd_other_institution", "hnd_analyst", "hnd_prosecutor", "gtm_focal",
                                 "gtm_cancilleria", "st"])
def test_nobody_else_writes_or_decides_on_a_shared_report(world, who):
    # Shared with the network: every one of them can read it, none may act on it (the ST may only validate).
    report = submitted_report(world, "network")
    before, events = state_of(report), AuditEvent.objects.filter(kind="write").count()
    user = world[who]
    assert f.verified_client(user).get(f"/conocimiento/reportes/{report.pk}/").status_code == 200
    for label, kind, method, url, data in attempts(report):
        if who == "st" and label.endswith("validate"):
            continue  # the ST validates what reached it: shown below
        r = run(user, label, kind, method, url, data)
        assert r.status_code == 404, (who, label, r.status_code)
        if kind == "api":
            assert r.json()["error"]["status"] == 404
        assert state_of(report) == before, (who, label)
    assert AuditEvent.objects.filter(kind="write").count() == events


@pytest.mark.parametrize("who", ["st", "gtm_cancilleria"])
def test_a_report_kept_in_its_country_cannot_be_validated_from_outside(world, who):
    report = submitted_report(world, "country")
    for label, kind, method, url, data in attempts(report):
        r = run(world[who], label, kind, method, url, data)
        assert r.status_code == 404, (who, label, r.status_code)
    assert state_of(report)[0] == "submitted"


def test_the_st_validates_a_report_shared_with_it_and_the_page_offers_it(world):
    report = submitted_report(world, "network")
    client = f.verified_client(world["st"])
    assert "Registrar decisión" in client.get(f"/conocimiento/reportes/{report.pk}/").content.decode()
    r = client.post(f"/conocimiento/reportes/{report.pk}/validar/", {"decision": "approve", "note": ""})
    assert r.status_code == 302
    assert state_of(report)[0] == "validated"
    assert AuditEvent.objects.filter(object_type="knowledge.implementationreport", object_id=str(report.pk),
                                     detail__do="do_validate_report").count() == 1


def test_buttons_follow_the_policy(world):
    report = submitted_report(world, "network")
    page = f.verified_client(world["gtm_cancilleria"]).get(f"/conocimiento/reportes/{report.pk}/").content.decode()
    assert "Registrar decisión" not in page and "Compartir con la red" not in page and "Dejar de compartir" not in page
    own = f.verified_client(world["hnd_cancilleria"]).get(f"/conocimiento/reportes/{report.pk}/").content.decode()
    assert "Registrar decisión" in own


def test_opening_the_edit_form_logs_nothing_and_saving_logs_once(world):
    owner = world["owner"]
    report = do_save_report(owner, round=world["round"], action=resolve_action("1.4"), status="in_progress",
                            narrative="Borrador", distribution="country")
    client = f.verified_client(owner)
    before = AuditEvent.objects.count()
    assert client.get(f"/conocimiento/reportes/{report.pk}/editar/").status_code == 200
    assert AuditEvent.objects.count() == before
    r = client.post(f"/conocimiento/reportes/{report.pk}/editar/", {
        "round": world["round"].pk, "target": "1.4", "status": "in_progress", "narrative": "Segundo borrador",
        "distribution": "country"})
    assert r.status_code == 302
    new = AuditEvent.objects.filter(seq__gt=0).order_by("-seq")[:1].get()
    assert AuditEvent.objects.count() == before + 1 and new.detail["do"] == "do_save_report"
    assert new.object_repr == f"reporte de implementación #{report.pk}"


def test_who_has_reported_is_cross_border_news(world):
    """An official without a Cancillería authorisation in force sees only their own country among those reported."""
    import re

    submitted_report(world, "country")  # Honduras reported
    page = lambda user: f.verified_client(user).get("/conocimiento/rondas/").content.decode()  # noqa: E731
    assert re.search(r"Honduras|HND", page(f.user("GTM", "focal_point")))
    assert not re.search(r"Honduras|HND", page(f.user("GTM", "focal_point", authorised=False)))
    assert re.search(r"Honduras|HND", page(f.user("HND", "analyst", authorised=False)))
