"""Catalogue edits by the ST (versions kept), periods, inventory picture, pages in both languages."""

from __future__ import annotations

import pytest

from enlace.statistics.models import Indicator, IndicatorVersion, Period
from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries

from .helpers import locked, period, values

pytestmark = pytest.mark.django_db


def _st():
    return f.user("CRM", "st", inst=f.institution("CRM", "secretariat"))


def test_the_st_edits_the_catalogue_and_versions_are_kept():
    ind = Indicator.objects.get(code="TIM-FEE")
    st = _st()
    client = f.verified_client(st)
    r = client.post(f"/estadisticas/indicadores/{ind.pk}/editar/", {
        "name_es": "Migrantes según monto pagado", "name_en": "Migrants by fee paid", "definition_es": "Nueva",
        "definition_en": "New", "dimensions": ["fee", "sex"], "active": "on"})
    assert r.status_code == 302
    ind.refresh_from_db()
    assert ind.version == 2 and ind.dimensions == ["fee", "sex"]
    assert IndicatorVersion.objects.get(indicator=ind).snapshot["dimensions"] == ["fee"]
    assert "1 versión anterior" in client.get("/estadisticas/indicadores/").content.decode()
    # A country's analyst cannot edit the catalogue, nor open periods.
    analyst = f.verified_client(f.user("GTM", "analyst"))
    assert analyst.get(f"/estadisticas/indicadores/{ind.pk}/editar/").status_code == 404
    assert analyst.post("/estadisticas/periodos/nuevo/", {"code": "2030", "starts_on": "2030-01-01",
                                                          "ends_on": "2030-12-31"}).status_code == 404
    r = client.post("/estadisticas/periodos/nuevo/", {"code": "2030", "starts_on": "2030-12-31",
                                                      "ends_on": "2030-01-01"})
    assert r.status_code == 400 and not Period.objects.filter(code="2030").exists()


def test_inventory_regional_picture_for_the_st():
    gtm = f.user("GTM", "analyst")
    client = f.verified_client(gtm)
    r = client.post("/estadisticas/inventario/nueva/", {"name": "Registro de retornados", "holder": "IGM",
                                                        "frequency": "monthly", "completeness": 90,
                                                        "timeliness_days": 5, "duplicates_pct": 2, "has_api": "on",
                                                        "feeds_enlace": "on"})
    assert r.status_code == 302
    bad = client.post("/estadisticas/inventario/nueva/", {"name": "X", "holder": "Y", "frequency": "monthly",
                                                          "completeness": 150, "timeliness_days": 1,
                                                          "duplicates_pct": 0})
    assert bad.status_code == 400 and "Registro de retornados" not in bad.content.decode()
    body = f.verified_client(_st()).get("/estadisticas/inventario/").content.decode()
    assert 'id="maturity"' in body and "Registro de retornados" in body and "<td>5</td>" in body


def test_dashboard_map_charts_and_english():
    p = period()
    gtm = f.user("GTM", "analyst")
    route = {("TIM-ROUTE", "", ""): 40, ("TIM-ROUTE", "origin", "HND"): 25, ("TIM-ROUTE", "origin", "SLV"): 15}
    locked("GTM", p, {**values(), **route}, analyst=gtm)
    client = f.verified_client(gtm)
    body = client.get(f"/estadisticas/?period={p.code}&indicator=TIM-MIG").content.decode()
    assert 'class="flow"' in body and "HND → GTM: 25" in body and 'id="stats-charts"' in body
    assert client.get("/estadisticas/?period=nope").status_code == 400
    client.cookies["django_language"] = "en"
    body = client.get(f"/estadisticas/?period={p.code}", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Regional diagnosis" in body
    assert client.get(f"/estadisticas/envios/formulario/{p.pk}/TIM/").status_code == 200


def test_inventory_and_reports_lists_run_constant_queries():
    from enlace.statistics import actions

    gtm = f.user("GTM", "analyst")
    client = f.verified_client(gtm)
    n = iter(range(100))
    actions.do_create_database_entry(gtm, name="Base inicial", holder="x")
    actions.do_request_report(gtm, period("Q-inicial"))
    assert_constant_queries(client, "/estadisticas/inventario/", lambda k: [actions.do_create_database_entry(
        gtm, name=f"Base {next(n)}", holder="x") for _ in range(k)])
    assert_constant_queries(client, "/api/v1/estadisticas/bases/", lambda k: [actions.do_create_database_entry(
        gtm, name=f"Base {next(n)}", holder="x") for _ in range(k)])
    assert_constant_queries(client, "/estadisticas/informes/", lambda k: [actions.do_request_report(
        gtm, period(f"Q{next(n)}")) for _ in range(min(k, 3))], more=3)
