"""How a hit is explained to its owner: field names and agreement levels, never the other record.

Everything shown here is a translated label: the engine's explanation levels are English codes
(``"exact or sounds the same"``), released snapshots are keyed by field names (``given_names``);
neither reaches a page as such. A level the engine adds later without a translation here is shown
as a generic "coincide en parte", never in English.
"""

from __future__ import annotations

import math

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

FIELD_LABELS = {
    "given_names": _("Nombres"), "surname_1": _("Primer apellido"), "surname_2": _("Segundo apellido"),
    "sex": _("Sexo"), "dob": _("Fecha de nacimiento"), "nationality": _("Nacionalidad"),
    "doc_number": _("Número de documento"), "phone": _("Teléfono"),
}

# Labels of the fields of a released snapshot (``actions.do_release_record`` and the document register).
RELEASED_LABELS = {
    **FIELD_LABELS,
    "name": _("Nombre completo"), "case": _("Caso"), "owner": _("Institución que comparte"),
    "role": _("Función en el caso"), "doc_type": _("Tipo de documento"), "doc_country": _("País emisor"),
    "record": _("Registro"), "status": _("Situación del documento"), "reported_on": _("Fecha del reporte"),
    "phones": _("Teléfonos"), "issuing_country": _("País emisor"),
}

LEVELS = {
    "exact": _("coincide exactamente"),
    "fuzzy": _("coincide con variaciones"),
    "phonetic": _("coincide fonéticamente"),
    "sounds the same": _("suena igual"),
    "exact or sounds the same": _("coincide exactamente o suena igual"),
    "swapped": _("coincide con campos intercambiados"),
    "day/month swapped": _("coincide con día y mes invertidos"),
    "partial": _("coincide en parte"),
    "different": _("no coincide"),
    "missing": _("no consta"),
    "one digit differs": _("difiere en un dígito"),
    "same day and month, year differs by one digit": _("mismo día y mes; el año difiere en un dígito"),
    "same year, day or month differs by one digit": _("mismo año; el día o el mes difiere en un dígito"),
    "within a week": _("con menos de una semana de diferencia"),
    "one character differs": _("difiere en un carácter"),
    "first name matches": _("coincide el primer nombre"),
    "first name only": _("solo el primer nombre"),
    "matches their surnames (fields swapped)": _("coincide con los apellidos del otro registro (campos intercambiados)"),
    "one name contained in the other": _("un nombre está contenido en el otro"),
    "same name (variant or diminutive)": _("mismo nombre (variante o diminutivo)"),
    "similar (typo)": _("parecido (error de escritura)"),
    "similar": _("parecido"),
    "same number, different country code": _("mismo número, distinto prefijo de país"),
    "matches their given names (fields swapped)": _("coincide con los nombres del otro registro (campos intercambiados)"),
    "matches their surname_2": _("coincide con el segundo apellido del otro registro"),
    "matches their surname_1": _("coincide con el primer apellido del otro registro"),
    "one surname in common": _("un apellido en común"),
    "year only": _("solo coincide el año"),
    "same year": _("mismo año"),
    "same month and year": _("mismo mes y año"),
    "rare name": _("nombre poco frecuente"),
}


def level_text(value) -> str:
    """The translated agreement level; an unknown code is a generic Spanish/English phrase, never the code."""
    return str(LEVELS.get(str(value), _("coincide en parte")))


def explanation_rows(explanation: dict) -> list[tuple[str, str]]:
    return [(str(FIELD_LABELS.get(k, _("Otro dato"))), level_text(v)) for k, v in (explanation or {}).items()
            if k in FIELD_LABELS or not k.startswith("_")]


def released_rows(content: dict) -> list[tuple[str, str]]:
    """A released snapshot as (label, value) pairs: labels, never field names."""
    return [(str(RELEASED_LABELS.get(k, _("Otro dato"))), v) for k, v in (content or {}).items() if v not in ("", None)]


def probability_text(probability: float | None) -> str:
    """The model's probability as shown: one decimal, floored, so 0.9996 never reads as "100 %"."""
    if probability is None:
        return "—"
    if probability >= 1.0:
        return "100 %"
    value = math.floor(probability * 1000) / 10
    if value >= 99.9:
        return f"> {number_format(99.9, 1)} %"
    return f"{number_format(value, 1)} %"


def time_left_text(due, now=None) -> str:
    """"quedan 1 d 4 h" / "vencido hace 3 h": the time left to a deadline, in words."""
    if due is None:
        return ""
    now = now or timezone.now()
    seconds = (due - now).total_seconds()
    hours = int(abs(seconds) // 3600)
    days, hours = divmod(hours, 24)
    minutes = int(abs(seconds) % 3600 // 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d día", "%(n)d días", days) % {"n": days})
    if hours or days:
        parts.append(ngettext("%(n)d hora", "%(n)d horas", hours) % {"n": hours})
    if not days:
        parts.append(ngettext("%(n)d minuto", "%(n)d minutos", minutes) % {"n": minutes})
    span = " ".join(parts)
    return (_g("quedan %(span)s") if seconds >= 0 else _g("vencido hace %(span)s")) % {"span": span}


HISTORY_EVENTS = {
    "requested": _("Solicitud de datos enviada"),
    "request_received": _("Solicitud de datos recibida"),
    "approved": _("Datos compartidos"),
    "declined": _("Solicitud denegada"),
    "escalated": _("Plazo de respuesta vencido: escalada"),
    "role_reviewed": _("Función de la persona revisada en este país"),
    "role_reviewed_other": _("Función de la persona revisada en el otro país"),
}


def history_rows(history: list) -> list[tuple[str, str]]:
    """The request's history as (ISO time, translated event), oldest first."""
    from django.utils.dateparse import parse_datetime

    return [(parse_datetime(h.get("at", "")), str(HISTORY_EVENTS.get(h.get("event"), _("Otro evento"))))
            for h in history or [] if isinstance(h, dict)]


def contacts_to_ask(user, notice):
    """Authorised focal points of the other institution (then of its country) the user may see."""
    try:
        from enlace.directory.policy import authorised_contacts_for
    except ImportError:  # directory not installed
        return []
    contacts = list(authorised_contacts_for(user, country=notice.other_country.code)[:20])
    contacts.sort(key=lambda c: c.owner_institution_id != notice.other_institution_id)
    return contacts[:5]


def hide_unreadable_people(user, notices):
    """Keep a notice's own person only where the person's own policy shows it to ``user``.

    A notice may be readable by a role that may not read case entities (a centre manager handles the
    notices of stays); the entity's name must not reach it through the notice. One query for any
    number of notices; only the loaded relation is hidden, the stored link is untouched."""
    from enlace.cases.models import Entity

    notices = list(notices)
    ids = {n.own_person_id for n in notices if n.own_person_id}
    if ids:
        visible = set(Entity.objects.restrict(user, "view").filter(pk__in=ids).values_list("pk", flat=True))
        for n in notices:
            if n.own_person_id and n.own_person_id not in visible:
                # Hide the cached relation only: ``own_person_id`` stays, so a save could never drop the link.
                n._state.fields_cache["own_person"] = None
    return notices
