"""Contacts spreadsheet import (XLSX or CSV): every error with its line and column; all or nothing."""

from __future__ import annotations

import csv
import datetime
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enlace.core.models import Institution

from django.urls import reverse

from enlace.notifications.actions import do_notify

from .actions import cancilleria_of, do_propose_contact
from .validation import normalize_name

# header (as written in the template) -> field
COLUMNS = [
    ("pais", "country"), ("institucion", "institution"), ("nombre", "first_name"), ("apellidos", "last_name"),
    ("cargo", "position"), ("unidad", "unit"), ("areas", "areas"), ("funciones", "functions"),
    ("idiomas", "languages"), ("correo", "email"), ("telefono", "phone"), ("movil", "mobile"),
    ("zona_horaria", "timezone"), ("hora_inicio", "hours_start"), ("hora_fin", "hours_end"),
]
REQUIRED = {"pais", "institucion", "nombre", "apellidos", "cargo", "areas", "idiomas", "correo", "telefono"}
FIELD_TO_HEADER = {f: h for h, f in COLUMNS} | {"owner_institution": "institucion", "user": "institucion",
                                               "reports_to": "institucion", "scope": "areas",
                                               "working_days": "hora_inicio"}
MAX_ROWS = 2000


class _Discard(Exception):
    pass


class ImportFailed(Exception):
    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors  # list of (line, column, message)


def _rows(upload, mime: str) -> list[list]:
    """The non-empty rows (header first). Reading stops at the first row past ``MAX_ROWS`` or when
    the XLSX unpacks too large (``core.uploads``): limits apply while reading, not after."""
    from enlace.core.uploads import capped_rows, too_many_rows, xlsx_rows

    data = upload.read()
    if mime == "text/plain" or upload.name.lower().endswith(".csv"):
        text = None
        for enc in ("utf-8-sig", "cp1252"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        if text is None:
            raise ImportFailed([(0, "", _("El archivo no está en UTF-8 ni en Windows-1252. En Excel use «Guardar "
                                          "como → CSV UTF-8» y vuelva a subirlo."))])
        sample = text[:2000]
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        source = capped_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), MAX_ROWS)
    else:
        source = xlsx_rows(data, max_rows=MAX_ROWS)
    rows = []
    try:
        for row in source:
            if any(v not in (None, "") for v in row):
                rows.append(list(row))
                if len(rows) > MAX_ROWS + 1:  # header + MAX_ROWS: stop at the first row too many
                    raise too_many_rows(MAX_ROWS)
    except csv.Error as exc:
        raise ImportFailed([(0, "", _("El CSV está mal formado: %(why)s") % {"why": str(exc)[:200]})]) from None
    return rows


def _time(value, line, column, errors):
    if value in (None, ""):
        return None
    if isinstance(value, datetime.time):
        return value
    if isinstance(value, datetime.datetime):
        return value.time()
    try:
        return datetime.datetime.strptime(str(value).strip(), "%H:%M").time()
    except ValueError:
        errors.append((line, column, _("«%(value)s» no es una hora válida (use HH:MM).") % {"value": value}))
        return None


def _split(value):
    return [p.strip() for p in str(value or "").replace(",", ";").split(";") if p.strip()]


