"""iCalendar (RFC 5545) output and the date filter of the feeds (``?desde=AAAA-MM-DD``)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _


def parse_since(value: str | None) -> datetime.datetime | None:
    """``desde`` as an aware datetime, or a translated ``ValidationError`` for a malformed date."""
    if not value:
        return None
    try:
        day = datetime.date.fromisoformat(value.strip()[:10]) if len(value.strip()) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ValidationError(_("Fecha no válida en «desde»: use el formato AAAA-MM-DD, por ejemplo 2026-03-15."),
                              code="bad_date")
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), datetime.timezone.utc)


def _escape(text: str) -> str:
    return (text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    out, raw = [], line.encode("utf-8")
    while len(raw) > 73:
        cut = 73
        while (raw[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        out.append(raw[:cut].decode())
        raw = raw[cut:]
    out.append(raw.decode())
    return "\r\n ".join(out)


def _stamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def calendar(name: str, events) -> str:
    """``events``: dicts with uid, title, starts_at, ends_at, place, description, url."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//CRM//Enlace//ES", "CALSCALE:GREGORIAN",
             f"X-WR-CALNAME:{_escape(name)}"]
    now = _stamp(timezone.now())
    for e in events:
        lines += ["BEGIN:VEVENT", f"UID:{e['uid']}", f"DTSTAMP:{now}", f"DTSTART:{_stamp(e['starts_at'])}"]
        if e.get("ends_at"):
            lines.append(f"DTEND:{_stamp(e['ends_at'])}")
        lines.append(f"SUMMARY:{_escape(e['title'])}")
        if e.get("place"):
            lines.append(f"LOCATION:{_escape(e['place'])}")
        if e.get("description"):
            lines.append(f"DESCRIPTION:{_escape(e['description'])}")
        if e.get("url"):
            lines.append(f"URL:{e['url']}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def ical_response(name: str, events, filename: str) -> HttpResponse:
    response = HttpResponse(calendar(name, events), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
