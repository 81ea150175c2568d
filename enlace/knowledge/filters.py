"""The filtersets of the knowledge lists, each shared by the web page, the export and the API list.

* ``SearchFilter`` (over ``SearchEntry``): the search page, the recommendations export and the
  ``/api/v1/recommendations/`` and ``/api/v1/plan/actions/`` lists. The page speaks Spanish
  (``grupo``, ``reunion``…), the API English (``group``, ``meeting``…): ``clean_params`` maps both
  onto the filterset's names; the free-text ``q`` ranks the filtered rows (``search.ranked_ids``).
* ``ReportFilter`` (over ``ImplementationReport``): the reports page and
  ``/api/v1/implementation-reports/``.
"""

from __future__ import annotations

import itertools
import re

import django_filters
from django.db.models import Prefetch, Q

from . import search
from .models import ActionLink, ImplementationReport, PlanAction, Recommendation, SearchEntry, Tagging
from .parsing import normalize_key

ACTIVE = ~Q(status=Tagging.Status.REJECTED)
# Ids beyond this are refused as invalid filter values (a database integer would overflow: a 500).
MAX_ID = 2**31 - 1


def _int(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError, OverflowError):
        return None


def _plain(params) -> dict:
    return params.dict() if hasattr(params, "dict") else dict(params)


def clean_params(params) -> dict:
    """Accepts the Spanish names of the page (``grupo``, ``reunion``…) and the API's English ones.

    Values that are not what the filter expects (a year that is not a number) filter nothing.
    """
    get = _plain(params).get
    group = str(get("grupo") or get("group") or "").lower()
    return {
        "q": str(get("q") or "").strip()[:200],
        "group": group if group in ("tim", "tdp", "plan") else "",
        "meeting": _int(get("reunion") or get("meeting")),
        "year": _int(get("anio") or get("year")),
        "theme": str(get("tema") or get("theme") or "").strip()[:40],
        "axis": _int(get("eje") or get("axis")),
    }


class SearchFilter(django_filters.FilterSet):
    """Source (plan or working group), meeting, year, theme and plan axis of the searchable texts."""

    group = django_filters.ChoiceFilter(choices=[("tim", "tim"), ("tdp", "tdp"), ("plan", "plan")])
    meeting = django_filters.NumberFilter()
    year = django_filters.NumberFilter()
    theme = django_filters.CharFilter(method="by_theme")
    axis = django_filters.NumberFilter(method="by_axis")

    class Meta:
        model = SearchEntry
        fields = ["group", "meeting", "year", "theme", "axis"]

    def by_theme(self, qs, name, value):
        tagged = Tagging.objects.filter(ACTIVE, theme__code=value)
        return qs.filter(Q(recommendation__in=tagged.values("recommendation")) | Q(action__in=tagged.values("action")))

    def by_axis(self, qs, name, value):
        # An axis also finds the recommendations linked to one of its actions.
        linked = ActionLink.objects.filter(ACTIVE, action__axis__number=value, action__axis__document__superseded=False)
        return qs.filter(Q(axis=value) | Q(recommendation__in=linked.values("recommendation")))


def search_entries(user, params) -> list[SearchEntry]:
    """SearchEntry rows matching the filters, ranked by relevance when there is a query."""
    p = clean_params(params)
    qs = SearchEntry.objects.restrict(user, "search").select_related(
        "recommendation__meeting", "action__axis", "section")
    data = {k: v for k, v in p.items() if k != "q" and v not in (None, "")}
    qs = SearchFilter(data, queryset=qs).qs
    if p["q"]:
        by_id = {e.pk: e for e in qs}
        ranked = [by_id[i] for i in search.ranked_ids(p["q"]) if i in by_id]
        # A key ("TIM-II-5") or an action number ("1.1") names its text: that text first (with its
        # lettered items), even when its words hold none of the query's terms.
        exact = sorted((e for e in by_id.values() if is_exact(e, p["q"])), key=lambda e: (len(e.key), e.key))
        first = {e.pk for e in exact}
        return exact + [e for e in ranked if e.pk not in first]
    return list(qs.order_by("kind", "pk"))


