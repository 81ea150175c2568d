"""How the knowledge texts read (issue 15, "Words"): emphasis rendered, footnote markers kept out
of titles, a meeting without recommendations says so, a key or an action number ranks first."""

import re

import pytest

from enlace.knowledge import text
from enlace.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(db):
    return f.verified_client(f.user("GTM", "analyst"))


def result_keys(html):
    return re.findall(r'href="/conocimiento/(?:r|plan/acciones)/([^/]+)/"', html)


def test_markup_renders_emphasis_and_escapes_everything_else():
    html = text.rich("Véase el *Informe Mundial* y **esto** <script>alert(1)</script> [x](javascript:1)")
    assert "<em>Informe Mundial</em>" in html and "<strong>esto</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "<a " not in html
    assert "<ul>" in text.rich("- uno\n- dos")
    assert text.plain("el *Informe Mundial* y **b**") == "el Informe Mundial y b"


def test_recommendation_and_its_notes_show_emphasis_not_asterisks(client):
    from enlace.knowledge.models import Recommendation

    rec = Recommendation.objects.filter(text__contains="*Informe Mundial").first()
    html = client.get(f"/conocimiento/r/{rec.key}/").content.decode()
    assert "<em>Informe Mundial sobre la Trata de Personas</em>" in html
    assert "*Informe" not in html
    noted = Recommendation.objects.filter(key="TDP-I-2").first()
    html = client.get(f"/conocimiento/r/{noted.key}/").content.decode()
    assert "<em>Treaty Series</em>" in html and "*Treaty" not in html and "*Ibid" not in html


def test_search_snippets_drop_the_asterisks(client):
    html = client.get("/conocimiento/buscar/", {"q": "Informe Mundial trata"}).content.decode()
    assert "<mark>Informe</mark> <mark>Mundial</mark>" in html
    assert "*<mark>Informe" not in html and "*Informe" not in html


def test_footnote_marker_is_a_note_not_part_of_the_title(client):
    from enlace.knowledge.models import Axis

    axis = Axis.objects.get(document__code="plan-2019", number=1)
    assert axis.title.endswith("Migrantes"), axis.title
    assert [n["number"] for n in axis.footnotes] == [7]
    html = client.get("/conocimiento/plan/").content.decode()
    assert "Migrantes⁷" not in html and "Migrantes 7" not in html
    assert re.search(r"<li value=\"7\"[^>]*>Se sugiere incluir", html)


def test_a_meeting_without_recommendations_says_so(client):
    r = client.get("/conocimiento/buscar/", {"grupo": "tdp", "reunion": "3"})
    html = r.content.decode()
    assert "La Reunión III (2010) no aprobó recomendaciones" in html
    assert "0 resultados" not in html
    assert "hizo suyas las recomendaciones" in html  # the compilation's own explanation
    en = f.verified_client(f.user("GTM", "analyst"))
    en.cookies["django_language"] = "en"
    html = en.get("/conocimiento/buscar/", {"grupo": "tdp", "reunion": "3"}).content.decode()
    assert "Meeting III (2010) adopted no recommendations" in html


@pytest.mark.parametrize("q,first,exact", [("TIM-II-5", "TIM-II-5", 1), ("tim ii 5", "TIM-II-5", 1),
                                           ("1.1", "1.1", 1), ("TIM-II-8", "TIM-II-8", None)])
def test_a_key_ranks_first_and_the_page_says_how_many_match_exactly(client, q, first, exact):
    html = client.get("/conocimiento/buscar/", {"q": q}).content.decode()
    keys = result_keys(html)
    assert keys[0] == first, keys[:5]
    m = re.search(r"(\d+) resultados? coincid\w+ exactamente con la clave ([\w.-]+)", html)
    assert m, html[:3000]
    assert m.group(2) == first
    n = int(m.group(1))
    if exact is not None:
        assert n == exact
    # Its lettered items come right after it, counted as exact matches.
    assert all(k == first or k.startswith(first + "-") for k in keys[:n])
    assert not (keys[n] == first or keys[n].startswith(first + "-")) if len(keys) > n else True


def test_a_key_that_does_not_exist_says_so(client):
    html = client.get("/conocimiento/buscar/", {"q": "TIM-IX-99"}).content.decode()
    assert "Ningún texto tiene la clave TIM-IX-99" in html


def test_the_api_ranks_the_exact_key_first(client):
    r = client.get("/api/v1/recommendations/", {"q": "TDP-IV-3"})
    assert r.status_code == 200, r.content[:300]
    results = r.json().get("results", r.json())
    assert results[0]["key"] == "TDP-IV-3", [x["key"] for x in results[:5]]
