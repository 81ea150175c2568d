"""Bounded limit/offset pagination for every API list.

DRF's ``LimitOffsetPagination`` has no ceiling by default, so ``?limit=99999999999999999999``
reached the database as a slice bound and failed there (an overflow, a 500), and a garbled
``?limit=abc`` was silently replaced by the default. Here a value that is not a whole number
≥ 0 (≥ 1 for ``limit``) is answered with the uniform 400 body, and a ``limit`` above
``MAX_LIMIT`` is clamped (a client asking for "everything" gets the largest page, not an error);
an offset past the end gives an empty page.
"""

from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

MAX_LIMIT = 500
# Beyond 18 digits a value could overflow a 64-bit database integer once added to the limit.
_MAX_DIGITS = 18


def _parse(request, name: str, minimum: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    # ``str.isdigit`` also accepts other scripts' digits ("١٢") and superscripts; only ASCII counts.
    digits = raw.lstrip("0") or "0" if raw.isascii() and raw.isdigit() else None
    # A whole number too long for the database is simply "very large": capped, never sent as is.
    value = None if digits is None else int(digits) if len(digits) <= _MAX_DIGITS else 10 ** _MAX_DIGITS
    if value is None or value < minimum:
        raise ValidationError({name: [_("Debe ser un número entero mayor o igual que %(min)s.") % {"min": minimum}]})
    return value


class BoundedLimitOffsetPagination(pagination.LimitOffsetPagination):
    """``?limit=`` (1…MAX_LIMIT, larger values are clamped) and ``?offset=`` (≥ 0, past the end = empty)."""

    max_limit = MAX_LIMIT

    def get_limit(self, request):
        value = _parse(request, self.limit_query_param, 1)
        if value is None:
            return self.default_limit
        return min(value, self.max_limit)

    def get_offset(self, request):
        value = _parse(request, self.offset_query_param, 0)
        return value or 0

    def paginate_queryset(self, queryset, request, view=None):
        # Validate both parameters before anything is counted, so a bad offset costs no query.
        self.get_offset(request)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.limit_query_param:
                param["schema"].update({"minimum": 1, "maximum": self.max_limit})
            elif param["name"] == self.offset_query_param:
                param["schema"].update({"minimum": 0})
        return params
