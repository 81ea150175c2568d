"""Writes, decisions and cross-border standing are decided by the one policy."""

import datetime

import pytest
from django.http import Http404

from enlace.directory.models import Contact
from enlace.sharing import policy
from enlace.sharing.access import access_by_id, require
from enlace.sharing.actions import do_change_sharing
from enlace.sharing.models import SharingGroupCountry
from enlace.sharing.tests.testapp.actions import do_create_dossier
from enlace.sharing.tests.testapp.models import Dossier
from enlace.testing import factories as f

pytestmark = pytest.mark.django_db


def visible(user, record, action="view"):
    return Dossier.objects.restrict(user, action).filter(pk=record.pk).exists()


def test_cross_border_needs_an_authorisation_in_force_and_its_end_counts_at_once():
    owner = f.user("GTM", "focal_point")
    shared = do_create_dossier(owner, title="red", distribution="network")
    reader = f.user("HND", "focal_point")
    unauthorised = f.user("HND", "focal_point", authorised=False)
    colleague = f.user("GTM", "focal_point", authorised=False)
    assert visible(reader, shared)
    assert not visible(unauthorised, shared)          # another country's network record
    assert visible(colleague, shared)                 # own country: no authorisation needed
    client = f.verified_client(reader)
    assert client.get(f"/prueba-expedientes/expedientes/{shared.pk}/").status_code == 200
    Contact.objects.filter(user=reader).update(status=Contact.Status.REVOKED)
    assert not visible(reader, shared)
    assert client.get(f"/prueba-expedientes/expedientes/{shared.pk}/").status_code == 404
    # Expiry is the same as revocation.
    Contact.objects.filter(user=reader).update(status=Contact.Status.ACTIVE,
                                               valid_until=datetime.date.today() - datetime.timedelta(days=1))
    assert not visible(reader, shared)


def test_group_sharing_also_needs_standing():
    owner = f.user("GTM", "focal_point")
    record = do_create_dossier(owner, title="grupo", distribution="country")
    from enlace.sharing.actions import do_create_sharing_group

    group = do_create_sharing_group(owner, name="g", countries=[f.country("HND")])
    do_change_sharing(owner, record, distribution="group", sharing_group=group)
    assert SharingGroupCountry.objects.filter(sharinggroup=group).count() == 1
    assert visible(f.user("HND", "focal_point"), record)
    assert not visible(f.user("HND", "focal_point", authorised=False), record)


def test_writes_belong_to_the_owner_institution_and_answer_404_to_everyone_else():
    owner = f.user("GTM", "focal_point")
    record = do_create_dossier(owner, title="x", distribution="network")
    same_country_other_institution = f.user("GTM", "focal_point", inst=f.institution("GTM", "migration"))
    foreign = f.user("HND", "focal_point")
    assert visible(owner, record, "change")
    for user in (same_country_other_institution, foreign):
        assert visible(user, record, "view") and not visible(user, record, "change")
        with pytest.raises(Http404):
            access_by_id(Dossier, user, record.pk, "change")
        with pytest.raises(Http404):
            do_change_sharing(user, record, distribution="country")
    with pytest.raises(Http404):
        require(foreign, record, "delete")


def test_a_declared_decision_follows_its_rule():
    owner = f.user("GTM", "focal_point")
    record = do_create_dossier(owner, title="x", distribution="network")
    other_gtm = f.user("GTM", "focal_point", inst=f.institution("GTM", "migration"))
    secretariat = f.user("CRM", "focal_point")
    foreign = f.user("HND", "focal_point")
    assert policy.can(other_gtm, record, "validate")       # owner country
    assert policy.can(secretariat, record, "validate")      # the ST
    assert policy.is_secretariat(secretariat) and not policy.is_secretariat(foreign)
    assert not policy.can(foreign, record, "validate")
    # Without the rule's permission nobody decides.
    assert not policy.can(f.user("GTM", "auditor"), record, "validate")


def test_an_undeclared_action_is_a_programming_error_not_a_read():
    with pytest.raises(ValueError):
        Dossier.objects.restrict(f.user("GTM", "focal_point"), "approve")


def test_unrestricted_needs_a_reason_and_audits_personal_data():
    from enlace.audit.models import AuditEvent

    with pytest.raises(ValueError):
        Dossier.objects.unrestricted(reason=" ")
    before = AuditEvent.objects.count()
    list(Dossier.objects.unrestricted(reason="índice de coincidencias"))
    event = AuditEvent.objects.get(seq__gt=before)
    assert event.kind == "system_read" and event.object_type == "sharing_testapp.dossier"
    assert event.purpose == "índice de coincidencias"
