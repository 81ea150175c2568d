"""PDF reports with ReportLab (no system libraries). Built-in Helvetica covers Spanish text.

Every page carries a footer naming the zone its times are in (the viewer's, activated per request by
``UserTimezoneMiddleware``; a background task activates its requester's): callers write times with
``enlace.core.timefmt.format_local`` / ``when_text(..., ascii_only=True)``.
"""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from enlace.core import timefmt


def footer_text(*, invariant: bool = False) -> str:
    """``Generado el 03/12/2026 14:05 · Horas en America/Santo_Domingo (UTC-4)``; an invariant document
    (same input, same bytes) names the zone without the generation time."""
    note = timefmt.zone_note(ascii_only=True)
    if invariant:
        return note
    from django.utils import timezone

    return _("Generado el %(when)s") % {"when": timefmt.format_local(timezone.now())} + " · " + note


def pdf_bytes(title: str, blocks, *, wide: bool = False, subtitle: str = "", invariant: bool = False) -> bytes:
    """``blocks``: list of ``("h", text)``, ``("p", text)``, ``("table", header, rows)`` or
    ``("flowable", obj)`` (e.g. a reportlab.graphics chart). ``invariant``: same input, same bytes."""
    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=7.5, leading=9)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4) if wide else A4, title=title,
                            leftMargin=1.5 * cm, rightMargin=1.5 * cm, topMargin=1.5 * cm, bottomMargin=1.5 * cm,
                            invariant=1 if invariant else None)
    story = [Paragraph(title, styles["Title"])]
    if subtitle:
        story.append(Paragraph(subtitle, styles["Italic"]))
    story.append(Spacer(1, 0.3 * cm))
    for block in blocks:
        if block[0] == "h":
            story.append(Paragraph(block[1], styles["Heading2"]))
        elif block[0] == "p":
            story.append(Paragraph(block[1], styles["BodyText"]))
        elif block[0] == "flowable":
            story.append(block[1])
        elif block[0] == "table":
            header, rows = block[1], block[2]
            data = [[Paragraph(f"<b>{h}</b>", cell) for h in header]]
            data += [[Paragraph("" if v is None else str(v), cell) for v in row] for row in rows]
            table = Table(data, repeatRows=1)
            table.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]))
            story.append(table)
            story.append(Spacer(1, 0.3 * cm))
    footer = footer_text(invariant=invariant)

    def draw_footer(canvas, document):
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.grey)
        canvas.drawString(document.leftMargin, 0.8 * cm, footer)
        canvas.restoreState()

    doc.build(story, onFirstPage=draw_footer, onLaterPages=draw_footer)
    return buf.getvalue()


def pdf_response(filename: str, title: str, blocks, **kwargs) -> HttpResponse:
    response = HttpResponse(pdf_bytes(title, blocks, **kwargs), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
