"""Form widgets shared by every app: searchable selects for countries and contacts, and dates typed in
the page's language.

Progressive enhancement: the HTML is a plain ``<select>`` / text input that works without JavaScript;
``static/enlace/widgets.js`` turns ``select[data-searchable]`` into a keyboard-friendly chooser (the
vendored Tom Select: type to filter, arrows and Enter to choose, Backspace to remove — no Ctrl-click).
"""

from __future__ import annotations

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext as _


def _searchable_attrs(widget, context):
    attrs = context["widget"]["attrs"]
    # Translated at render time (the page's language), not when the form class is imported.
    attrs.setdefault("data-placeholder", _("Escriba para buscar…"))
    attrs.setdefault("data-no-results", _("Sin resultados"))
    attrs.setdefault("data-remove-label", _("Quitar"))
    return context


class SearchableSelectMultiple(forms.SelectMultiple):
    """Several countries or contacts: a searchable list of chips, operable with the keyboard alone."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-searchable": "multiple", "size": 6, **(attrs or {})}, choices)

    def get_context(self, name, value, attrs):
        return _searchable_attrs(self, super().get_context(name, value, attrs))


class SearchableSelect(forms.Select):
    """One country or contact out of a long list, searchable. Offer an empty first choice when the
    field is required, so that nothing is chosen for the official."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-searchable": "single", **(attrs or {})}, choices)

    def get_context(self, name, value, attrs):
        return _searchable_attrs(self, super().get_context(name, value, attrs))


def with_empty_choice(choices, label="—"):
    """A required single choice starts empty: the form never preselects a country (the first one used to be)."""
    return [("", label), *choices]


# --- dates in the page's language -----------------------------------------------------------------------

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_TYPED = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")


def day_first() -> bool:
    """Spanish pages write day/month/year; English pages month/day/year (the US convention)."""
    return not (get_language() or "es").startswith("en")


def date_pattern() -> str:
    return _("dd/mm/aaaa") if day_first() else "mm/dd/yyyy"


def parse_local_date(value: str) -> datetime.date:
    """``2026-12-03`` (ISO, what a date picker or the API sends) or the page's order (``03/12/2026`` on a
    Spanish page). A date that only makes sense in the other order is refused with a message that says
    so: it is never swapped silently."""
    text = str(value or "").strip()
    m = _ISO.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        try:
            return datetime.date(y, mo, d)
        except ValueError:
            raise ValidationError(_("Esa fecha no existe: %(value)s.") % {"value": text}, code="invalid") from None
    m = _TYPED.match(text)
    if not m:
        raise ValidationError(_("Escriba la fecha como %(pattern)s, por ejemplo %(example)s.")
                              % {"pattern": date_pattern(), "example": _example()}, code="invalid")
    a, b, y = (int(g) for g in m.groups())
    first = day_first()
    d, mo = (a, b) if first else (b, a)
    try:
        return datetime.date(y, mo, d)
    except ValueError:
        pass
    try:
        datetime.date(y, d, mo)  # the other order: day and month exchanged
    except ValueError:
        raise ValidationError(_("Esa fecha no existe: %(value)s. Escríbala como %(pattern)s.")
                              % {"value": text, "pattern": date_pattern()}, code="invalid") from None
    if first:
        msg = _("«%(value)s» parece escrita como mes/día/año. En esta página las fechas se escriben día/mes/año "
                "(%(pattern)s): revise el día y el mes.")
    else:
        msg = _("«%(value)s» parece escrita como día/mes/año. En esta página las fechas se escriben mes/día/año "
                "(%(pattern)s): revise el día y el mes.")
    raise ValidationError(msg % {"value": text, "pattern": date_pattern()}, code="other_order")


def _example() -> str:
    return "03/12/2026" if day_first() else "12/03/2026"


def format_local_date(value) -> str:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str) and _ISO.match(value):
        try:
            value = datetime.date(*(int(g) for g in _ISO.match(value).groups()))
        except ValueError:
            return value
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y" if day_first() else "%m/%d/%Y")
    return value or ""


class LocalDateInput(forms.TextInput):
    """A date typed in the page's order (a browser's own date input follows the browser's language, not the page's)."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", "data-date": "1", "size": 12,
                          "maxlength": 10, **(attrs or {})})

    def format_value(self, value):
        return format_local_date(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("placeholder", date_pattern())
        return context


class LocalDateField(forms.DateField):
    """A date in the page's language (``LocalDateInput``); also accepts ISO ``aaaa-mm-dd``."""

    widget = LocalDateInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        return parse_local_date(value)

    def strptime(self, value, format):  # pragma: no cover - to_python never reaches it
        return parse_local_date(value)


# --- date and time (a deadline) in the page's language and the viewer's zone ----------------------------

_TIME = re.compile(r"^\s*(.+?)[\sT]+(\d{1,2}):(\d{2})(?::\d{2})?\s*$")


def datetime_pattern() -> str:
    return _("dd/mm/aaaa hh:mm") if day_first() else "mm/dd/yyyy hh:mm"


class LocalDateTimeInput(forms.TextInput):
    """``03/12/2026 14:05`` (24-hour clock) in the page's order, shown in the viewer's zone (the one
    ``UserTimezoneMiddleware`` activated); the form names that zone next to the field."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "data-datetime": "1", "size": 18, "maxlength": 19, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, datetime.datetime):
            from django.utils import timezone

            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.strftime("%d/%m/%Y %H:%M" if day_first() else "%m/%d/%Y %H:%M")
        return value or ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("placeholder", datetime_pattern())
        return context


class LocalDateTimeField(forms.DateTimeField):
    """A date (page's order, or ISO) and an hour ``hh:mm``, read in the active zone (the user's)."""

    widget = LocalDateTimeInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return super().to_python(value)
        m = _TIME.match(str(value))
        if not m:
            raise ValidationError(_("Escriba la fecha y la hora como %(pattern)s, por ejemplo %(example)s.")
                                  % {"pattern": datetime_pattern(), "example": _example() + " 14:30"}, code="invalid")
        day = parse_local_date(m.group(1))
        hour, minute = int(m.group(2)), int(m.group(3))
        if hour > 23 or minute > 59:
            raise ValidationError(_("Esa hora no existe: %(value)s.") % {"value": f"{m.group(2)}:{m.group(3)}"},
                                  code="invalid")
        return super().to_python(datetime.datetime.combine(day, datetime.time(hour, minute)))
