"""Search (SQLite FTS5 or PostgreSQL full-text, same expectations) and the permanent pages."""

import re

import pytest
from django.test import Client

from enlace.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(db):
    return f.verified_client(f.user("GTM", "analyst"))


def result_keys(html):
    return re.findall(r'href="/conocimiento/(?:r|plan/acciones)/([^/]+)/"', html)


@pytest.mark.parametrize("q", ["entrega vigilada", "ENTREGAS VIGILADAS", "entregas vigiladas", "éntrega vigilàda"])
def test_controlled_delivery_is_found_whatever_the_form(client, q):
    r = client.get("/conocimiento/buscar/", {"q": q})
    assert r.status_code == 200
    html = r.content.decode()
    keys = result_keys(html)
    assert keys[0] == "TIM-II-15", keys[:5]
    assert "<mark>entrega</mark> <mark>vigilada</mark>" in html


def test_unaccompanied_children_finds_both_groups(client):
    html = client.get("/conocimiento/buscar/", {"q": "niños no acompañados"}).content.decode()
    keys = result_keys(html) + re.findall(r">(T(?:IM|DP)-[IVX]+-\d+(?:-[a-z])?)<", html)
    assert any(k.startswith("TIM-") for k in keys)
    # Later pages hold more: ask for the trafficking group only.
    tdp = result_keys(client.get("/conocimiento/buscar/", {"q": "niños no acompañados", "grupo": "tdp"}).content.decode())
    assert tdp and all(k.startswith("TDP-") for k in tdp)
    assert "TIM-II-8-a" in keys[:5]


def test_filters_group_meeting_year_theme_axis(client):
    keys = result_keys(client.get("/conocimiento/buscar/", {"grupo": "tdp", "reunion": 7}).content.decode())
    assert keys and all(k.startswith("TDP-VII-") for k in keys)
    keys = result_keys(client.get("/conocimiento/buscar/", {"grupo": "tim", "anio": 2018}).content.decode())
    assert keys and all(k.startswith("TIM-V-") for k in keys)
    keys = result_keys(client.get("/conocimiento/buscar/", {"grupo": "plan", "eje": 2}).content.decode())
    assert sorted(keys) == ["2.1", "2.2", "2.3", "2.4"]
    r = client.get("/conocimiento/buscar/", {"tema": "mar", "q": "buques"})
    assert r.status_code == 200 and result_keys(r.content.decode())
    # Nonsense filters are answered, not crashed on.
    r = client.get("/conocimiento/buscar/", {"reunion": "abc", "anio": "-1", "q": "<script>alert(1)</script>"})
    assert r.status_code == 200
    assert "<script>alert(1)</script>" not in r.content.decode()


def test_htmx_search_returns_the_results_fragment(client):
    r = client.get("/conocimiento/buscar/", {"q": "entrega vigilada"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    html = r.content.decode()
    assert "<html" not in html and "TIM-II-15" in html


def test_highlight_escapes_before_marking():
    from enlace.knowledge.search import highlight

    out = highlight("Uso de <b>entregas</b> vigiladas & más", "entrega")
    assert "&lt;b&gt;<mark>entregas</mark>&lt;/b&gt;" in out and "&amp;" in out


def test_permanent_pages_at_citation_keys(client):
    r = client.get("/conocimiento/r/TIM-II-24/")
    assert r.status_code == 200
    assert "Se alienta a los Estados partes a que velen por que las medidas adoptadas" in r.content.decode()
    r = client.get("/conocimiento/r/TIM-II-8/")
    assert "TIM-II-8-e" in r.content.decode()
    assert client.get("/conocimiento/r/TDP-I-12-d/").status_code == 200
    assert client.get("/conocimiento/r/TIM-IX-1/").status_code == 404
    r = client.get("/conocimiento/plan/acciones/1.13/")
    assert r.status_code == 200 and "2018-2.3" in r.content.decode()
    assert client.get("/conocimiento/plan/acciones/9.99/").status_code == 404
    assert client.get("/conocimiento/plan/acciones/2018-3.10/").status_code == 200
    r = client.get("/conocimiento/plan/")
    assert r.status_code == 200 and "Cooperación judicial transfronteriza" in r.content.decode()
    assert client.get("/conocimiento/plan/2018/").status_code == 200
    assert client.get("/conocimiento/").status_code == 200


def test_anonymous_is_sent_to_login():
    r = Client().get("/conocimiento/buscar/", {"q": "entrega"})
    assert r.status_code == 302 and "/cuenta/entrar/" in r["Location"]


def test_exports_of_plan_and_recommendations(client):
    from enlace.sharing.testing import export_text

    r = client.get("/conocimiento/plan/exportar/")
    assert r.status_code == 200 and "spreadsheetml" in r["Content-Type"]
    text = export_text(r)
    assert "Crear un directorio de contactos" in text and "1.15" in text
    r = client.get("/conocimiento/recomendaciones/exportar/", {"grupo": "tim", "reunion": 5})
    text = export_text(r)
    assert "TIM-V-2-k" in text and "TIM-I-1" not in text


def test_english_interface(client):
    client.cookies["django_language"] = "en"
    r = client.get("/conocimiento/buscar/", {"q": "entrega vigilada"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    assert "results" in r.content.decode()
