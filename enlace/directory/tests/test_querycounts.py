"""Every list page and API list of the directory costs the same number of queries with more rows (NetBox-style)."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from enlace.core.models import Institution
from enlace.directory.actions import do_approve_key_actor, do_consent_public_listing
from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries

from .helpers import authorised, chancery, propose

pytestmark = pytest.mark.django_db


@pytest.fixture
def hnd():
    """Honduras's administrator and Cancillería, and a reader in Guatemala."""
    return {"admin": f.user("HND", "focal_point"), "chancery": chancery("HND"), "reader": f.user("GTM", "analyst"),
            "st": f.user("CRM", "st", inst=f.institution("CRM", Institution.Type.SECRETARIAT))}


def _seeded(add):
    """A few rows first: an empty page skips its row query, which would pass for an N+1 of one."""
    add(2)
    return add


def _authorised_rows(w):
    def add(n):
        for _i in range(n):
            authorised(w["admin"], w["chancery"], functions=["information_exchange"], areas=["intelligence"])
    return _seeded(add)


def _key_actors(w, *, publish: bool):
    def add(n):
        for _i in range(n):
            person = f.user("HND", "focal_point", inst=w["admin"].institution, authorised=False)
            contact = authorised(w["admin"], w["chancery"], user=person, position=f"Cargo {uuid.uuid4().hex[:6]}")
            actor = do_consent_public_listing(person, contact, public_email=f"info{uuid.uuid4().hex[:6]}@inst.hn")
            if publish:
                do_approve_key_actor(w["st"], actor)
    return _seeded(add)


@pytest.mark.parametrize("url", ["/directorio/", "/directorio/?country=HND&area=intelligence",
                                 "/directorio/?q=Persona", "/directorio/pais/HND/",
                                 "/directorio/a-quien-contacto/?country=HND&need=network_info&urgency=normal"])
def test_directory_pages(hnd, url):
    assert_constant_queries(f.verified_client(hnd["reader"]), url, _authorised_rows(hnd))


@pytest.mark.parametrize("url", ["/api/v1/directory/contacts/", "/api/v1/directory/contacts/?country=HND",
                                 "/api/v1/directory/authorisations/",
                                 "/api/v1/directory/routing/?country=HND&need=network_info"])
def test_directory_api_lists(hnd, url):
    assert_constant_queries(f.token_client(hnd["reader"]), url, _authorised_rows(hnd))


def test_pending_page_of_the_cancilleria(hnd):
    def add(n):
        for _i in range(n):
            propose(hnd["admin"])
    _seeded(add)
    assert_constant_queries(f.verified_client(hnd["chancery"]), "/directorio/autorizaciones/", add)


def test_quality_page_of_the_st(hnd):
    assert_constant_queries(f.verified_client(hnd["st"]), "/directorio/calidad/", _authorised_rows(hnd))


def test_key_actor_page_and_public_api(hnd):
    assert_constant_queries(f.verified_client(hnd["st"]), "/directorio/actores-clave/",
                            _key_actors(hnd, publish=False), more=4)
    assert_constant_queries(APIClient(), "/api/v1/directory/key-actors/", _key_actors(hnd, publish=True), more=4)
