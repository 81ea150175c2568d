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


@pytest.mark.django_db(transaction=True)
def test_open_streams_end_within_seconds_when_the_authorisation_is_revoked_or_suspended():
    """The Cancillería revokes Panamá's focal point and suspends Mexico's while their inboxes are open:
    both streams end within seconds (the stream re-asks the directory); Honduras's stays open."""
    from enlace.accounts.actions import do_create_api_token
    from enlace.directory.models import Contact
    from enlace.directory.tests.helpers import chancery
    from enlace.exchange import stream

    chanceries = {code: chancery(code) for code in ("PAN", "MEX")}
    pan, mex = focal("PAN", chancery=chanceries["PAN"]), focal("MEX", chancery=chanceries["MEX"])
    hnd = focal("HND")
    entries = {code: Contact.objects.restrict(chanceries[code], "list").get(user=u).pk
               for code, u in (("PAN", pan), ("MEX", mex))}
    tokens = {code: do_create_api_token(chanceries[code], days=1)[1] for code in chanceries}
    cookies = {u.username: _session_cookie(u) for u in (pan, mex, hnd)}
    server = liveserver.start(liveserver.database_url_for_current_test_db())
    window = stream.RECHECK_SECONDS + 10
    try:
        got = {u.username: [] for u in (pan, mex, hnd)}

        async def main():
            ready = {name: asyncio.Event() for name in got}
            listeners = [asyncio.create_task(_listen(server.url, cookies[name], got[name], ready[name], window))
                         for name in got]
            await asyncio.wait_for(asyncio.gather(*(e.wait() for e in ready.values())), 10)
            async with httpx.AsyncClient(timeout=10) as client:
                decided_at = time.monotonic()
                r1 = await client.post(f"{server.url}/api/v1/directory/contacts/{entries['PAN']}/revoke/",
                                       json={"reason": "Dejó el cargo"},
                                       headers={"Authorization": f"Token {tokens['PAN']}"})
                r2 = await client.post(f"{server.url}/api/v1/directory/contacts/{entries['MEX']}/suspend/",
                                       json={"reason": "Investigación interna"},
                                       headers={"Authorization": f"Token {tokens['MEX']}"})
                assert (r1.status_code, r2.status_code) == (200, 200), (r1.text, r2.text)
            await asyncio.gather(*listeners)
            return decided_at

        decided_at = asyncio.run(main())
        for user in (pan, mex):
            ends = [(kind, at) for kind, _data, at in got[user.username] if kind == "end"]
            assert ends, (user.username, got[user.username], server.log())
            assert ends[0][1] - decided_at < stream.RECHECK_SECONDS + 3
        assert not [e for e in got[hnd.username] if e[0] == "end"]
    finally:
        server.stop()
