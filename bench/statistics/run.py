"""Benchmark: regional statistics dashboards over ~10 million submission cells on PostgreSQL.

    .venv/bin/python bench/statistics/run.py [--periods 72] [--extra-indicators 60] [--requests 100]

1. starts a throw-away PostgreSQL cluster with *durable* settings (fsync, synchronous_commit and
   full_page_writes keep their defaults), migrates it and loads the reference data (the shipped
   indicator catalogue);
2. widens the catalogue with benchmark indicators (sex, age band and a 200-category nationality
   breakdown: 210 cells each), opens N monthly periods and gives each of the 11 member countries
   one locked, current, network-shared submission per period;
3. generates every cell server-side (``INSERT … SELECT`` over ``generate_series``-style cross joins:
   no Python row loop), ~10 M rows with the defaults, then ``ANALYZE``;
4. times the dashboard page (``/estadisticas/?period=&indicator=``) and the API
   (``/api/v1/estadisticas/regional/``) as a Guatemalan analyst (give-to-get satisfied; ten other
   countries seen through their published cells), on random periods and indicators;
5. times the "Diagnóstico regional" report of one period (PDF with charts and map + XLSX annex);
6. prints p50/p95/max and writes ``bench/statistics/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench" / "centres"))
MEMBERS = ["BLZ", "CAN", "CRI", "SLV", "GTM", "HND", "MEX", "NIC", "PAN", "DOM", "USA"]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values)) - 1))]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--periods", type=int, default=72)
    ap.add_argument("--extra-indicators", type=int, default=60)
    ap.add_argument("--requests", type=int, default=100)
    args = ap.parse_args(argv)
    from run import Cluster  # bench/centres/run.py: the durable throw-away cluster

    cluster = Cluster()
    os.environ["DATABASE_URL"] = cluster.start()
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.statistics.bench_settings"
    try:
        return _bench(args, cluster)
    finally:
        from django.db import connections

        connections.close_all()
        cluster.stop()


def _bench(args, cluster) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    from enlace.core.reference import load_reference

    load_reference()
    from enlace.sharing.policy import Distribution
    from enlace.statistics import actions
    from enlace.statistics.models import DataSet, Dimension, Indicator, Period, Submission
    from enlace.testing import factories as f

    rng = random.Random(11)
    users = {code: f.user(code, "analyst") for code in MEMBERS}
    # Benchmark catalogue: a 200-category breakdown and extra indicators (system setup, not an app flow).
    with transaction.atomic():
        Dimension.objects.get_or_create(code="bnat", defaults={
            "name_es": "Nacionalidad (bench)", "name_en": "Nationality (bench)",
            "categories": [{"code": f"N{i:03d}", "es": f"País {i}", "en": f"Country {i}"} for i in range(200)]})
        ds, _ = DataSet.objects.get_or_create(code="BENCH", defaults={"name_es": "Bench", "name_en": "Bench", "order": 9})
        for i in range(args.extra_indicators):
            Indicator.objects.get_or_create(code=f"B{i:02d}", defaults={
                "dataset": ds, "name_es": f"Indicador {i}", "name_en": f"Indicator {i}",
                "dimensions": ["sex", "age", "bnat"], "order": i})
        start = datetime.date(2020, 1, 1)
        periods = []
        for n in range(args.periods):
            y, m = start.year + (start.month - 1 + n) // 12, (start.month - 1 + n) % 12 + 1
            first = datetime.date(y, m, 1)
            periods.append(Period(code=f"{y}-{m:02d}", starts_on=first, ends_on=first + datetime.timedelta(days=27)))
        Period.objects.bulk_create(periods)
        periods = list(Period.objects.order_by("starts_on"))
        subs = [Submission(owner_institution=users[c].institution, distribution=Distribution.NETWORK, period=p,
                           country=users[c].institution.country, version=1, is_current=True,
                           status=Submission.Status.LOCKED, completeness=100)
                for p in periods for c in MEMBERS]
        Submission.objects.unrestricted(reason="benchmark setup").bulk_create(subs, batch_size=1000)
    keys = actions.expected_keys()
    ind_ids = dict(Indicator.objects.values_list("code", "pk"))
    setup_s = time.perf_counter() - t0
    print(f"setup: {setup_s:.1f} s ({len(periods)} periods, {len(periods) * len(MEMBERS)} submissions, "
          f"{len(keys)} cells per submission)", flush=True)

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("CREATE TEMP TABLE bench_keys (indicator_id bigint, dimension varchar(20), category varchar(20))")
        with cur.cursor.copy("COPY bench_keys FROM STDIN") as copy:
            for ind, dim, cat in keys:
                copy.write_row((ind_ids[ind], dim, cat))
        # Bulk load as a restore would: the foreign keys are known to hold (every row joins existing
        # submissions and indicators), so their per-row triggers are skipped for this one statement.
        cur.execute("SET session_replication_role = replica")
        cur.execute("""
            INSERT INTO stats_cell (submission_id, indicator_id, dimension, category, value, published)
            SELECT s.id, k.indicator_id, k.dimension, k.category, v.value, v.value >= 11
            FROM stats_submission s CROSS JOIN bench_keys k
            CROSS JOIN LATERAL (SELECT (abs(hashtext(s.id::text || k.category || k.indicator_id::text)) % 400)
                                AS value) v""")
        cells = cur.rowcount
        cur.execute("SET session_replication_role = DEFAULT")
        cur.execute("ANALYZE")
    load_s = time.perf_counter() - t0
    print(f"cells: {cells:,} in {load_s:.1f} s", flush=True)

    analyst = users["GTM"]
    client = f.verified_client(analyst)
    api = f.token_client(analyst)
    codes = [k for k in ind_ids if k.startswith(("TIM", "TDP", "B"))]
    client.get(f"/estadisticas/?period={periods[-1].code}")  # warm-up
    page, apit = [], []
    for _ in range(args.requests):
        p = rng.choice(periods)
        t = time.perf_counter()
        r = client.get(f"/estadisticas/?period={p.code}&indicator={rng.choice(codes)}")
        page.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
        t = time.perf_counter()
        r = api.get(f"/api/v1/estadisticas/regional/?period={p.code}&indicator={rng.choice(codes)}")
        apit.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200
    print(f"dashboard page: p50 {pct(page, 50):.0f} ms, p95 {pct(page, 95):.0f} ms, max {max(page):.0f} ms", flush=True)
    print(f"regional API:   p50 {pct(apit, 50):.0f} ms, p95 {pct(apit, 95):.0f} ms, max {max(apit):.0f} ms", flush=True)

    from enlace.statistics.report import build

    t = time.perf_counter()
    pdf, xlsx, _inputs, _digest = build(analyst, periods[-1])
    report_s = time.perf_counter() - t
    print(f"report: {report_s:.1f} s (PDF {len(pdf) // 1024} KiB, XLSX {len(xlsx) // 1024} KiB)", flush=True)

    (HERE / "RESULTS.md").write_text(f"""# Statistics benchmark (issue 11)

