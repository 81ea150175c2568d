"""Catalogues of the exchange: message types and their structured fields, priorities, gradings, MLA template."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

KINDS = [
    ("info_request", _("Solicitud de información")),
    ("spontaneous", _("Información espontánea")),
    ("alert", _("Alerta")),
    ("mla_preconsultation", _("Consulta previa de asistencia jurídica recíproca")),
    ("return_coordination", _("Coordinación de retorno (art. 18 del Protocolo)")),
    ("consular_notification", _("Notificación consular de nacionales entre migrantes objeto de tráfico")),
]
KINDS_EXPECTING_ANSWER = {"info_request", "mla_preconsultation", "return_coordination", "consular_notification"}

PRIORITIES = [("normal", _("Normal")), ("urgent", _("Urgente"))]

SOURCE_GRADES = [
    ("A", _("A — Fuente completamente fiable")),
    ("B", _("B — Fuente generalmente fiable")),
    ("C", _("C — Fuente no fiable")),
    ("X", _("X — Fiabilidad no evaluada")),
]
INFO_GRADES = [
    ("1", _("1 — Confirmada sin reservas")),
    ("2", _("2 — Conocida personalmente por la fuente")),
    ("3", _("3 — No conocida personalmente, corroborada")),
    ("4", _("4 — No puede ser evaluada")),
]

ALERT_TYPES = [
    ("group_on_route", _("Grupo en desplazamiento por una ruta")),
    ("modus_operandi", _("Nuevo modus operandi")),
    ("document_fraud", _("Patrón de documento fraudulento")),
    ("other", _("Otra")),
]

# Structured fields per message type: (name, label, widget) with widget in text/textarea/date/number/choice.
KIND_FIELDS = {
    "info_request": [
        ("purpose", _("Finalidad de la solicitud"), "textarea"),
        ("persons", _("Personas, documentos o teléfonos sobre los que se pregunta"), "textarea"),
        ("questions", _("Preguntas concretas"), "textarea"),
    ],
    "spontaneous": [
        ("summary", _("Resumen de la información"), "textarea"),
        ("relevance", _("Por qué es relevante para el destinatario"), "textarea"),
    ],
    "alert": [
        ("alert_type", _("Tipo de alerta"), "alert_type"),
        ("route", _("Ruta o lugares"), "text"),
        ("group_size", _("Número aproximado de personas"), "number"),
        ("nationalities", _("Nacionalidades"), "text"),
        ("indicators", _("Indicadores (vehículos, documentos, rasgos del patrón)"), "textarea"),
        ("valid_until", _("Vigencia de la alerta"), "date"),
    ],
    "mla_preconsultation": [
        ("offence", _("Delito investigado"), "text"),
        ("assistance", _("Asistencia que se piensa solicitar"), "textarea"),
        ("legal_basis", _("Base jurídica prevista"), "text"),
        ("questions", _("Dudas sobre los requisitos del país requerido"), "textarea"),
    ],
    "return_coordination": [
        ("persons_count", _("Número de personas a retornar"), "number"),
        ("nationality", _("Nacionalidad"), "text"),
        ("vulnerable", _("Personas vulnerables (niñas, niños, víctimas)"), "textarea"),
        ("proposed_date", _("Fecha propuesta"), "date"),
        ("border_point", _("Punto fronterizo o aeropuerto"), "text"),
    ],
    "consular_notification": [
        ("nationals_count", _("Número de nacionales"), "number"),
        ("location", _("Lugar donde se encuentran"), "text"),
        ("situation", _("Situación y necesidades de asistencia"), "textarea"),
    ],
}

# The joint MLA template (structured fields in order).
MLA_FIELDS = [
    ("requesting_authority", _("Autoridad requirente")),
    ("legal_basis", _("Base jurídica (p. ej., art. 18 de la Convención de Palermo o tratado bilateral)")),
    ("facts", _("Hechos")),
    ("offence_and_penalty", _("Delito y pena aplicable")),
    ("assistance_sought", _("Asistencia solicitada")),
    ("persons_and_accounts", _("Personas y cuentas involucradas")),
    ("urgency", _("Urgencia y motivos")),
    ("confidentiality", _("Confidencialidad")),
    ("contact", _("Persona de contacto")),
]
LEGAL_BASES = [
    ("untoc_18", _("Convención de las Naciones Unidas contra la Delincuencia Organizada Transnacional, art. 18")),
    ("bilateral", _("Tratado bilateral de asistencia jurídica")),
    ("regional", _("Tratado regional (p. ej., Tratado Centroamericano de Asistencia Legal Mutua)")),
    ("reciprocity", _("Reciprocidad")),
]


def label(catalogue, code) -> str:
    return str(dict(catalogue).get(code, code))


def due_hours(priority: str) -> int:
    hours = getattr(settings, "ENLACE_EXCHANGE_DUE_HOURS", {}) or {}
    defaults = {"urgent": 8, "normal": 168}
    return int(hours.get(priority, defaults.get(priority, 168)))


_CHECKLISTS_FILE = Path(__file__).parent / "data" / "mla_checklists.json"


def mla_checklist(country_code: str) -> list[dict]:
    """What the requested country requires, as data (``data/mla_checklists.json``, overridable in settings)."""
    path = Path(getattr(settings, "ENLACE_EXCHANGE_MLA_CHECKLISTS", "") or _CHECKLISTS_FILE)
    data = json.loads(path.read_text(encoding="utf-8"))
    items = data.get(country_code) or data.get("default") or []
    return [{"code": i["code"], "es": i["es"], "en": i.get("en", i["es"])} for i in items]


def checklist_label(item: dict, language: str | None = None) -> str:
    from django.utils.translation import get_language

    lang = (language or get_language() or "es")[:2]
    return item.get("en") if lang == "en" else item.get("es")
