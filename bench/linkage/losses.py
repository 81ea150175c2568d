#!/usr/bin/env python
"""Where the engine loses on one source: false negatives and false positives grouped by the level
each comparison put the pair in (given names / surnames / date / document / phone), with the mean
probability the model gave them.  Reads what ``run.py`` left in bench/out/ (records, truth, pairs).

    .venv/bin/python bench/linkage/losses.py bench/out/alt-100000-s42 [--model M.json] [--top 25]

Only a diagnostic (a list of patterns to work on); nothing here tunes anything.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, HERE)

import evaluate  # noqa: E402


def main(argv=None):
    from enlace.matching.engine.comparisons import COMPARISONS
    from enlace.matching.engine.model import load_model
    from enlace.matching.engine.normalize import Features
    from enlace.matching.engine.online import is_candidate
    from enlace.matching.engine.table import normalise_csv

    ap = argparse.ArgumentParser()
    ap.add_argument("prefix", help="bench/out/<tag> (the .csv, .truth.csv and .pairs.csv next to it)")
    ap.add_argument("--model", default=None)
    ap.add_argument("--pairs", default=None)
    ap.add_argument("--threshold", type=float, default=0.9)
    ap.add_argument("--top", type=int, default=25)
    a = ap.parse_args(argv)
    path, truth_path = a.prefix + ".csv", a.prefix + ".truth.csv"
    model = load_model(a.model or os.path.join(os.path.dirname(a.prefix), "models",
                                               os.path.basename(a.prefix) + ".model.json"))
    feats = {f[0]: Features._make(f) for f in normalise_csv(path)[0]}
    n = len(feats)
    # the counters the online index keeps (term frequencies, name rarity): the same scoring as the batch
    from enlace.matching.engine.online import OnlineIndex

    index = OnlineIndex.from_features(feats.values(), model=model)
    tf, count = index.term_frequency, index.value_count

    truth = evaluate.true_pairs(path, truth_path)
    rel = evaluate.relations(truth_path)
    with open(truth_path, newline="", encoding="utf-8") as fh:
        relation = {r["record_id"]: r.get("relation") or "" for r in csv.DictReader(fh)}
    pred = evaluate.predicted_pairs(a.pairs or a.prefix + ".pairs.csv")

    def label(pair):
        l, r = feats[pair[0]], feats[pair[1]]
        lv = model.levels(l, r)
        p = model.probability(lv, n, l, r, tf, count)
        only = any(x.dob_s is None and x.doc is None and x.phone is None for x in (l, r))
        key = tuple(COMPARISONS[i].levels[lv[i]].label[:28] for i in (0, 1, 2, 5, 6)) + (("name-only",) if only else ())
        return key, p

    fn = truth - pred
    reach = Counter()
    groups: dict[str, dict] = {"FN (reachable)": defaultdict(list), "FP": defaultdict(list)}
    for pr in fn:
        if not is_candidate(feats[pr[0]], feats[pr[1]]):
            reach["unreachable"] += 1
            continue
        k, p = label(pr)
        groups["FN (reachable)"][k].append(p)
    for pr in pred - truth:
        k, p = label(pr)
        same_family = rel[pr[0]][0] == rel[pr[1]][0]
        tag = (relation.get(pr[0]) or relation.get(pr[1]) or "family") if same_family else "stranger"
        groups["FP"][k + (tag,)].append(p)
    tp = len(truth & pred)
    print(f"true {len(truth)}  predicted {len(pred)}  TP {tp}  FN {len(fn)} (unreachable {reach['unreachable']})  "
          f"FP {len(pred - truth)}")
    for name, g in groups.items():
        print(f"\n== {name}: {sum(len(v) for v in g.values())}")
        for k, ps in sorted(g.items(), key=lambda kv: -len(kv[1]))[:a.top]:
            print(f"{len(ps):6d}  p~{sum(ps) / len(ps):.3f}  " + " | ".join(k))


if __name__ == "__main__":
    main()
