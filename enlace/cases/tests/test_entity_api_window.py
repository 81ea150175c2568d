"""The case-entities API counts its rows only ten pages past the one asked for (issue 17): below that
the count is exact, beyond it a lower bound the response says it is, and the pages stay the same."""

import pytest

from enlace.sharing.policy import Distribution
from enlace.testing import factories as f

from .helpers import add_person, make_case

pytestmark = pytest.mark.django_db


def test_the_count_stops_at_the_window_and_says_so():
    owner = f.user("GTM", "focal_point")
    case = make_case(owner, distribution=Distribution.INSTITUTION)
    ids = {add_person(owner, case, given_names=f"Persona {i}", surname_1="Ventana").pk for i in range(14)}
    client = f.token_client(owner)
    narrow = client.get("/api/v1/case-entities/", {"q": "Ventana", "limit": 1}).json()
    # 1 row per page, ten pages ahead: 11 counted, the 12th says "more"
    assert narrow["count"] == 12 and narrow["count_is_lower_bound"] is True and narrow["next"]
    wide = client.get("/api/v1/case-entities/", {"q": "Ventana", "limit": 2}).json()
    assert wide["count"] == 14 and "count_is_lower_bound" not in wide
    walked, url = set(), "/api/v1/case-entities/?q=Ventana&limit=5"
    while url:
        body = client.get(url).json()
        walked |= {r["id"] for r in body["results"]}
        url = body["next"]
    assert walked == ids
