"""The audience of a notice's person and case lives on the notice (issue 17): the policy reads the notice
row alone, and must show exactly what it showed when it joined the person and the case, whatever the
person's and the case's sharing, whoever asks, and after every re-sharing of either."""

import itertools

import pytest
from django.apps import apps as django_apps

from enlace.cases import actions as ca
from enlace.core.models import Institution
from enlace.matching.models import HitNotice
from enlace.matching.services import reset_index
from enlace.sharing.actions import do_change_sharing, do_create_sharing_group
from enlace.sharing.policy import Distribution
from enlace.testing import factories as f

from .test_policy import _hit

pytestmark = pytest.mark.django_db

LEVELS = (Distribution.INSTITUTION, Distribution.COUNTRY, Distribution.GROUP, Distribution.NETWORK)


@pytest.fixture(autouse=True)
def _fresh_index():
    reset_index()
    yield
    reset_index()


def _joined(monkeypatch, user) -> set[int]:
    """What the policy showed before: the notice's audience ∩ its person's ∩ its case's (joined)."""
    with monkeypatch.context() as m:
        m.setattr(HitNotice, "sharing_parent", "own_person")
        m.setattr(HitNotice, "sharing_parent_optional", True, raising=False)
        return set(HitNotice.objects.restrict(user, "list").values_list("pk", flat=True))


def _copied(user) -> set[int]:
    return set(HitNotice.objects.restrict(user, "list").values_list("pk", flat=True))


@pytest.fixture
def readers():
    gtm = f.user("GTM", "focal_point")
    other_inst = f.institution("GTM", Institution.Type.MIGRATION, name="Migración GTM")
    return {"owner": gtm, "same_country": f.user("GTM", "focal_point", inst=other_inst),
            "analyst": f.user("GTM", "analyst", inst=gtm.institution), "mex": f.user("MEX", "focal_point"),
            "usa": f.user("USA", "focal_point")}


def _reshare(owner, record, level, group):
    return do_change_sharing(owner, type(record).objects.unrestricted(reason="test").get(pk=record.pk),
                             distribution=level, sharing_group=group if level == Distribution.GROUP else None)


def _assert_same(monkeypatch, readers, notices):
    for name, user in readers.items():
        joined, copied = _joined(monkeypatch, user), _copied(user)
        assert copied == joined, (name, copied ^ joined)
    # Something is visible at all (the comparison is not between two empty sets).
    assert set(notices) & _copied(readers["owner"])


def test_every_sharing_of_person_and_case_gives_the_rows_the_joined_policy_gave(monkeypatch, readers):
    owner = readers["owner"]
    group = do_create_sharing_group(owner, name="GTM-MEX", countries=[f.country("GTM"), f.country("MEX")])
    notices = [_hit(owner, readers["usa"], distribution=level)[0] for level in LEVELS if level != Distribution.GROUP]
    _assert_same(monkeypatch, readers, [n.pk for n in notices])
    notice = notices[-1]  # person and case on the network: re-share each through every level, in turn
    person = notice.own_person
    for person_level, case_level in itertools.product(LEVELS, LEVELS):
        _reshare(owner, person.case, Distribution.NETWORK, group)  # so that the person may take any level
        _reshare(owner, person, person_level, group)
        _reshare(owner, person.case, case_level, group)
        _assert_same(monkeypatch, readers, [notice.pk])
        row = HitNotice.objects.unrestricted(reason="test").get(pk=notice.pk)
        narrowed = Distribution.INSTITUTION in (person_level, case_level)
        assert (row.distribution, row.narrowed_by_parent) == (
            (Distribution.INSTITUTION, True) if narrowed else (Distribution.COUNTRY, False))


