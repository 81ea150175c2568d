"""Link analysis and route maps, built only from what the user may see (``restrict``).

The graph is handed to the vendored Cytoscape.js as JSON; the map is plain SVG drawn on the server over
a bundled outline of the region (Natural Earth 1:110m via world-atlas), so no tile is ever fetched.
"""

from __future__ import annotations

import functools
import json
import math
import re
from pathlib import Path

from .models import Case, Entity, Link, RouteLeg

OUTLINE = Path(__file__).parent / "data" / "americas-110m.geojson"
CASE_COLOURS = ["#0b5394", "#a4161a", "#1e6b34", "#8a5300", "#5b2a86", "#006d77", "#b5179e", "#3a3a3a"]


def phone_key(phone: str) -> str:
    digits = re.sub(r"\D", "", phone or "")
    return digits[-8:] if len(digits) >= 8 else digits


def doc_key(number: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", (number or "").upper())


def case_graph(user, case: Case, *, linked: bool = False) -> dict:
    """Nodes and edges of one case (and, if ``linked``, of the visible cases sharing a phone or document)."""
    entities = list(Entity.objects.restrict(user, "view").filter(case=case).select_related("case"))
    # Only ids of the ends are used: an end is drawn only if it is among the entities the user may read.
    links = list(Link.objects.restrict(user, "view").filter(case=case))
    cases = {case.pk: case}
    linked_cases = []
    if linked:
        phones = {phone_key(p) for e in entities for p in (e.phones or []) if phone_key(p)}
        phones |= {phone_key(lk.value) for lk in links if lk.kind == Link.Kind.USES_PHONE and phone_key(lk.value)}
        docs = {doc_key(e.doc_number) for e in entities if e.is_document and doc_key(e.doc_number)}
        others = Case.objects.restrict(user, "view").exclude(pk=case.pk)
        candidates = Entity.objects.restrict(user, "view").filter(case__in=others.values("pk")).select_related("case")
        extra_entities = []
        for e in candidates.filter(schema__in=["Person", "Identification", "Passport"]).iterator():
            shared = False
            if e.is_document and doc_key(e.doc_number) in docs:
                shared = True
            if e.is_person and {phone_key(p) for p in (e.phones or [])} & phones:
                shared = True
            if shared:
                extra_entities.append(e)
                cases.setdefault(e.case_id, e.case)
        # The holders of shared documents come along, so that the graph says who holds them.
        doc_ids = [e.pk for e in extra_entities if e.is_document]
        if doc_ids:
            holder_links = list(Link.objects.restrict(user, "view").filter(kind=Link.Kind.HOLDS_DOCUMENT,
                                                                           target__in=doc_ids))
            # A holder comes along only if the user may read the holder itself (it can be narrower than
            # the link, e.g. a child's record): read through the policy, never through the link.
            known = {x.pk for x in entities} | {x.pk for x in extra_entities}
            holders = Entity.objects.restrict(user, "view").filter(
                pk__in={lk.source_id for lk in holder_links} - known).select_related("case")
            for holder in holders:
                extra_entities.append(holder)
                cases.setdefault(holder.case_id, holder.case)
            links += holder_links
        entities += extra_entities
        linked_cases = [c for pk, c in cases.items() if pk != case.pk]
    visible = {e.pk for e in entities}
    nodes, edges, seen = [], [], set()

    def add_node(data):
        if data["id"] not in seen:
            seen.add(data["id"])
            nodes.append({"data": data})

    for c in cases.values():
        add_node({"id": f"c{c.pk}", "label": c.reference, "kind": "Case", "case": f"c{c.pk}", "role": ""})
    for e in entities:
        add_node({"id": f"e{e.pk}", "label": e.caption[:60], "kind": e.schema, "case": f"c{e.case_id}",
                  "role": e.get_role_display() if e.role else ""})
        edges.append({"data": {"id": f"in{e.pk}", "source": f"e{e.pk}", "target": f"c{e.case_id}", "label": "",
                               "kind": "in_case"}})
        for p in e.phones or []:
            key = phone_key(p)
            if key:
                add_node({"id": f"p{key}", "label": p, "kind": "Phone", "case": "", "role": ""})
                eid = f"ph{e.pk}-{key}"
                if eid not in seen:
                    seen.add(eid)
                    edges.append({"data": {"id": eid, "source": f"e{e.pk}", "target": f"p{key}",
                                           "label": str(Link.Kind.USES_PHONE.label), "kind": "uses_phone"}})
    for lk in links:
        if lk.source_id not in visible:
            continue
        if lk.kind == Link.Kind.USES_PHONE:
            key = phone_key(lk.value)
            if not key:
                continue
            add_node({"id": f"p{key}", "label": lk.value, "kind": "Phone", "case": "", "role": ""})
            eid = f"ph{lk.source_id}-{key}"
            if eid in seen:
                continue
            seen.add(eid)
            edges.append({"data": {"id": eid, "source": f"e{lk.source_id}", "target": f"p{key}",
                                   "label": lk.get_kind_display(), "kind": lk.kind}})
            continue
        if lk.target_id not in visible or f"l{lk.pk}" in seen:
            continue
        seen.add(f"l{lk.pk}")
        edges.append({"data": {"id": f"l{lk.pk}", "source": f"e{lk.source_id}", "target": f"e{lk.target_id}",
                               "label": lk.get_kind_display(), "kind": lk.kind}})
    return {"nodes": nodes, "edges": edges, "cases": [c.reference for c in cases.values()],
            "linked_cases": linked_cases}


# --- map -----------------------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _outline():
    return json.loads(OUTLINE.read_text(encoding="utf-8"))["features"]


DEFAULT_BOX = (-118.0, 6.0, -60.0, 34.0)  # Mexico, Central America, the Caribbean, the US border


class Projection:
    """Equirectangular, scaled by the cosine of the middle latitude: good enough for a regional sketch."""

    def __init__(self, box, width=960):
        west, south, east, north = box
        self.west, self.north = west, north
        self.k = math.cos(math.radians((south + north) / 2))
        self.scale = width / ((east - west) * self.k)
        self.width = width
        self.height = round((north - south) * self.scale)

    def __call__(self, lon, lat):
        return round((lon - self.west) * self.k * self.scale, 1), round((self.north - lat) * self.scale, 1)


def _box_for(legs) -> tuple:
    west, south, east, north = DEFAULT_BOX
    for leg in legs:
        for lon, lat in ((leg.from_lon, leg.from_lat), (leg.to_lon, leg.to_lat)):
            west, east = min(west, lon - 3), max(east, lon + 3)
            south, north = min(south, lat - 3), max(north, lat + 3)
    return max(west, -170), max(south, -10), min(east, -30), min(north, 75)


def route_map(legs, *, width=960) -> dict:
    """Everything the template needs to draw an SVG map of the legs (with coordinates) over the outline."""
    legs = [leg for leg in legs if leg.has_coordinates]
    proj = Projection(_box_for(legs), width)
    countries = []
    for feat in _outline():
        parts = []
        for polygon in feat["geometry"]["coordinates"]:
            for ring in polygon:
                pts = [proj(lon, lat) for lon, lat in ring]
                parts.append("M" + "L".join(f"{x},{y}" for x, y in pts) + "Z")
        countries.append({"name": feat["properties"]["name"], "d": "".join(parts)})
    colour_of = {}
    lines, places = [], {}
    for leg in legs:
        colour = colour_of.setdefault(leg.case_id, CASE_COLOURS[len(colour_of) % len(CASE_COLOURS)])
        x1, y1 = proj(leg.from_lon, leg.from_lat)
        x2, y2 = proj(leg.to_lon, leg.to_lat)
        lines.append({"x1": x1, "y1": y1, "x2": x2, "y2": y2, "colour": colour, "leg": leg,
                      "title": f"{leg.case.reference}: {leg.from_place} → {leg.to_place} ({leg.get_means_display()})"})
        places.setdefault((x1, y1), leg.from_place)
        places.setdefault((x2, y2), leg.to_place)
    return {"width": proj.width, "height": proj.height, "countries": countries, "lines": lines,
            "places": [{"x": x, "y": y, "lx": round(x + 6, 1), "name": name} for (x, y), name in places.items()],
            "legend": [{"colour": colour, "case": next(leg.case for leg in legs if leg.case_id == cid)}
                       for cid, colour in colour_of.items()]}


def visible_legs(user, case: Case | None = None):
    qs = RouteLeg.objects.restrict(user, "view").select_related("case")
    if case is not None:
        qs = qs.filter(case=case)
    return qs.order_by("case_id", "order", "pk")
