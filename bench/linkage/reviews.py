"""Reviewers teach the model: recall at a fixed precision before and after N reviewed pairs.

The reviewers are simulated with the source's ground truth. They work the clerical review queue as
the platform shows it (``enlace.matching.review_views``): the linked pairs in the review band -
from the uncertain band below the hit threshold (``enlace.matching.band.band_low``) up to the
near-certain bound - closest to 0.5 first, a pair reviewed once never proposed again. Both verdicts
are labels of the next estimation, exactly as ``enlace train-matching`` uses them: *the same
person* blended into m, *not the same* (with the same ones) fitting a correction of each level's
weight (``engine/labels.py``).

Reviews accumulate in rounds (``--reviews 200,500``: 200 pairs, re-estimate, re-score, then 300
more from the new queue, re-estimate). After each round: recall at the lowest threshold whose
precision is at least ``precision_floor``, and precision/recall at the engine's default threshold.
With ``ENLACE_BENCH_SAME_ONLY=1`` the last round is also estimated with its *same* verdicts only,
to show what the *not the same* verdicts add (one more estimation and batch per source).
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


def at_threshold(scored, truth: set, threshold: float) -> dict:
    """Precision and recall of the pairs at or above ``threshold`` (the engine's hit threshold)."""
    got = [pair for pair, p in scored if p >= threshold]
    tp = sum(1 for pair in got if pair in truth)
    return {"precision": round(tp / len(got), 5) if got else 1.0, "recall": round(tp / len(truth), 5),
            "threshold": threshold}


def review_queue(scored, reviewed: dict, n: int, low: float, high: float) -> list[tuple[str, str]]:
    """The next ``n`` pairs of the queue: in the band, not reviewed yet, closest to 0.5 first."""
    band = [(pair, p) for pair, p in scored if low <= p < high and pair not in reviewed]
    return [pair for pair, _p in sorted(band, key=lambda x: (abs(x[1] - 0.5), x[0]))[:n]]


def review_experiment(path: str, truth_csv: str, model: str, rounds, out_dir: str, tag: str,
                      precision_floor: float = 0.99) -> dict:
    from run import run_batch

    from enlace.matching.band import band_low
    from enlace.matching.engine.estimate import estimate_from_records
    from enlace.matching.engine.model import DEFAULT_THRESHOLD
    from enlace.matching.engine.table import read_csv_records
    from enlace.matching.band import REVIEW_BAND_HIGH

    rounds = sorted({int(r) for r in ([rounds] if isinstance(rounds, int) else rounds) if int(r) > 0})
    low = band_low(DEFAULT_THRESHOLD)
    truth = evaluate.true_pairs(path, truth_csv)
    records = {r["record_id"]: r for r in read_csv_records(path)}
    base = os.path.join(out_dir, tag + ".pairs-low.csv")
    run_batch(path, base, model, LOW_THRESHOLD)
    scored = _scored(base)
    out = {"precision_floor": precision_floor, "band": [low, REVIEW_BAND_HIGH],
           "band_pairs_before": sum(1 for _p, s in scored if low <= s < DEFAULT_THRESHOLD),
           "before": recall_at_precision(scored, truth, precision_floor),
           "before_at_threshold": at_threshold(scored, truth, DEFAULT_THRESHOLD), "steps": []}
    reviewed: dict[tuple[str, str], bool] = {}

    def estimate_and_score(name: str, same: list, not_same: list) -> tuple[dict, list]:
        model_n = os.path.join(out_dir, "models", f"{tag}.{name}.model.json")
        info = estimate_from_records(records.values(), model_n, labels=[(records[a], records[b]) for a, b in same],
                                     not_same=[(records[a], records[b]) for a, b in not_same],
                                     meta={"estimated_on": tag})
        pairs_n = os.path.join(out_dir, f"{tag}.pairs-low-{name}.csv")
        run_batch(path, pairs_n, model_n, LOW_THRESHOLD)
        return info, _scored(pairs_n)

    for n in rounds:
        for pair in review_queue(scored, reviewed, n - len(reviewed), low, REVIEW_BAND_HIGH):
            reviewed[pair] = pair in truth
        same = [p for p, ok in reviewed.items() if ok]
        not_same = [p for p, ok in reviewed.items() if not ok]
        info, scored = estimate_and_score(f"reviewed{n}", same, not_same)
        step = {"reviewed": len(reviewed), "judged_same": len(same), "judged_not_same": len(not_same),
                "labels_used": info["labels_used"], "labels_not_same": info.get("labels_not_same", 0),
                "corrections": info.get("label_corrections", []),
                "after": recall_at_precision(scored, truth, precision_floor),
                "after_at_threshold": at_threshold(scored, truth, DEFAULT_THRESHOLD)}
        if n == rounds[-1] and os.environ.get("ENLACE_BENCH_SAME_ONLY") == "1":
            _info, same_only = estimate_and_score(f"reviewed{n}-same-only", same, [])
            step["same_only_after"] = recall_at_precision(same_only, truth, precision_floor)
        out["steps"].append(step)
    return out


def verdict_lines(rv: dict) -> list[str]:
    """The report lines of ``bench/linkage/run.py`` for one source."""
    b = rv["before"]
    lines = [f"  reviews: band [{rv['band'][0]}, {rv['band'][1]}) - {rv['band_pairs_before']} pairs below the hit "
             f"threshold; recall at precision >= {rv['precision_floor']} before: {b['recall']:.4f}; at the threshold "
             f"P {rv['before_at_threshold']['precision']:.4f} R {rv['before_at_threshold']['recall']:.4f}"]
    for s in rv["steps"]:
        a, t = s["after"], s["after_at_threshold"]
        line = (f"    after {s['reviewed']} reviewed ({s['judged_same']} same, {s['judged_not_same']} not the same): "
                f"recall {a['recall']:.4f} (precision {a['precision']:.4f}); at the threshold P {t['precision']:.4f} "
                f"R {t['recall']:.4f}")
        if "same_only_after" in s:
            line += f"; same verdicts only: recall {s['same_only_after']['recall']:.4f}"
        lines.append(line)
    return lines
