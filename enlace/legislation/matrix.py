"""The comparative matrix and the compliance indicators, computed from what the user may read.

Every read goes through ``Answer.objects.restrict(user, action)``; only validated answers count.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .models import Answer, Indicator, Protocol, Requirement, Submission

MET, PARTLY, NOT, UNKNOWN = "met", "partly", "not", "unknown"
LEVEL_LABELS = {MET: _("Cumple"), PARTLY: _("Cumple parcialmente"), NOT: _("No cumple"), UNKNOWN: _("Sin información")}
LEVEL_SYMBOLS = {MET: "✔", PARTLY: "◐", NOT: "✘", UNKNOWN: "?"}
STATUS_LEVEL = {Answer.Status.YES: MET, Answer.Status.PARTLY: PARTLY, Answer.Status.NO: NOT,
                Answer.Status.UNKNOWN: UNKNOWN}


@dataclass
class Cell:
    level: str
    text: str
    citation: str = ""
    comment: str = ""

    @property
    def label(self):
        return LEVEL_LABELS[self.level]

    @property
    def symbol(self):
        return LEVEL_SYMBOLS[self.level]


@dataclass
class Matrix:
    countries: list
    rows: list  # [(indicator, [Cell per country])]
    submissions: dict  # country_id -> Submission
    penalties: dict = field(default_factory=dict)
    aggravating: dict = field(default_factory=dict)


def validated_answers(user, action="view", *, round=None):
    qs = Answer.objects.restrict(user, action).filter(submission__status=Submission.Status.VALIDATED)
    if round is not None:
        qs = qs.filter(submission__round=round)
    return qs.select_related("indicator__requirement", "submission__round", "submission__country")


def latest_submissions(answers) -> dict:
    """country_id -> the most recent validated submission among the answers' submissions."""
    latest = {}
    for a in answers:
        sub = a.submission
        cur = latest.get(sub.country_id)
        if cur is None or (sub.round.opened_at, sub.round.pk) > (cur.round.opened_at, cur.round.pk):
            latest[sub.country_id] = sub
    return latest


def cell_for(answer: Answer | None) -> Cell:
    if answer is None:
        return Cell(UNKNOWN, str(LEVEL_LABELS[UNKNOWN]))
    kind = answer.indicator.kind
    if kind == Indicator.Kind.YEARS:
        if answer.years is None:
            return Cell(UNKNOWN, str(LEVEL_LABELS[UNKNOWN]), answer.citation, answer.comment)
        return Cell(MET, _("%(years)s años") % {"years": fmt_years(answer.years)}, answer.citation, answer.comment)
    if kind == Indicator.Kind.MULTI:
        labels = answer.indicator.option_labels()
        if not answer.options:
            level = NOT if answer.status == Answer.Status.NO else UNKNOWN
            return Cell(level, str(LEVEL_LABELS[level]), answer.citation, answer.comment)
        return Cell(MET, "; ".join(str(labels.get(o, o)) for o in answer.options), answer.citation, answer.comment)
    level = STATUS_LEVEL[answer.status]
    return Cell(level, str(LEVEL_LABELS[level]), answer.citation, answer.comment)


def fmt_years(value) -> str:
    """4 → «4», 2.5 → «2.5»: years of prison as the questionnaire and the matrix show them."""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.1f}"


def indicators_for(protocol="", requirement="", indicator=""):
    qs = Indicator.objects.select_related("requirement").order_by("order")
    if protocol:
        qs = qs.filter(requirement__protocol=protocol)
    if requirement:
        qs = qs.filter(requirement__code=requirement)
    if indicator:
        qs = qs.filter(code=indicator)
    return list(qs)


def build_matrix(user, *, action="view", round=None, protocol="", requirement="", indicator="") -> Matrix:
    answers = list(validated_answers(user, action, round=round))
    subs = latest_submissions(answers)
    chosen = {s.pk for s in subs.values()}
    by_key = {(a.indicator_id, a.submission.country_id): a for a in answers if a.submission_id in chosen}
    countries = sorted({s.country for s in subs.values()}, key=lambda c: c.name)
    indicators = indicators_for(protocol, requirement, indicator)
    rows = [(ind, [cell_for(by_key.get((ind.pk, c.pk))) for c in countries]) for ind in indicators]
    m = Matrix(countries=countries, rows=rows, submissions=subs)
    m.penalties = penalties(countries, by_key, protocol)
    m.aggravating = aggravating(countries, by_key, protocol)
    return m


def penalties(countries, by_key, protocol="") -> dict:
    """Chart data: for each protocol, min and max years by country (``None`` where not reported)."""
    inds = {i.code: i for i in Indicator.objects.filter(kind=Indicator.Kind.YEARS)}
    out = {}
    for proto, label in Protocol.choices:
        if protocol and proto != protocol:
            continue
        lo, hi = inds.get(f"{proto}-pena-min"), inds.get(f"{proto}-pena-max")
        if lo is None or hi is None:
            continue

        def val(ind, c):
            a = by_key.get((ind.pk, c.pk))
            return float(a.years) if a is not None and a.years is not None else None

        out[proto] = {"label": str(label), "countries": [c.name for c in countries],
                      "codes": [c.code for c in countries],
                      "min": [val(lo, c) for c in countries], "max": [val(hi, c) for c in countries]}
        out[proto]["rows"] = list(zip(out[proto]["countries"], out[proto]["min"], out[proto]["max"]))
    return out


