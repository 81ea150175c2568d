"""Reviewers teach the model: recall at a fixed precision before and after N reviewed pairs.

The reviewers are simulated with the source's ground truth: the N pairs of the clerical review
queue - the linked pairs whose calibrated probability is closest to 0.5, most informative first -
get the true answer; the pairs judged *the same person* are given to the next estimation as labels
(exactly what ``enlace train-matching`` does with the judgements on hit notices).  Recall is read at
the lowest threshold whose precision is at least ``precision_floor``, before and after.
"""

from __future__ import annotations

import csv
import os

import evaluate

LOW_THRESHOLD = 0.02


def _scored(pairs_csv: str) -> list[tuple[tuple[str, str], float]]:
    with open(pairs_csv, newline="", encoding="utf-8") as fh:
        return [(tuple(sorted((r["record_id_l"], r["record_id_r"]))), float(r["match_probability"]))
                for r in csv.DictReader(fh)]


def recall_at_precision(scored, truth: set, floor: float) -> dict:
    """Best recall over thresholds with precision >= floor (pairs sorted by probability)."""
    scored = sorted(scored, key=lambda x: -x[1])
    tp = fp = 0
    best = {"recall": 0.0, "precision": 1.0, "threshold": 1.0}
    for pair, p in scored:
        if pair in truth:
            tp += 1
        else:
            fp += 1
        prec = tp / (tp + fp)
        if prec >= floor and tp / len(truth) > best["recall"]:
            best = {"recall": round(tp / len(truth), 5), "precision": round(prec, 5), "threshold": round(p, 5)}
    return best


def review_experiment(path: str, truth_csv: str, model: str, n_reviews: int, out_dir: str, tag: str,
                      precision_floor: float = 0.99) -> dict:
    from run import run_batch

    from enlace.matching.engine.estimate import estimate_from_records
    from enlace.matching.engine.table import read_csv_records

    truth = evaluate.true_pairs(path, truth_csv)
    low = os.path.join(out_dir, tag + ".pairs-low.csv")
    run_batch(path, low, model, LOW_THRESHOLD)
    scored = _scored(low)
    before = recall_at_precision(scored, truth, precision_floor)
    queue = sorted(scored, key=lambda x: (abs(x[1] - 0.5), x[0]))[:n_reviews]
    same = [pair for pair, _p in queue if pair in truth]
    records = {r["record_id"]: r for r in read_csv_records(path)}
    labels = [(records[a], records[b]) for a, b in same]
    model2 = os.path.join(out_dir, "models", tag + f".reviewed{n_reviews}.model.json")
    info = estimate_from_records(records.values(), model2, labels=labels, meta={"estimated_on": tag})
    low2 = os.path.join(out_dir, tag + ".pairs-low-reviewed.csv")
    run_batch(path, low2, model2, LOW_THRESHOLD)
    after = recall_at_precision(_scored(low2), truth, precision_floor)
    return {"reviewed": len(queue), "judged_same": len(same), "labels_used": info["labels_used"],
            "precision_floor": precision_floor, "before": before, "after": after}
