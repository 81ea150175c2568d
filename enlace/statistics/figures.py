"""What a viewer sees of the region's statistics for a period.

* Own country: its current locked version, whole.
* Other countries: only *published* cells of their current locked version (``Cell.published``,
  computed at the lock by ``suppression.py``), only through ``Submission.objects.restrict(...)``
  (sharing policy: cross-border standing, network distribution), and only for periods in which the
  viewer's own country locked its own figures (give-to-get). The ST submits nothing and sees every
  country's published cells.
* Figures from what Enlace already holds: counts over ``restrict(user, "count")`` querysets, other
  countries' counts suppressed the same way.

Every number shown for other countries is a sum of published cells, so no suppressed value can be
recovered by subtraction.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from enlace.sharing.policy import is_secretariat

from .models import Cell, Dimension, Indicator, Period, Submission
from .suppression import suppress_counts


def own_country_id(user):
    inst = getattr(user, "institution", None)
    return inst.country_id if inst is not None else None


def given_periods(user) -> set[int] | None:
    """Periods for which the viewer may see other countries (None: all, for the ST)."""
    if is_secretariat(user):
        return None
    cid = own_country_id(user)
    return set(Submission.objects.restrict(user, "list").filter(
        country_id=cid, status=Submission.Status.LOCKED, is_current=True).values_list("period_id", flat=True))


def visible_submissions(user, periods):
    """``[(submission_id, country_code, period_id, own)]`` of current locked versions the viewer may use."""
    cid = own_country_id(user)
    given = given_periods(user)
    rows = Submission.objects.restrict(user, "list").filter(
        period__in=periods, status=Submission.Status.LOCKED, is_current=True).values_list(
        "pk", "country__code", "period_id", "country_id").order_by("country__code", "period_id")
    out = []
    for pk, code, period_id, country_id in rows:
        own = country_id == cid
        if own or given is None or period_id in given:
            out.append((pk, code, period_id, own))
    return out


def _cells_q(subs):
    own = [s[0] for s in subs if s[3]]
    foreign = [s[0] for s in subs if not s[3]]
    return Q(submission_id__in=own) | Q(submission_id__in=foreign, published=True)


@dataclass
class Regional:
    """The figures of one period as one viewer may see them (also what the report and annex hold)."""

    period: Period
    countries: list = field(default_factory=list)      # [code], own first
    own: str | None = None
    given: bool = True                                   # give-to-get satisfied (or ST)
    totals: dict = field(default_factory=dict)           # {indicator: {country: value}}
    breakdown: dict = field(default_factory=dict)        # {indicator: {dimension: {category: regional sum}}}
    flows: dict = field(default_factory=dict)            # {(origin, country): value}
    trend: dict = field(default_factory=dict)            # {indicator: {period code: {country: value}}}
    submissions: list = field(default_factory=list)

    def regional_total(self, indicator: str) -> int:
        return sum(self.totals.get(indicator, {}).values())

    def digest(self) -> str:
        payload = json.dumps([self.period.code, self.countries, self.totals, self.breakdown,
                              sorted([list(k) + [v] for k, v in self.flows.items()])], sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()


def regional(user, period: Period, *, indicators=None, breakdown_for=None, trend_for=None, trend_periods=12) -> Regional:
    """The regional view of ``period``. ``breakdown_for``/``trend_for``: indicator codes (None: all)."""
    subs = visible_submissions(user, [period.pk])
    own_code = next((s[1] for s in subs if s[3]), None)
    given = given_periods(user)
    view = Regional(period=period, countries=sorted({s[1] for s in subs}, key=lambda c: (c != own_code, c)),
                    own=own_code, given=given is None or period.pk in given, submissions=subs)
    if not subs:
        return view
    code_of = {s[0]: s[1] for s in subs}
    q = _cells_q(subs)
    base = Cell.objects.filter(q)
    if indicators is not None:
        base = base.filter(indicator__code__in=indicators)
    for sub_id, ind, value in base.filter(dimension="").values_list("submission_id", "indicator__code", "value"):
        view.totals.setdefault(ind, {})[code_of[sub_id]] = value
    parts = base.exclude(dimension="")
    if breakdown_for is not None:
        parts = parts.filter(indicator__code__in=breakdown_for)
    for ind, dim, cat, value in parts.values_list("indicator__code", "dimension", "category").annotate(
            v=Sum("value")).order_by("indicator__code", "dimension", "category"):
        view.breakdown.setdefault(ind, {}).setdefault(dim, {})[cat] = value
    for sub_id, origin, value in Cell.objects.filter(q, indicator__code="TIM-ROUTE", dimension="origin").values_list(
            "submission_id", "category", "value"):
        view.flows[(origin, code_of[sub_id])] = value
    if trend_for:
        view.trend = trend(user, period, trend_for, trend_periods)
    return view


def trend(user, period: Period, indicators, n: int = 12) -> dict:
    periods = list(Period.objects.filter(starts_on__lte=period.starts_on).order_by("-starts_on")[:n])
    subs = visible_submissions(user, [p.pk for p in periods])
    if not subs:
        return {}
    meta = {s[0]: (s[1], s[2]) for s in subs}
    codes = {p.pk: p.code for p in periods}
    out: dict = {}
    for sub_id, ind, value in Cell.objects.filter(_cells_q(subs), dimension="", indicator__code__in=indicators).values_list(
            "submission_id", "indicator__code", "value"):
        country, pid = meta[sub_id]
        out.setdefault(ind, {}).setdefault(codes[pid], {})[country] = value
    return {ind: dict(sorted(by.items())) for ind, by in out.items()}


# --- labels ------------------------------------------------------------------------------------------------

def labels():
    """``(indicators {code: Indicator}, dimensions {code: Dimension})`` for rendering."""
    return ({i.code: i for i in Indicator.objects.filter(active=True).select_related("dataset")},
            {d.code: d for d in Dimension.objects.all()})


def annex_sheets(view: Regional):
    """The XLSX annex: exactly the figures the dashboard shows for the same viewer and period."""
    from django.utils.translation import gettext as _

    indicators, dims = labels()
    totals = [(code, indicators[code].name if code in indicators else code, country, value)
              for code in sorted(view.totals) for country, value in sorted(view.totals[code].items())]
    totals += [(code, indicators[code].name if code in indicators else code, _("Región"), view.regional_total(code))
               for code in sorted(view.totals)]
    parts = []
    for code in sorted(view.breakdown):
        for dim, cats in sorted(view.breakdown[code].items()):
            lab = dims[dim].labels() if dim in dims else {}
            parts.extend((code, dims[dim].name if dim in dims else dim, cat, lab.get(cat, cat), v)
                         for cat, v in sorted(cats.items()))
    flows = [(o, d, v) for (o, d), v in sorted(view.flows.items())]
    return [
        (_("Totales"), [_("Indicador"), _("Nombre"), _("País"), _("Valor")], totals),
        (_("Desagregaciones"), [_("Indicador"), _("Desagregación"), _("Código"), _("Categoría"), _("Valor regional")],
         parts),
        (_("Flujos"), [_("Procedencia"), _("País que reporta"), _("Migrantes")], flows),
    ]


# --- figures from what Enlace already holds -----------------------------------------------------------------

def _by_country(rows, own_code):
    """``rows``: [(country, key, n)] → {country: {key: n}} with other countries suppressed."""
    acc: dict = defaultdict(dict)
    for country, key, n in rows:
        acc[country][key or "—"] = acc[country].get(key or "—", 0) + n
    return {c: (v if c == own_code else suppress_counts(v)) for c, v in sorted(acc.items())}


def enlace_figures(user) -> dict:
    """Case types, route legs, modus operandi, person roles, exchange status and centre occupancy,
    counted only over what ``user`` may read, other countries suppressed."""
    from enlace.cases.models import Case, Entity, RouteLeg
    from enlace.exchange.models import Thread

    own = user.institution.country.code if getattr(user, "institution", None) else None
    ctry = "owner_institution__country__code"
    out = {
        "case_types": _by_country(Case.objects.restrict(user, "count").values_list(ctry, "case_type").annotate(
            n=Count("pk")).order_by(), own),
        "modus": _by_country(Case.objects.restrict(user, "count").filter(tags__isnull=False).values_list(
            ctry, "tags__code").annotate(n=Count("pk")).order_by(), own),
        "roles": _by_country(Entity.objects.restrict(user, "count").exclude(role="").values_list(ctry, "role").annotate(
            n=Count("pk")).order_by(), own),
        "legs": _by_country(((c, f"{a or '?'}>{b or '?'}", n) for c, a, b, n in RouteLeg.objects.restrict(
            user, "count").values_list(ctry, "from_country", "to_country").annotate(n=Count("pk")).order_by()), own),
        "exchange": _by_country(Thread.objects.restrict(user, "count").values_list(ctry, "status").annotate(
            n=Count("pk")).order_by(), own),
    }
    try:
        from enlace.centres.models import FigureSet

        latest = FigureSet.objects.restrict(user, "count").order_by("-date").values_list("date", flat=True).first()
        if latest:
            out["occupancy"] = _by_country(FigureSet.objects.restrict(user, "count").filter(date=latest).values_list(
                ctry, "centre_name").annotate(n=Sum("total")).order_by(), own)
    except ImportError:  # the centres capability is optional
        pass
    return out
