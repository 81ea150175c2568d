"""Case list pages pick their ids first and then read those rows (``cases/paging.py``, issue 17): every
page shows exactly the cases that slicing the visible list in list order shows, a page past the end
shows the last one, filters still apply, other countries' cases never appear, and the query count
does not grow with the page number."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enlace.cases import views
from enlace.sharing.policy import Distribution
from enlace.testing import factories as f

from .helpers import make_case, uid

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(monkeypatch):
    monkeypatch.setattr(views, "CASES_PER_PAGE", 2)
    owner, reader, other = f.user("GTM", "focal_point"), f.user("HND", "focal_point"), f.user("MEX", "focal_point")
    # Equal dates on purpose: the order then rests on the id, as the index's second key.
    days = [datetime.date(2025, 1, d) for d in (5, 3, 3, 3, 9, 1, 3)]
    shared = [make_case(owner, distribution=Distribution.NETWORK, title=uid("Red "), opened_on=d) for d in days]
    mine = make_case(owner, distribution=Distribution.INSTITUTION, title=uid("Propio "), opened_on=days[0])
    theirs = make_case(other, distribution=Distribution.COUNTRY, title=uid("Ajeno "), opened_on=days[0])
    expected = sorted(shared, key=lambda c: (c.opened_on, c.pk), reverse=True)
    return owner, reader, expected, mine, theirs


def _pages(client, n, **params):
    rows = []
    for number in range(1, n + 1):
        rows.append([c.pk for c in client.get("/casos/", {"page": number, **params}).context["page"]])
    return rows


def test_every_page_is_the_slice_of_the_list_in_list_order(world):
    _owner, reader, expected, _mine, theirs = world
    pages = _pages(f.verified_client(reader), 4)
    ids = [c.pk for c in expected]
    assert pages == [ids[0:2], ids[2:4], ids[4:6], ids[6:7]]
    assert theirs.pk not in sum(pages, [])


def test_the_owner_sees_its_own_case_in_place_and_a_page_past_the_end_is_the_last(world):
    owner, _reader, expected, mine, theirs = world
    client = f.verified_client(owner)
    all_ids = sum(_pages(client, 4), [])
    assert sorted(all_ids) == sorted([c.pk for c in expected] + [mine.pk]) and theirs.pk not in all_ids
    assert len(all_ids) == 8
    assert [c.pk for c in client.get("/casos/", {"page": 999}).context["page"]] == all_ids[6:8]


def test_filters_apply_to_the_ids_and_the_rows(world):
    _owner, reader, expected, _mine, _theirs = world
    client = f.verified_client(reader)
    assert _pages(client, 1, q=expected[3].title) == [[expected[3].pk]]
    assert _pages(client, 1, status="closed") == [[]]


def test_query_count_does_not_grow_with_the_page_number(world):
    _owner, reader, _expected, _mine, _theirs = world
    client = f.verified_client(reader)
    counts = []
    for number in (1, 3, 4):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/casos/", {"page": number}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert len(set(counts)) == 1, counts
