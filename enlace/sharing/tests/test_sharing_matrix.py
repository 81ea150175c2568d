"""Sharing matrix: countries A, B, C (+ ST and an observer) × every distribution × roles × actions,
checked through HTTP and the API against the explicit table in expected_matrix.csv.

A = Guatemala owns the record (group = {Honduras}); viewers: a_same (owner institution),
a_other (another Guatemalan institution), b = Honduras, c = Panamá, st = ST-CRM (in the network),
iom = IOM (observer, outside the network). Anonymous visitors meet the login wall on every
surface (public records reach them only through the portal's publish step).
"""

import csv
from pathlib import Path

import pytest
from django.test import Client

from enlace.core.models import Institution
from enlace.sharing.actions import do_create_sharing_group
from enlace.sharing.tests.testapp.actions import do_create_bulletin
from enlace.sharing.tests.testapp.models import Bulletin
from enlace.testing import factories as f
from enlace.testing.testcases import mismatch_report

TABLE = Path(__file__).with_name("expected_matrix.csv")
DISTRIBUTIONS = ["institution", "country", "group", "network", "public"]
ACTIONS = ["view", "list", "count", "search", "export"]
VIEWERS = ["a_same", "a_other", "b", "c", "st", "iom"]
ROLES = ["focal_point", "analyst", "auditor"]


def _expected():
    with TABLE.open() as fh:
        return {(r["distribution"], r["viewer"], r["role"]): {a: r[a] == "1" for a in ACTIONS} for r in csv.DictReader(fh)}


def test_table_covers_every_combination():
    keys = set(_expected())
    wanted = {(d, v, r) for d in DISTRIBUTIONS for v in VIEWERS for r in ROLES} | {(d, "anonymous", "-") for d in DISTRIBUTIONS}
    assert keys == wanted


def _observed(client, api, record) -> dict:
    marker = record.title
    detail = client.get(f"/prueba-expedientes/boletines/{record.pk}/")
    listing = client.get("/prueba-expedientes/boletines/")
    # The query is a part of the title: the page echoes the query (language switch "next"), not the title.
    search = client.get("/prueba-expedientes/boletines/", {"q": marker.split("-", 1)[1]})
    export = client.get("/prueba-expedientes/boletines/exportar/")
    from enlace.sharing.testing import export_text

    if api is None:
        count_visible = False
    else:
        body = api.get("/api/v1/test-bulletins/", {"title": marker}).json()
        count_visible = body.get("count") == 1
    return {
        "view": detail.status_code == 200,
        "list": listing.status_code == 200 and marker in listing.content.decode(),
        "count": count_visible,
        "search": search.status_code == 200 and marker in search.content.decode(),
        "export": export.status_code == 200 and marker in export_text(export),
    }


@pytest.mark.django_db
def test_sharing_matrix_matches_the_expected_table():
    owner_inst = f.institution("GTM", Institution.Type.POLICE)
    owner = f.user("GTM", "focal_point", inst=owner_inst)
    institutions = {
        "a_same": owner_inst,
        "a_other": f.institution("GTM", Institution.Type.PROSECUTION),
        "b": f.institution("HND"),
        "c": f.institution("PAN"),
        "st": Institution.objects.get(acronym="ST-CRM"),
        "iom": Institution.objects.get(acronym="OIM"),
    }
    group = do_create_sharing_group(owner, name="GTM+HND", countries=[f.country("HND")])
    records = {}
    for d in DISTRIBUTIONS:
        if d == "public":
            r = do_create_bulletin(owner, title=f"Boletin-{d}-xq", distribution="country")
            from enlace.sharing.actions import do_publish_record

            r = do_publish_record(f.user("CRM", "portal_editor", inst=institutions["st"]), r)
        else:
            r = do_create_bulletin(owner, title=f"Boletin-{d}-xq", distribution=d,
                                   sharing_group=group if d == "group" else None)
        records[d] = r
    assert Bulletin.objects.filter(distribution="public").count() == 1

    observed = {}
    for v in VIEWERS:
        for role in ROLES:
            user = f.user(institutions[v].country.code, role, inst=institutions[v])
            client, api = f.verified_client(user), f.token_client(user)
            for d, record in records.items():
                observed[(d, v, role)] = _observed(client, api, record)
    for d, record in records.items():
        observed[(d, "anonymous", "-")] = _observed(Client(), None, record)

    problems = mismatch_report(_expected(), observed)
    assert not problems, "\n".join(problems)
