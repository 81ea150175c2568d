"""Every list page and API list of cases costs the same number of queries for few rows or many (no N+1)."""

import datetime

import pytest

from enlace.cases import actions
from enlace.sharing.policy import Distribution
from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries

from .helpers import add_document, add_person, make_case, uid

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """An owner in Guatemala with a shared case, and a reader in Honduras (counts from both sides)."""
    owner = f.user("GTM", "focal_point")
    reader = f.user("HND", "focal_point")
    case = make_case(owner, distribution=Distribution.NETWORK, title=uid("Red "))
    # One row of each kind to start with: an empty page skips the page query and would hide nothing.
    _more_entities(owner, case, 1)
    _more_legs(owner, case, 1)
    return owner, reader, case


def _more_cases(owner, n):
    for _i in range(n):
        case = make_case(owner, distribution=Distribution.NETWORK, title=uid("Red "), tags=[])
        add_person(owner, case, surname_1=uid("Ruiz"))


def _more_entities(owner, case, n):
    for _i in range(n):
        person = add_person(owner, case, surname_1=uid("Ruiz"), phones=["+502 5555 1234"])
        add_document(owner, case, person, number=uid("G"))


def _more_legs(owner, case, n):
    for i in range(n):
        actions.do_add_route_leg(owner, case, order=i + 2, from_place=uid("Origen"), to_place="Tapachula",
                                 from_lat=15.3, from_lon=-91.4, to_lat=14.9, to_lon=-92.2, means="bus",
                                 departed_on=datetime.date(2025, 9, 2))


@pytest.mark.parametrize("who", ["owner", "reader"])
def test_case_list_page_and_api(world, who):
    owner, reader, _case = world
    user = owner if who == "owner" else reader
    add = lambda n: _more_cases(owner, n)  # noqa: E731
    assert_constant_queries(f.verified_client(user), "/casos/", add)
    assert_constant_queries(f.verified_client(user), "/casos/?q=Red&status=open", add)
    assert_constant_queries(f.token_client(user), "/api/v1/cases/?limit=100", add)
    assert_constant_queries(f.verified_client(user), "/casos/exportar/", add)


@pytest.mark.parametrize("who", ["owner", "reader"])
def test_entity_search_page_and_api(world, who):
    owner, reader, case = world
    user = owner if who == "owner" else reader
    add = lambda n: _more_entities(owner, case, n)  # noqa: E731
    assert_constant_queries(f.verified_client(user), "/casos/entidades/?q=Ruiz", add)
    assert_constant_queries(f.token_client(user), "/api/v1/case-entities/?limit=100", add)
    assert_constant_queries(f.token_client(user), f"/api/v1/case-entities/?limit=100&case={case.pk}&q=Ruiz", add)


def test_case_links_api(world):
    owner, reader, case = world
    add = lambda n: _more_entities(owner, case, n)  # noqa: E731
    for user in (owner, reader):
        assert_constant_queries(f.token_client(user), "/api/v1/case-links/?limit=100", add)


def test_route_legs_map_page_and_api(world):
    owner, reader, case = world
    add = lambda n: _more_legs(owner, case, n)  # noqa: E731
    for user in (owner, reader):
        assert_constant_queries(f.verified_client(user), "/casos/mapa/", add)
        assert_constant_queries(f.token_client(user), "/api/v1/case-route-legs/?limit=100", add)


def test_case_detail_graph_map_and_exports(world):
    owner, reader, case = world
    add = lambda n: (_more_entities(owner, case, n), _more_legs(owner, case, n))  # noqa: E731
    for user in (owner, reader):
        client = f.verified_client(user)
        for url in (f"/casos/{case.pk}/", f"/casos/{case.pk}/grafo/?vinculados=1", f"/casos/{case.pk}/mapa/",
                    f"/casos/{case.pk}/exportar.xlsx", f"/casos/{case.pk}/exportar.ftm.json"):
            assert_constant_queries(client, url, add, more=3)


def test_import_list_api(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    owner, _reader, case = world

    def add(n):
        for _i in range(n):
            actions.do_upload_import(owner, case, SimpleUploadedFile(
                f"{uid('lote')}.csv", "nombres,primer_apellido,funcion\nAna,López,testigo\n".encode(),
                content_type="text/csv"))

    add(1)
    assert_constant_queries(f.token_client(owner), "/api/v1/case-imports/?limit=100", add, more=3)
