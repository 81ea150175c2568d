"""The filters of the search page, shared by the web pages, the exports and the API lists."""

from __future__ import annotations

from django.db.models import Q

from . import search
from .models import ActionLink, PlanAction, Recommendation, SearchEntry, Tagging

ACTIVE = ~Q(status=Tagging.Status.REJECTED)


def _int(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _plain(params) -> dict:
    return params.dict() if hasattr(params, "dict") else dict(params)


def clean_params(params) -> dict:
    """Accepts the Spanish names of the page (``grupo``, ``reunion``…) and the API's English ones."""
    get = _plain(params).get
    group = (get("grupo") or get("group") or "").lower()
    return {
        "q": (get("q") or "").strip()[:200],
        "group": group if group in ("tim", "tdp", "plan") else "",
        "meeting": _int(get("reunion") or get("meeting")),
        "year": _int(get("anio") or get("year")),
        "theme": (get("tema") or get("theme") or "").strip()[:40],
        "axis": _int(get("eje") or get("axis")),
    }


def search_entries(user, params) -> list[SearchEntry]:
    """SearchEntry rows matching the filters, ranked by relevance when there is a query."""
    p = clean_params(params)
    qs = SearchEntry.objects.restrict(user, "search").select_related("recommendation__meeting", "action__axis")
    if p["group"]:
        qs = qs.filter(group=p["group"])
    if p["meeting"]:
        qs = qs.filter(meeting=p["meeting"])
    if p["year"]:
        qs = qs.filter(year=p["year"])
    if p["theme"]:
        tagged = Tagging.objects.filter(ACTIVE, theme__code=p["theme"])
        qs = qs.filter(Q(recommendation__in=tagged.values("recommendation")) | Q(action__in=tagged.values("action")))
    if p["axis"]:
        linked = ActionLink.objects.filter(ACTIVE, action__axis__number=p["axis"],
                                           action__axis__document__superseded=False)
        qs = qs.filter(Q(axis=p["axis"]) | Q(recommendation__in=linked.values("recommendation")))
    if p["q"]:
        by_id = {e.pk: e for e in qs}
        return [by_id[i] for i in search.ranked_ids(p["q"]) if i in by_id]
    return list(qs.order_by("kind", "pk"))


def recommendations_for(user, params):
    p = clean_params(params)
    if p["group"] == "plan":
        return Recommendation.objects.none()
    entries = search_entries(user, _plain(params))
    ids = [e.recommendation_id for e in entries if e.recommendation_id]
    objs = Recommendation.objects.restrict(user, "list").filter(pk__in=ids).select_related("meeting", "parent")
    by_id = {o.pk: o for o in objs}
    return [by_id[i] for i in ids if i in by_id]


def actions_for(user, params):
    p = clean_params(params)
    if p["group"] in ("tim", "tdp") or p["meeting"] or p["year"]:
        return []
    entries = search_entries(user, {**_plain(params), "grupo": "plan", "group": "plan"})
    ids = [e.action_id for e in entries if e.action_id]
    objs = PlanAction.objects.restrict(user, "list").filter(pk__in=ids).select_related("axis")
    by_id = {o.pk: o for o in objs}
    return [by_id[i] for i in ids if i in by_id]
