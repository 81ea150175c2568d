"""Person search finds a word anywhere in a name, a document or a phone, on SQLite (scan) and on
PostgreSQL (trigram GIN indexes on the same expressions, issue 17), and never across the policy."""

import pytest
from django.db import connection

from enlace.sharing.policy import Distribution
from enlace.testing import factories as f

from .helpers import add_document, add_person, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    owner, other = f.user("GTM", "focal_point"), f.user("HND", "focal_point")
    case = make_case(owner, distribution=Distribution.INSTITUTION)
    ana = add_person(owner, case, given_names="Ana Lucía", surname_1="Xicará", surname_2="Tzul",
                     phones=["+502 5555 7788"])
    add_document(owner, case, ana, number="G77441122")
    return owner, other, ana


@pytest.mark.parametrize("q", ["xicar", "lucía", "TZUL", "7744112", "5555 77"])
def test_search_finds_a_word_inside_any_searched_field(people, q):
    owner, _other, ana = people
    rows = f.verified_client(owner).get("/casos/entidades/", {"q": q}).context["rows"]
    assert ana.pk in {e.pk for e in rows} or any(e.doc_number == "G77441122" for e in rows)


def test_search_stays_within_the_readers_audience(people):
    _owner, other, _ana = people
    assert list(f.verified_client(other).get("/casos/entidades/", {"q": "Xicará"}).context["rows"]) == []


def test_trigram_indexes_exist_on_postgresql_only():
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%\\_trgm"])
            names = {r[0] for r in cur.fetchall()}
            # Entities: one index on the folded text of the six columns (migration 0003).
            assert {"cases_entity_search_trgm", "cases_case_title_trgm"} <= names
        else:
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%trgm%'")
            assert cur.fetchall() == []
