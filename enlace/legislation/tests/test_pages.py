"""Every page renders in Spanish and English; the OpenAPI schema includes the legislation API."""

import pytest
from enlace.testing import factories as f
from enlace.legislation.tests.helpers import open_round, validated, st_user

@pytest.mark.django_db
def test_pages_render_in_both_languages_and_schema():
    from enlace.legislation.actions import do_load_catalogue
    do_load_catalogue()
    st = st_user()
    rnd = open_round(st, ["GTM", "HND"])
    validated(f.user("GTM", "focal_point"), rnd, st)
    c = f.verified_client(f.user("HND", "focal_point"))
    r = c.get("/api/v1/schema/")
    assert r.status_code == 200, r.content[:500]
    for url in ["/legislacion/", "/legislacion/indicadores/", "/legislacion/rondas/", f"/legislacion/rondas/{rnd.pk}/",
                "/legislacion/catalogo/", "/legislacion/instrumentos/", "/legislacion/disposiciones/", "/legislacion/cuestionarios/",
                "/legislacion/indicadores/GTM/", "/inicio/"]:
        for lang in ("es", "en"):
            r = c.get(url, HTTP_ACCEPT_LANGUAGE=lang)
            assert r.status_code == 200, (url, r.status_code)
    r = c.get("/legislacion/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Comparative legislation matrix" in r.content.decode() and "Partly met" in r.content.decode()
    r = c.get("/inicio/")
    assert "Matriz comparativa de legislación" in r.content.decode()
