"""The "Diagnóstico regional" of a period: PDF with charts and a flow map, and its XLSX annex.

Built from ``figures.regional`` for the requester (the same view as the dashboard), so the annex
equals the dashboard's figures; reproducible: same inputs → same figures digest, same PDF bytes
(ReportLab's invariant mode) and same annex cells.
"""

from __future__ import annotations

import hashlib

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Circle, Drawing, Line, Polygon, String
from reportlab.lib import colors

from enlace.core import timefmt
from enlace.core.exports import xlsx_bytes
from enlace.core.pdf import pdf_bytes

from . import figures, geo

PALETTE = [colors.HexColor(c) for c in ("#0b5394", "#a4161a", "#1e6b34", "#8a5300", "#5b2a86", "#006d77")]


def _bar(title, items, *, horizontal=False, width=480, height=200):
    d = Drawing(width, height + 24)
    d.add(String(0, height + 8, title, fontName="Helvetica-Bold", fontSize=9))
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 90 if horizontal else 40, 30, width - 120, height - 40
    chart.data = [[v for _k, v in items] or [0]]
    chart.categoryAxis.categoryNames = [str(k)[:18] for k, _v in items] or [""]
    chart.categoryAxis.labels.fontSize = 6
    chart.valueAxis.labels.fontSize = 6
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = PALETTE[0]
    d.add(chart)
    return d


def flow_map(view, width=480):
    """Arrows from the country a route came from to the reporting country, on the bundled outline."""
    proj, polygons = geo.outline(width)
    d = Drawing(proj.width, proj.height)
    for points in polygons:
        d.add(Polygon(points, fillColor=colors.HexColor("#f4f1ea"), strokeColor=colors.HexColor("#9aa5b1"),
                      strokeWidth=0.4))
    top = max(view.flows.values(), default=1) or 1
    for (origin, dest), value in sorted(view.flows.items()):
        a, b = geo.point(proj, origin), geo.point(proj, dest)
        if a is None or b is None or a == b:
            continue
        # ReportLab's y axis points up; the projection's down.
        d.add(Line(a[0], proj.height - a[1], b[0], proj.height - b[1], strokeColor=PALETTE[1],
                   strokeWidth=0.8 + 5 * value / top))
        d.add(Circle(b[0], proj.height - b[1], 2.5, fillColor=PALETTE[0], strokeColor=None))
    return d


def inputs_digest(user, view) -> str:
    return hashlib.sha256(repr((view.period.code, view.own, view.given, view.submissions)).encode()).hexdigest()


def build(user, period, progress=lambda pct, step: None, language="es"):
    """Return ``(pdf, xlsx, inputs_digest, figures_digest)``."""
    # Built by a background task: the requester's zone, as a page of theirs would show (the PDF names it).
    with translation.override(language), timezone.override(timefmt.zone_for_user(user)):
        progress(10, _("Calculando cifras"))
        view = figures.regional(user, period)
        indicators, dims = figures.labels()
        progress(40, _("Dibujando gráficos y mapa"))
        blocks = [("p", _("Período %(period)s. Países incluidos: %(countries)s. Las cifras de otros países solo "
                          "incluyen celdas publicadas (las menores a 11 se suprimen, con supresión complementaria).")
                   % {"period": period.code, "countries": ", ".join(view.countries) or "—"})]
        if not view.given:
            blocks.append(("p", _("Su país no ha cerrado sus cifras de este período: el informe solo muestra su país.")))
        blocks.append(("h", _("Totales por indicador")))
        header = [_("Indicador"), *view.countries, _("Región")]
        rows = [[f"{code} — {indicators[code].name if code in indicators else code}",
                 *[view.totals[code].get(c, "—") for c in view.countries], view.regional_total(code)]
                for code in sorted(view.totals)]
        blocks.append(("table", header, rows))
        if view.totals:
            first = "TIM-MIG" if "TIM-MIG" in view.totals else sorted(view.totals)[0]
            blocks.append(("flowable", _bar(_("%(ind)s por país") % {"ind": first},
                                            sorted(view.totals[first].items()))))
        blocks.append(("h", _("Mapa de flujos (rutas)")))
        blocks.append(("flowable", flow_map(view)))
        progress(70, _("Perfiles y modus operandi"))
        for code in sorted(view.breakdown):
            name = indicators[code].name if code in indicators else code
            for dim, cats in sorted(view.breakdown[code].items()):
                lab = dims[dim].labels() if dim in dims else {}
                items = sorted(((lab.get(k, k), v) for k, v in cats.items()), key=lambda kv: -kv[1])[:12]
                blocks.append(("h", f"{name} — {dims[dim].name if dim in dims else dim}"))
                blocks.append(("flowable", _bar("", items, horizontal=True, height=max(80, 14 * len(items)))))
        pdf = pdf_bytes(_("Diagnóstico regional"), blocks, subtitle=str(period.code), invariant=True)
        progress(90, _("Preparando el anexo XLSX"))
        xlsx = xlsx_bytes(figures.annex_sheets(view))
        return pdf, xlsx, inputs_digest(user, view), view.digest()
