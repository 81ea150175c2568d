"""NetBox-style query-count baselines: a list costs the same number of queries for 2 rows or 12.

    assert_constant_queries(client, url, add_rows=lambda n: make_n_more_records(n))

fetches ``url`` once, adds rows, fetches again and fails if the second page ran more queries
(an N+1). It returns the count so a test can also pin a baseline (``<= baseline``).
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(client, url: str, **extra) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries), response


def assert_constant_queries(client, url: str, add_rows, *, more: int = 10, slack: int = 0, **extra) -> int:
    """Fail when adding ``more`` rows (``add_rows(more)``) makes ``url`` run more queries."""
    client.get(url, **extra)  # warm caches (sessions, content types, permissions)
    first, _r = count_queries(client, url, **extra)
    add_rows(more)
    second, _r = count_queries(client, url, **extra)
    assert second <= first + slack, f"{url}: {first} queries with few rows, {second} with {more} more (N+1)"
    return second
