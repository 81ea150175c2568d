"""Shared export helpers (XLSX for analysts). Callers audit the export themselves.

Times are written in the active zone (the viewer's, see ``UserTimezoneMiddleware``; the audit export
activates UTC) as plain spreadsheet dates, and the zone is stated: in the heading of each column that
holds times ("Enviado (America/Santo_Domingo, UTC-4)") and in the printed footer of the sheet.
"""

from __future__ import annotations

import datetime
import io

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from enlace.core import timefmt

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        # Spreadsheets have no zones: the wall-clock time in the stated zone (never UTC read as local).
        return timefmt.to_local(value).replace(tzinfo=None)
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, (dict,)):
        return str(value)
    return value


def zone_heading() -> str:
    """``America/Santo_Domingo, UTC-4`` for the active zone (added to the headings of time columns)."""
    from django.utils import timezone

    local = timefmt.to_local(timezone.now())
    name, offset = str(local.tzinfo), timefmt.offset_label(local, ascii_only=True)
    return name if name == offset else f"{name}, {offset}"


def xlsx_bytes(sheets) -> bytes:
    """``sheets``: iterable of ``(title, header, rows)``. Returns the workbook as bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title=str(title)[:31])
        ws.append([str(h) for h in header])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        timed = set()
        for row in rows:
            ws.append([_cell(v) for v in row])
            timed.update(i for i, v in enumerate(row, start=1) if isinstance(v, datetime.datetime))
        if timed:
            zone = zone_heading()
            for idx in timed:
                if idx <= len(header):
                    ws.cell(row=1, column=idx, value=f"{header[idx - 1]} ({zone})")
            ws.oddFooter.center.text = timefmt.zone_note()
        for idx, h in enumerate(header, start=1):
            ws.column_dimensions[get_column_letter(idx)].width = max(12, min(60, len(str(h)) + 4))
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(filename: str, sheets) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(sheets), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