KEY_RE = re.compile(r"^\s*(?:(?:tim|tdp)[\s-]+[ivx]+[\s-]+\d{1,3}(?:[\s-]*[a-z])?|\d{1,2}\.\d{1,2})\s*$", re.I)


def key_of(q: str) -> str:
    """The normalised key a query names ("tim ii 5" → "TIM-II-5", "1.1" → "1.1"), or ""."""
    if not KEY_RE.match(q or ""):
        return ""
    parts = re.findall(r"[A-Za-z]+|\d+(?:\.\d+)?", q)
    return normalize_key("-".join(parts))


def is_exact(entry: SearchEntry, q: str) -> bool:
    """Whether ``entry`` is the text the key in ``q`` names (or one of its lettered items)."""
    key = key_of(q)
    if not key or entry.kind == SearchEntry.Kind.SECTION:
        return False
    return entry.key == key or (entry.kind == SearchEntry.Kind.RECOMMENDATION and entry.key.startswith(key + "-"))


def exact_count(entries, q: str) -> int:
    """How many of ``entries`` (ranked by ``search_entries``) the key in ``q`` names exactly."""
    if not key_of(q):
        return 0
    return sum(1 for _e in itertools.takewhile(lambda e: is_exact(e, q), entries))


def recommendation_rows(user, action: str = "list"):
    """Recommendations with everything their API row and export show, in a constant number of queries."""
    return (Recommendation.objects.restrict(user, action)
            .select_related("meeting__document", "parent")
            .prefetch_related(
                Prefetch("children", queryset=Recommendation.objects.order_by("order")),
                Prefetch("taggings", queryset=Tagging.objects.filter(ACTIVE).select_related("theme")),
                Prefetch("action_links", queryset=ActionLink.objects.filter(ACTIVE).select_related("action"))))


def plan_action_rows(user, action: str = "list"):
    """Final plan actions with their axis, themes, links and draft predecessors (constant queries)."""
    return (PlanAction.objects.restrict(user, action)
            .filter(axis__document__code="plan-2019", withdrawn=False)
            .select_related("axis")
            .prefetch_related(
                Prefetch("taggings", queryset=Tagging.objects.filter(ACTIVE).select_related("theme")),
                Prefetch("recommendation_links",
                         queryset=ActionLink.objects.filter(ACTIVE).select_related("recommendation")),
                Prefetch("predecessors", queryset=PlanAction.objects.order_by("pk"))))


def recommendations_for(user, params) -> list[Recommendation]:
    p = clean_params(params)
    if p["group"] == "plan":
        return []
    entries = search_entries(user, params)
    ids = [e.recommendation_id for e in entries if e.recommendation_id]
    by_id = {o.pk: o for o in recommendation_rows(user).filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


def actions_for(user, params) -> list[PlanAction]:
    p = clean_params(params)
    if p["group"] in ("tim", "tdp") or p["meeting"] or p["year"]:
        return []
    entries = search_entries(user, {**_plain(params), "grupo": "plan", "group": "plan"})
    ids = [e.action_id for e in entries if e.action_id]
    by_id = {o.pk: o for o in plan_action_rows(user).filter(pk__in=ids)}
    return [by_id[i] for i in ids if i in by_id]


class ReportFilter(django_filters.FilterSet):
    """Free text, round, country, implementation status and validation state of the reports."""

    q = django_filters.CharFilter(method="by_text", max_length=200)
    round = django_filters.NumberFilter(field_name="round_id", min_value=1, max_value=MAX_ID)
    country = django_filters.CharFilter(field_name="owner_institution__country__code", lookup_expr="iexact",
                                        max_length=5)
    status = django_filters.ChoiceFilter(choices=ImplementationReport.Status.choices)
    state = django_filters.ChoiceFilter(choices=ImplementationReport.State.choices)

    class Meta:
        model = ImplementationReport
        fields = ["q", "round", "country", "status", "state"]

    def by_text(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(narrative__icontains=value) | Q(next_steps__icontains=value)
                         | Q(responsible_institution__icontains=value) | Q(action__key=value)
                         | Q(recommendation__key=normalize_key(value)))


REPORT_JOINS = ("owner_institution__country", "round", "action", "recommendation")
