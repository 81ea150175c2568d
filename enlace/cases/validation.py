"""Checks shared by forms, the API and the importers: dates, country codes, lengths."""

from __future__ import annotations

import datetime
import functools
import re

from django.utils import timezone
from django.utils.translation import gettext as _

MAX_NAME = 200
MAX_TEXT = 2000

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d")


class CellError(ValueError):
    """A value that cannot be accepted; the message is translated and says why."""


@functools.lru_cache(maxsize=1)
def iso3_codes() -> frozenset[str]:
    codes = set()
    try:
        from rigour.territories import get_territories

        for t in get_territories():
            if getattr(t, "alpha3", None) and not getattr(t, "is_historical", False):
                codes.add(t.alpha3.upper())
    except Exception:  # pragma: no cover - rigour ships with followthemoney
        pass
    # The network's own parties are always valid.
    codes |= {"BLZ", "CAN", "CRI", "SLV", "GTM", "HND", "MEX", "NIC", "PAN", "DOM", "USA"}
    return frozenset(codes)


def clean_country(value: str, *, label: str = "") -> str:
    value = (value or "").strip().upper()
    if not value:
        return ""
    if value not in iso3_codes():
        raise CellError(_("código de país desconocido «%(v)s»: use ISO 3166-1 alfa-3, p. ej. GTM, MEX, USA")
                        % {"v": value[:20]})
    return value


def clean_date(value, *, allow_future: bool = False) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        day = value
    else:
        text = str(value).strip()
        if not text:
            return None
        if len(text) > 40:
            raise CellError(_("fecha no válida: el valor es demasiado largo"))
        day = None
        for fmt in DATE_FORMATS:
            try:
                day = datetime.datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        if day is None:
            if re.fullmatch(r"\d{1,4}[-/]\d{1,2}[-/]\d{1,4}", text):
                raise CellError(_("fecha imposible «%(v)s» (no existe en el calendario)") % {"v": text})
            raise CellError(_("fecha mal escrita «%(v)s»: use AAAA-MM-DD, p. ej. 1988-03-07") % {"v": text})
    if day.year < 1900:
        raise CellError(_("fecha imposible «%(v)s»: anterior a 1900") % {"v": day.isoformat()})
    if not allow_future and day > timezone.localdate():
        raise CellError(_("fecha imposible «%(v)s»: está en el futuro") % {"v": day.isoformat()})
    return day


def clean_text(value, *, max_length: int = MAX_NAME) -> str:
    text = "" if value is None else str(value)
    if len(text) > max_length:
        raise CellError(_("el valor tiene %(n)s caracteres; el máximo es %(max)s") % {"n": f"{len(text):,}", "max": max_length})
    text = text.strip()
    if "\x00" in text:
        raise CellError(_("el valor contiene caracteres no válidos"))
    return text


def clean_phone(value) -> str:
    text = clean_text(value, max_length=40)
    if text and not re.fullmatch(r"[+0-9 ().\-/]{4,40}", text):
        raise CellError(_("teléfono no válido «%(v)s»") % {"v": text[:40]})
    return text


def clean_phones(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, (list, tuple)):
        items = value
    else:
        items = re.split(r"[;,|]", str(value)) if len(str(value)) <= MAX_TEXT else [str(value)]
    return [p for p in (clean_phone(v) for v in items) if p]
