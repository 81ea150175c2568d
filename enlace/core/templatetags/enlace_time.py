"""Times on pages: ``{% load enlace_time %}``, then ``{{ dt|when }}`` or ``{% when dt %}`` and ``{% deadline dt %}``.

Renders ``<time datetime="2026-12-03T20:05:00Z">03/12/2026 14:05 (hora de Guatemala, UTC−6)</time>``
in the viewer's zone (activated per request by ``UserTimezoneMiddleware``) and language. A deadline
adds the time left: ``faltan 2 días 3 h`` / ``vencido hace 4 h``. ``None`` renders as ``empty``
(default "—"); a plain ``date`` renders as a date (no zone: a date has none). A naive datetime raises
``NaiveDatetimeError``: a time of unknown zone must never be shown as if it were known.
"""

from __future__ import annotations

import datetime

from django import template
from django.utils.html import format_html

from enlace.core import timefmt

register = template.Library()


def _iso_utc(value: datetime.datetime) -> str:
    return timefmt.to_local(value, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _date_only(value: datetime.date) -> str:
    return value.strftime(timefmt.datetime_format().split(" ")[0])


@register.filter(name="when")
def when_filter(value, empty="—"):
    """``{{ dt|when }}``: the time in the viewer's zone with the zone named, inside ``<time>``."""
    if value in (None, ""):
        return empty
    if not isinstance(value, datetime.datetime):
        if isinstance(value, datetime.date):
            return format_html('<time datetime="{}">{}</time>', value.isoformat(), _date_only(value))
        return value
    return format_html('<time datetime="{}">{}</time>', _iso_utc(value), timefmt.when_text(value))


@register.filter(name="when_text")
def when_text_filter(value, empty="—"):
    """``{{ dt|when_text }}``: the same words without markup (inside translated sentences, attributes)."""
    if value in (None, ""):
        return empty
    if not isinstance(value, datetime.datetime):
        return _date_only(value) if isinstance(value, datetime.date) else value
    return timefmt.when_text(value)


@register.simple_tag(name="when")
def when_tag(value, empty="—"):
    return when_filter(value, empty)


@register.simple_tag(name="deadline")
def deadline_tag(value, empty="—"):
    """``{% deadline dt %}``: the local time with the zone, then the time left or how long overdue."""
    if value in (None, ""):
        return empty
    left, overdue = timefmt.time_left_text(value)
    return format_html('{} <span class="time-left{}">({})</span>', when_filter(value),
                       " overdue" if overdue else "", left)


@register.simple_tag(name="zone_note")
def zone_note_tag():
    """``Horas en America/Santo_Domingo (UTC−4)`` for the active zone."""
    return timefmt.zone_note(ascii_only=False)


@register.filter(name="utc")
def utc_filter(value, empty="—"):
    """``{{ dt|utc }}``: ``2026-12-03 20:05:07 UTC`` — the audit's clock (to the second, one zone for all)."""
    if value in (None, ""):
        return empty
    return format_html('<time datetime="{}">{} UTC</time>', _iso_utc(value),
                       timefmt.to_local(value, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S"))
