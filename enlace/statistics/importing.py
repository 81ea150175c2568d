"""The XLSX template of a submission (one line per cell of the catalogue) and its reader.

Layout: columns ``indicator, dimension, category, label, value``; the first four are filled by the
template and must not change (a changed layout is refused, naming what was expected); the country
fills ``value``. Every error names its line and column; nothing is imported unless the whole file is
valid (``do_save_submission`` runs in one transaction).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from enlace.core.exports import xlsx_bytes
from enlace.core.uploads import validate_upload, xlsx_rows

from .actions import expected_keys
from .figures import labels

COLUMNS = ["indicator", "dimension", "category", "label", "value"]
MAX_ROWS = 20000


def template_bytes(values: dict | None = None) -> bytes:
    """The template, pre-filled with ``values`` (a draft's cells) when given."""
    indicators, dims = labels()
    values = values or {}
    rows = []
    for ind, dim, cat in expected_keys(list(indicators.values())):
        name = indicators[ind].name
        label = name if not dim else f"{name} — {dims[dim].name}: {dims[dim].labels().get(cat, cat)}"
        rows.append((ind, dim, cat, label, values.get((ind, dim, cat))))
    help_rows = [(_("Complete solo la columna «value» con números enteros no negativos; deje vacío lo que no tenga."),),
                 (_("Cada desagregación completa debe sumar el total de su indicador."),),
                 (_("No cambie, agregue ni borre columnas o filas de las cuatro primeras columnas."),)]
    return xlsx_bytes([(_("Datos"), COLUMNS, rows), (_("Instrucciones"), [_("Instrucciones")], help_rows)])


def parse(upload) -> tuple[dict, dict]:
    """``(values, lines)``: ``{(indicator, dimension, category): raw value}`` and ``{key: line}``; or a
    ``ValidationError`` for a changed layout."""
    validate_upload(upload, kinds=("office",))
    data = b"".join(upload.chunks())
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
    expected = expected_keys()
    known = set(expected)
    values, lines, errors = {}, {}, []
    for line, row in enumerate(rows, start=2):
        row = list(row or [])[:5] + [None] * max(0, 5 - len(row or []))
        if all(v in (None, "") for v in row):
            continue
        key = tuple(str(v or "").strip() for v in row[:3])
        if key not in known:
            errors.append(_("línea %(line)s, columnas A–C: la fila «%(key)s» no es de la plantilla (¿cambió el "
                            "diseño?).") % {"line": line, "key": " / ".join(k for k in key if k)[:80]})
            continue
        if key in values:
            errors.append(_("línea %(line)s: la fila está repetida.") % {"line": line})
            continue
        values[key] = row[4]
        lines[key] = line
        if len(errors) > 200:
            break
    if errors:
        raise ValidationError(errors)
    if len(values) != len(known):
        missing = [k for k in expected if k not in values][:5]
        raise ValidationError(_("La plantilla cambió: faltan filas (por ejemplo %(rows)s). Descargue la plantilla de "
                                "nuevo.") % {"rows": "; ".join("/".join(x for x in k if x) for k in missing)})
    return values, lines


def where(lines):
    return lambda key: (_("línea %(line)s, columna E: ") % {"line": lines[key]}) if key in lines else ""
