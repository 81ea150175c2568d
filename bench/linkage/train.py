#!/usr/bin/env python
"""Train the linkage model on synthetic records and write enlace/matching/engine/model.json.

    .venv/bin/python bench/linkage/train.py            # 200 000 records, seed 7
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

from enlace.matching.engine.model import MODEL_PATH  # noqa: E402
from enlace.matching.engine.normalize import normalise_record  # noqa: E402
from enlace.matching.engine.training import train  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description="Train the Enlace linkage model on synthetic data")
    ap.add_argument("-n", "--records", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("-o", "--output", default=MODEL_PATH)
    ap.add_argument("--u-pairs", type=int, default=10_000_000, help="random pairs counted for u")
    a = ap.parse_args(argv)
    t0 = time.time()
    feats, clusters = [], []
    for rec, truth in generate.generate(a.records, a.seed):
        feats.append(normalise_record(rec))
        clusters.append(truth["cluster_id"])
    info = train(feats, clusters, a.output, u_pairs=a.u_pairs, meta={"generator": "bench/linkage/generate.py", "generator_seed": a.seed})
    print(f"trained on {a.records} records in {time.time() - t0:.0f} s -> {a.output}")
    for k, v in info.items():
        print(f"  {k}: {v}")


if __name__ == "__main__":
    main()
