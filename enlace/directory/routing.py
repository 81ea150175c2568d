"""«¿A quién contacto?»: the right authorised focal points for a country, a need and an urgency.

Like the European Judicial Atlas: candidates are ranked by how well their functions match the
need, then by whether they are at work right now (their working hours, in their time zone),
and the hours are shown in the caller's time zone.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from . import choices
from .policy import authorised_contacts_for


@dataclass
class Suggestion:
    contact: object
    score: int
    in_hours: bool
    local_now: datetime.datetime
    hours_for_caller: str
    reasons: list[str] = field(default_factory=list)
    always: bool = False  # a 24/7 contact: never "out of hours"


def working_now(contact, now: datetime.datetime) -> tuple[bool, datetime.datetime]:
    local = now.astimezone(zoneinfo.ZoneInfo(contact.timezone))
    at_work = local.weekday() in contact.day_list and contact.hours_start <= local.time() < contact.hours_end
    return at_work, local


def hours_in(contact, caller_tz: str, now: datetime.datetime) -> str:
    """The contact's working hours today, expressed in the caller's time zone."""
    tz = zoneinfo.ZoneInfo(contact.timezone)
    day = now.astimezone(tz).date()
    start = datetime.datetime.combine(day, contact.hours_start, tz).astimezone(zoneinfo.ZoneInfo(caller_tz))
    end = datetime.datetime.combine(day, contact.hours_end, tz).astimezone(zoneinfo.ZoneInfo(caller_tz))
    return f"{start:%H:%M}–{end:%H:%M}"


def route(user, *, country, need: str, urgency: str = "normal", caller_tz: str | None = None,
          now: datetime.datetime | None = None, limit: int = 20) -> list[Suggestion]:
    functions, areas, inst_types = choices.NEED_RULES[need]
    now = now or timezone.now()
    caller_tz = caller_tz or (user.institution.country.timezone if user.institution_id else "UTC")
    urgent = urgency == "urgent"
    out = []
    for c in authorised_contacts_for(user, country=country).select_related("owner_institution"):
        score, reasons = 0, []
        for rank, fn in enumerate(functions):
            if fn in c.function_list:
                score += 100 - rank * 30
                reasons.append(_("Función: %(f)s") % {"f": choices.label(choices.FUNCTIONS, fn)})
        matching_areas = [a for a in areas if a in c.area_list]
        if matching_areas:
            score += 20 * len(matching_areas)
            reasons.append(_("Área: %(a)s") % {"a": ", ".join(choices.labels(choices.AREAS, matching_areas))})
        if c.owner_institution.type in inst_types:
            score += 10
        if c.principal:
            # The country's principal focal point is its default addressee: always suggested.
            score += 5
            reasons.append(_("Punto focal principal del país (destinatario por defecto)"))
        elif score == 0:
            continue  # nothing to do with the need
        at_work, local = working_now(c, now)
        if at_work:
            score += 40 if urgent else 15
            reasons.append(_("En horario laboral ahora (%(t)s hora local)") % {"t": f"{local:%H:%M}"})
        if urgent and "contact_24_7" in c.function_list:
            score += 35
            reasons.append(_("Disponible 24/7 para urgencias"))
        out.append(Suggestion(c, score, at_work, local, hours_in(c, caller_tz, now), reasons,
                              always="contact_24_7" in c.function_list))
    out.sort(key=lambda s: (-s.score, s.contact.last_name, s.contact.pk))
    return out[:limit]
