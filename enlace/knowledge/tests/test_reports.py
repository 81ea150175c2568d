"""Implementation reports through the web pages: filing, validation, sharing, heat map, exports, rounds."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from enlace.audit.models import AuditEvent
from enlace.core.models import Institution
from enlace.knowledge.models import ActionLink, ImplementationReport, RoundReminder, Tagging
from enlace.notifications.models import Notification
from enlace.sharing.testing import export_text
from enlace.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def hnd():
    focal = f.user("HND", "focal_point")
    cancilleria = f.user("HND", "cancilleria", inst=f.institution("HND", Institution.Type.FOREIGN_MINISTRY))
    return focal, cancilleria


def file_report(client, rnd, target="1.4", *, submit=True, distribution="country", **extra):
    data = {"round": rnd.pk, "target": target, "status": "implemented",
            "narrative": "Directorio nacional de puntos focales actualizado (prueba HND).",
            "responsible_institution": "Policía Nacional", "next_steps": "Revisión semestral",
            "distribution": distribution, **extra}
    if submit:
        data["enviar"] = "1"
    return client.post("/conocimiento/reportes/nuevo/", data)


def heat_cell(html, country, key):
    m = re.search(rf'<td class="hm hm-(\w+)" data-country="{country}" data-action="{re.escape(key)}">', html)
    return m.group(1) if m else None


def test_file_validate_heatmap_export_and_visibility(hnd, open_round):
    focal, cancilleria = hnd
    client = f.verified_client(focal)
    r = file_report(client, open_round)
    assert r.status_code == 302, r.content.decode()[:2000]
    report = ImplementationReport.objects.get(action__key="1.4", owner_institution=focal.institution)
    assert report.state == "submitted" and report.distribution == "country"
    # The Cancillería of Honduras is told, and validates.
    assert Notification.objects.filter(recipient=cancilleria, kind="knowledge.to_validate").exists()
    cc = f.verified_client(cancilleria)
    page = cc.get(f"/conocimiento/reportes/{report.pk}/").content.decode()
    assert "Registrar decisión" in page
    r = cc.post(f"/conocimiento/reportes/{report.pk}/validar/", {"decision": "approve", "note": ""})
    assert r.status_code == 302
    report.refresh_from_db()
    assert report.state == "validated" and report.validated_by == cancilleria
    assert AuditEvent.objects.filter(object_type="knowledge.implementationreport", object_id=str(report.pk),
                                     detail__verdict="approved", detail__do="do_validate_report").count() == 1
    # Heat map and XLSX export of Honduras show it.
    html = client.get("/conocimiento/tablero/").content.decode()
    assert heat_cell(html, "HND", "1.4") == "implemented"
    assert heat_cell(html, "HND", "1.5") == "none"
    text = export_text(client.get("/conocimiento/reportes/exportar/"))
    assert "Directorio nacional de puntos focales actualizado (prueba HND)." in text
    assert "Implementada" in text
    # Mexico does not see a national report…
    mex = f.verified_client(f.user("MEX", "focal_point"))
    assert mex.get(f"/conocimiento/reportes/{report.pk}/").status_code == 404
    assert heat_cell(mex.get("/conocimiento/tablero/").content.decode(), "HND", "1.4") == "none"
    assert "prueba HND" not in export_text(mex.get("/conocimiento/reportes/exportar/"))
    # …until Honduras shares it with the network.
    r = client.post(f"/conocimiento/reportes/{report.pk}/compartir/", {"distribution": "network"})
    assert r.status_code == 302
    assert mex.get(f"/conocimiento/reportes/{report.pk}/").status_code == 200
    assert heat_cell(mex.get("/conocimiento/tablero/").content.decode(), "HND", "1.4") == "implemented"
    assert "prueba HND" in export_text(mex.get("/conocimiento/reportes/exportar/"))
    pdf = export_text(mex.get("/conocimiento/tablero/informe.pdf"))
    assert "Informe de avance del Plan de Trabajo" in pdf and "HND" in pdf


def test_action_that_does_not_exist_keeps_what_was_typed(hnd, open_round):
    focal, _c = hnd
    client = f.verified_client(focal)
    r = file_report(client, open_round, target="9.99", narrative="Texto que no debe perderse")
    assert r.status_code == 400
    html = r.content.decode()
    assert "La acción «9.99» no existe en el Plan de Trabajo 2019–2025." in html
    assert "Texto que no debe perderse" in html
    assert not ImplementationReport.objects.filter(owner_institution=focal.institution).exists()


def test_forbidden_or_too_large_evidence_keeps_the_draft(hnd, open_round, settings):
    focal, _c = hnd
    client = f.verified_client(focal)
    exe = SimpleUploadedFile("malware.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    r = file_report(client, open_round, submit=False, evidence_file=exe)
    assert r.status_code == 400
    assert "Tipo de archivo no permitido" in r.content.decode()
    report = ImplementationReport.objects.get(owner_institution=focal.institution, action__key="1.4")
    assert report.state == "draft" and "prueba HND" in report.narrative and not report.evidence.exists()
    settings.ENLACE_MAX_UPLOAD_BYTES = 1024 * 1024
    big = SimpleUploadedFile("informe.txt", b"a" * (1024 * 1024 + 10), content_type="text/plain")
    r = client.post(f"/conocimiento/reportes/{report.pk}/editar/", {
        "round": open_round.pk, "target": "1.4", "status": "in_progress", "narrative": "Segundo borrador",
        "distribution": "country", "evidence_file": big})
    assert r.status_code == 400 and "supera el tamaño máximo de 1 MB" in r.content.decode()
    report.refresh_from_db()
    assert report.narrative == "Segundo borrador" and report.status == "in_progress"
    # A valid PDF is stored encrypted and downloadable by whoever may read the report.
    ok = SimpleUploadedFile("acta.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", content_type="application/pdf")
    r = client.post(f"/conocimiento/reportes/{report.pk}/editar/", {
        "round": open_round.pk, "target": "1.4", "status": "in_progress", "narrative": "Con acta",
        "distribution": "country", "evidence_file": ok, "evidence_title": "Acta"})
    assert r.status_code == 302
    ev = report.evidence.get()
    assert client.get(f"/conocimiento/reportes/{report.pk}/evidencias/{ev.pk}/").content.startswith(b"%PDF")
    other = f.verified_client(f.user("MEX", "focal_point"))
    assert other.get(f"/conocimiento/reportes/{report.pk}/evidencias/{ev.pk}/").status_code == 404


def test_validation_by_another_countrys_cancilleria_is_refused(hnd, open_round):
    focal, _c = hnd
    client = f.verified_client(focal)
    file_report(client, open_round, distribution="network")
    report = ImplementationReport.objects.get(owner_institution=focal.institution)
    gtm = f.user("GTM", "cancilleria", inst=f.institution("GTM", Institution.Type.FOREIGN_MINISTRY))
    gc = f.verified_client(gtm)
    assert "Registrar decisión" not in gc.get(f"/conocimiento/reportes/{report.pk}/").content.decode()
    # A decision the policy does not give them: the same 404 as for a report that does not exist.
    r = gc.post(f"/conocimiento/reportes/{report.pk}/validar/", {"decision": "approve"})
    assert r.status_code == 404
    report.refresh_from_db()
    assert report.state == "submitted"
    # A national report of Honduras does not even exist for Guatemala.
    f.verified_client(focal).post(f"/conocimiento/reportes/{report.pk}/compartir/", {"distribution": "country"})
    assert gc.get(f"/conocimiento/reportes/{report.pk}/").status_code == 404
    assert gc.post(f"/conocimiento/reportes/{report.pk}/validar/", {"decision": "approve"}).status_code == 404


def test_report_after_the_round_closed_is_kept_as_draft(hnd, open_round):
    focal, _c = hnd
    open_round.deadline = timezone.localdate() - datetime.timedelta(days=1)
    open_round.save()
    client = f.verified_client(focal)
    r = file_report(client, open_round, narrative="Trabajo tardío pero guardado")
    assert r.status_code == 400
    html = r.content.decode()
    assert "ya no puede enviarse" in html and "Trabajo tardío pero guardado" in html
    report = ImplementationReport.objects.get(owner_institution=focal.institution)
    assert report.state == "draft" and report.narrative == "Trabajo tardío pero guardado"


def test_rounds_missing_countries_and_reminders(hnd, open_round):
    focal, cancilleria = hnd
    st = f.user("CRM", "st")
    file_report(f.verified_client(focal), open_round)
    mex_focal = f.user("MEX", "focal_point")
    client = f.verified_client(st)
    html = client.get("/conocimiento/rondas/").content.decode()
    missing = re.search(r'<td class="k-missing">(.*?)</td>', html, re.S).group(1)
    assert "MEX" in missing and "HND" not in missing
    mail.outbox.clear()
    r = client.post(f"/conocimiento/rondas/{open_round.pk}/recordar/")
    assert r.status_code == 302
    assert Notification.objects.filter(recipient=mex_focal, kind="knowledge.reminder").exists()
    assert not Notification.objects.filter(recipient=focal, kind="knowledge.reminder").exists()
    assert any(mex_focal.email in m.to for m in mail.outbox) or not mex_focal.email
    # Periodic task: within 14 days of the deadline, once per stage and country.
    out = io.StringIO()
    call_command("run-periodic", stdout=out)
    first = RoundReminder.objects.filter(stage="auto-14d").count()
    assert first >= 1
    call_command("run-periodic", stdout=io.StringIO())
    assert RoundReminder.objects.filter(stage="auto-14d").count() == first
    # Only the ST manages rounds.
    assert f.verified_client(focal).post(f"/conocimiento/rondas/{open_round.pk}/recordar/").status_code == 403


def test_st_creates_a_round_with_clear_errors():
    st = f.verified_client(f.user("CRM", "st"))
    r = st.post("/conocimiento/rondas/", {"title": "Ronda 2026", "period": "2026", "opens_on": "2026-03-01",
                                         "deadline": "2026-02-01"})
    assert r.status_code == 400 and "no puede ser anterior a la apertura" in r.content.decode()
    assert "Ronda 2026" in r.content.decode()
    r = st.post("/conocimiento/rondas/", {"title": "Ronda 2026", "period": "2026", "opens_on": "2026-01-01",
                                         "deadline": "2026-06-30"})
    assert r.status_code == 302


def test_st_confirms_and_rejects_proposals_never_reproposed():
    st = f.user("CRM", "st")
    client = f.verified_client(st)
    assert "Propuestas por revisar" in client.get("/conocimiento/propuestas/").content.decode()
    tag = Tagging.objects.filter(status="proposed", recommendation__key="TIM-II-15").first()
    link = ActionLink.objects.filter(status="proposed").first()
    r = client.post(f"/conocimiento/propuestas/tema/{tag.pk}/", {"decision": "rejected"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "no se volverá a proponer" in r.content.decode()
    client.post(f"/conocimiento/propuestas/vinculo/{link.pk}/", {"decision": "confirmed"})
    tag.refresh_from_db()
    link.refresh_from_db()
    assert tag.status == "rejected" and tag.decided_by == st and link.status == "confirmed"
    assert AuditEvent.objects.filter(object_type="knowledge.tagging", object_id=str(tag.pk)).exists()
    call_command("import-knowledge", stdout=io.StringIO())
    assert Tagging.objects.filter(theme=tag.theme, recommendation=tag.recommendation).count() == 1
    assert Tagging.objects.get(pk=tag.pk).status == "rejected"
    # Manual tagging by the ST, and nobody else decides.
    r = client.post("/conocimiento/temas/r/TIM-II-15/", {"theme": "investigacion"})
    assert r.status_code == 302
    assert Tagging.objects.get(theme__code="investigacion", recommendation__key="TIM-II-15").status == "confirmed"
    focal = f.verified_client(f.user("HND", "focal_point"))
    assert focal.get("/conocimiento/propuestas/").status_code == 403
    assert focal.post(f"/conocimiento/propuestas/vinculo/{link.pk}/", {"decision": "rejected"}).status_code == 403


def test_every_record_is_tagged():
    from enlace.knowledge.models import PlanAction, Recommendation

    untagged_recs = Recommendation.objects.exclude(taggings__isnull=False).count()
    untagged_actions = PlanAction.objects.filter(axis__document__superseded=False).exclude(
        taggings__isnull=False).count()
    assert untagged_recs == 0 and untagged_actions == 0
    assert Tagging.objects.filter(recommendation__key="TIM-II-15", theme__code="investigacion").exists()