def aggravating(countries, by_key, protocol="") -> dict:
    """For each protocol: rows of (circumstance label, [provided? per country])."""
    out = {}
    for ind in Indicator.objects.filter(kind=Indicator.Kind.MULTI).select_related("requirement"):
        proto = ind.requirement.protocol
        if protocol and proto != protocol:
            continue
        labels = ind.option_labels()
        rows = []
        for code, label in labels.items():
            flags = []
            for c in countries:
                a = by_key.get((ind.pk, c.pk))
                flags.append(None if a is None or (not a.options and a.status == Answer.Status.UNKNOWN)
                             else code in a.options)
            rows.append((label, flags))
        out[proto] = {"label": str(dict(Protocol.choices)[proto]), "indicator": ind, "rows": rows}
    return out


# --- compliance indicators ------------------------------------------------------------------------

def requirement_level(statuses: list[str]) -> str:
    """Aggregate the yes/partly/no answers of one requirement's indicators."""
    known = [s for s in statuses if s != Answer.Status.UNKNOWN]
    if not known:
        return UNKNOWN
    if len(known) == len(statuses) and all(s == Answer.Status.YES for s in known):
        return MET
    if all(s == Answer.Status.NO for s in known):
        return NOT
    return PARTLY


def compliance_for(answers_by_indicator: dict, requirements, protocol="") -> dict:
    """One country's compliance: level per requirement, share met, gaps."""
    levels, gaps = {}, []
    for req in requirements:
        if protocol and req.protocol != protocol:
            continue
        status_inds = [i for i in req.indicators.all() if i.kind == Indicator.Kind.STATUS]
        if not status_inds:
            continue
        statuses = [answers_by_indicator[i.pk].status if i.pk in answers_by_indicator else Answer.Status.UNKNOWN
                    for i in status_inds]
        level = requirement_level(statuses)
        levels[req.code] = level
        if level != MET:
            missing = [(i, answers_by_indicator.get(i.pk)) for i, s in zip(status_inds, statuses)
                       if s != Answer.Status.YES]
            gaps.append({"requirement": req, "level": level, "label": LEVEL_LABELS[level], "indicators": missing})
    total = len(levels)
    counts = {lv: sum(1 for v in levels.values() if v == lv) for lv in (MET, PARTLY, NOT, UNKNOWN)}
    share = round(100 * counts[MET] / total, 1) if total else 0.0
    return {"levels": levels, "counts": counts, "total": total, "share_met": share, "gaps": gaps}


def requirements_with_indicators() -> list:
    return list(Requirement.objects.prefetch_related("indicators").order_by("order"))


def compliance(user, *, round=None, protocol="", answers=None, requirements=None) -> dict:
    """Per country (latest validated, or in ``round``) and regional compliance.

    ``answers`` (every validated answer the user may read) and ``requirements`` may be passed in by a
    page that computes compliance for several rounds: it then costs the same queries for any number.
    """
    if answers is None:
        answers = list(validated_answers(user, "view", round=round))
    elif round is not None:
        answers = [a for a in answers if a.submission.round_id == round.pk]
    subs = latest_submissions(answers)
    chosen = {s.pk for s in subs.values()}
    per_country = defaultdict(dict)
    for a in answers:
        if a.submission_id in chosen:
            per_country[a.submission.country_id][a.indicator_id] = a
    requirements = list(requirements) if requirements is not None else requirements_with_indicators()
    if protocol:
        requirements = [r for r in requirements if r.protocol == protocol]
    countries = sorted({s.country for s in subs.values()}, key=lambda c: c.name)
    rows = []
    for c in countries:
        comp = compliance_for(per_country[c.pk], requirements)
        rows.append({"country": c, "submission": subs[c.pk], **comp})
    regional = {
        "share_met": builtins.round(sum(r["share_met"] for r in rows) / len(rows), 1) if rows else 0.0,
        "countries": len(rows),
        "by_requirement": [
            {"requirement": req,
             "met": sum(1 for r in rows if r["levels"].get(req.code) == MET),
             "partly": sum(1 for r in rows if r["levels"].get(req.code) == PARTLY),
             "not": sum(1 for r in rows if r["levels"].get(req.code) == NOT),
             "unknown": sum(1 for r in rows if r["levels"].get(req.code, UNKNOWN) == UNKNOWN)}
            for req in requirements if any(i.kind == Indicator.Kind.STATUS for i in req.indicators.all())],
    }
    return {"countries": rows, "regional": regional, "requirements": requirements}
