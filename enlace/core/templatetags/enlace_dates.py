"""Dates in the page's language for hand-written templates (forms use ``core.widgets.LocalDateField``).

``{% date_pattern %}`` is the placeholder (``dd/mm/aaaa`` on Spanish pages, ``mm/dd/yyyy`` on English ones)
and ``{{ value|local_date }}`` writes a date in that order; the view parses what comes back with
``core.widgets.parse_local_date`` (which also accepts ISO and refuses the other order with a message).
"""

from django import template

from enlace.core.widgets import date_pattern as _date_pattern
from enlace.core.widgets import format_local_date

register = template.Library()


@register.simple_tag
def date_pattern():
    return _date_pattern()


@register.filter
def local_date(value):
    return format_local_date(value)
