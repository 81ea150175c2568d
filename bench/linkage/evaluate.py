"""Precision, recall and F1 of predicted pairs against the generator's ground truth (cross-country pairs)."""

from __future__ import annotations

import csv
from collections import defaultdict


def true_pairs(records_csv: str, truth_csv: str) -> set[tuple[str, str]]:
    country = {}
    with open(records_csv, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            country[row["record_id"]] = row["source_country"]
    clusters = defaultdict(list)
    with open(truth_csv, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            clusters[row["cluster_id"]].append(row["record_id"])
    pairs = set()
    for ids in clusters.values():
        for i in range(len(ids)):
            for j in range(i + 1, len(ids)):
                a, b = ids[i], ids[j]
                if country[a] != country[b]:
                    pairs.add((a, b) if a < b else (b, a))
    return pairs


def predicted_pairs(pairs_csv: str) -> set[tuple[str, str]]:
    out = set()
    with open(pairs_csv, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            a, b = row["record_id_l"], row["record_id_r"]
            out.add((a, b) if a < b else (b, a))
    return out


def relations(truth_csv: str) -> dict[str, tuple[str, str]]:
    out = {}
    with open(truth_csv, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            out[row["record_id"]] = (row["family_id"], row["cluster_id"])
    return out


def score(records_csv: str, truth_csv: str, pairs_csv: str) -> dict:
    truth = true_pairs(records_csv, truth_csv)
    pred = predicted_pairs(pairs_csv)
    tp = len(truth & pred)
    fp = len(pred - truth)
    fn = len(truth - pred)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    rel = relations(truth_csv)
    fp_family = sum(1 for a, b in pred - truth if rel[a][0] == rel[b][0])
    return {"true_pairs": len(truth), "predicted_pairs": len(pred), "tp": tp, "fp": fp, "fn": fn,
            "precision": round(p, 5), "recall": round(r, 5), "f1": round(f1, 5),
            "fp_same_family": fp_family}


def score_curve(records_csv: str, truth_csv: str, pairs_csv: str, thresholds=(0.5, 0.7, 0.8, 0.9, 0.95, 0.99)):
    """Precision/recall/F1 at several thresholds from one output written at the lowest of them."""
    truth = true_pairs(records_csv, truth_csv)
    scored = []
    with open(pairs_csv, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            a, b = row["record_id_l"], row["record_id_r"]
            scored.append(((a, b) if a < b else (b, a), float(row["match_probability"])))
    out = []
    for t in thresholds:
        pred = {k for k, p in scored if p >= t}
        tp = len(pred & truth)
        p = tp / len(pred) if pred else 1.0
        r = tp / len(truth) if truth else 1.0
        out.append({"threshold": t, "precision": round(p, 5), "recall": round(r, 5),
                    "f1": round(2 * p * r / (p + r), 5) if p + r else 0.0})
    return out
