"""Benchmark of the public portal: 100 concurrent anonymous visitors against ``enlace serve``.

    .venv/bin/python bench/portal/run.py [--visitors 100] [--seconds 60] [--think 1.0] [--workers 2] [--entries 300]

1. builds a fresh SQLite database (the embedded default) in a temporary directory: migrations,
   reference data, the demo officials it needs, and ``--entries`` portal entries (news,
   agreements, publications, campaigns, good practices, case briefs, events) published through
   the real actions (editor drafts → proposal → the ST's approval);
2. starts ``enlace serve`` (uvicorn, ``--workers`` processes) on 127.0.0.1;
3. runs ``--visitors`` concurrent anonymous visitors (httpx, one connection pool each, no
   cookies, no conditional requests: every answer is a full 200 page) for ``--seconds``; each
   visitor opens a page picked at random from the portal's mix (home, sections, entry pages,
   search, Atom feed, iCal feed, network, plan, sitemap), waits ``--think`` seconds (a reader),
   and goes on; ``--think 0`` is the stress case (each visitor fires as fast as answers come);
4. prints p50/p95/p99/max per page kind and overall, and appends them to ``bench/portal/RESULTS.md``.

Loopback only; bounded in visitors and time.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
SETTINGS = "bench.portal.bench_settings"
KINDS = ["news", "agreement", "publication", "campaign", "event"]
WORDS = ["migrantes", "protección", "tráfico", "cooperación", "frontera", "fiscalía", "albergue", "campaña"]


def _setup(entries: int) -> list[int]:
    """Runs in a child process with DJANGO_SETTINGS_MODULE and ENLACE_VAR_DIR set."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from enlace.core.reference import load_reference

    load_reference()
    from enlace.portal import actions
    from enlace.testing import factories as f

    editor, st = f.user("CRM", "portal_editor"), f.user("CRM", "st")
    rnd = random.Random(12)
    ids = []
    now = datetime.datetime.now(datetime.timezone.utc)
    for i in range(entries):
        kind = KINDS[i % len(KINDS)]
        words = " ".join(rnd.sample(WORDS, 3))
        data = {"kind": kind, "title_es": f"Contenido {i}: {words}", "title_en": f"Entry {i}",
                "summary_es": f"Resumen de demostración sobre {words}. " * 3, "summary_en": "Demo summary. " * 3,
                "body_es": ("Texto de demostración del portal. " * 40)}
        if kind == "event":
            data.update(starts_at=now + datetime.timedelta(days=i % 90), place="Ciudad de Guatemala")
        e = actions.do_create_portal_draft(editor, data)
        actions.do_propose_portal_entry(editor, e)
        actions.do_approve_portal_entry(st, e)
        ids.append(e.pk)
    return ids


def _paths(ids: list[int]) -> list[tuple[str, str]]:
    sections = ["acuerdos", "publicaciones", "campanas", "noticias", "buenas-practicas", "jurisprudencia", "eventos"]
    mix = []
    for lang in ("es", "en"):
        mix += [("home", f"/publico/{lang}/")] * 6 + [("home", "/")] * 2
        mix += [("section", f"/publico/{lang}/{s}/") for s in sections] * 2
        mix += [("section", f"/publico/{lang}/noticias/?pagina={p}") for p in (2, 3)]
        mix += [("entry", f"/publico/{lang}/contenido/{pk}/") for pk in ids[:60]]
        mix += [("search", f"/publico/{lang}/buscar/?q={w}") for w in WORDS]
        mix += [("feed", f"/publico/{lang}/novedades.atom"), ("feed", f"/publico/{lang}/eventos.ics"),
                ("other", f"/publico/{lang}/red/"), ("other", f"/publico/{lang}/plan/")]
    mix.append(("other", "/publico/sitemap.xml"))
    return mix


async def _visitor(client, mix, until, think, results, errors, rnd):
    import httpx

    if think:
        # Visitors arrive spread over one think time, not all in the same millisecond.
        await asyncio.sleep(rnd.uniform(0, think))
    while time.monotonic() < until:
        kind, path = rnd.choice(mix)
        t0 = time.perf_counter()
        try:
            r = await client.get(path)
            ok = r.status_code == 200
        except httpx.HTTPError:
            ok = False
        ms = (time.perf_counter() - t0) * 1000
        (results.setdefault(kind, []) if ok else errors).append(ms)
        if ms > 1000 and os.environ.get("BENCH_DEBUG"):
            print(f"slow {ms:.0f} ms at {until - time.monotonic():.1f} s before end: {path}")
        if think:
            await asyncio.sleep(rnd.uniform(0.5 * think, 1.5 * think))


