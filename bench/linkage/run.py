#!/usr/bin/env python
"""Benchmark of the record-linkage engine: quality, time and memory of the batch, latency online.

    .venv/bin/python bench/linkage/run.py                      # 100k and 1M records
    .venv/bin/python bench/linkage/run.py --sizes 100000       # one size
    .venv/bin/python bench/linkage/run.py --sizes 1000000 --queries 1000 --dob-missing 0.06

For each size it generates synthetic records (bench/linkage/generate.py, seed 42, cached in
bench/out/), runs the batch linker in a child process (``python -m enlace.matching.engine.batch``)
while sampling the resident memory of the child and of its worker processes, scores the pairs
against the ground truth (precision, recall and F1 over pairs of records from different source
countries), and times the online check: an ``OnlineIndex`` of all records but ``--queries`` of
them taken at regular intervals through the file, queried with those held-out records (new
records; about 45 % of them belong to a person with other records in the index).  Results are printed and written to bench/out/linkage-results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "bench", "out")
PY = sys.executable
sys.path.insert(0, HERE)

import evaluate  # noqa: E402
import generate  # noqa: E402

TARGETS = {"f1": 0.95, "precision": 0.99, "batch_seconds": 90, "peak_rss_gib": 6.0, "online_p95_ms": 100}


def _tree_rss(proc) -> int:
    try:
        procs = [proc] + proc.children(recursive=True)
    except Exception:  # noqa: BLE001
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except Exception:  # noqa: BLE001
            pass
    return total


def run_measured(cmd: list[str], env=None) -> tuple[int, str, str, float, int]:
    """Run a command; returns (exit code, stdout, stderr, wall seconds, peak RSS bytes of its process tree).

    With psutil the RSS of the child and all its descendants is summed every 50 ms (an upper bound:
    pages shared between forked workers count once per process); without it, the peak RSS of the
    largest child process (resource.getrusage)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    peak = 0
    try:
        import psutil

        ps = psutil.Process(proc.pid)
        while proc.poll() is None:
            peak = max(peak, _tree_rss(ps))
            time.sleep(0.05)
    except ImportError:
        pass
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    if not peak:
        import resource

        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return proc.returncode, out, err, wall, peak


def ensure_data(n: int, seed: int, dob_missing: float) -> tuple[str, str, float | None]:
    tag = f"records-{n}-s{seed}" + ("" if dob_missing == generate.DOB_MISSING else f"-dm{dob_missing:g}")
    path = os.path.join(OUT, tag + ".csv")
    truth = os.path.join(OUT, tag + ".truth.csv")
    if os.path.exists(path) and os.path.exists(truth):
        return path, truth, None
    t0 = time.perf_counter()
    generate.write(path, n, seed, dob_missing)
    return path, truth, time.perf_counter() - t0


ONLINE_SCRIPT = r"""
import json, resource, sys, time, statistics, csv, gc
sys.path.insert(0, {root!r})
from enlace.matching.engine.online import OnlineIndex
from enlace.matching.engine.normalize import Features
from enlace.matching.engine.table import normalise_csv, read_csv_records
path, q = {path!r}, {queries}
t0 = time.perf_counter()
feats, _ = normalise_csv(path)
step = max(1, len(feats) // q)
held = set(range(step // 2, len(feats), step)[:q])
index = OnlineIndex.from_features(Features._make(f) for i, f in enumerate(feats) if i not in held)
del feats
gc.collect()
build = time.perf_counter() - t0
rows = [r for i, r in enumerate(read_csv_records(path)) if i in held]
lat, hits = [], 0
for rec in rows:
    t = time.perf_counter()
    res = index.match(rec)
    lat.append((time.perf_counter() - t) * 1000)
    hits += bool(res)
lat.sort()
pct = lambda p: lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))]
print(json.dumps({{"index_records": len(index), "build_seconds": round(build, 1),
    "queries": len(lat), "queries_with_hits": hits, "p50_ms": round(pct(50), 2), "p95_ms": round(pct(95), 2),
    "p99_ms": round(pct(99), 2), "max_ms": round(lat[-1], 2), "mean_ms": round(statistics.mean(lat), 2),
    "rss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)}}))
"""


