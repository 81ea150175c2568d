"""The bundled outline (Natural Earth 1:110m, used by the cases map) and approximate country points
for the flow map. No remote tiles."""

from __future__ import annotations

import functools
import json

# Approximate centres (lon, lat) of the countries a route may come from (ISO alpha-3).
POINTS = {
    "BLZ": (-88.7, 17.2), "CAN": (-100.0, 56.0), "CRI": (-84.1, 9.9), "SLV": (-88.9, 13.7), "USA": (-98.0, 38.0),
    "GTM": (-90.4, 15.5), "HND": (-86.6, 14.8), "MEX": (-102.5, 23.6), "NIC": (-85.0, 12.9), "PAN": (-80.1, 8.6),
    "DOM": (-70.5, 18.8), "COL": (-73.0, 4.6), "ECU": (-78.5, -1.5), "VEN": (-66.0, 7.0), "HTI": (-72.7, 19.0),
    "CUB": (-79.0, 21.8), "PER": (-75.0, -9.2), "BRA": (-52.0, -10.0), "CHN": (-60.0, 30.0),
    "IND": (-60.0, 28.0), "AFR": (-60.0, 12.0), "OTH": (-62.0, 25.0),
}
BOX = (-118.0, -12.0, -58.0, 34.0)


@functools.lru_cache(maxsize=4)
def outline(width=480):
    """``(projection, [flat point lists])`` of the outline, y pointing down as in SVG."""
    from enlace.cases.analysis import OUTLINE, Projection

    proj = Projection(BOX, width)
    polygons = []
    for feat in json.loads(OUTLINE.read_text(encoding="utf-8"))["features"]:
        for polygon in feat["geometry"]["coordinates"]:
            ring = polygon[0]
            pts = []
            for lon, lat in ring:
                x, y = proj(lon, lat)
                # Clamped to the frame: the outline reaches far beyond the region drawn.
                pts += [min(max(x, 0), proj.width), min(max(proj.height - y, 0), proj.height)]
            polygons.append(pts)
    return proj, polygons


@functools.lru_cache(maxsize=4)
def svg_paths(width=900):
    from enlace.cases.analysis import OUTLINE, Projection

    proj = Projection(BOX, width)
    paths = []
    for feat in json.loads(OUTLINE.read_text(encoding="utf-8"))["features"]:
        parts = []
        for polygon in feat["geometry"]["coordinates"]:
            for ring in polygon:
                parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in (proj(lon, lat) for lon, lat in ring)) + "Z")
        paths.append({"name": feat["properties"]["name"], "d": "".join(parts)})
    return proj, paths


def point(proj, code):
    if code not in POINTS:
        return None
    return proj(*POINTS[code])


def svg_flows(flows: dict, width=900) -> dict:
    proj, paths = svg_paths(width)
    top = max(flows.values(), default=1) or 1
    arrows = []
    for (origin, dest), value in sorted(flows.items()):
        a, b = point(proj, origin), point(proj, dest)
        if a is None or b is None or a == b:
            continue
        arrows.append({"x1": round(a[0], 1), "y1": round(a[1], 1), "x2": round(b[0], 1), "y2": round(b[1], 1),
                       "w": round(1 + 7 * value / top, 1), "label": f"{origin} → {dest}: {value}"})
    return {"width": proj.width, "height": proj.height, "countries": paths, "arrows": arrows}
