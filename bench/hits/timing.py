"""Issue 17 (session 5): single-request timings of the hit pages and the review queue on the
persistent 1 M-case cluster, as the Guatemalan focal point of ``bench/volume`` (in-process test client).

    DATABASE_URL=postgresql://enlace@127.0.0.1:5499/enlace .venv/bin/python bench/hits/timing.py [--n 30]
        [--explain] [URL ...]

Prints p50/p95/max over ``--n`` sequential requests per URL with the load average; ``--explain``
prints EXPLAIN ANALYZE of the slowest query of one request per URL.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.volume.bench_settings")

URLS = ["/coincidencias/", "/coincidencias/?page=200", "/coincidencias/revision/",
        "/api/v1/hits/?limit=100", "/api/v1/hits/?limit=30&offset=5970", "/casos/entidades/",
        "/api/v1/released-records/?limit=100"]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--explain", action="store_true")
    ap.add_argument("--user", default="bench.gtm")
    ap.add_argument("urls", nargs="*")
    args = ap.parse_args(argv)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from enlace.testing import factories as f

    u = get_user_model().objects.get(username=args.user)
    client, api = f.verified_client(u), f.token_client(u)
    for url in args.urls or URLS:
        c = api if url.startswith("/api/") else client
        times, nq = [], 0
        c.get(url, HTTP_HOST="localhost")  # warm-up, not counted (the first request of a process loads the code)
        for _i in range(args.n):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                r = c.get(url, HTTP_HOST="localhost")
                times.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, (url, r.status_code)
            nq = len(ctx.captured_queries)
        load = open("/proc/loadavg").read().split()[0]
        print(f"{url:45s} q={nq:3d} p50 {pct(times, 50):7.1f}  p95 {pct(times, 95):7.1f}  max {max(times):7.1f} ms"
              f"  (n={args.n}, load {load})", flush=True)
        if args.explain:
            slow = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:2]
            for q in slow:
                print(f"--- {q['time']} s: {q['sql'][:3000]}")
                with connection.cursor() as cur:
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
                    print("\n".join(row[0] for row in cur.fetchall()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