def parse_and_import(user, upload, mime: str):
    """Validate every row; import all of them in one transaction, or none and raise ``ImportFailed``."""
    rows = _rows(upload, mime)
    if not rows:
        raise ImportFailed([(0, "", _("El archivo no contiene filas."))])
    header = [normalize_name(str(h or ""), "").replace(" ", "_") for h in rows[0]]
    missing = [h for h, _f in COLUMNS if h in REQUIRED and h not in header]
    if missing:
        raise ImportFailed([(1, h, _("Falta la columna obligatoria «%(col)s».") % {"col": h}) for h in missing])
    index = {h: i for i, h in enumerate(header)}
    errors = []
    created = []
    seen_names, seen_emails = {}, {}
    try:
        with transaction.atomic():
            for line, raw in enumerate(rows[1:], start=2):
                cell = lambda h: (raw[index[h]] if h in index and index[h] < len(raw) else None)  # noqa: E731
                row_errors = []
                code = str(cell("pais") or "").strip().upper()
                inst_text = str(cell("institucion") or "").strip()
                institution = None
                if len(inst_text) > 300:
                    # Never a lookup: no institution has such a name, and SQLite refuses LIKE patterns this long.
                    row_errors.append((line, "institucion", _("El nombre de la institución es demasiado largo "
                                                              "(máximo 300 caracteres).")))
                    inst_text = ""
                elif inst_text:
                    institution = (Institution.objects.restrict(user, "view").filter(country__code=code)
                                   .filter(acronym__iexact=inst_text).first()
                                   or Institution.objects.restrict(user, "view").filter(country__code=code)
                                   .filter(name__iexact=inst_text).first())
                if institution is None and not row_errors:
                    row_errors.append((line, "institucion", _("No se encontró la institución «%(inst)s» en el país "
                                                              "«%(code)s».") % {"inst": inst_text, "code": code}))
                data = {
                    "institution": institution, "first_name": cell("nombre"), "last_name": cell("apellidos"),
                    "position": cell("cargo"), "unit": cell("unidad"), "areas": _split(cell("areas")),
                    "functions": _split(cell("funciones")), "languages": _split(cell("idiomas")),
                    "email": str(cell("correo") or ""), "phone": str(cell("telefono") or ""),
                    "mobile": str(cell("movil") or ""), "timezone": str(cell("zona_horaria") or "").strip() or None,
                    "hours_start": _time(cell("hora_inicio"), line, "hora_inicio", row_errors),
                    "hours_end": _time(cell("hora_fin"), line, "hora_fin", row_errors),
                }
                name_key = (code, normalize_name(str(data["first_name"] or ""), str(data["last_name"] or "")))
                if name_key[1] and name_key in seen_names:
                    row_errors.append((line, "apellidos", _("Misma persona que en la línea %(line)s.")
                                       % {"line": seen_names[name_key]}))
                seen_names.setdefault(name_key, line)
                email_key = data["email"].strip().lower()
                if email_key and email_key in seen_emails:
                    row_errors.append((line, "correo", _("Mismo correo que en la línea %(line)s.")
                                       % {"line": seen_emails[email_key]}))
                seen_emails.setdefault(email_key, line)
                # Validate the whole row even when something already failed, so every error is reported at once.
                try:
                    with transaction.atomic():
                        contact = do_propose_contact(user, data, notify=False)
                        if row_errors:
                            raise _Discard
                        created.append(contact)
                except _Discard:
                    pass
                except ValidationError as exc:
                    reported = {col for _l, col, _m in row_errors}
                    for field, messages in exc.message_dict.items():
                        column = FIELD_TO_HEADER.get(field, field)
                        if field == "institution" and column in reported:
                            continue
                        for message in messages:
                            row_errors.append((line, column, message))
                errors.extend(row_errors)
            if errors:
                raise ImportFailed(errors)
            for country_id in {c.owner_institution.country_id for c in created}:
                do_notify(cancilleria_of(country_id), kind="directory.proposal",
                          title=_("Directorio: nuevas propuestas de puntos focales pendientes de autorización"),
                          link=reverse("directory:pending"), actor=user)
    except ImportFailed:
        raise
    return created


TEMPLATE_HELP = gettext_lazy("Columnas: pais (código ISO3), institucion (sigla o nombre), nombre, apellidos, cargo, "
                             "unidad, areas, funciones, idiomas (separados por «;»), correo, telefono, movil, "
                             "zona_horaria, hora_inicio, hora_fin (HH:MM).")
# The columns' names are what the spreadsheet's first row must say: the page shows them as code.
COLUMN_HELP = [("pais", gettext_lazy("código ISO3 del país")), ("institucion", gettext_lazy("sigla o nombre")),
               ("nombre", gettext_lazy("nombre")), ("apellidos", gettext_lazy("apellidos")),
               ("cargo", gettext_lazy("cargo")), ("unidad", gettext_lazy("unidad")),
               ("areas", gettext_lazy("áreas")), ("funciones", gettext_lazy("funciones")),
               ("idiomas", gettext_lazy("idiomas, separados por «;»")), ("correo", gettext_lazy("correo")),
               ("telefono", gettext_lazy("teléfono")), ("movil", gettext_lazy("móvil")),
               ("zona_horaria", gettext_lazy("zona horaria")),
               ("hora_inicio", gettext_lazy("inicio de jornada (HH:MM)")),
               ("hora_fin", gettext_lazy("fin de jornada (HH:MM)"))]
