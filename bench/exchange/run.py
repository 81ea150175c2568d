"""Benchmark of real-time delivery: time from send to receipt with 200 inbox clients connected.

    .venv/bin/python bench/exchange/run.py [--clients 200] [--messages 20] [--only sqlite|postgresql]

For each database (SQLite, the embedded default, one server process; PostgreSQL, two server
processes so that LISTEN/NOTIFY carries events across processes) it:

PostgreSQL is the server ``DATABASE_URL`` names when it is set (a database ``<name>_bench_exchange``
is created there and dropped afterwards; only PostgreSQL is then measured), otherwise a throw-away
cluster with the durable defaults (fsync, synchronous_commit, full_page_writes on). The settings
actually in force are read from the server and printed beside the figures.

1. migrates a fresh database and creates one sender (Costa Rica) and 200 authorised focal points
   spread over the ten other member countries, each with an MFA-verified browser session;
2. starts ``uvicorn enlace.asgi:application`` on 127.0.0.1;
3. opens 200 Server-Sent-Events inbox streams (one per official), sends N messages addressed to
   all ten countries through the API, and records when each stream announces each message;
4. prints p50/p99/max of send→receipt latency and writes them to ``bench/exchange/RESULTS.md``.

Loopback only, bounded in clients and time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
RECIPIENTS = ["BLZ", "CAN", "SLV", "GTM", "HND", "MEX", "NIC", "PAN", "DOM", "USA"]
MAX_SECONDS = 300


# --- child: one database --------------------------------------------------------------------------------

def _setup(clients: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from enlace.core.reference import load_reference

    load_reference()
    from enlace.accounts.actions import do_create_api_token
    from enlace.exchange.tests.helpers import focal
    from enlace.testing import factories as f

    from enlace.directory.demo import _phones
    from enlace.directory.tests.helpers import chancery

    sender = focal("CRI")
    _i, token = do_create_api_token(sender, days=1)
    phones = {code: iter(_phones(code, 100)[1:]) for code in RECIPIENTS}
    chanceries = {code: chancery(code) for code in RECIPIENTS}
    cookies = []
    for i in range(clients):
        code = RECIPIENTS[i % len(RECIPIENTS)]
        user = focal(code, chancery=chanceries[code], contact={"phone": next(phones[code])})
        cookies.append(f.verified_client(user).cookies["sessionid"].value)
    from django.db import connections

    connections.close_all()
    return {"token": token, "cookies": cookies}


async def _stream(client, url, cookie, received, ready, stop):
    try:
        async with client.stream("GET", f"{url}/intercambio/eventos/", cookies={"sessionid": cookie}) as r:
            if r.status_code != 200:
                ready.set()
                return
            ready.set()
            kind = None
            async for line in r.aiter_lines():
                if line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:") and kind == "thread":
                    received.append((json.loads(line[5:])["thread"], time.perf_counter()))
                if stop.is_set():
                    return
    except Exception:  # noqa: BLE001 - a dropped client counts as missed deliveries
        ready.set()


async def _measure(url: str, token: str, cookies: list[str], messages: int) -> dict:
    import httpx

    limits = httpx.Limits(max_connections=len(cookies) + 20, max_keepalive_connections=len(cookies) + 20)
    stop = asyncio.Event()
    per_client: list[list] = [[] for _ in cookies]
    async with httpx.AsyncClient(timeout=httpx.Timeout(30, read=None), limits=limits) as streams:
        readies = [asyncio.Event() for _ in cookies]
        tasks = []
        for i, cookie in enumerate(cookies):
            tasks.append(asyncio.create_task(_stream(streams, url, cookie, per_client[i], readies[i], stop)))
            if i % 20 == 19:
                await asyncio.sleep(0.05)  # connect in waves, as officials open their inboxes
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 120)
        await asyncio.sleep(2)
        sent: dict[int, float] = {}
        post_times: list[float] = []
        async with httpx.AsyncClient(timeout=30) as api:
            for n in range(messages):
                t0 = time.perf_counter()
                r = await api.post(f"{url}/api/v1/exchange/threads/", headers={"Authorization": f"Token {token}"},
                                   json={"kind": "alert", "priority": "urgent", "subject": f"Alerta de prueba {n}",
                                         "body": "Banco de pruebas", "recipient_countries": RECIPIENTS})
                if r.status_code != 201:
                    raise RuntimeError(f"send failed: {r.status_code} {r.text[:300]}")
                sent[r.json()["id"]] = t0
                post_times.append(time.perf_counter() - t0)
                await asyncio.sleep(0.5)
        await asyncio.sleep(3)
        stop.set()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    latencies, missed = [], 0
    for events in per_client:
        got = {tid: ts for tid, ts in events}
        for tid, t0 in sent.items():
            if tid in got:
                latencies.append(got[tid] - t0)
            else:
                missed += 1
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(round(p / 100 * (len(latencies) - 1))))] if latencies else None

    return {"clients": len(cookies), "messages": messages,
            "deliveries": len(latencies), "missed": missed, "p50_ms": round(pct(50) * 1000, 1) if latencies else None,
            "p99_ms": round(pct(99) * 1000, 1) if latencies else None,
            "max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
            "mean_ms": round(statistics.mean(latencies) * 1000, 1) if latencies else None,
            "send_request_p50_ms": round(statistics.median(post_times) * 1000, 1)}


def child(backend: str, url: str, clients: int, messages: int, workers: int) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "enlace.settings.test"
    t = time.perf_counter()
    data = _setup(clients)
    setup_s = time.perf_counter() - t
    from enlace.exchange import liveserver

    server = liveserver.start(url, workers=workers)
    try:
        result = asyncio.run(asyncio.wait_for(_measure(server.url, data["token"], data["cookies"], messages),
                                              MAX_SECONDS))
    finally:
        server.stop()
    result.update(backend=backend, workers=workers, setup_s=round(setup_s, 1), durability=_durability(),
                  load=round(os.getloadavg()[0], 1))
    print("RESULT " + json.dumps(result), flush=True)


def _durability() -> str:
    """What the database promises on a crash, read from the server itself (not from what we asked)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            values = []
            for name in ("fsync", "synchronous_commit", "full_page_writes"):
                cursor.execute(f"SHOW {name}")
                values.append(f"{name}={cursor.fetchone()[0]}")
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}: " + ", ".join(values)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal = cursor.fetchone()[0]
        cursor.execute("PRAGMA synchronous")
        sync = {0: "off", 1: "normal", 2: "full", 3: "extra"}.get(cursor.fetchone()[0], "?")
    return f"SQLite: journal_mode={journal}, synchronous={sync}"


