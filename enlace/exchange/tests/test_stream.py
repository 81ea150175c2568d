"""The event stream against the real ASGI server: only ids, only to those the policy lets see the thread.

On PostgreSQL two server processes run: the inbox listens on one, the message is sent through the
other, and LISTEN/NOTIFY carries it across.
"""

import asyncio
import json
import time

import httpx
import pytest
from django.db import connection

from enlace.exchange import liveserver
from enlace.testing import factories as f

from .helpers import focal


def _session_cookie(user) -> str:
    return f.verified_client(user).cookies["sessionid"].value


async def _listen(url, cookie, events, ready, stop_after):
    async with httpx.AsyncClient(timeout=httpx.Timeout(10, read=stop_after + 5)) as client:
        async with client.stream("GET", f"{url}/intercambio/eventos/", cookies={"sessionid": cookie}) as r:
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
            ready.set()
            started = time.monotonic()
            kind = None
            try:
                async for line in r.aiter_lines():
                    if line.startswith("event:"):
                        kind = line.split(":", 1)[1].strip()
                    elif line.startswith("data:") and kind:
                        events.append((kind, line[5:].strip(), time.monotonic()))
                        kind = None
                    if time.monotonic() - started > stop_after:
                        return
            except httpx.ReadTimeout:
                return


@pytest.mark.django_db(transaction=True)
def test_events_reach_recipients_only_and_carry_ids_only():
    cri, pan, hnd = focal("CRI"), focal("PAN"), focal("HND")
    cookies = {u.username: _session_cookie(u) for u in (pan, hnd)}
    _instance, token = __import__("enlace.accounts.actions", fromlist=["x"]).do_create_api_token(cri, days=1)
    url = liveserver.database_url_for_current_test_db()
    servers = [liveserver.start(url)]
    if connection.vendor == "postgresql":
        servers.append(liveserver.start(url))
    inbox_server, send_server = servers[0], servers[-1]
    try:
        pan_events, hnd_events = [], []

        async def main():
            ready_pan, ready_hnd = asyncio.Event(), asyncio.Event()
            listeners = [
                asyncio.create_task(_listen(inbox_server.url, cookies[pan.username], pan_events, ready_pan, 6)),
                asyncio.create_task(_listen(inbox_server.url, cookies[hnd.username], hnd_events, ready_hnd, 6)),
            ]
            await asyncio.wait_for(asyncio.gather(ready_pan.wait(), ready_hnd.wait()), 10)
            await asyncio.sleep(0.5)
            async with httpx.AsyncClient(timeout=10) as client:
                sent_at = time.monotonic()
                r = await client.post(f"{send_server.url}/api/v1/exchange/threads/",
                                      json={"kind": "alert", "subject": "Grupo en Paso Canoas", "body": "B",
                                            "priority": "urgent", "recipient_countries": ["PAN"]},
                                      headers={"Authorization": f"Token {token}"})
                assert r.status_code == 201, r.text
            await asyncio.gather(*listeners)
            return r.json()["id"], sent_at

        thread_id, sent_at = asyncio.run(main())
        assert pan_events, inbox_server.log()
        kind, data, received = pan_events[0]
        assert kind == "thread" and json.loads(data) == {"thread": thread_id, "type": "thread"}
        assert "Paso Canoas" not in data
        assert received - sent_at < 3
        assert hnd_events == []
    finally:
        for s in servers:
            s.stop()


@pytest.mark.django_db
def test_the_stream_needs_an_authorised_focal_point():
    outsider = f.user("CRI", "focal_point", authorised=False)
    assert f.verified_client(outsider).get("/intercambio/eventos/").status_code == 403
    from django.test import Client

    r = Client().get("/intercambio/eventos/")
    assert r.status_code == 302 and "/cuenta/entrar/" in r["Location"]