def test_the_owners_own_narrowing_is_kept_when_the_person_widens_again(monkeypatch, readers):
    owner = readers["owner"]
    notice, _theirs = _hit(owner, readers["usa"], distribution=Distribution.COUNTRY)
    notice = do_change_sharing(owner, notice, distribution=Distribution.INSTITUTION)
    _reshare(owner, notice.own_person, Distribution.INSTITUTION, None)
    _reshare(owner, notice.own_person, Distribution.COUNTRY, None)
    row = HitNotice.objects.unrestricted(reason="test").get(pk=notice.pk)
    assert (row.distribution, row.narrowed_by_parent) == (Distribution.INSTITUTION, False)
    _assert_same(monkeypatch, readers, [notice.pk])


def test_a_notice_cannot_be_widened_past_its_person_or_beyond_its_country(readers):
    from django.core.exceptions import ValidationError

    owner = readers["owner"]
    notice, _theirs = _hit(owner, readers["usa"], distribution=Distribution.INSTITUTION)
    assert notice.distribution == Distribution.INSTITUTION
    with pytest.raises(ValidationError):
        do_change_sharing(owner, notice, distribution=Distribution.COUNTRY)
    wide, _theirs = _hit(owner, readers["usa"], distribution=Distribution.NETWORK)
    with pytest.raises(ValidationError):
        do_change_sharing(owner, wide, distribution=Distribution.NETWORK)
    assert HitNotice.objects.unrestricted(reason="test").get(pk=wide.pk).distribution == Distribution.COUNTRY


def test_the_page_and_the_api_follow_a_narrowed_case_on_the_next_request(readers):
    owner, colleague = readers["owner"], readers["same_country"]
    notice, _theirs = _hit(owner, readers["usa"], distribution=Distribution.COUNTRY)
    marker = notice.own_person.given_names
    page, api = f.verified_client(colleague), f.token_client(colleague)
    assert marker in page.get("/coincidencias/").content.decode()
    assert page.get(f"/coincidencias/{notice.pk}/").status_code == 200
    ca_case = notice.own_person.case
    _reshare(owner, ca_case, Distribution.INSTITUTION, None)
    assert marker not in page.get("/coincidencias/").content.decode()
    assert page.get(f"/coincidencias/{notice.pk}/").status_code == 404
    assert api.get(f"/api/v1/hits/{notice.pk}/").status_code == 404
    assert notice.pk not in {r["id"] for r in api.get("/api/v1/hits/?limit=100").json()["results"]}
    assert f.verified_client(owner).get(f"/coincidencias/{notice.pk}/").status_code == 200


def test_the_migration_narrows_existing_notices_to_what_the_joined_policy_showed(monkeypatch, readers):
    import importlib

    owner = readers["owner"]
    group = do_create_sharing_group(owner, name="GTM-MEX", countries=[f.country("GTM"), f.country("MEX")])
    made = {level: _hit(owner, readers["usa"], distribution=level)[0] for level in LEVELS if level != Distribution.GROUP}
    rows = HitNotice.objects.unrestricted(reason="test")
    # Notices written before the copy: country- or group-wide whatever their person and case said.
    rows.filter(pk=made[Distribution.INSTITUTION].pk).update(distribution=Distribution.COUNTRY)
    rows.filter(pk=made[Distribution.COUNTRY].pk).update(distribution=Distribution.GROUP, sharing_group=group)
    rows.filter(pk=made[Distribution.NETWORK].pk).update(distribution=Distribution.NETWORK)
    before = {name: _joined(monkeypatch, user) for name, user in readers.items()}
    migration = importlib.import_module("enlace.matching.migrations.0006_hit_audience_on_notice")
    migration.narrow_existing(django_apps, None)
    for name, user in readers.items():
        assert _copied(user) == before[name], name
    assert rows.get(pk=made[Distribution.INSTITUTION].pk).narrowed_by_parent
    assert rows.get(pk=made[Distribution.NETWORK].pk).distribution == Distribution.NETWORK  # all three network


def test_a_deleted_case_entity_leaves_no_notice_behind(readers):
    """The copy never outlives what it copies: a notice goes with its person (cascade)."""
    owner = readers["owner"]
    notice, _theirs = _hit(owner, readers["usa"])
    ca.do_delete_entity(owner, notice.own_person)
    assert not HitNotice.objects.unrestricted(reason="test").filter(pk=notice.pk).exists()
