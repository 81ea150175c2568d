"""The hit list counts only as far as the requested page plus a window (issue 17): every visible notice
is still reachable by its page number, a page past the end shows the last one, and nothing another
institution holds is counted or shown."""

import pytest

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
    monkeypatch.setattr(views.WindowPaginator, "ahead", 1)
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
