"""The regional report: PDF with charts (text via pypdf), XLSX annex equal to the dashboard's export,
reproducible; and one run through the real database backend's worker."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from pypdf import PdfReader

from enlace.sharing.testing import xlsx_text
from enlace.statistics.models import Report
from enlace.testing import factories as f

from .helpers import locked, period, values


@pytest.mark.django_db
def test_report_renders_and_annex_equals_dashboard():
    p = period()
    locked("HND", p, values(100, (85, 9, 6)))
    gtm = f.user("GTM", "analyst")
    locked("GTM", p, values(200, (100, 50, 50)), analyst=gtm)
    client = f.verified_client(gtm)
    r = client.post("/estadisticas/informes/", {"period": p.code})
    report = Report.objects.restrict(gtm, "view").get()
    assert r.status_code == 302 and report.status == "done"
    assert 'hx-get' not in client.get(f"/estadisticas/informes/{report.pk}/avance/").content.decode()
    pdf = client.get(f"/estadisticas/informes/{report.pk}/pdf/").content
    text = "\n".join(pg.extract_text() for pg in PdfReader(io.BytesIO(pdf)).pages)
    assert "Diagnóstico regional" in text and "TIM-MIG" in text and "Mapa de flujos" in text
    annex = client.get(f"/estadisticas/informes/{report.pk}/xlsx/").content
    dashboard = client.get(f"/estadisticas/exportar/?period={p.code}").content
    assert xlsx_text(annex) == xlsx_text(dashboard)
    client.post("/estadisticas/informes/", {"period": p.code})
    second = Report.objects.restrict(gtm, "view").order_by("-pk").first()
    assert second.figures_digest == report.figures_digest and bytes(second.pdf) == bytes(report.pdf)


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_one_report():
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        p = period()
        gtm = f.user("GTM", "analyst")
        locked("GTM", p, values(), analyst=gtm)
        f.verified_client(gtm).post("/estadisticas/informes/", {"period": p.code})
        report = Report.objects.restrict(gtm, "view").get()
        assert report.status == "queued"
        call_command("db_worker", batch=True, max_tasks=1, startup_delay=False, reload=False, verbosity=0)
        report.refresh_from_db()
        assert report.status == "done" and report.progress == 100
