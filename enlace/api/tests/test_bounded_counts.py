"""Lists count at most ``MAX_COUNT`` rows (issue 17): the API says when its count is a lower bound,
a list page offers that many rows' worth of pages and shows the last one for a deeper page number."""

import pytest

from enlace.api import pagination
from enlace.sharing.policy import Distribution
from enlace.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(monkeypatch):
    from enlace.cases.tests.helpers import make_case, uid

    monkeypatch.setattr(pagination, "MAX_COUNT", 3)
    owner = f.user("GTM", "focal_point")
    for _i in range(5):
        make_case(owner, distribution=Distribution.INSTITUTION, title=uid("Red "), tags=[])
    return owner


def test_api_count_is_bounded_and_says_so(cases):
    api = f.token_client(cases)
    body = api.get("/api/v1/cases/?limit=2").json()
    assert body["count"] == 3 and body["count_is_lower_bound"] is True
    assert len(body["results"]) == 2 and body["next"]
    # Below the bound the count is exact and the flag is absent.
    exact = api.get("/api/v1/cases/?limit=2&q=nothing-matches-this").json()
    assert exact["count"] == 0 and "count_is_lower_bound" not in exact


def test_list_page_offers_bounded_pages(cases):
    from enlace.cases.models import Case

    paginator = pagination.BoundedPaginator(Case.objects.restrict(cases, "view"), 2)
    assert (paginator.count, paginator.num_pages, paginator.count_is_lower_bound) == (3, 2, True)
    assert paginator.get_page(999).number == 2
    assert len(paginator.get_page(2)) == 1
    deep = f.verified_client(cases).get("/casos/?page=999")
    assert deep.status_code == 200 and deep.context["page"].number == 1


def test_bounded_count_counts_in_one_query(cases, django_assert_num_queries):
    from enlace.cases.models import Case

    qs = Case.objects.restrict(cases, "view")
    with django_assert_num_queries(1):
        assert pagination.bounded_count(qs) == 4  # MAX_COUNT + 1: "more than the bound"
