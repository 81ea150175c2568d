"""Person search over one folded text of six columns (``cases/search.py``, issue 17): every column still
answers a word, accents and case do not matter, a word never straddles two columns, ``%``/``_`` are
letters, the policy still bounds the rows, and on PostgreSQL the one trigram index answers it."""

import pytest
from django.db import connection, transaction

from enlace.cases import actions
from enlace.cases.filters import EntityFilter
from enlace.cases.models import Entity
from enlace.cases.search import INDEX_NAME, fold
from enlace.sharing.policy import Distribution
from enlace.testing import factories as f

from .helpers import add_document, add_person, make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    owner, other = f.user("GTM", "focal_point"), f.user("HND", "focal_point")
    case = make_case(owner, distribution=Distribution.INSTITUTION)
    ana = add_person(owner, case, given_names="Ána Lucía", surname_1="Xicará", surname_2="Tzul",
                     phones=["+502 5555 7788"])
    doc = add_document(owner, case, ana, number="G77441122")
    org = actions.do_add_entity(owner, case, schema="Organization", name="Transportes Peña Ñandú")
    plain = add_person(owner, case, given_names="MARIA", surname_1="GARCIA", surname_2="LOPEZ")
    accented = add_person(owner, case, given_names="María José", surname_1="García", surname_2="Pérez")
    lone = add_person(owner, case, given_names="María", surname_1="Quiñónez", surname_2="Ruiz")
    return {"owner": owner, "other": other, "ana": ana, "doc": doc, "org": org, "plain": plain,
            "accented": accented, "lone": lone}


def found(user, q, api=False):
    if api:
        body = f.token_client(user).get("/api/v1/case-entities/", {"q": q, "limit": 100}).json()
        return {r["id"] for r in body["results"]}
    response = f.verified_client(user).get("/casos/entidades/", {"q": q})
    assert response.status_code == 200
    return {e.pk for e in response.context["rows"]}


# One word found only in that column, typed with and without accents, in either case.
@pytest.mark.parametrize(("q", "who"), [
    ("ana", "ana"), ("ÁNA", "ana"), ("lucia", "ana"),              # given_names
    ("xicara", "ana"), ("XICARÁ", "ana"), ("icar", "ana"),         # surname_1
    ("tzul", "ana"), ("TzUl", "ana"),                               # surname_2
    ("pena", "org"), ("PEÑA", "org"), ("nandu", "org"),            # name
    ("7744112", "doc"), ("g7744", "doc"),                          # doc_number
    ("5555", "ana"), ("+502", "ana"), ("7788", "ana"),             # phones
])
def test_each_column_answers_a_word(world, q, who):
    assert world[who].pk in found(world["owner"], q)


@pytest.mark.parametrize("q", ["María García", "maria garcia", "MARÍA GARCÍA", "garcia maria"])
def test_every_word_must_match_and_accents_fold_both_ways(world, q):
    rows = found(world["owner"], q)
    assert {world["plain"].pk, world["accented"].pk} <= rows
    assert world["lone"].pk not in rows  # María without García


def test_a_word_never_straddles_two_columns(world):
    # «Xicará» and «Tzul» are adjacent in the joined text; «ARATZ» is in neither column.
    assert found(world["owner"], "aratz") == set()
    assert found(world["owner"], "lucíaxicará") == set()


@pytest.mark.parametrize("q", ["%", "_", "G%1", "5555_7788"])
def test_percent_and_underscore_are_letters(world, q):
    assert found(world["owner"], q) == set()


def test_api_list_searches_the_same_way(world):
    assert world["accented"].pk in found(world["owner"], "maria garcia", api=True)
    assert found(world["owner"], "maria garcia", api=True) == found(world["owner"], "maria garcia")


def test_search_stays_within_the_readers_audience(world):
    assert found(world["other"], "xicara") == set()
    assert found(world["other"], "maria garcia", api=True) == set()


def test_fold_matches_the_column_folding():
    assert fold("María Peña ß ñandú") == "MARIA PENA ß NANDU"  # ß keeps its one letter, as PostgreSQL's UPPER


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram index on PostgreSQL only")
def test_postgresql_answers_with_the_one_trigram_index(world):
    # The entity table alone (the policy's joins would let the tiny test planner start from a case).
    qs = EntityFilter({"q": "xicara tzul"},
                      queryset=Entity.objects.unrestricted(reason="test: plan of the search")).qs.order_by()
    with transaction.atomic():
        with connection.cursor() as cur:
            # A tiny table: make any scan but an index's unattractive, so the plan shows which index fits.
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute("SET LOCAL enable_indexscan = off")
        plan = qs.explain()
    assert INDEX_NAME in plan, plan
    with connection.cursor() as cur:
        cur.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'cases_entity' AND indexname LIKE %s",
                    ["%\\_trgm"])
        assert {r[0] for r in cur.fetchall()} == {INDEX_NAME}  # the six per-column indexes are gone


@pytest.mark.skipif(connection.vendor != "postgresql", reason="stored column on PostgreSQL only")
def test_postgresql_stored_text_is_what_fold_makes_of_the_six_columns(world):
    actions.do_update_entity(world["owner"], world["lone"], surname_2="Núñez Çelik Ü")  # a write recomputes it
    with connection.cursor() as cur:
        cur.execute("SELECT given_names, surname_1, surname_2, name, doc_number, phones::text, search_text "
                    "FROM cases_entity")
        rows = cur.fetchall()
    assert len(rows) >= 6
    for *columns, stored in rows:
        assert stored == fold(" ".join(columns))
    assert any("NUNEZ CELIK U" in stored for *_c, stored in rows)
