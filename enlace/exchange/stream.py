"""The inbox event stream (Server-Sent Events over ASGI).

An async view: it holds no thread while it waits, so one server process keeps hundreds of inboxes
open. Each event from the broker is checked against the sharing policy *for this subscriber*
before anything is written to the stream, and what is written is only "thread N changed": the
page then fetches the row from a policy-checked view.
"""

from __future__ import annotations

import asyncio
import json
import time

from asgiref.sync import sync_to_async
from django.http import HttpResponse, StreamingHttpResponse

from .realtime import broker

KEEPALIVE_SECONDS = 15
RECHECK_SECONDS = 60


def _subscriber(user_id):
    """The official behind the stream, re-read so that a deactivated or revoked account stops receiving."""
    from enlace.accounts.models import User

    from .actions import can_exchange

    user = User.objects.select_related("institution__country").filter(pk=user_id).first()
    if user is None or not can_exchange(user):
        return None
    return user


def _may_see(user, thread_id) -> bool:
    from .models import Thread

    return Thread.objects.restrict(user, "list").filter(pk=thread_id).exists()


async def _check(event, user) -> bool:
    """One policy check per official and event, shared by that official's open tabs."""
    checks = event.setdefault("_checks", {})
    task = checks.get(user.pk)
    if task is None:
        task = asyncio.ensure_future(sync_to_async(_may_see, thread_sensitive=False)(user, event["thread"]))
        checks[user.pk] = task
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

    async def stream():
        nonlocal user
        queue = broker().subscribe()
        checked_at = time.monotonic()
        try:
            yield "retry: 2000\n\n: conectado\n\n"
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), timeout=KEEPALIVE_SECONDS)
                except asyncio.TimeoutError:
                    yield ": keepalive\n\n"
                    event = None
                if time.monotonic() - checked_at > RECHECK_SECONDS:
                    user = await sync_to_async(_subscriber, thread_sensitive=False)(user.pk)
                    checked_at = time.monotonic()
                    if user is None:
                        yield "event: end\ndata: {}\n\n"
                        return
                if event is None:
                    continue
                if country_id not in event.get("countries", ()):
                    continue
                if not await _check(event, user):
                    continue
                data = json.dumps({"thread": event["thread"], "type": event.get("type", "thread")})
                yield f"event: {event.get('type', 'thread')}\ndata: {data}\n\n"
        finally:
            broker().unsubscribe(queue)

    response = StreamingHttpResponse(stream(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"
    return response
