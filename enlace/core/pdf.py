"""PDF reports with ReportLab (no system libraries). Built-in Helvetica covers Spanish text."""

from __future__ import annotations

import io

from django.http import HttpResponse
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


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
    doc.build(story)
    return buf.getvalue()


def pdf_response(filename: str, title: str, blocks, **kwargs) -> HttpResponse:
    response = HttpResponse(pdf_bytes(title, blocks, **kwargs), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
