"""Real-time delivery: a tiny event broker behind the Server-Sent Events stream.

Events carry ids only (``{"type", "thread", "countries"}``); the stream checks each one against
the sharing policy for its subscriber before telling the browser "thread N changed", and the
browser then fetches the row from a policy-checked view. Nothing a subscriber may not see ever
enters the stream.

* SQLite (the embedded default, one server process): an in-process broker. ``publish`` is called
  from the request thread after commit and hands the event to every subscriber's asyncio queue in
  the server's event loop.
* PostgreSQL (production, several server processes): ``publish`` sends ``NOTIFY enlace_exchange``;
  each process keeps one psycopg 3 async connection that ``LISTEN``s and fans out to its local
  subscribers. Every process therefore delivers every event, whichever process wrote it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading

from django.db import connection, transaction

log = logging.getLogger("enlace.exchange.realtime")
CHANNEL = "enlace_exchange"


class LocalBroker:
    """Subscribers are asyncio queues, each bound to the loop that created it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._subscribers: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue]] = set()

    # -- subscribers (async side) --------------------------------------------------------------------
    def subscribe(self) -> asyncio.Queue:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue = asyncio.Queue(maxsize=1000)
        with self._lock:
            self._subscribers.add((loop, queue))
        self._started(loop)
        return queue

    def unsubscribe(self, queue: asyncio.Queue) -> None:
        with self._lock:
            self._subscribers = {(lp, q) for lp, q in self._subscribers if q is not queue}

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)

    def _started(self, loop) -> None:
        pass

    def fan_out(self, event: dict) -> None:
        """Give one event to every local subscriber (thread-safe). One shared dict per event lets the
        subscribers of the same official share a single policy check."""
        event = dict(event)
        event["_checks"] = {}
        with self._lock:
            targets = list(self._subscribers)
        for loop, queue in targets:
            try:
                loop.call_soon_threadsafe(_put, queue, event)
            except RuntimeError:  # loop closed: the subscriber is gone
                self.unsubscribe(queue)

    # -- publishers (sync side) ----------------------------------------------------------------------
    def publish(self, event: dict) -> None:
        self.fan_out(event)


def _put(queue: asyncio.Queue, event: dict) -> None:
    try:
        queue.put_nowait(event)
    except asyncio.QueueFull:  # a stalled client: drop rather than grow without bound
        pass


class PostgresBroker(LocalBroker):
    """LISTEN/NOTIFY across processes; one listening connection per process and event loop."""

    def __init__(self):
        super().__init__()
        self._listeners: dict[int, asyncio.Task] = {}

    def publish(self, event: dict) -> None:
        payload = json.dumps({k: v for k, v in event.items() if not k.startswith("_")})
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, payload])

    def _started(self, loop) -> None:
        task = self._listeners.get(id(loop))
        if task is None or task.done():
            self._listeners[id(loop)] = loop.create_task(self._listen())

    @staticmethod
    def _params() -> dict:
        params = dict(connection.get_connection_params())
        for key in ("context", "cursor_factory", "prepare_threshold", "server_side_binding"):
            params.pop(key, None)
        return params

    async def _listen(self) -> None:
        import psycopg

        delay = 0.5
        params = await asyncio.to_thread(self._params)
        while self._subscribers:
            try:
                async with await psycopg.AsyncConnection.connect(autocommit=True, **params) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    delay = 0.5
                    async for note in conn.notifies():
                        try:
                            event = json.loads(note.payload)
                        except ValueError:
                            continue
                        self.fan_out(event)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database restarted: reconnect with back-off
                log.warning("exchange listener lost its connection (%s); retrying", exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)


_broker: LocalBroker | None = None
_broker_lock = threading.Lock()


def broker() -> LocalBroker:
    global _broker
    with _broker_lock:
        if _broker is None:
            _broker = PostgresBroker() if connection.vendor == "postgresql" else LocalBroker()
        return _broker


def publish_on_commit(kind: str, thread_id: int, country_ids) -> None:
    """Announce a change to a thread once the transaction that made it has committed."""
    event = {"type": kind, "thread": thread_id, "countries": sorted(set(country_ids))}

    def _send():
        try:
            broker().publish(event)
        except Exception as exc:  # real time is best effort; the inbox still shows it on reload
            log.warning("exchange event not published: %s", exc)

    transaction.on_commit(_send)
