"""Bounded limit/offset pagination for every API list.

DRF's ``LimitOffsetPagination`` has no ceiling by default, so ``?limit=99999999999999999999``
reached the database as a slice bound and failed there (an overflow, a 500), and a garbled
``?limit=abc`` was silently replaced by the default. Here a value that is not a whole number
≥ 0 (≥ 1 for ``limit``) is answered with the uniform 400 body, and a ``limit`` above
``MAX_LIMIT`` is clamped (a client asking for "everything" gets the largest page, not an error);
an offset past the end gives an empty page.

Counting is bounded too (issue 17): counting every visible row of a million-row list costs more
than the page itself, so lists count at most ``MAX_COUNT`` rows (``SELECT count(*) FROM (… LIMIT
MAX_COUNT + 1)``): the API answers ``count`` exact up to that bound and ``count_is_lower_bound``
beyond it; a page list (``BoundedPaginator``) offers at most ``MAX_COUNT`` rows' worth of pages
(a page past them shows the last one: narrowing the search finds the rest). The offset of a
page is then bounded as well, so no page costs more than walking ``MAX_COUNT`` rows.

Where even a bounded count costs more than the page (a policy that must check each counted row),
``WindowPaginator`` (pages) and ``WindowedPagination`` (API) count only a window past the requested
page: ``ahead`` pages further, never past ``MAX_COUNT``.
"""

import base64
import binascii
import json

from django.core.paginator import Paginator
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.utils.urls import remove_query_param, replace_query_param

MAX_LIMIT = 500
MAX_COUNT = 10_000
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

    def get_count(self, queryset):
        return bounded_count(queryset)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.count > MAX_COUNT:
            response.data["count"] = MAX_COUNT
            response.data["count_is_lower_bound"] = True
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_is_lower_bound"] = {
            "type": "boolean", "description": f"Present and true when there are more than {MAX_COUNT} rows."}
        return schema

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        for param in params:
            if param["name"] == self.limit_query_param:
                param["schema"].update({"minimum": 1, "maximum": self.max_limit})
            elif param["name"] == self.offset_query_param:
                param["schema"].update({"minimum": 0})
        return params


def bounded_count(queryset) -> int:
    """Rows of ``queryset``, counted up to ``MAX_COUNT + 1`` (more means "more than MAX_COUNT")."""
    if hasattr(queryset, "query"):
        # Only the primary key inside the bounded subquery: the joins of the page are not counted.
        return queryset.order_by().values("pk")[: MAX_COUNT + 1].count()
    return len(queryset)


class BoundedPaginator(Paginator):
    """Django's paginator for list pages, with the count (and so the deepest page) bounded."""

    @cached_property
    def _bounded(self) -> int:
        return bounded_count(self.object_list)

    @cached_property
    def count(self):
        return min(self._bounded, MAX_COUNT)

    @property
    def count_is_lower_bound(self) -> bool:
        return self._bounded > MAX_COUNT


def page_rows(queryset, bottom: int, top: int) -> list:
    """Rows ``bottom``..``top`` of ``queryset``: the primary keys first, then those rows with their joins.

    OFFSET discards the rows it skips only after the joins of the select (``select_related``) were made
    for each of them: 6 000 skipped notices cost 6 000 person probes (84 ms of a 226 ms page at 1 M
    cases). The keys alone walk the list's index; the second query joins 30 rows."""
    if not hasattr(queryset, "query"):
        return list(queryset[bottom:top])
    pks = list(queryset.values_list("pk", flat=True)[bottom:top])
    if not pks:
        return []
    rows = {row.pk: row for row in queryset.filter(pk__in=pks)}
    return [rows[pk] for pk in pks if pk in rows]


def window_count(queryset, limit: int) -> int:
    """Rows of ``queryset`` up to ``limit + 1``, counted *in the list's order*: the count walks the index
    the page walks and stops at the window (an unordered count let the planner read every candidate
    row through a bitmap first: 104 ms against a few ms for the first pages of the hit list)."""
    if not hasattr(queryset, "query"):
        return min(len(queryset), limit + 1)
    return queryset.values("pk")[: limit + 1].count()


