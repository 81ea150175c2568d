"""The contacts API picks a page's ids first, then reads those rows (``DeferredJoinPagination``, issue
17): pages hold exactly the visible contacts in the list's order (country name, principal first,
surname, name), filters apply, other countries' proposals never appear, and the count is kept."""

from __future__ import annotations

import pytest

from enlace.testing import factories as f

from .helpers import authorised, chancery, propose

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    hnd, gtm = f.user("HND", "focal_point"), f.user("GTM", "focal_point")
    hnd_ch, gtm_ch = chancery("HND"), chancery("GTM")
    names = [("Zoila", "Alvarado"), ("Ana", "Zepeda"), ("Beto", "Alvarado"), ("Ana", "Alvarado")]
    for first, last in names:
        authorised(hnd, hnd_ch, first_name=first, last_name=last)
        authorised(gtm, gtm_ch, first_name=first, last_name=last)
    hidden = propose(hnd, first_name="Oculto", last_name="Propuesto")  # a proposal: Honduras only
    return gtm, hidden


def _all(client, limit, **params):
    rows, offset = [], 0
    while True:
        body = client.get("/api/v1/directory/contacts/", {"limit": limit, "offset": offset, **params}).json()
        rows += body["results"]
        offset += limit
        if offset >= body["count"]:
            return rows, body["count"]


def test_pages_are_the_visible_contacts_in_list_order(world):
    reader, hidden = world
    client = f.token_client(reader)
    whole, count = _all(client, 100)
    paged, paged_count = _all(client, 3)
    assert [r["id"] for r in paged] == [r["id"] for r in whole] and count == paged_count == len(whole)
    assert hidden.pk not in {r["id"] for r in whole}
    # Guatemala before Honduras (Spanish names); inside a country: surname, then first name.
    mine = [(r["owner_country"], r["last_name"], r["first_name"]) for r in whole
            if r["last_name"] in ("Alvarado", "Zepeda")]
    gtm = [m for m in mine if m[0] == "GTM"]
    assert [m[1:] for m in gtm] == [("Alvarado", "Ana"), ("Alvarado", "Beto"), ("Alvarado", "Zoila"), ("Zepeda", "Ana")]
    assert mine.index(gtm[-1]) < min(i for i, m in enumerate(mine) if m[0] == "HND")


def test_filters_apply_to_the_page(world):
    reader, _hidden = world
    rows, count = _all(f.token_client(reader), 2, country="HND")
    assert count == len(rows) and rows and {r["owner_country"] for r in rows} == {"HND"}


def test_an_offset_past_the_end_is_an_empty_page(world):
    reader, _hidden = world
    body = f.token_client(reader).get("/api/v1/directory/contacts/", {"limit": 5, "offset": 500}).json()
    assert body["results"] == [] and body["count"] > 0