async def _warm(base, mix, workers):
    """Each distinct page a few times per server process, so the run measures the steady state (pages
    rendered once per content version and process), not the first render of every page."""
    import httpx

    paths = sorted({p for _k, p in mix}) * (2 * workers)
    sem = asyncio.Semaphore(8)
    async with httpx.AsyncClient(base_url=base, timeout=60.0) as client:
        async def one(path):
            async with sem:
                await client.get(path)
        await asyncio.gather(*(one(p) for p in paths))


async def _load(base, mix, visitors, seconds, think):
    import httpx

    # One client (connection, no cookies) per visitor, all built before the clock starts: building an
    # httpx client loads a TLS context, which would otherwise stall the loop and inflate the first timings.
    clients = [httpx.AsyncClient(base_url=base, timeout=30.0) for _ in range(visitors)]
    results, errors = {}, []
    until = time.monotonic() + seconds
    try:
        await asyncio.gather(*(_visitor(c, mix, until, think, results, errors, random.Random(i))
                               for i, c in enumerate(clients)))
    finally:
        for c in clients:
            await c.aclose()
    return results, errors


def _pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--visitors", type=int, default=100)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--think", type=float, default=1.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--entries", type=int, default=300)
    ap.add_argument("--setup-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.visitors > 500 or args.seconds > 600:
        sys.exit("bounded: at most 500 visitors and 600 seconds")

    if args.setup_only:  # child
        ids = _setup(args.entries)
        print(",".join(map(str, ids)))
        return

    var = tempfile.mkdtemp(prefix="enlace-bench-portal-")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS, "ENLACE_VAR_DIR": var, "PYTHONPATH": str(ROOT),
           "ENLACE_LOG_LEVEL": "WARNING"}
    env.pop("DATABASE_URL", None)
    t0 = time.time()
    out = subprocess.run([sys.executable, __file__, "--setup-only", "--entries", str(args.entries)], env=env,
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    ids = [int(x) for x in out.split(",") if x]
    print(f"setup: {len(ids)} published entries in {time.time() - t0:.0f} s ({var})")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = open(os.path.join(var, "serve.log"), "wb")  # uvicorn's access log: to a file, never a full pipe
    server = subprocess.Popen([sys.executable, "-m", "enlace.cli", "serve", "--port", str(port), "--workers",
                               str(args.workers)], env=env, cwd=ROOT, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        for _ in range(100):
            try:
                if httpx.get(base + "/publico/es/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            raise SystemExit(f"server did not start: see {var}/serve.log")
        mix = _paths(ids)
        asyncio.run(_warm(base, mix, args.workers))
        results, errors = asyncio.run(_load(base, mix, args.visitors, args.seconds, args.think))
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    every = [v for vals in results.values() for v in vals]
    lines = [f"| all | {len(every)} | {statistics.median(every):.0f} | {_pct(every, 95):.0f} | {_pct(every, 99):.0f} | "
             f"{max(every):.0f} |"]
    for kind in sorted(results):
        v = results[kind]
        lines.append(f"| {kind} | {len(v)} | {statistics.median(v):.0f} | {_pct(v, 95):.0f} | {_pct(v, 99):.0f} | "
                     f"{max(v):.0f} |")
    rps = len(every) / args.seconds
    head = (f"\n## {datetime.datetime.now():%Y-%m-%d %H:%M} — {args.visitors} visitors, think {args.think} s, "
            f"{args.seconds} s, {args.workers} workers, {len(ids)} entries\n\n"
            f"SQLite, `enlace serve` on loopback; {platform.python_version()}, {os.cpu_count()} CPUs "
            f"(shared with other work), {rps:.0f} requests/s, {len(errors)} errors/non-200.\n\n"
            "| pages | requests | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|\n")
    report = head + "\n".join(lines) + "\n"
    print(report)
    results_md = HERE / "RESULTS.md"
    if not results_md.exists():
        results_md.write_text("# Public portal under load\n\nCommand: `.venv/bin/python bench/portal/run.py` "
                              "(see its docstring). Each run appends a section.\n")
    with results_md.open("a") as fh:
        fh.write(report)


if __name__ == "__main__":
    main()