class WindowPaginator(BoundedPaginator):
    """Counts only as far as the requested page plus ``ahead`` pages (never past ``MAX_COUNT``).

    A count of every visible row walks every row, while the page itself walks the list-order index
    and stops after one page: a count bounded by the window costs about what the page costs. Beyond
    the window the paginator answers "more" (``count_is_lower_bound``), as beyond ``MAX_COUNT``; the
    page shows no total. A page past the end shows the last one, counted exactly. The page's rows are
    read keys first (``page_rows``).
    """

    ahead = 10

    def get_page(self, number):
        try:
            wanted = max(1, int(number))
        except (TypeError, ValueError):
            wanted = 1
        self.window = (wanted + self.ahead) * self.per_page
        return super().get_page(number)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(page_rows(self.object_list, bottom, top), number, self)

    @cached_property
    def _bounded(self) -> int:
        limit = min(getattr(self, "window", self.ahead * self.per_page), MAX_COUNT)
        n = window_count(self.object_list, limit)
        return n if n <= limit else MAX_COUNT + 1  # beyond the window: "more", as beyond MAX_COUNT


class WindowedPagination(BoundedLimitOffsetPagination):
    """Counts rows only up to ``ahead`` pages past the requested one: ``count`` is exact below that,
    else a lower bound (the window + 1) with ``count_is_lower_bound``, and the next link stays. The
    page's rows are read keys first (``page_rows``).

    With ``cursor_field`` set (a field the list is ordered by, newest first, then the primary key),
    the list also answers ``?cursor=`` (the ``next_cursor`` of the previous page): the rows after that
    key, so that a client walking the whole list pays one page per page however deep it is (an offset
    walks every row before it). ``count`` then counts the rows after the cursor."""

    ahead = 10
    cursor_field: str | None = None
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        # DRF's steps, with the rows read keys first.
        self.get_offset(request)  # a bad offset is a 400 before anything is counted
        self.request = request
        self.limit = self.get_limit(request)
        self.after = self._cursor(request)
        if self.after is not None:
            # The redundant "<=" is a range the list-order index answers (the OR alone is only a filter).
            queryset = queryset.filter(Q(**{f"{self.cursor_field}__lte": self.after[0]}),
                                       Q(**{f"{self.cursor_field}__lt": self.after[0]})
                                       | Q(**{self.cursor_field: self.after[0], "pk__lt": self.after[1]}))
        self.count = self.get_count(queryset)
        self.offset = self.get_offset(request) if self.after is None else 0
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        if self.count == 0 or self.offset > self.count:
            self.rows = []
        else:
            self.rows = page_rows(queryset, self.offset, self.offset + self.limit)
        return self.rows

    def _cursor(self, request):
        raw = request.query_params.get(self.cursor_query_param) if self.cursor_field else None
        if not raw:
            return None
        try:
            value, pk = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"==").decode("utf-8"))
            when = parse_datetime(value)
            if when is None or when.tzinfo is None or not isinstance(pk, int) or not 0 < pk < 2 ** 63:
                raise ValueError(raw)
        except (ValueError, TypeError, UnicodeError, binascii.Error):
            raise ValidationError({self.cursor_query_param: [_("Cursor no válido: use el «next_cursor» de la página anterior.")]}) from None
        return when, pk

    def _next_cursor(self) -> str | None:
        if not self.cursor_field or not self.rows or len(self.rows) < self.limit:
            return None
        last = self.rows[-1]
        token = json.dumps([getattr(last, self.cursor_field).isoformat(), last.pk]).encode("utf-8")
        return base64.urlsafe_b64encode(token).decode("ascii").rstrip("=")

    def get_next_link(self):
        if self.after is None:
            return super().get_next_link()
        cursor = self._next_cursor()
        if cursor is None or self.count <= self.limit:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.offset_query_param)
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_previous_link(self):
        return None if self.after is not None else super().get_previous_link()

    def get_count(self, queryset):
        self.window = min(self.get_offset(self.request) + self.limit * (self.ahead + 1), MAX_COUNT)
        n = window_count(queryset, self.window)
        self.beyond = n > self.window
        return n  # window + 1 when beyond: a true lower bound, and the next page link stays

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        if self.beyond:
            response.data["count_is_lower_bound"] = True
        if self.cursor_field:
            response.data["next_cursor"] = self._next_cursor() if self.count > self.offset + self.limit else None
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        if self.cursor_field:
            schema["properties"]["next_cursor"] = {
                "type": "string", "nullable": True,
                "description": "Pass as ?cursor= for the next page (rows after the last one of this page)."}
        return schema

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        if self.cursor_field:
            params.append({"name": self.cursor_query_param, "required": False, "in": "query",
                           "description": "The next_cursor of the previous page (instead of offset).",
                           "schema": {"type": "string"}})
        return params