def bench_size(n: int, args) -> dict:
    res: dict = {"records": n}
    path, truth, gen_s = ensure_data(n, args.seed, args.dob_missing)
    res["generate_seconds"] = round(gen_s, 1) if gen_s is not None else "cached"
    pairs = os.path.join(OUT, os.path.basename(path)[:-4] + ".pairs.csv")
    cmd = [PY, "-m", "enlace.matching.engine.batch", path, "-o", pairs]
    if args.threshold is not None:
        cmd += ["-t", str(args.threshold)]
    code, out, err, wall, peak = run_measured(cmd)
    if code != 0:
        raise SystemExit(f"batch failed ({code}):\n{err}")
    stats = json.loads(out.strip().splitlines()[-1])
    res["batch"] = {"wall_seconds": round(wall, 1), "peak_rss_gib": round(peak / 2**30, 2), **stats}
    res["quality"] = evaluate.score(path, truth, pairs)
    if not args.skip_online and n > args.queries:
        script = ONLINE_SCRIPT.format(root=ROOT, path=path, queries=args.queries)
        code, out, err, wall, peak = run_measured([PY, "-c", script])
        if code != 0:
            raise SystemExit(f"online benchmark failed ({code}):\n{err}")
        res["online"] = json.loads(out.strip().splitlines()[-1])
        res["online"]["process_peak_rss_gib"] = round(peak / 2**30, 2)
    return res


def verdict(r: dict) -> list[str]:
    q, b = r["quality"], r["batch"]
    lines = [
        f"  precision {q['precision']:.4f}  recall {q['recall']:.4f}  F1 {q['f1']:.4f}   "
        f"(true pairs {q['true_pairs']}, predicted {q['predicted_pairs']}, FP {q['fp']} of which relatives "
        f"{q['fp_same_family']}, FN {q['fn']})",
        f"  batch {b['wall_seconds']} s wall (normalise {b['seconds_normalise']} s, load {b['seconds_load']} s, "
        f"link {b['seconds_link']} s, write {b['seconds_write']} s), peak RSS {b['peak_rss_gib']} GiB",
    ]
    if "online" in r:
        o = r["online"]
        lines.append(f"  online: index of {o['index_records']} records built in {o['build_seconds']} s "
                     f"(RSS {o['rss_gib']} GiB); {o['queries']} queries p50 {o['p50_ms']} ms, p95 {o['p95_ms']} ms, "
                     f"p99 {o['p99_ms']} ms, max {o['max_ms']} ms; {o['queries_with_hits']} with hits")
    if r["records"] >= 1_000_000:
        checks = [("F1 >= 0.95", q["f1"] >= TARGETS["f1"]), ("precision >= 0.99", q["precision"] >= TARGETS["precision"]),
                  ("batch <= 90 s", b["wall_seconds"] <= TARGETS["batch_seconds"]),
                  ("peak memory <= 6 GiB", b["peak_rss_gib"] <= TARGETS["peak_rss_gib"])]
        if "online" in r:
            checks.append(("online p95 <= 100 ms", r["online"]["p95_ms"] <= TARGETS["online_p95_ms"]))
        lines.append("  targets: " + ", ".join(f"{name} {'MET' if ok else 'NOT MET'}" for name, ok in checks))
    return lines


def main(argv=None):
    ap = argparse.ArgumentParser(description="Benchmark the Enlace record-linkage engine")
    ap.add_argument("--sizes", default="100000,1000000", help="comma-separated record counts")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--queries", type=int, default=1000, help="online queries")
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--dob-missing", type=float, default=generate.DOB_MISSING)
    ap.add_argument("--skip-online", action="store_true")
    args = ap.parse_args(argv)
    os.makedirs(OUT, exist_ok=True)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    results = {"machine": {"cpus": os.cpu_count(), "loadavg_at_start": load}, "seed": args.seed,
               "dob_missing": args.dob_missing, "runs": []}
    for n in sizes:
        print(f"== {n:,} records", flush=True)
        r = bench_size(n, args)
        results["runs"].append(r)
        for line in verdict(r):
            print(line, flush=True)
    with open(os.path.join(OUT, "linkage-results.json"), "w", encoding="utf-8") as fh:
        json.dump(results, fh, indent=1)
    print(f"results written to {os.path.join(OUT, 'linkage-results.json')}")


if __name__ == "__main__":
    main()