Command: `.venv/bin/python bench/statistics/run.py --periods {args.periods} --extra-indicators {args.extra_indicators} --requests {args.requests}`

Machine: {platform.machine()}, {os.cpu_count()} shared cores, Python {platform.python_version()}; {cluster.version},
throw-away cluster with durable settings (fsync, synchronous_commit, full_page_writes on).

Data: 11 member countries × {len(periods)} monthly periods = {len(periods) * len(MEMBERS)} locked submissions,
{len(keys)} cells each → **{cells:,} submission cells** (generated server-side in {load_s:.0f} s).
Viewer: a Guatemalan analyst with cross-border standing whose country locked every period (give-to-get
satisfied): own country whole, ten others through their published cells only.

| measure | p50 | p95 | max | target |
|---|---|---|---|---|
| dashboard page `/estadisticas/?period=&indicator=` ({args.requests} requests) | {pct(page, 50):.0f} ms | {pct(page, 95):.0f} ms | {max(page):.0f} ms | p95 ≤ 300 ms |
| regional API `/api/v1/estadisticas/regional/?period=&indicator=` (all totals and flows, one indicator's breakdowns) | {pct(apit, 50):.0f} ms | {pct(apit, 95):.0f} ms | {max(apit):.0f} ms | — |

Report "Diagnóstico regional" for one period (all {len(ind_ids)} indicators: PDF with one chart per
breakdown + flow map, XLSX annex): **{report_s:.1f} s** (target ≤ 30 s); PDF {len(pdf) // 1024} KiB,
XLSX {len(xlsx) // 1024} KiB.
""", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
