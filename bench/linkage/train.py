#!/usr/bin/env python
"""Estimate the shipped linkage model (enlace/matching/engine/model.json) from generated records,
**without their ground truth**: the same estimation a deployment runs on its own records with
``enlace train-matching`` (u by random sampling, m by EM, term frequencies; see
enlace/matching/engine/estimate.py).  The generator's labels are never read.

    .venv/bin/python bench/linkage/train.py                     # 200 000 records, seed 7
    .venv/bin/python bench/linkage/train.py -n 300000 --seed 7 -o /tmp/model.json

The seed differs from the benchmark's (42) so the benchmark measures records the model never saw.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

import generate  # noqa: E402

from enlace.matching.engine.estimate import estimate_from_records  # noqa: E402
from enlace.matching.engine.model import MODEL_PATH  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description="Estimate the shipped Enlace linkage model from generated records (no labels)")
    ap.add_argument("-n", "--records", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("-o", "--output", default=MODEL_PATH)
    ap.add_argument("--charts", default=None, help="directory for the diagnostics (offline HTML/SVG)")
    a = ap.parse_args(argv)
    t0 = time.time()
    records = (rec for rec, _truth in generate.generate(a.records, a.seed))  # the truth is dropped here
    info = estimate_from_records(records, a.output, charts_dir=a.charts,
                                 meta={"estimated_on": f"bench/linkage/generate.py, seed {a.seed}, "
                                                       f"{a.records} records, no ground truth"})
    print(f"estimated on {a.records} records in {time.time() - t0:.0f} s -> {a.output}")
    for k, v in info.items():
        if k != "diagnostics":
            print(f"  {k}: {v}")


if __name__ == "__main__":
    main()
