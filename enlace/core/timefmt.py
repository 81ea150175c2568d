"""Times as officials read them: in the viewer's zone, with the zone named (issue 15).

Everything is stored in UTC (``USE_TZ``). ``enlace.core.timezones.UserTimezoneMiddleware`` activates
the viewer's zone for each request; these helpers render an aware datetime in the *active* zone and
say which zone that is, so an official in Santo Domingo never reads a Guatemalan deadline an hour off.
Pages use the ``enlace_time`` template tags; PDFs (``core/pdf.py``) and XLSX exports
(``core/exports.py``) use ``zone_note`` and ``to_local``.
"""

from __future__ import annotations

import datetime
import functools
import zoneinfo

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

MINUS = "\u2212"  # the typographic minus on screen; PDFs' built-in fonts only have the ASCII hyphen


class NaiveDatetimeError(ValueError):
    """A naive datetime reached a renderer: its zone is unknown, so any time shown would be a guess."""


@functools.cache
def available_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@functools.cache
def zone_choices() -> tuple[str, ...]:
    """The IANA names offered in "Mi seguridad" (the America/ ones first: the network's region)."""
    names = sorted(z for z in available_zones() if "/" in z and not z.startswith(("Etc/", "SystemV/", "posix/", "right/")))
    return tuple(sorted(names, key=lambda z: (not z.startswith("America/"), z))) + ("UTC",)


def is_valid_zone(name: str) -> bool:
    return bool(name) and name in available_zones()


def zone_for_country(country) -> str:
    """The zone of a country's seat of government (``Country.timezone`` in the reference data; the ST-CRM:
    its seat, San José). A country row without a usable zone falls back to ``settings.TIME_ZONE``."""
    name = getattr(country, "timezone", "") or ""
    return name if is_valid_zone(name) and name != "UTC" else settings.TIME_ZONE


def zone_for_user(user) -> str:
    """The zone a user reads times in: their own choice, else their country's, else the default."""
    name = getattr(user, "time_zone", "") or ""
    if is_valid_zone(name):
        return name
    return zone_for_country(getattr(user, "country", None))


def _check_aware(value: datetime.datetime) -> None:
    if timezone.is_naive(value):
        raise NaiveDatetimeError(f"naive datetime {value!r}: store and pass aware (UTC) datetimes")


def to_local(value: datetime.datetime, tz=None) -> datetime.datetime:
    """``value`` in ``tz`` (default: the active zone). Refuses naive datetimes."""
    _check_aware(value)
    return timezone.localtime(value, tz)


def offset_label(local: datetime.datetime, *, ascii_only: bool = False) -> str:
    """``UTC−6``, ``UTC+5:30``, ``UTC`` for the offset of an aware ``local`` datetime."""
    seconds = int(local.utcoffset().total_seconds())
    if seconds == 0:
        return "UTC"
    sign = "+" if seconds > 0 else ("-" if ascii_only else MINUS)
    hours, rest = divmod(abs(seconds), 3600)
    return f"UTC{sign}{hours}" + (f":{rest // 60:02d}" if rest else "")


def zone_city(name: str) -> str:
    """``America/Santo_Domingo`` → ``Santo Domingo`` (the last part of the IANA name)."""
    return name.rsplit("/", 1)[-1].replace("_", " ")


def zone_label(local: datetime.datetime, *, ascii_only: bool = False) -> str:
    """``hora de Guatemala, UTC−6`` for an aware datetime already in the zone to name."""
    name = str(local.tzinfo)
    offset = offset_label(local, ascii_only=ascii_only)
    if name in ("UTC", "Etc/UTC", "UTC+00:00"):
        return "UTC"
    return _("hora de %(city)s, %(offset)s") % {"city": zone_city(name), "offset": offset}


def datetime_format() -> str:
    """Day first on Spanish pages, month first on English ones (as the date inputs, ``core/widgets.py``)."""
    return "%m/%d/%Y %H:%M" if (get_language() or "es").startswith("en") else "%d/%m/%Y %H:%M"


def format_local(value: datetime.datetime, tz=None) -> str:
    """``03/12/2026 14:05`` in the active (or given) zone, without the zone's name."""
    return to_local(value, tz).strftime(datetime_format())


def when_text(value: datetime.datetime, tz=None, *, ascii_only: bool = False) -> str:
    """``03/12/2026 14:05 (hora de Guatemala, UTC−6)``."""
    local = to_local(value, tz)
    return f"{local.strftime(datetime_format())} ({zone_label(local, ascii_only=ascii_only)})"


def zone_note(at: datetime.datetime | None = None, *, ascii_only: bool = True) -> str:
    """The line PDFs and exports carry: ``Horas en America/Santo_Domingo (UTC−4)``."""
    local = to_local(at or timezone.now())
    zone, offset = str(local.tzinfo), offset_label(local, ascii_only=ascii_only)
    if zone == offset:
        return _("Horas en UTC")
    return _("Horas en %(zone)s (%(offset)s)") % {"zone": zone, "offset": offset}


def duration_text(delta: datetime.timedelta) -> str:
    """``2 días 3 h``, ``5 h 10 min``, ``12 min`` (two units at most: a deadline, not a stopwatch)."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    day_text = ngettext("%(n)d día", "%(n)d días", days) % {"n": days}
    if days:
        return f"{day_text} {hours} h" if hours else day_text
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min"


def time_left_text(value: datetime.datetime, now: datetime.datetime | None = None) -> tuple[str, bool]:
    """(``faltan 2 días 3 h`` or ``vencido hace 4 h``, overdue?)."""
    _check_aware(value)
    delta = value - (now or timezone.now())
    if delta.total_seconds() < 0:
        return _("vencido hace %(duration)s") % {"duration": duration_text(delta)}, True
    return _("faltan %(duration)s") % {"duration": duration_text(delta)}, False
