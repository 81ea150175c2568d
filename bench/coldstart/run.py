"""First against hundredth online hit check in a fresh process, without and with the start-up warm-up.

Each measurement is a new Python process (a restart): Django is set up, then ``check_person`` runs
101 times over the database's persons (cycling when there are fewer). ``cold`` is the process as it
was before the warm-up existed; ``warm`` sets ``ENLACE_WARM_UP=1`` as ``enlace serve`` does for its
workers, so ``JobsConfig.ready`` warms the engine before the first check (its cost is reported as
``startup_extra_ms``: it moves from the first request to the process start).

    DATABASE_URL=sqlite:////tmp/coldstart.sqlite3 .venv/bin/python bench/coldstart/run.py [--runs 3]

The database must hold persons (``enlace load-demo``, or the ``bench/volume`` build). Checks write
notices and index rows as a saved person would: use a copy, never the production database.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def child(mode: str, n: int) -> dict:
    sys.path.insert(0, ROOT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enlace.settings.base")
    if mode == "warm":
        os.environ["ENLACE_WARM_UP"] = "1"
    start = time.perf_counter()
    import django

    django.setup()
    setup_ms = (time.perf_counter() - start) * 1000
    from enlace.cases.models import Entity
    from enlace.matching.services import check_person

    pks = list(Entity.objects.unrestricted(reason="bench: persons to re-check").filter(
        schema="Person").order_by("pk").values_list("pk", flat=True)[: n + 1])
    if not pks:
        raise SystemExit("no persons in this database: run enlace load-demo first")
    times = []
    for i in range(n + 1):
        t = time.perf_counter()
        check_person(pks[i % len(pks)])
        times.append((time.perf_counter() - t) * 1000)
    return {"mode": mode, "setup_ms": round(setup_ms, 1), "first_ms": round(times[0], 1),
            "hundredth_ms": round(times[min(100, n)], 1), "p50_after_first_ms": round(statistics.median(times[1:]), 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per mode (median reported)")
    parser.add_argument("--checks", type=int, default=100)
    parser.add_argument("--child", choices=["cold", "warm"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.checks)))
        return
    out = {}
    for mode in ("cold", "warm"):
        runs = []
        for _ in range(args.runs):  # one process at a time: 2 cores shared with everybody
            proc = subprocess.run([sys.executable, __file__, "--child", mode, "--checks", str(args.checks)],
                                  capture_output=True, text=True, cwd=ROOT, check=True)
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        out[mode] = {k: statistics.median(r[k] for r in runs) for k in runs[0] if k != "mode"}
    out["startup_extra_ms"] = round(out["warm"]["setup_ms"] - out["cold"]["setup_ms"], 1)
    with open("/proc/loadavg") as fh:
        out["loadavg"] = fh.read().split()[:3]
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
