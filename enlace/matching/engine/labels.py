"""Reviewers' verdicts as labels of the estimation: both "the same person" and "not the same".

Pairs judged *the same* are already blended into m as counts (``estimate._blend_labels``). Pairs
judged *not the same* cannot be blended into u the same way: u is counted over millions of pairs,
and the reviewed pairs are not a sample of them - the queue shows the pairs the model is least sure
about, so a "not the same" pair agrees on much more than a random non-match, and counting it into u
would take the weight of an exact date away from every pair.

Instead every reviewed pair (same = 1, not the same = 0) fits a **correction of the match weight per
comparison level**: an L2-regularised logistic regression whose offset is the model's own log-odds
of the pair (sum of the level weights) and whose free intercept absorbs the prior and the queue's
selection. Conditioning on the model's score is what makes the queue's selection harmless: which
pairs were shown depends only on their levels, and the regression asks "given these levels, how
often was the model right". A level the reviewers keep rejecting (the given names of relatives,
a family phone) loses weight; a level they keep accepting (a second surname missing on one side)
gains it. The correction ``delta`` (natural log) is written into the Bayes factor without leaving the
probabilities' bounds: a negative correction lowers m, a positive one lowers u (on a term-frequency
level, where u is replaced by the value's frequency, m moves, at most up to 1).

The prior of each correction is N(0, :data:`PRIOR_SD`²): a handful of verdicts moves a level a
little, hundreds move it up to a few bits.

The first (strongest) level of each comparison - exact names, exact date - is the reference and
is never corrected: the queue only shows pairs near even odds, and a pair there that agrees exactly
on the surnames is one whose other evidence is weak, so the verdicts "learn" that exact surnames
are worth less - true in the band, false for the near-certain pairs the queue never shows. Measured
on the alternative generator (20k records, 500 verdicts, ``bench/linkage/run.py --reviews 200,500``):
with the exact levels corrected too, recall at precision 0.99 went from 0.706 to 0.729 but recall at
the hit threshold fell from 0.706 to 0.500; with them as the reference, 0.706 to 0.716 and 0.706 to
0.732. The reviewers' information goes where EM has least data: the partial levels (a second
surname missing, names swapped, a date off by a typo) and the disagreements.
"""

from __future__ import annotations

import math
from typing import Sequence

from .comparisons import COMPARISONS
from .normalize import Features

#: Standard deviation (natural log) of the prior of each level's correction (1.0 = about 1.4 bits).
PRIOR_SD = 1.0
#: Verdicts of each kind needed before a correction is fitted (with one kind only, the intercept absorbs all).
MIN_EACH = 5
#: Largest correction applied to one level, in natural log (about 4.3 bits).
MAX_DELTA = 3.0


def _weights(settings: dict) -> list[list[float]]:
    out = []
    for comp in settings["comparisons"]:
        row = []
        for lev in comp["comparison_levels"]:
            m, u = lev.get("m_probability"), lev.get("u_probability")
            row.append(0.0 if lev.get("is_null_level") or not m or not u else math.log(m / u))
        out.append(row)
    return out


def _design(settings: dict, pairs: Sequence[tuple[Features, Features]]) -> tuple[list[list[int]], list[float]]:
    """Level of every comparison for every pair, and the model's log-odds without prior (offset)."""
    w = _weights(settings)
    levels, offsets = [], []
    for a, b in pairs:
        lv = [c.level_of(a, b) for c in COMPARISONS]
        levels.append(lv)
        offsets.append(sum(w[ci][li] for ci, li in enumerate(lv)))
    return levels, offsets


