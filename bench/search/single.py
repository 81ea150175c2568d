"""Single sequential requests against an existing database (issue 17, H1 session 5).

    DATABASE_URL=postgresql://enlace@127.0.0.1:5499/enlace .venv/bin/python bench/search/single.py [-n 30] [URL …]

In-process (Django's test client, the whole middleware stack and template rendering), as the
Guatemalan focal point of ``bench/volume`` (``bench.gtm``): one warm-up request, then ``n``
sequential requests per URL; prints p50/p95/max, the query count and the load average before and
after each URL (2 shared cores: the figures move with the others' work).
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
os.environ.setdefault("DB_CONN_MAX_AGE", "60")  # as deploy/enlace.env.example: one connection reused

DEFAULT = ["/casos/entidades/?q=Mar%C3%ADa%20Garc%C3%ADa", "/casos/entidades/?q=Hern%C3%A1ndez",
           "/casos/entidades/?q=G1234", "/casos/?page=1000", "/api/v1/directory/contacts/?limit=100"]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=30)
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
    web, api = f.verified_client(u), f.token_client(u)
    print(f"{'url':58} {'q':>3} {'p50':>6} {'p95':>6} {'max':>6}  load")
    for url in args.urls or DEFAULT:
        client = api if url.startswith("/api/") else web
        before = load()
        client.get(url, HTTP_HOST="localhost")  # warm-up (the first request of a URL opens its caches)
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(url, HTTP_HOST="localhost")
        queries = len(ctx.captured_queries)
        assert r.status_code == 200, (url, r.status_code)
        times = []
        for _ in range(args.n):
            t0 = time.perf_counter()
            client.get(url, HTTP_HOST="localhost")
            times.append((time.perf_counter() - t0) * 1000)
        print(f"{url:58} {queries:>3} {pct(times, 50):6.0f} {pct(times, 95):6.0f} "
              f"{max(times):6.0f}  {before}→{load()}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
