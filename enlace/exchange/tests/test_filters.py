"""One inbox filterset (``filters.ThreadFilter``) serves the page and the API: the same parameters give
the same threads on both, and a bad value is a clear message (form error on the page, uniform 400 body
in the API), never a 500."""

import re

import pytest

from enlace.exchange.actions import do_save_draft
from enlace.testing import factories as f

from .helpers import focal, send

pytestmark = pytest.mark.django_db


def _page_ids(client, query):
    r = client.get(f"/intercambio/?{query}")
    assert r.status_code == 200
    return set(map(int, re.findall(r'id="thread-(\d+)"', r.content.decode())))


def _api_ids(api, query):
    r = api.get(f"/api/v1/exchange/threads/?{query}&limit=100")
    assert r.status_code == 200, r.content
    return {t["id"] for t in r.json()["results"]}


def test_page_and_api_filter_alike():
    cri, pan = focal("CRI"), focal("PAN")
    urgent = send(cri, ["PAN"], priority="urgent", subject="Lancha en Golfito")
    normal = send(cri, ["PAN"], priority="normal", kind="alert", subject="Grupo en Paso Canoas")
    mine = send(pan, ["CRI"], priority="normal", subject="Consulta panameña")
    draft = do_save_draft(pan, {"kind": "info_request", "subject": "Borrador panameño"})
    client, api = f.verified_client(pan), f.token_client(pan)
    expected = {
        "": {urgent.pk, normal.pk, mine.pk, draft.pk},
        "box=received": {urgent.pk, normal.pk},
        "box=sent": {mine.pk},
        "box=drafts": {draft.pk},
        "priority=urgent": {urgent.pk},
        "kind=alert": {normal.pk},
        "status=sent": {urgent.pk, normal.pk, mine.pk},
        "q=Golfito": {urgent.pk},
        "box=received&priority=normal": {normal.pk},
    }
    for query, ids in expected.items():
        assert _page_ids(client, query) == ids, query
        assert _api_ids(api, query) == ids, query


def test_bad_filter_values_are_explained_not_500():
    cri, pan = focal("CRI"), focal("PAN")
    send(cri, ["PAN"])
    r = f.token_client(pan).get("/api/v1/exchange/threads/?box=nope&priority=rapida")
    assert r.status_code == 400
    assert {"box", "priority"} <= set(r.json()["error"]["fields"])
    r = f.verified_client(pan).get("/intercambio/?box=nope")
    assert r.status_code == 200 and 'class="error"' in r.content.decode()
    r = f.verified_client(pan).get("/intercambio/?box=nope", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    r = f.token_client(f.user("CRI", "prosecutor")).get("/api/v1/exchange/mla-drafts/?formal_status=nope")
    assert r.status_code == 400 and "formal_status" in r.json()["error"]["fields"]
