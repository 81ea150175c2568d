"""Joint MLA drafting (versions, differences, checklist per country, DOCX/PDF, formal status) and the ST dashboard."""

import io

import pytest
from docx import Document

from enlace.exchange.actions import do_acknowledge_thread, do_reply_thread
from enlace.sharing.testing import export_text
from enlace.testing import factories as f

from .helpers import focal, send

pytestmark = pytest.mark.django_db


def test_requesting_and_requested_prosecutors_draft_together_and_export():
    cri, pan, hnd = f.user("CRI", "prosecutor"), f.user("PAN", "prosecutor"), f.user("HND", "prosecutor")
    api_cri = f.token_client(cri)
    r = api_cri.post("/api/v1/exchange/mla-drafts/", {
        "title": "AJR registros migratorios", "requested_country": "PAN",
        "content": {"requesting_authority": "Fiscalía de Costa Rica", "legal_basis_code": "untoc_18",
                    "facts": "Lancha interceptada en Golfito.", "assistance_sought": "Registros migratorios."}},
        format="json")
    assert r.status_code == 201, r.content
    draft = r.json()
    assert draft["requested_country"] == "PAN" and draft["latest"]["number"] == 1
    # Panamá's checklist is configured as data and differs from the default.
    codes = [i["code"] for i in draft["checklist_items"]]
    assert "dual_criminality" in codes and "central_authority" in codes

    # The requested prosecutor adds a version through the page; the differences show what changed.
    client_pan = f.verified_client(pan)
    r = client_pan.post(f"/intercambio/asistencia-juridica/{draft['id']}/", {
        "requesting_authority": "Fiscalía de Costa Rica", "legal_basis_code": "untoc_18",
        "facts": "Lancha interceptada en Golfito.", "assistance_sought": "Registros migratorios y de telefonía.",
        "checklist": ["facts", "dual_criminality"], "note": "Ajustes de Panamá"})
    assert r.status_code == 302
    page = f.verified_client(cri).get(f"/intercambio/asistencia-juridica/{draft['id']}/").content.decode()
    assert "Ajustes de Panamá" in page and "Diferencias" in page and "telefon" in page
    assert 'class="diff"' in page

    # Exports: DOCX and PDF with the latest text and the checklist state.
    r = f.verified_client(cri).get(f"/intercambio/asistencia-juridica/{draft['id']}/exportar.docx")
    assert r.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "Registros migratorios y de telefonía." in text and "☑ Doble incriminación" in text
    r = api_cri.get(f"/api/v1/exchange/mla-drafts/{draft['id']}/export/?fmt=pdf")
    assert r.status_code == 200 and "telefonía" in export_text(r)

    # Only the requesting side records the formal request's status (404 for the requested side, page
    # and API: the decision is not theirs); then drafting is over.
    r = f.token_client(pan).post(f"/api/v1/exchange/mla-drafts/{draft['id']}/formal-status/",
                                 {"formal_status": "sent"}, format="json")
    assert r.status_code == 404
    assert f.verified_client(pan).post(f"/intercambio/asistencia-juridica/{draft['id']}/estado/",
                                       {"formal_status": "sent"}).status_code == 404
    assert "formal-h" not in f.verified_client(pan).get(f"/intercambio/asistencia-juridica/{draft['id']}/").content.decode()
    r = api_cri.post(f"/api/v1/exchange/mla-drafts/{draft['id']}/formal-status/",
                     {"formal_status": "sent", "formal_reference": "OF-2026-77"}, format="json")
    assert r.json()["formal_status"] == "sent" and r.json()["formal_reference"] == "OF-2026-77"
    r = f.token_client(pan).post(f"/api/v1/exchange/mla-drafts/{draft['id']}/versions/",
                                 {"content": {"facts": "tarde"}}, format="json")
    assert r.status_code == 400 and "redacción conjunta" in str(r.json())

    # A third country's prosecutor sees nothing.
    assert f.token_client(hnd).get(f"/api/v1/exchange/mla-drafts/{draft['id']}/").status_code == 404
    assert f.verified_client(hnd).get(f"/intercambio/asistencia-juridica/{draft['id']}/exportar.pdf").status_code == 404
    assert "AJR registros" not in f.verified_client(hnd).get("/intercambio/asistencia-juridica/").content.decode()


def test_mla_bad_input_keeps_the_form():
    cri = f.user("CRI", "prosecutor")
    r = f.verified_client(cri).post("/intercambio/asistencia-juridica/nuevo/", {"title": "", "requested_country": "PAN"})
    assert r.status_code == 400 and "Indique un título." in r.content.decode()
    r = f.token_client(cri).post("/api/v1/exchange/mla-drafts/", {"title": "T", "requested_country": "CRI"},
                                 format="json")
    assert r.status_code == 400 and "requested_country" in r.json()["error"]["fields"]
    assert f.token_client(focal("CRI")).post("/api/v1/exchange/mla-drafts/", {
        "title": "T", "requested_country": "PAN"}, format="json").status_code == 403


def test_responsiveness_dashboard_for_the_st(settings):
    import datetime

    import time_machine

    start = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.timezone.utc)
    with time_machine.travel(start, tick=False):
        cri, pan, mex = focal("CRI"), focal("PAN"), focal("MEX")
        t1 = send(cri, ["PAN", "MEX"], subject="Solicitud secreta sobre Darién")
        t2 = send(cri, ["PAN"])
    with time_machine.travel(start + datetime.timedelta(hours=2), tick=False):
        do_acknowledge_thread(pan, t1)
        do_acknowledge_thread(pan, t2)
    with time_machine.travel(start + datetime.timedelta(hours=6), tick=False):
        do_reply_thread(pan, t1, body="r", is_answer=True)
        do_acknowledge_thread(mex, t1)
    st = f.user("CRM", "st", inst=f.institution("CRM", "secretariat"))
    client = f.verified_client(st)
    page = client.get("/intercambio/capacidad-de-respuesta/").content.decode()
    assert "responsiveness-data" in page and "chart.umd.min.js" in page
    assert "Darién" not in page  # figures only, no content
    r = client.get("/intercambio/capacidad-de-respuesta.xlsx")
    from openpyxl import load_workbook

    rows = {row[0]: row for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True)}
    pan_row, mex_row = rows["Panamá"], rows["México"]
    assert pan_row[1:5] == (2, 2, 1, 0) and pan_row[5] == 2.0 and pan_row[6] == 6.0
    assert mex_row[1:4] == (1, 1, 0) and mex_row[5] == 6.0 and mex_row[6] is None
    # Focal points do not see the network's statistics.
    assert f.verified_client(cri).get("/intercambio/capacidad-de-respuesta/").status_code == 403
    assert f.verified_client(cri).get("/intercambio/capacidad-de-respuesta.xlsx").status_code == 403
