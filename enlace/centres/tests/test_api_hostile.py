"""Hostile input on the centres API, as a centre manager who may write: never a 500, always the
uniform error body."""

from __future__ import annotations

import pytest
from django.utils import timezone

from enlace.testing import factories as f

from .helpers import centre, entry, manager

pytestmark = pytest.mark.django_db

BODIES = ["[]", '"texto"', "5", "{'a': 1}", '{"level": NaN}', '{"centre": ' + "9" * 50 + "}",
          '{"surname_1": "a\\u0000b", "nationality": "\\u0000"}',
          '{"centre": 1, "entry_date": "0001-01-01", "dob": "9999-12-31", "entry_mode": "interception", '
          '"sex": "M", "nationality": "HND", "age_band": "child"}',
          '{"centre": 1, "entry_date": "2020-01-01", "entry_mode": "x", "sex": "Q", "nationality": 5, '
          '"age_band": [], "vulnerabilities": {"a": 1}, "documents_seen": [1, "x", {"type": [1]}], '
          '"biometric_refs": [[], {}]}',
          '{"exit_date": "1900-01-01", "exit_reason": "escape"}', '{"level": "3", "reason": "' + "x" * 5000 + '"}']
PARAMS = ["date=0000-00-00", "date=" + "9" * 40, "centre=-1", "centre=" + "9" * 30, "open=maybe",
          "entered_from=ayer", "crisis_level=9", "limit=abc", "offset=-5", "profile=jefe", "country=ABCD"]


def test_no_server_error_and_the_uniform_body_everywhere():
    user = manager("GTM")
    c = centre(user)
    s = entry(user, c)
    api = f.token_client(user)
    posts = ["/api/v1/centros/estancias/", f"/api/v1/centros/estancias/{s.pk}/exit/",
             f"/api/v1/centros/centros/{c.pk}/crisis/"]
    for url in posts:
        for body in BODIES:
            r = api.post(url, body, content_type="application/json")
            assert r.status_code < 500, (url, body[:60], r.status_code)
            if r.status_code >= 400:
                assert r.json()["error"]["status"] == r.status_code, (url, body[:60])
    for url in ["/api/v1/centros/estancias/", "/api/v1/centros/centros/", "/api/v1/centros/cifras/",
                "/api/v1/centros/niveles/", "/api/v1/centros/ocupacion/"]:
        for p in PARAMS:
            r = api.get(f"{url}?{p}")
            assert r.status_code < 500, (url, p, r.status_code)
            if r.status_code >= 400:
                assert r.json()["error"]["status"] == r.status_code
    for bad in ["99999999999999999999", "-1", "abc"]:
        r = api.get(f"/api/v1/centros/estancias/{bad}/")
        assert r.status_code == 404 and r.json()["error"]["status"] == 404
    client = f.verified_client(user)
    for url, data in [(f"/centros/{c.pk}/ingreso/", {"entry_date": "x", "nationality": "\u00e9" * 50}),
                      (f"/centros/estancias/{s.pk}/salida/", {"exit_date": "2020-13-01"}),
                      (f"/centros/{c.pk}/crisis/", {"level": "9"}),
                      (f"/centros/estancias/{s.pk}/pertenencias/", {"item": "", "value": "-3"}),
                      ("/centros/cifras/importar/", {"distribution": "public"})]:
        assert client.post(url, data).status_code in (200, 302, 400), url
    assert timezone.localdate()
