"""The XLSX template for occupancy figures of centres not registered in Enlace, and its reader.

The layout is fixed (a changed layout is refused with a message naming the expected columns); every
line is checked and every error reported with its line and column; nothing is imported unless the
whole file is valid (the action runs in one transaction).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enlace.core.exports import xlsx_bytes
from enlace.core.uploads import validate_upload, xlsx_rows

from . import choices
from .actions import clean_nationality

COLUMNS = ["centre", "date", "capacity", "nationality", "sex", "age_band", "vulnerability", "count"]
HEADERS = [gettext_lazy("centro"), gettext_lazy("fecha (AAAA-MM-DD)"), gettext_lazy("capacidad"),
           gettext_lazy("nacionalidad (ISO alfa-3)"), gettext_lazy("sexo (F/M/X)"),
           gettext_lazy("grupo de edad (adult/child/unaccompanied)"), gettext_lazy("condición de vulnerabilidad"),
           gettext_lazy("personas")]
MAX_ROWS = 20000


def template_bytes() -> bytes:
    example = [("Albergue Fray Matías", datetime.date.today().isoformat(), 120, "HND", "M", "adult", "", 14)]
    codes = [(c, str(label)) for c, label in choices.VULNERABILITIES]
    return xlsx_bytes([(_("Cifras"), COLUMNS, example),
                       (_("Columnas"), [_("columna"), _("contenido")], list(zip(COLUMNS, [str(h) for h in HEADERS]))),
                       (_("Vulnerabilidad"), [_("código"), _("condición")], codes)])


def _int(value, *, minimum=0):
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    n = int(str(value).strip()) if not isinstance(value, int) else value
    if n < minimum:
        raise ValueError
    return n


def parse(upload) -> list[dict]:
    """Rows of a template upload, or ``ValidationError`` listing every error as «línea N, columna X: …»."""
    check_upload(upload)
    return parse_bytes(b"".join(upload.chunks()))


def check_upload(upload) -> None:
    """What is checked at once, in the request (size, kind); the lines are checked by the task."""
    validate_upload(upload, kinds=("office",))


PROGRESS_EVERY = 500


def parse_bytes(data: bytes, progress=None) -> list[dict]:
    """``parse`` of the file's bytes (in the worker); ``progress(lines_read)`` every few hundred lines."""
    rows = xlsx_rows(data, max_rows=MAX_ROWS + 1)
    try:
        header = next(rows)
    except StopIteration:
        raise ValidationError(_("La hoja está vacía.")) from None
    header = [str(h or "").strip().lower() for h in header]
    while header and not header[-1]:
        header.pop()
    if header != COLUMNS:
        raise ValidationError(_("La plantilla cambió: la primera fila debe tener exactamente las columnas %(cols)s. "
                                "Descargue la plantilla de nuevo.") % {"cols": ", ".join(COLUMNS)})
    out, errors = [], []
    today = datetime.date.today()
    for line, row in enumerate(rows, start=2):
        row = list(row or [])[:len(COLUMNS)] + [None] * max(0, len(COLUMNS) - len(row or []))
        if all(v in (None, "") for v in row):
            continue
        values = dict(zip(COLUMNS, row))
        rec: dict = {}

        def err(col, msg):
            errors.append(_("línea %(line)s, columna «%(col)s»: %(msg)s") % {"line": line, "col": col, "msg": msg})

        name = str(values["centre"] or "").strip()[:200]
        if not name:
            err("centre", _("indique el centro"))
        rec["centre"] = name
        day = values["date"]
        try:
            if isinstance(day, datetime.datetime):
                day = day.date()
            elif not isinstance(day, datetime.date):
                day = datetime.date.fromisoformat(str(day).strip())
            if day > today:
                raise ValueError
            rec["date"] = day
        except (TypeError, ValueError):
            err("date", _("fecha no válida o futura (AAAA-MM-DD)"))
        try:
            rec["capacity"] = _int(values["capacity"] or 0)
        except (TypeError, ValueError):
            err("capacity", _("número entero no negativo"))
        try:
            rec["nationality"] = clean_nationality(values["nationality"])
        except ValidationError:
            err("nationality", _("código de nacionalidad desconocido «%(v)s»") % {"v": str(values["nationality"])[:10]})
        sex = str(values["sex"] or "").strip().upper()
        if sex not in dict(choices.SEXES):
            err("sex", _("use F, M o X"))
        rec["sex"] = sex
        band = str(values["age_band"] or "").strip().lower()
        if band not in dict(choices.AGE_BANDS):
            err("age_band", _("use adult, child o unaccompanied"))
        rec["age_band"] = band
        vuln = str(values["vulnerability"] or "").strip()
        if vuln and vuln not in choices.VULNERABILITY_CODES:
            err("vulnerability", _("condición desconocida «%(v)s» (vea la hoja «Vulnerabilidad»)") % {"v": vuln[:40]})
        rec["vulnerability"] = vuln
        try:
            rec["count"] = _int(values["count"], minimum=1)
        except (TypeError, ValueError):
            err("count", _("número entero mayor que cero"))
        out.append(rec)
        if progress and line % PROGRESS_EVERY == 0:
            progress(line - 1)
        if len(errors) > 200:
            break
    if errors:
        raise ValidationError(errors)
    if not out:
        raise ValidationError(_("La hoja no tiene filas de datos."))
    return out
