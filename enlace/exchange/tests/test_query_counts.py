"""NetBox-style baselines: every exchange list page and API list runs the same number of queries
with 2 rows or 12 (``assert_constant_queries``). The threads API ran 215 queries at ``?limit=100``."""

import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from enlace.exchange.actions import (do_add_attachment, do_create_mla_draft, do_reply_thread, do_request_forward,
                                     do_save_mla_version)
from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries, count_queries

from .helpers import focal, send

pytestmark = pytest.mark.django_db

_n = itertools.count()


@pytest.fixture
def pair():
    cri, pan = focal("CRI"), focal("PAN")
    # The baseline has rows too (an empty page skips its joins and prefetches).
    return cri, pan, send(cri, ["PAN"], subject="Hilo base")


def _threads(cri):
    def add(n):
        for _ in range(n):
            send(cri, ["PAN"], subject=f"Hilo {next(_n)}", handling_no_onward_sharing=True)
    return add


@pytest.mark.parametrize("url", ["/intercambio/", "/intercambio/?box=received&priority=urgent",
                                 "/intercambio/?q=Hilo", "/intercambio/exportar.xlsx"])
def test_inbox_pages(pair, url):
    cri, pan, _thread = pair
    assert_constant_queries(f.verified_client(pan), url, _threads(cri))


@pytest.mark.parametrize("url", ["/api/v1/exchange/threads/?limit=100", "/api/v1/exchange/threads/?box=received",
                                 "/api/v1/exchange/threads/?q=Hilo"])
def test_threads_api(pair, url):
    cri, pan, _thread = pair
    assert_constant_queries(f.token_client(pan), url, _threads(cri))


def test_thread_page_and_its_nested_lists(pair):
    cri, pan, thread = pair

    def add(n):
        for i in range(n):
            message, _c = do_reply_thread(pan if i % 2 else cri, thread, body=f"Mensaje {i}")
            do_add_attachment(cri, thread, SimpleUploadedFile(f"nota-{i}.txt", b"texto\n"), message=message)
            do_request_forward(pan, thread, target_country="HND", reason=f"Motivo {i}")

    add(1)  # the baseline has one of each
    client, api = f.verified_client(pan), f.token_client(pan)
    urls = [(client, f"/intercambio/hilo/{thread.pk}/"),
            (api, f"/api/v1/exchange/threads/{thread.pk}/"),
            (api, f"/api/v1/exchange/threads/{thread.pk}/messages/"),
            (api, f"/api/v1/exchange/threads/{thread.pk}/attachments/"),
            (api, f"/api/v1/exchange/threads/{thread.pk}/forward-requests/"),
            (api, "/api/v1/exchange/attachments/"),
            (api, "/api/v1/exchange/forward-requests/")]
    # One set of extra rows serves every URL (they all list the same thread's children).
    for c, url in urls:
        c.get(url)  # warm caches
    first = {url: count_queries(c, url)[0] for c, url in urls}
    add(6)
    for c, url in urls:
        second = count_queries(c, url)[0]
        assert second <= first[url], f"{url}: {first[url]} queries, {second} with 6 more of each child (N+1)"


def test_mla_lists():
    cri, pan = f.user("CRI", "prosecutor"), f.user("PAN", "prosecutor")

    def drafts(n):
        for i in range(n):
            draft = do_create_mla_draft(cri, title=f"AJR {next(_n)}", requested_country="PAN",
                                        content={"facts": "Hechos"})
            do_save_mla_version(pan, draft, content={"facts": "Más hechos"}, note=f"v2 {i}")

    for client, url in ((f.verified_client(pan), "/intercambio/asistencia-juridica/"),
                        (f.verified_client(pan), "/intercambio/asistencia-juridica/?q=AJR"),
                        (f.token_client(pan), "/api/v1/exchange/mla-drafts/?limit=100")):
        assert_constant_queries(client, url, drafts, more=5)

    draft = do_create_mla_draft(cri, title="AJR versiones", requested_country="PAN", content={"facts": "Hechos"})

    def versions(n):
        for i in range(n):
            do_save_mla_version(pan if i % 2 else cri, draft, content={"facts": f"Versión {i}"}, note=f"n{i}")

    assert_constant_queries(f.token_client(pan), f"/api/v1/exchange/mla-drafts/{draft.pk}/versions/", versions)
    assert_constant_queries(f.verified_client(pan), f"/intercambio/asistencia-juridica/{draft.pk}/", versions,
                            more=4)


def test_responsiveness_dashboard(pair):
    cri, _pan, _thread = pair
    st = f.user("CRM", "st", inst=f.institution("CRM", "secretariat"))
    assert_constant_queries(f.verified_client(st), "/intercambio/capacidad-de-respuesta/", _threads(cri))