def fit_corrections(settings: dict, same: Sequence[tuple[Features, Features]],
                    not_same: Sequence[tuple[Features, Features]], *, prior_sd: float = PRIOR_SD,
                    iterations: int = 60) -> dict[tuple[int, int], float]:
    """Corrections ``{(comparison, level): delta}`` fitted on the verdicts (empty when too few)."""
    import numpy as np

    if len(same) < MIN_EACH or len(not_same) < MIN_EACH:
        return {}
    levels, offsets = _design(settings, [*same, *not_same])
    y = np.array([1.0] * len(same) + [0.0] * len(not_same))
    # one column per (comparison, non-null level) seen in the verdicts, plus the intercept; the first
    # (strongest) level of each comparison is the reference and is never corrected (see the docstring)
    reference = {ci: next(i for i, lev in enumerate(c.levels) if not lev.null) for ci, c in enumerate(COMPARISONS)}
    cols: dict[tuple[int, int], int] = {}
    for lv in levels:
        for ci, li in enumerate(lv):
            if not COMPARISONS[ci].levels[li].null and li != reference[ci]:
                cols.setdefault((ci, li), len(cols))
    x = np.zeros((len(levels), len(cols) + 1))
    x[:, -1] = 1.0
    for r, lv in enumerate(levels):
        for ci, li in enumerate(lv):
            if (ci, li) in cols:
                x[r, cols[(ci, li)]] = 1.0
    off = np.clip(np.array(offsets), -50, 50)
    beta = np.zeros(x.shape[1])
    # the intercept starts where the verdicts' share of "same" meets the median offset (the offsets
    # carry no prior: they sit far from 0, and Newton started at 0 would overshoot)
    share = min(max(float(y.mean()), 0.01), 0.99)
    beta[-1] = math.log(share / (1 - share)) - float(np.median(off))
    penalty = np.full(x.shape[1], 1.0 / prior_sd ** 2)
    penalty[-1] = 1e-6  # the intercept is free
    for _ in range(iterations):  # damped Newton-Raphson on the penalised log-likelihood (convex)
        eta = np.clip(off + x @ beta, -30, 30)
        p = 1.0 / (1.0 + np.exp(-eta))
        grad = x.T @ (y - p) - penalty * beta
        grad[-1] += penalty[-1] * beta[-1]  # the intercept is not shrunk
        hess = (x * (p * (1 - p) + 1e-9)[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        step *= min(1.0, 2.0 / max(float(np.max(np.abs(step))), 1e-12))  # at most 2 nats per iteration
        beta += step
        if float(np.max(np.abs(step))) < 1e-6:
            break
    return {key: float(np.clip(beta[i], -MAX_DELTA, MAX_DELTA)) for key, i in cols.items() if abs(beta[i]) > 1e-4}


def apply_corrections(settings: dict, corrections: dict[tuple[int, int], float]) -> None:
    """Multiply each corrected level's Bayes factor by ``exp(delta)``: lower m (delta < 0) or u (delta > 0),
    so every probability stays within (0, 1]."""
    for (ci, li), delta in corrections.items():
        lev = settings["comparisons"][ci]["comparison_levels"][li]
        if lev.get("tf_adjustment_column"):
            # the term-frequency adjustment replaces u by the value's frequency: only m moves the weight
            lev["m_probability"] = min(1.0, lev["m_probability"] * math.exp(delta))
        elif delta < 0:
            lev["m_probability"] = lev["m_probability"] * math.exp(delta)
        else:
            lev["u_probability"] = lev["u_probability"] * math.exp(-delta)


def learn_from_verdicts(settings: dict, same: Sequence[tuple[Features, Features]],
                        not_same: Sequence[tuple[Features, Features]]) -> list[dict]:
    """Fit and apply the corrections; returns them for the model's diagnostics (bits, per level)."""
    corrections = fit_corrections(settings, same, not_same)
    apply_corrections(settings, corrections)
    return [{"comparison": settings["comparisons"][ci]["output_column_name"],
             "level": settings["comparisons"][ci]["comparison_levels"][li]["label_for_charts"],
             "bits": round(delta / math.log(2), 3)} for (ci, li), delta in sorted(corrections.items())]
