"""Matrix page, XLSX and PDF exports, compliance indicators, public version, API."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook
from pypdf import PdfReader

from enlace.legislation import actions
from enlace.testing import factories as f

from .helpers import answers, open_round, st_user, submit, validated

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_data():
    st = st_user()
    rnd = open_round(st, ["GTM", "HND", "PAN"])
    gtm = f.user("GTM", "focal_point")
    hnd = f.user("HND", "focal_point")
    pan = f.user("PAN", "focal_point")
    validated(gtm, rnd, st, tim=(5, 8), tdp=(8, 18), citation="Decreto 95-98, art. 103",
              options=("peligro_vida", "menores"), public_consent=True)
    validated(hnd, rnd, st, tim=(6, 9), tdp=(10, 15), status="partly", citation="Código Penal HND, art. 219",
              options=("grupo_organizado",))
    submit(pan, rnd, citation="Borrador PAN, art. 1")
    return st, rnd, gtm, hnd, pan


def test_matrix_page_shows_cells_with_citations_legend_and_filters(round_data):
    _st, _rnd, _gtm, _hnd, pan = round_data
    client = f.verified_client(pan)
    page = client.get("/legislacion/").content.decode()
    for text in ("Cumple", "Cumple parcialmente", "No cumple", "Sin información"):
        assert text in page  # legend: not colour alone
    table = page.split('id="matrix-table"')[1].split("</table>")[0]
    assert "Guatemala" in table and "Honduras" in table and "Panamá" not in table
    assert "Decreto 95-98, art. 103" in table and "Código Penal HND, art. 219" in table
    assert 'class="leg-cell lv-met"' in table and 'class="leg-cell lv-partly"' in table
    # Filters: protocol, article, indicator (the HTMX request gets the partial).
    page = client.get("/legislacion/?protocol=TDP", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in page
    assert 'data-indicator="TDP-3-def"' in page and 'data-indicator="TIM-3-def"' not in page
    page = client.get("/legislacion/?requirement=TIM-6.3").content.decode()
    rows = page.count("data-indicator=")
    assert rows == 2 and 'data-indicator="TIM-agravantes"' in page
    page = client.get("/legislacion/?indicator=TIM-pena-max").content.decode()
    assert page.count("data-indicator=") == 1 and "8 años" in page and "9 años" in page
    # Aggravating circumstances side by side, penalties chart data.
    page = client.get("/legislacion/?protocol=TIM").content.decode()
    assert "Circunstancias agravantes, país por país" in page and "Grupo delictivo organizado" in page
    assert 'id="penalties-data"' in page and 'canvas id="penalties-TIM"' in page


def test_xlsx_export_has_one_sheet_per_protocol_and_cells_with_citations(round_data):
    _st, _rnd, _gtm, _hnd, pan = round_data
    r = f.verified_client(pan).get("/legislacion/matriz/xlsx/")
    assert r.status_code == 200 and "spreadsheetml" in r["Content-Type"]
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["TIM", "TDP", "Penas"]
    ws = wb["TIM"]
    header = [c.value for c in ws[1]]
    assert header == ["Artículo", "Indicador", "Pregunta", "Guatemala", "Honduras"]
    rows = {row[1]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["TIM-6.1.a-tipo"][0] == "art. 6.1.a"
    assert rows["TIM-6.1.a-tipo"][3] == "Cumple — Decreto 95-98, art. 103"
    assert rows["TIM-6.1.a-tipo"][4] == "Cumple parcialmente — Código Penal HND, art. 219"
    assert rows["TIM-pena-min"][3].startswith("5 años")
    assert "TDP-3-consentimiento" in {row[1] for row in wb["TDP"].iter_rows(min_row=2, values_only=True)}
    pen = list(wb["Penas"].iter_rows(min_row=2, values_only=True))
    assert ("TIM", "Guatemala", 5, 8) in pen and ("TDP", "Honduras", 10, 15) in pen
    assert "Borrador PAN" not in str([c.value for ws in wb for row in ws.iter_rows() for c in row])
    # Filtered export: only the smuggling protocol.
    wb = load_workbook(io.BytesIO(f.verified_client(pan).get("/legislacion/matriz/xlsx/?protocol=TIM").content))
    assert wb.sheetnames == ["TIM", "Penas"]


def test_pdf_contains_the_matrix(round_data):
    _st, _rnd, _gtm, _hnd, pan = round_data
    r = f.verified_client(pan).get("/legislacion/matriz/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "Matriz comparativa de legislación" in text
    for expected in ("Guatemala", "Honduras", "TIM-6.1.a-tipo", "Decreto 95-98, art. 103", "Código Penal HND",
                     "TDP-3-consentimiento"):
        assert expected in text, expected
    assert "Borrador PAN" not in text


def test_exports_are_audited(round_data):
    from enlace.audit.models import AuditEvent

    _st, _rnd, _gtm, _hnd, pan = round_data
    f.verified_client(pan).get("/legislacion/matriz/xlsx/")
    assert AuditEvent.objects.filter(kind="export", actor=pan, object_type="legislation.answer").exists()


def test_compliance_indicators_per_country_regional_and_gaps(round_data):
    _st, _rnd, _gtm, hnd, pan = round_data
    client = f.verified_client(pan)
    page = client.get("/legislacion/indicadores/").content.decode()
    table = page.split('id="country-compliance"')[1].split("</table>")[0]
    assert "Guatemala</th><td>100,0 %" in table.replace("\n", "")
    assert "Honduras</th><td>0,0 %" in table.replace("\n", "")
    assert "Región: 50,0 %" in page
    assert 'id="compliance-data"' in page
    gaps = client.get("/legislacion/indicadores/HND/").content.decode()
    assert "Brechas que el país podría cerrar" in gaps and "Cumple parcialmente" in gaps
    assert "TIM art. 6.1.a" in gaps
    assert "Ninguna: cumple todos los requisitos" in client.get("/legislacion/indicadores/GTM/").content.decode()
    # Panamá has no validated questionnaire: no indicators to show (its draft stays private).
    assert client.get("/legislacion/indicadores/PAN/").status_code == 404


def test_public_version_shows_only_what_countries_authorised_and_the_portal_published(round_data):
    st, _rnd, gtm, hnd, pan = round_data
    from enlace.legislation.models import Submission

    sub_gtm = Submission.objects.restrict(gtm).get(country__code="GTM")
    sub_hnd = Submission.objects.restrict(hnd).get(country__code="HND")
    # Honduras did not authorise publication: refused with a message.
    r = f.verified_client(st).post(f"/legislacion/cuestionarios/{sub_hnd.pk}/publicar/", follow=True)
    assert "El país no autorizó publicar" in r.content.decode()
    # Only the publish step (ST / portal editor) makes it public.
    assert f.verified_client(gtm).post(f"/legislacion/cuestionarios/{sub_gtm.pk}/publicar/").status_code == 404
    r = f.verified_client(st).post(f"/legislacion/cuestionarios/{sub_gtm.pk}/publicar/", follow=True)
    assert "Cuestionario publicado" in r.content.decode()

    page = f.verified_client(pan).get("/legislacion/publica/").content.decode()
    table = page.split('id="matrix-table"')[1].split("</table>")[0]
    assert "Guatemala" in table and "Decreto 95-98, art. 103" in table
    assert "Honduras" not in table and "Borrador PAN" not in page
    # The public version needs no login (declared in the app's public_prefixes).
    r = Client().get("/legislacion/publica/")
    assert r.status_code == 200
    assert "Decreto 95-98, art. 103" in r.content.decode() and "Honduras" not in r.content.decode()
    # The rest of the capability still needs a login.
    assert Client().get("/legislacion/").status_code == 302


def test_api_catalogue_rounds_and_matrix(round_data):
    _st, rnd, _gtm, _hnd, pan = round_data
    api = f.token_client(pan)
    reqs = api.get("/api/v1/legislacion/requisitos/?limit=100").json()
    assert reqs["count"] == 24
    tim63 = next(r for r in reqs["results"] if r["code"] == "TIM-6.3")
    assert {i["code"] for i in tim63["indicators"]} == {"TIM-6.3-agravantes", "TIM-agravantes"}
    assert api.get("/api/v1/legislacion/indicadores/?kind=years").json()["count"] == 4
    rounds = api.get("/api/v1/legislacion/rondas/").json()
    assert rounds["results"][0]["countries"] == ["GTM", "HND", "PAN"] or set(rounds["results"][0]["countries"]) == {"GTM", "HND", "PAN"}
    m = api.get(f"/api/v1/legislacion/matriz/?protocol=TIM&round={rnd.pk}").json()
    assert set(m["countries"]) == {"GTM", "HND"}
    assert all(r["protocol"] == "TIM" for r in m["rows"])
    assert m["penalties"]["TIM"]["max"][m["penalties"]["TIM"]["codes"].index("HND")] == 9
    assert Client().get("/api/v1/legislacion/matriz/").status_code == 401


def test_instrument_and_provision_mapping_through_the_pages():
    fp = f.user("GTM", "focal_point")
    client = f.verified_client(fp)
    r = client.post("/legislacion/instrumentos/nuevo/", {
        "kind": "decree", "title": "Ley de Migración y Extranjería", "number": "Decreto 44-2016",
        "enacted_on": "2016-10-18", "official_url": "https://example.invalid/ley", "in_force": "on",
        "distribution": "network"})
    assert r.status_code == 302
    inst_url = r["Location"]
    from enlace.legislation.models import Requirement

    req = Requirement.objects.get(code="TIM-6.1.a")
    r = client.post(inst_url + "disposiciones/nueva/", {"article": "art. 103", "text": "Tráfico ilícito de personas",
                                                        "requirements": [req.pk]})
    assert r.status_code == 302
    page = client.get(inst_url).content.decode()
    assert "art. 103" in page and "TIM art. 6.1.a" in page
    other = f.verified_client(f.user("HND", "focal_point"))
    page = other.get("/legislacion/disposiciones/?requisito=TIM-6.1.a").content.decode()
    assert "Ley de Migración y Extranjería, art. 103" in page
    # The provision can be cited in the questionnaire.
    st = st_user()
    rnd = open_round(st, ["GTM"])
    sub = actions.do_start_submission(fp, rnd)
    from enlace.legislation.models import Provision

    prov = Provision.objects.restrict(fp).get()
    data = answers(citation="")
    from .helpers import post_data

    payload = post_data(data)
    payload["provisions-TIM-6.1.a-tipo"] = [str(prov.pk)]
    r = client.post(f"/legislacion/cuestionarios/{sub.pk}/editar/", payload)
    assert r.status_code == 302
    assert sub.answers.get(indicator__code="TIM-6.1.a-tipo").citation == "Ley de Migración y Extranjería, art. 103"
    # Another country's provision cannot be cited.
    hnd = f.user("HND", "focal_point")
    hinst = actions.do_create_instrument(hnd, title="Código Penal HND")
    hprov = actions.do_create_provision(hnd, hinst, article="art. 1")
    payload["provisions-TIM-6.1.a-tipo"] = [str(hprov.pk)]
    r = client.post(f"/legislacion/cuestionarios/{sub.pk}/editar/", payload)
    assert r.status_code == 400 and "no pertenece a la legislación de su país" in r.content.decode()