# --- parent -------------------------------------------------------------------------------------------

def _bench_database(server_url: str) -> tuple[str, callable]:
    """A fresh database beside the one ``server_url`` names (never the data of the server itself)."""
    import psycopg

    base, _sep, name = server_url.rpartition("/")
    name = (name.split("?")[0] or "enlace") + "_bench_exchange"
    admin = psycopg.connect(f"{base}/postgres", autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')

    def drop():
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return f"{base}/{name}", drop


def run_backend(backend: str, clients: int, messages: int) -> dict | None:
    stop = None
    tmp = None
    given = os.environ.get("DATABASE_URL", "")
    if backend == "sqlite":
        tmp = tempfile.mkdtemp(prefix="enlace-bench-")
        url, workers = f"sqlite:///{tmp}/bench.sqlite3", 1
    elif given.startswith(("postgres://", "postgresql://")):
        # DATABASE_URL names the PostgreSQL server to measure (its settings as they are): a database of
        # its own is created there and dropped afterwards.
        url, stop = _bench_database(given)
        workers = 2
    else:
        # A throw-away cluster with PostgreSQL's durable defaults (fsync, synchronous commit, full pages):
        # the figures are those of a database that survives a power cut.
        from enlace.testing import pgcluster

        server = pgcluster.start(durable=True)
        workers = 2
        try:
            url, drop = _bench_database(server)
        except Exception:
            pgcluster.stop()
            raise

        def stop():
            drop()
            pgcluster.stop()
    try:
        out = subprocess.run([sys.executable, __file__, "--child", backend, "--url", url, "--clients", str(clients),
                              "--messages", str(messages), "--workers", str(workers)],
                             capture_output=True, text=True, timeout=MAX_SECONDS + 300, cwd=str(ROOT))
        for line in out.stdout.splitlines():
            if line.startswith("RESULT "):
                return json.loads(line[7:])
        print(out.stdout[-3000:], out.stderr[-3000:], file=sys.stderr)
        return None
    finally:
        if stop:
            stop()


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--clients", type=int, default=200)
    p.add_argument("--messages", type=int, default=20)
    p.add_argument("--only", choices=["sqlite", "postgresql"])
    p.add_argument("--child")
    p.add_argument("--url")
    p.add_argument("--workers", type=int, default=1)
    args = p.parse_args()
    args.clients = max(1, min(args.clients, 500))
    args.messages = max(1, min(args.messages, 200))
    if args.child:
        child(args.child, args.url, args.clients, args.messages, args.workers)
        return 0
    results = []
    backends = [args.only] if args.only else ["sqlite", "postgresql"]
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")) and not args.only:
        backends = ["postgresql"]  # DATABASE_URL chose the database to measure
    for backend in backends:
        print(f"exchange bench: {backend}, {args.clients} inbox clients, {args.messages} messages…", flush=True)
        r = run_backend(backend, args.clients, args.messages)
        if r is None:
            print(f"  {backend}: FAILED", flush=True)
            continue
        print(f"  {backend} ({r['durability']}): p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms, max {r['max_ms']} ms, "
              f"{r['deliveries']} deliveries, {r['missed']} missed (the send request itself: p50 "
              f"{r['send_request_p50_ms']} ms)", flush=True)
        results.append(r)
    if results and not args.child:
        write_results(results, args)
    return 0 if results else 1


def write_results(results, args) -> None:
    lines = [
        "# Exchange real-time benchmark",
        "",
        f"Command: `.venv/bin/python bench/exchange/run.py --clients {args.clients} --messages {args.messages}` "
        "(also run by `make bench`).",
        "",
        f"Run on {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPU cores, "
        f"Python {platform.python_version()}, loopback only. Each message is addressed to the ten other member "
        "countries, so every one of the inbox streams (one per authorised official) must announce it; latency is "
        "measured from just before the API `POST` to the moment the stream delivers the event to the client. "
        "The client load generator runs on the same cores as the server.",
        "",
        "| database | durability (read from the server) | load avg (1 min) | server processes | inbox clients | messages | deliveries | missed | p50 | p99 | max | send request p50 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(f"| {r['backend']} | {r['durability']} | {r.get('load', '?')} | {r['workers']} | {r['clients']} | {r['messages']} | {r['deliveries']} | "
                     f"{r['missed']} | {r['p50_ms']} ms | {r['p99_ms']} ms | {r['max_ms']} ms | {r['send_request_p50_ms']} ms |")
    lines += ["", "Target: p99 under 1 s on a 2-core machine.", ""]
    (HERE / "RESULTS.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
