"""Exports of a joint MLA draft: DOCX (python-docx) for the formal channel's word processors, and PDF."""

from __future__ import annotations

import io
from html import escape

from django.utils.translation import gettext as _

from enlace.core import timefmt

from . import choices

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _header_lines(draft, version):
    return [
        (_("País requirente"), draft.owner_institution.country.name),
        (_("Autoridad que redacta"), str(draft.owner_institution)),
        (_("País requerido"), draft.requested_country.name),
        (_("Versión"), f"v{version.number} · {timefmt.when_text(version.created_at, ascii_only=True)}"),
        (_("Estado de la solicitud formal"), draft.get_formal_status_display()),
    ]


def mla_docx(draft, version) -> bytes:
    from docx import Document

    doc = Document()
    doc.core_properties.title = draft.title
    doc.add_heading(draft.title, level=0)
    doc.add_paragraph(_("Borrador de solicitud de asistencia jurídica recíproca preparado en Enlace. No sustituye "
                        "la solicitud formal por el canal de la autoridad central."))
    table = doc.add_table(rows=0, cols=2)
    for label, value in _header_lines(draft, version):
        row = table.add_row().cells
        row[0].text, row[1].text = str(label), str(value)
    content = version.content or {}
    for name, label in choices.MLA_FIELDS:
        doc.add_heading(str(label), level=1)
        if name == "legal_basis" and content.get("legal_basis_code"):
            doc.add_paragraph(choices.label(choices.LEGAL_BASES, content["legal_basis_code"]))
        for line in (content.get(name) or "—").splitlines() or ["—"]:
            doc.add_paragraph(line)
    doc.add_heading(_("Requisitos del país requerido"), level=1)
    done = set(version.checklist or [])
    for item in choices.mla_checklist(draft.requested_country.code):
        mark = "☑" if item["code"] in done else "☐"
        doc.add_paragraph(f"{mark} {choices.checklist_label(item)}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def mla_blocks(draft, version):
    content = version.content or {}
    blocks = [("table", [_("Dato"), _("Valor")], [[str(a), str(b)] for a, b in _header_lines(draft, version)])]
    for name, label in choices.MLA_FIELDS:
        blocks.append(("h", escape(str(label))))
        text = content.get(name) or "—"
        if name == "legal_basis" and content.get("legal_basis_code"):
            text = choices.label(choices.LEGAL_BASES, content["legal_basis_code"]) + "\n" + text
        blocks.append(("p", escape(text).replace("\n", "<br/>")))
    done = set(version.checklist or [])
    blocks.append(("h", escape(_("Requisitos del país requerido"))))
    blocks.append(("table", [_("Requisito"), _("Cumplido")],
                   [[choices.checklist_label(i), _("Sí") if i["code"] in done else _("No")]
                    for i in choices.mla_checklist(draft.requested_country.code)]))
    return draft.title, blocks
