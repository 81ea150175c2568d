"""The hit list counts only as far as the requested page plus a window (issue 17): every visible notice
is still reachable by its page number, a page past the end shows the last one, and nothing another
institution holds is counted or shown."""

import pytest

from enlace.api.pagination import WindowPaginator
from enlace.matching import views
from enlace.matching.services import reset_index
from enlace.testing import factories as f

from .test_policy import _hit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index():
    reset_index()
    yield
    reset_index()


def _shown(client, query=""):
    r = client.get(f"/coincidencias/{query}")
    assert r.status_code == 200
    return [n.pk for n in r.context["page"].object_list], r.context["page"].paginator


def test_pages_beyond_the_window_are_reached_and_the_last_page_is_exact(monkeypatch):
    monkeypatch.setattr(views, "HITS_PER_PAGE", 1)
    monkeypatch.setattr(WindowPaginator, "ahead", 1)
    gtm, usa = f.user("GTM", "focal_point"), f.user("USA", "focal_point")
    mine = [_hit(gtm, usa)[0] for _i in range(3)]  # and the USA's side of each: never counted nor shown here
    newest_first = [n.pk for n in reversed(mine)]
    client = f.verified_client(gtm)

    shown, paginator = _shown(client)
    assert shown == newest_first[:1]
    assert paginator.count_is_lower_bound  # 3 visible, the window of page 1 holds 2: "more"
    assert [_shown(client, f"?page={i}")[0] for i in (2, 3)] == [[pk] for pk in newest_first[1:]]
    shown, paginator = _shown(client, "?page=99")  # past the end: the last page, counted exactly
    assert shown == newest_first[-1:]
    assert (paginator.count, paginator.count_is_lower_bound) == (3, False)
    assert _shown(client, "?page=abc")[0] == newest_first[:1]
    # The page leads to the next and the previous one (no total: the count stops at the window).
    html = client.get("/coincidencias/?page=2&status=open").content.decode()
    assert 'href="?page=3&amp;status=open"' in html and 'href="?page=1&amp;status=open"' in html


def test_list_and_api_show_exactly_what_the_policy_shows(monkeypatch):
    """Page and API list exactly the policy's rows: a notice of another country that reaches Guatemala
    through the network is listed, the USA's own notices are not."""
    from enlace.matching.models import HitNotice
    from enlace.sharing.policy import Distribution

    gtm, usa = f.user("GTM", "focal_point"), f.user("USA", "focal_point")
    mine, theirs = _hit(gtm, usa)
    _mine2, theirs2 = _hit(gtm, usa)
    # A notice without a case entity, owned by the USA and distributed to the network.
    HitNotice.objects.unrestricted(reason="test").filter(pk=theirs2.pk).update(
        own_person=None, distribution=Distribution.NETWORK)
    expected = set(HitNotice.objects.restrict(gtm, "list").values_list("pk", flat=True))
    assert theirs2.pk in expected and theirs.pk not in expected and mine.pk in expected
    assert set(_shown(f.verified_client(gtm))[0]) == expected
    r = f.token_client(gtm).get("/api/v1/hits/?limit=100")
    assert r.status_code == 200 and {row["id"] for row in r.json()["results"]} == expected


def test_api_counts_up_to_a_window_says_so_and_offers_a_cursor(monkeypatch):
    from enlace.api.pagination import WindowedPagination

    monkeypatch.setattr(WindowedPagination, "ahead", 0)
    gtm, usa = f.user("GTM", "focal_point"), f.user("USA", "focal_point")
    for _i in range(3):
        _hit(gtm, usa)
    api = f.token_client(gtm)
    body = api.get("/api/v1/hits/?limit=1").json()  # window: offset 0 + 1 page
    assert (body["count"], body.get("count_is_lower_bound"), len(body["results"])) == (2, True, 1)
    assert body["next"]
    body = api.get("/api/v1/hits/?limit=1&offset=2").json()  # the last one: exact
    assert (body["count"], body.get("count_is_lower_bound"), body["next"]) == (3, None, None)
    assert api.get("/api/v1/hits/?limit=10").json()["count"] == 3
    # A client walking every hit follows ``next_cursor``: one page per page, however deep.
    expected = [row["id"] for row in api.get("/api/v1/hits/?limit=100").json()["results"]]
    body = api.get("/api/v1/hits/?limit=1").json()
    walked, pages = [row["id"] for row in body["results"]], 1
    while body["next_cursor"]:
        body = api.get(f"/api/v1/hits/?limit=1&cursor={body['next_cursor']}").json()
        walked += [row["id"] for row in body["results"]]
        pages += 1
        assert body["previous"] is None and (body["next"] is None) == (body["next_cursor"] is None)
    assert walked == expected and len(expected) == 3 and pages == 3
    for bad in ("abc", "W10", "WyJ4IiwgMV0", "%C3%B1"):  # not base64, not a pair, not a date, not ASCII
        r = api.get(f"/api/v1/hits/?cursor={bad}")
        assert r.status_code == 400 and r.json()["error"]["fields"].get("cursor"), bad
    # Another institution's cursor reveals nothing: the policy still decides which rows follow it.
    mex_body = f.token_client(f.user("MEX", "focal_point")).get(
        f"/api/v1/hits/?limit=1&cursor={api.get('/api/v1/hits/?limit=1').json()['next_cursor']}").json()
    assert mex_body["results"] == []
