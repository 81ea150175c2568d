"""Sharing matrix extended with agreements: a record shared under a GTM–HND agreement reaches Honduras on
every surface (detail, list, count, search, export, match) and never Panamá, the ST or IOM; suspension and
expiry cut access on the next request; onward sharing outside the agreement is refused."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from enlace.core.models import Institution
from enlace.notifications.models import Notification
from enlace.sharing.actions import do_change_sharing, do_create_sharing_group
from enlace.sharing.tests.testapp.actions import do_create_bulletin
from enlace.sharing.tests.testapp.models import Bulletin
from enlace.sharing.tests.test_sharing_matrix import _observed
from enlace.testing import factories as f

from ..actions import do_share_under_agreement, do_suspend_agreement
from .helpers import agreement

SURFACES = ("view", "list", "count", "search", "export")


def _sees(user, record) -> dict:
    seen = _observed(f.verified_client(user), f.token_client(user), record)
    seen["match"] = Bulletin.objects.restrict(user, "match").filter(pk=record.pk).exists()
    return seen


@pytest.fixture
def world(db):
    owner = f.user("GTM", "focal_point")
    viewers = {"hnd": f.user("HND", "focal_point"), "pan": f.user("PAN", "focal_point"),
               "st": f.user("CRM", "focal_point", inst=Institution.objects.get(acronym="ST-CRM")),
               "iom": f.user("IOM", "focal_point", inst=Institution.objects.get(acronym="OIM"))}
    return owner, viewers


def test_only_the_parties_see_what_was_shared_under_the_agreement(world):
    owner, viewers = world
    a = agreement(("GTM", "HND"))
    record = do_create_bulletin(owner, title="Boletin-acuerdo-xq", distribution="country")
    share = do_share_under_agreement(owner, record, a, purpose="investigation")
    record.refresh_from_db()
    assert record.sharing_group_id == a.exchange_group_id and record.handling_no_onward_sharing
    assert "Acuerdo n.º" in record.handling_other and share.purpose == "investigation"
    assert all(_sees(viewers["hnd"], record).values())
    for name in ("pan", "st", "iom"):
        seen = _sees(viewers[name], record)
        assert not any(seen.values()), (name, seen)
    # Honduras without standing (no in-force Cancillería authorisation) sees nothing either.
    assert not any(_sees(f.user("HND", "focal_point", authorised=False), record).values())


def test_suspension_cuts_access_on_the_next_request_and_tells_the_owner(world):
    owner, viewers = world
    chancery = f.user("GTM", "cancilleria")
    a = agreement(("GTM", "HND"), chancery=chancery)
    record = do_create_bulletin(owner, title="Boletin-suspendido-xq", distribution="country")
    do_share_under_agreement(owner, record, a, purpose="investigation")
    client = f.verified_client(viewers["hnd"])
    assert client.get(f"/prueba-expedientes/boletines/{record.pk}/").status_code == 200
    r = f.verified_client(chancery).post(f"/acuerdos/{a.pk}/suspender/")
    assert r.status_code == 302
    assert client.get(f"/prueba-expedientes/boletines/{record.pk}/").status_code == 404
    assert not any(_sees(viewers["hnd"], record).values())
    assert _sees(owner, record)["view"]  # nothing of the owner's is lost
    assert Notification.objects.filter(recipient=owner, kind="agreements.stopped").exists()


def test_expired_agreement_cuts_access_on_the_next_request(world):
    owner, viewers = world
    today = timezone.localdate()
    a = agreement(("GTM", "HND"), ends_on=today)
    record = do_create_bulletin(owner, title="Boletin-vence-xq", distribution="country")
    do_share_under_agreement(owner, record, a, purpose="investigation")
    assert all(_sees(viewers["hnd"], record).values())
    # Two days later (the officials' own authorisations are still in force): the agreement's end date
    # alone cuts the audience, before any periodic task ran.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2), tick=True):
        seen = _sees(viewers["hnd"], record)
        assert not any(seen.values()), seen
        from enlace.agreements.tasks import run_agreement_tasks

        assert run_agreement_tasks() == {"expired": 1, "stopped": 1}
        assert Notification.objects.filter(recipient=owner, kind="agreements.stopped").exists()


def test_onward_sharing_outside_the_agreement_is_refused(world):
    owner, viewers = world
    a = agreement(("GTM", "HND"))
    record = do_create_bulletin(owner, title="Boletin-reenvio-xq", distribution="country")
    do_share_under_agreement(owner, record, a, purpose="investigation")
    other = do_create_sharing_group(owner, name="GTM+PAN", countries=[f.country("PAN")])
    for kwargs in ({"distribution": "network"}, {"distribution": "group", "sharing_group": other}):
        with pytest.raises(ValidationError) as exc:
            do_change_sharing(owner, Bulletin.objects.restrict(owner, "view").get(pk=record.pk), **kwargs)
        assert "no puede transmitirse fuera" in str(exc.value)
    assert not any(_sees(viewers["pan"], record).values())
    # Narrowing stays possible.
    do_change_sharing(owner, Bulletin.objects.restrict(owner, "view").get(pk=record.pk), distribution="country")
    assert not _sees(viewers["hnd"], record)["view"]


def test_a_purpose_outside_the_agreement_or_a_non_party_shares_nothing(world):
    owner, viewers = world
    a = agreement(("GTM", "HND"), purposes=("investigation",))
    record = do_create_bulletin(owner, title="Boletin-fin-xq", distribution="country")
    with pytest.raises(ValidationError) as exc:
        do_share_under_agreement(owner, record, a, purpose="statistics")
    assert "no está permitido" in str(exc.value)
    pan_owner = f.user("PAN", "focal_point")
    pan_record = do_create_bulletin(pan_owner, title="Boletin-pan-xq", distribution="country")
    with pytest.raises(ValidationError):
        do_share_under_agreement(pan_owner, pan_record, a, purpose="investigation")
    record.refresh_from_db()
    assert record.distribution == "country"
    assert not _sees(viewers["hnd"], record)["view"]


def test_onward_sharing_is_refused_on_every_save_path_not_only_in_the_re_share_action(world):
    """A domain action that forgets ``check_onward_sharing`` still cannot widen the record: the model's
    ``save`` refuses. The same save under an ordinary group widens fine (the check is not a blanket ban)."""
    owner, viewers = world
    a = agreement(("GTM", "HND"))
    record = do_create_bulletin(owner, title="Boletin-save-xq", distribution="country")
    do_share_under_agreement(owner, record, a, purpose="investigation")
    stored = Bulletin.objects.restrict(owner, "view").get(pk=record.pk)
    stored.distribution = "network"
    stored.sharing_group = None
    with pytest.raises(ValidationError) as exc:
        stored.save()
    assert "no puede transmitirse fuera" in str(exc.value)
    assert not any(_sees(viewers["pan"], record).values())
    # Narrowing by a plain save is allowed.
    stored = Bulletin.objects.restrict(owner, "view").get(pk=record.pk)
    stored.distribution, stored.sharing_group = "country", None
    stored.save()
    # Test of the test: a record under a group that no agreement or team produced can be widened.
    plain_group = do_create_sharing_group(owner, name="GTM+PAN", countries=[f.country("PAN")])
    other = do_create_bulletin(owner, title="Boletin-libre-xq", distribution="country")
    do_change_sharing(owner, other, distribution="group", sharing_group=plain_group)
    other = Bulletin.objects.restrict(owner, "view").get(pk=other.pk)
    other.distribution, other.sharing_group = "network", None
    other.save()
    assert Bulletin.objects.unrestricted(reason="test").get(pk=other.pk).distribution == "network"
