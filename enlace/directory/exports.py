"""Directory exports: XLSX for analysts, vCard for address books, printable PDF for the ST."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from .validation import display_phone


def xlsx_sheet(contacts):
    header = [_("País"), _("Institución"), _("Nombre"), _("Apellidos"), _("Cargo"), _("Unidad"), _("Estado"),
              _("Vigente hasta"), _("Áreas"), _("Funciones"), _("Idiomas"), _("Correo"), _("Teléfono"), _("Móvil"),
              _("Zona horaria"), _("Horario")]
    rows = [[c.owner_institution.country.name, c.owner_institution.name, c.first_name, c.last_name, c.position,
             c.unit, c.get_status_display(), c.valid_until, c.area_labels(), c.function_labels(), c.language_labels(),
             c.email, c.phone, c.mobile, c.timezone, f"{c.hours_start:%H:%M}–{c.hours_end:%H:%M}"] for c in contacts]
    return (_("Directorio"), header, rows)


def _esc(value: str) -> str:
    return (str(value or "").replace("\\", "\\\\").replace("\n", "\\n").replace(",", "\\,").replace(";", "\\;"))


def vcard(contacts) -> str:
    """vCard 3.0 (RFC 2426), one card per contact, CRLF line ends."""
    cards = []
    for c in contacts:
        lines = [
            "BEGIN:VCARD", "VERSION:3.0",
            f"N:{_esc(c.last_name)};{_esc(c.first_name)};;;",
            f"FN:{_esc(c.full_name)}",
            f"ORG:{_esc(c.owner_institution.name)}" + (f";{_esc(c.unit)}" if c.unit else ""),
            f"TITLE:{_esc(c.position)}",
            f"EMAIL;TYPE=INTERNET,WORK:{c.email}",
            f"TEL;TYPE=WORK,VOICE:{c.phone}",
        ]
        if c.mobile:
            lines.append(f"TEL;TYPE=CELL:{c.mobile}")
        lines.append(f"ADR;TYPE=WORK:;;;;;;{_esc(c.owner_institution.country.name)}")
        lines.append(f"NOTE:{_esc(', '.join(c.function_labels()))}")
        lines.append(f"REV:{timezone.now():%Y%m%dT%H%M%SZ}")
        lines.append("END:VCARD")
        cards.append("\r\n".join(lines))
    return "\r\n".join(cards) + "\r\n"


def pdf_blocks(contacts):
    from html import escape

    blocks = []
    current = None
    rows = []
    header = [_("Nombre"), _("Cargo e institución"), _("Funciones"), _("Contacto"), _("Horario"), _("Vigente hasta")]
    for c in contacts:
        country = c.owner_institution.country.name
        if country != current:
            if rows:
                blocks.append(("table", header, rows))
            blocks.append(("h", escape(country)))
            current, rows = country, []
        rows.append([escape(c.full_name), escape(f"{c.position} · {c.owner_institution.name}"),
                     escape(", ".join(c.function_labels())),
                     escape(f"{c.email} · {display_phone(c.phone)}"),
                     f"{c.hours_start:%H:%M}–{c.hours_end:%H:%M} ({escape(c.timezone)})",
                     c.valid_until.strftime("%d/%m/%Y") if c.valid_until else ""])
    if rows:
        blocks.append(("table", header, rows))
    if not blocks:
        blocks.append(("p", _("No hay puntos focales autorizados.")))
    return blocks
