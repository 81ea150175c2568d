"""Reviewers' "not the same person" verdicts are labels too: with the "same" ones they correct the
weight of the levels they contradict (engine/labels.py), and the corrected model explains the
verdicts better than the one before. No database, a few hundred generated pairs."""

import copy
import itertools
import math
import os
import random
import sys

from enlace.matching.engine import labels
from enlace.matching.engine.comparisons import COMPARISONS
from enlace.matching.engine.model import load_model
from enlace.matching.engine.normalize import normalise_record

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def _verdicts():
    """Pairs of the same person, and namesakes (same first surname, another person): the reviewers' answers."""
    sys.path.insert(0, os.path.join(ROOT, "bench", "linkage"))
    import generate

    people = [(normalise_record(r), t["cluster_id"]) for r, t in generate.generate(2_000, 5)]
    by_person, by_surname = {}, {}
    for f, cid in people:
        by_person.setdefault(cid, []).append(f)
        by_surname.setdefault(f.sn1, []).append((f, cid))
    same = [(g[0], g[1]) for g in by_person.values() if len(g) > 1][:120]
    not_same = [(a, b) for g in by_surname.values() for (a, ca), (b, cb) in itertools.combinations(g, 2) if ca != cb]
    random.Random(1).shuffle(not_same)
    return same, not_same[:240]


def _log_likelihood(settings, same, not_same) -> float:
    """How well the level weights (with the best intercept) explain the verdicts."""
    _lv, off_same = labels._design(settings, same)
    _lv, off_not = labels._design(settings, not_same)
    best = -math.inf
    for b in range(-60, 61):  # the intercept absorbs the prior and the queue's selection
        ll = sum(-math.log1p(math.exp(-min(max(o + b * 0.5, -30), 30))) for o in off_same)
        ll += sum(-math.log1p(math.exp(min(max(o + b * 0.5, -30), 30))) for o in off_not)
        best = max(best, ll)
    return best


def _level(settings, comparison, label):
    comp = next(c for c in settings["comparisons"] if c["output_column_name"] == comparison)
    return next(lev for lev in comp["comparison_levels"] if lev["label_for_charts"] == label)


def test_not_the_same_verdicts_correct_a_wrong_weight_and_explain_the_verdicts_better():
    settings = copy.deepcopy(load_model().settings)
    # a model that is wrong about one level: dates of birth more than ten years apart weigh 10 bits
    # *for* a match, so a namesake of another generation looks like the same person
    wrong = _level(settings, "dob", "more than ten years apart")
    wrong["u_probability"] = wrong["m_probability"] / 2 ** 10
    same, not_same = _verdicts()
    before = _log_likelihood(settings, same, not_same)
    corrected = copy.deepcopy(settings)
    changes = {(c["comparison"], c["level"]): c["bits"] for c in labels.learn_from_verdicts(corrected, same, not_same)}
    assert changes[("dob", "more than ten years apart")] < -1  # the reviewers kept rejecting it
    assert _log_likelihood(corrected, same, not_same) > before + 2.0
    # probabilities stay probabilities
    for comp in corrected["comparisons"]:
        for lev in comp["comparison_levels"]:
            if not lev.get("is_null_level"):
                assert 0 < lev["m_probability"] <= 1 and 0 < lev["u_probability"] <= 1
    assert len(corrected["comparisons"]) == len(COMPARISONS)


def test_a_handful_of_verdicts_of_one_kind_changes_nothing():
    settings = copy.deepcopy(load_model().settings)
    same, not_same = _verdicts()
    untouched = copy.deepcopy(settings)
    assert labels.learn_from_verdicts(settings, same, not_same[: labels.MIN_EACH - 1]) == []
    assert settings == untouched
