"""In a real browser: an import error names line and column; the graph and the map render."""

import datetime
import os

import pytest

from enlace.cases import actions
from enlace.testing import factories as f

from .helpers import add_document, add_person, make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_error_shows_line_and_column(live_server, login_browser, tmp_path):
    owner = f.user("GTM", "focal_point")
    case = make_case(owner)
    csv_file = tmp_path / "personas.csv"
    csv_file.write_text("nombres,primer_apellido,fecha_nacimiento,funcion\n"
                        "Ana,López,1990-01-01,testigo\n"
                        "Luis,Pérez,1990-02-30,sospechoso\n", encoding="utf-8")
    page = login_browser(owner)
    page.goto(f"{live_server.url}/casos/{case.pk}/importar/")
    page.set_input_files("#id_file", str(csv_file))
    page.click("#main form.panel button[type=submit]")
    page.wait_for_selector("#import-preview")
    assert page.input_value("#map_dob") == "fecha_nacimiento"
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-errors")
    text = page.inner_text("#import-errors")
    assert "No se importó nada" in text
    row = page.inner_text("#import-errors tbody tr")
    assert "3" in row and "fecha_nacimiento" in row and "fecha imposible" in row


def test_graph_and_map_render(live_server, login_browser):
    owner = f.user("GTM", "focal_point")
    case = make_case(owner)
    p = add_person(owner, case, phones=["+502 5555 1234"])
    add_person(owner, case, role="smuggled_migrant", dob=datetime.date(1995, 1, 1))
    add_document(owner, case, p)
    actions.do_add_route_leg(owner, case, order=1, from_place="Huehuetenango", to_place="Tapachula",
                             from_lat=15.32, from_lon=-91.47, to_lat=14.91, to_lon=-92.26, means="bus")
    actions.do_add_route_leg(owner, case, order=2, from_place="Tapachula", to_place="Reynosa",
                             from_lat=14.91, from_lon=-92.26, to_lat=26.05, to_lon=-98.30, means="truck")
    page = login_browser(owner)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/casos/{case.pk}/grafo/")
    page.wait_for_selector("#case-graph[data-rendered]")
    assert int(page.get_attribute("#case-graph", "data-rendered")) >= 5  # case, 2 persons, phone, passport
    assert page.locator("#case-graph canvas").count() >= 1
    if os.environ.get("CASES_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['CASES_SCREENSHOTS']}/graph.png", full_page=True)
    box = page.locator("#case-graph").bounding_box()
    assert box["height"] > 300
    page.goto(f"{live_server.url}/casos/{case.pk}/mapa/")
    assert page.locator("#route-map line.route-leg").count() == 2
    assert page.locator("#route-map g.countries path").count() > 10
    svg = page.locator("#route-map").bounding_box()
    assert svg["width"] > 300 and svg["height"] > 100
    if os.environ.get("CASES_SCREENSHOTS"):
        page.screenshot(path=f"{os.environ['CASES_SCREENSHOTS']}/map.png", full_page=True)
    assert not errors, errors
