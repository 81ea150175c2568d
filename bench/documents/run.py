"""Benchmark: the hit/no-hit query of one document number or phone against 1 million numbers (PostgreSQL).

    .venv/bin/python bench/documents/run.py [--documents 1000000] [--queries 300]

1. starts a throw-away PostgreSQL cluster with durable settings (``bench/centres/run.py::Cluster``),
   migrates it and loads the reference data;
2. creates one focal point in each of the 11 member countries and loads N numbers into the
   indexed number table (COPY): 80 % documents (passports and identity cards in the shapes the
   region uses), 20 % phones (E.164), owned by the 11 countries, plus 1 000 register entries made
   through the app's action;
3. as a Guatemalan focal point, POSTs ``/api/v1/documents/query/`` through Django's test client
   (no network; token auth, normalisation, policy, audit event included): no-hit queries (numbers
   absent), hit queries (numbers present in another country: the first time each creates the two
   notices of the hit) and repeated hit queries;
4. prints p50/p95/max per kind and writes ``bench/documents/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from bench.centres.run import MEMBERS, Cluster, pct  # noqa: E402


def _doc(rng) -> str:
    r = rng.random()
    if r < 0.5:
        return rng.choice("GACEPMHN") + f"{rng.randrange(10**8):08d}"
    if r < 0.8:
        return f"{rng.randrange(10**12, 10**13)}"
    return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(9)) + str(rng.randrange(10))


def _phone(rng, code) -> str:
    cc = {"GTM": "502", "SLV": "503", "HND": "504", "NIC": "505", "CRI": "506", "PAN": "507", "BLZ": "501",
          "MEX": "52", "USA": "1", "CAN": "1", "DOM": "1"}[code]
    width = {"52": 10, "1": 10, "501": 7}.get(cc, 8)
    first = "2345678"[rng.randrange(7)]
    return f"+{cc}{first}{rng.randrange(10 ** (width - 1)):0{width - 1}d}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--documents", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=300)
    args = ap.parse_args(argv)
    cluster = Cluster()
    os.environ["DATABASE_URL"] = cluster.start()
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.documents.bench_settings"
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
    from django.db import connection

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    from enlace.core.reference import load_reference

    load_reference()
    from enlace.documents import actions
    from enlace.testing import factories as f

    rng = random.Random(13)
    users = {code: f.user(code, "focal_point") for code in MEMBERS}
    for i in range(1000):
        code = MEMBERS[i % len(MEMBERS)]
        actions.do_report_document(users[code], doc_type="passport", number=_doc(rng), issuing_country=code,
                                   status=rng.choice(["lost", "stolen", "fraudulent"]),
                                   reported_on=datetime.date(2026, 1, 1) + datetime.timedelta(days=i % 300))
    print(f"setup: {time.perf_counter() - t0:.1f} s (migrate, reference, 11 focal points, 1000 register entries)",
          flush=True)

    inst = {code: (u.institution_id, u.institution.country_id) for code, u in users.items()}
    present = []  # numbers held by other countries than GTM, to query as hits
    t0 = time.perf_counter()
    seen = set()
    with connection.cursor() as cur:
        with cur.cursor.copy("COPY documents_numberentry (kind, value, record_id, owner_institution_id, country_id, "
                             "distribution) FROM STDIN") as copy:
            n = 0
            while n < args.documents:
                code = MEMBERS[n % len(MEMBERS)]
                if rng.random() < 0.8:
                    kind, value = "document", _doc(rng)
                else:
                    kind, value = "phone", _phone(rng, code)
                if (kind, value) in seen:
                    continue
                seen.add((kind, value))
                institution, country = inst[code]
                copy.write_row((kind, value, f"cases.entity.{10_000_000 + n}", institution, country, "country"))
                if code != "GTM" and len(present) < args.queries and rng.random() < 0.01:
                    present.append((kind, value))
                n += 1
        cur.execute("ANALYZE documents_numberentry")
    load_s = time.perf_counter() - t0
    print(f"loaded {args.documents:,} numbers in {load_s:.1f} s", flush=True)

    # The hits point at register-like records: make them register entries' ids so no case entity is needed.
    with connection.cursor() as cur:
        for i, (kind, value) in enumerate(present):
            cur.execute("UPDATE documents_numberentry SET record_id = %s WHERE kind = %s AND value = %s",
                        [f"documents.report.{900_000_000 + i}", kind, value])

    client = f.token_client(users["GTM"])
    url = "/api/v1/documents/query/"

    def run(pairs):
        times, hits = [], 0
        for kind, value in pairs:
            t = time.perf_counter()
            r = client.post(url, {"kind": kind, "number": value}, format="json")
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, r.content
            hits += r.json()["hit"]
        return times, hits

    absent = []
    while len(absent) < args.queries:
        kind = "document" if rng.random() < 0.8 else "phone"
        value = _doc(rng) if kind == "document" else _phone(rng, rng.choice(MEMBERS))
        if (kind, value) not in seen:
            absent.append((kind, value))
    run(absent[:20])  # warm up
    from enlace.documents.actions import lookup, normalise_query

    gtm = users["GTM"]

    def run_lookup(pairs):
        times, hits = [], 0
        for kind, value in pairs:
            t = time.perf_counter()
            _display, forms = normalise_query(kind, value, gtm)
            hits += bool(lookup(kind, forms, gtm.institution.country_id))
            times.append((time.perf_counter() - t) * 1000)
        return times, hits

    results = {"lookup only: normalise + indexed query (no-hit numbers)": run_lookup(absent),
               "lookup only: normalise + indexed query (hit numbers)": run_lookup(present)}
    results["no-hit"] = run(absent)
    results["hit (first: two notices written)"] = run(present)
    results["hit (repeated)"] = run(present)
    with connection.cursor() as cur:
        cur.execute("EXPLAIN SELECT * FROM documents_numberentry WHERE kind = 'document' AND value IN ('G12345678')")
        plan = "\n".join(row[0] for row in cur.fetchall())
    load = os.getloadavg()
    lines = [f"# Document/phone hit/no-hit query — {args.documents:,} numbers on PostgreSQL", "",
             f"Command: `.venv/bin/python bench/documents/run.py --documents {args.documents} --queries {args.queries}`",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / "
             f"{load[2]:.1f}; {cluster.version}; durable settings (fsync, synchronous_commit on).",
             "", "Each query: `POST /api/v1/documents/query/` through Django's test client as a Guatemalan focal "
             "point (token auth, normalisation, policy, one audit event committed durably). \"lookup only\" "
             "times the normalisation and the indexed query in-process (what grows with the table).", "",
             "| queries | n | hits | p50 ms | p95 ms | max ms |", "|---|---|---|---|---|---|"]
    for name, (times, hits) in results.items():
        lines.append(f"| {name} | {len(times)} | {hits} | {statistics.median(times):.1f} | {pct(times, 95):.1f} | "
                     f"{max(times):.1f} |")
    lines += ["", "Plan of the lookup:", "", "```", plan, "```", ""]
    text = "\n".join(lines)
    print(text)
    (HERE / "RESULTS.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
