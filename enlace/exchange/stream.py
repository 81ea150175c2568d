"""The inbox event stream (Server-Sent Events over ASGI).

An async view: it holds no thread while it waits, so one server process keeps hundreds of inboxes
open. Each event from the broker is checked against the sharing policy *for this subscriber*
before anything is written to the stream, and what is written is only "thread N changed": the
page then fetches the row from a policy-checked view.

The subscriber's standing is asked again every ``RECHECK_SECONDS`` (``fresh=True``: the directory
itself, never a memo): when their Cancillería's authorisation is suspended, revoked or expires, or
the account is deactivated, the stream ends within seconds.
"""

from __future__ import annotations

import asyncio
import json
import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse

from .realtime import broker

KEEPALIVE_SECONDS = 15
RECHECK_SECONDS = 5


def recheck_seconds() -> float:
    return float(getattr(settings, "ENLACE_EXCHANGE_STREAM_RECHECK_SECONDS", RECHECK_SECONDS))


def _subscriber(user_id):
    """The official behind the stream, re-read so that a deactivated or revoked account stops receiving."""
    from enlace.accounts.models import User

    from .actions import can_exchange

    user = User.objects.select_related("institution__country").filter(pk=user_id).first()
    if user is None or not can_exchange(user, fresh=True):
        return None
    return user


def _may_see(user, thread_id) -> bool:
    from .models import Thread

    return Thread.objects.restrict(user, "list").filter(pk=thread_id).exists()


def _release_db() -> None:
    """Give back the request's database connection: a stream stays open for hours, its connection must not."""
    from django.db import connections

    connections.close_all()


def _policy_key(user, standing: bool):
    """What the sharing policy's read decision depends on for this model: the official's institution (hence
    country), whether their role grants the read permission (``policy.permitted_q`` and
    ``has_model_permission``) and whether they hold cross-border standing (which opens the group and
    network parts of the audience). Subscribers with the same key get the same answer, so one
    ``restrict`` query per key and event serves them all (e.g. 200 open inboxes of 10 institutions
    cost 10 queries, not 200). ``standing`` is the answer of the last fresh re-check: a check made for
    an official with standing never answers for one without."""
    return (user.institution_id, user.has_perm("exchange.view_thread"), standing)


async def _check(event, user, key) -> bool:
    """One policy check per event and policy key, shared by every subscriber with that key."""
    checks = event.setdefault("_checks", {})
    task = checks.get(key)
    if task is None:
        task = asyncio.ensure_future(sync_to_async(_may_see, thread_sensitive=False)(user, event["thread"]))
        checks[key] = task
    try:
        return await asyncio.shield(task)
    except Exception:
        return False


async def events(request):
    user_id = await sync_to_async(lambda: request.user.pk if request.user.is_authenticated else None)()
    user = await sync_to_async(_subscriber)(user_id)
    if user is None:
        return HttpResponse(status=403)
    country_id = user.institution.country_id
    # A stream only runs while its official holds standing (``_subscriber`` ends it otherwise).
    key = await sync_to_async(_policy_key)(user, True)
    recheck = recheck_seconds()

    async def stream():
        nonlocal user, key
        queue = broker().subscribe()
        checked_at = written_at = time.monotonic()
        # Runs in the request's own thread (the ASGI handler keeps its thread-sensitive context while streaming),
        # after the middleware saved the session: from here on the stream holds no connection.
        await sync_to_async(_release_db)()
        try:
            yield "retry: 2000\n\n: conectado\n\n"
            while True:
                now = time.monotonic()
                # Wake at least every ``recheck`` seconds, whether events come or not.
                timeout = max(0.05, min(recheck - (now - checked_at), KEEPALIVE_SECONDS - (now - written_at)))
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=timeout)
                except asyncio.TimeoutError:
                    event = None
                if time.monotonic() - checked_at >= recheck:
                    user = await sync_to_async(_subscriber, thread_sensitive=False)(user.pk)
                    checked_at = time.monotonic()
                    if user is None:
                        # Standing lost (suspended, revoked, expired) or account gone: say so and stop.
                        yield "event: end\ndata: {}\n\n"
                        return
                    key = await sync_to_async(_policy_key, thread_sensitive=False)(user, True)
                if event is None:
                    if time.monotonic() - written_at >= KEEPALIVE_SECONDS:
                        written_at = time.monotonic()
                        yield ": keepalive\n\n"
                    continue
                if country_id not in event.get("countries", ()):
                    continue
                if not await _check(event, user, key):
                    continue
                data = json.dumps({"thread": event["thread"], "type": event.get("type", "thread")})
                written_at = time.monotonic()
                yield f"event: {event.get('type', 'thread')}\ndata: {data}\n\n"
        finally:
            broker().unsubscribe(queue)

    response = StreamingHttpResponse(stream(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"
    return response
