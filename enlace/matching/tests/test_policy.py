"""Hits and releases under the one policy: cross-border standing, decisions as write rules, 404 otherwise,
constant query counts, and the cross-country contract of ``ReleasedRecord``."""

import uuid

import pytest

from enlace.core.models import Institution
from enlace.matching.actions import do_decide_release, do_record_hit, do_request_release
from enlace.matching.models import HitNotice, ReleasedRecord
from enlace.matching.services import reset_index
from enlace.sharing.policy import Distribution
from enlace.sharing.testing import ProtectedModelContract
from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries

from .test_hits import _person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index():
    reset_index()
    yield
    reset_index()


def _hit(owner, other, *, distribution=Distribution.COUNTRY, other_distribution=Distribution.COUNTRY):
    """A hit between a person of ``owner`` and one of ``other``; returns (owner's notice, other's notice)."""
    tag = uuid.uuid4().hex[:8]
    _c1, mine = _person(owner, given=f"Marcador{tag}", s1="Quispe", s2="Mamani", dob="1979-01-02",
                        passport=f"P{tag}", distribution=distribution)
    _c2, theirs = _person(other, given=f"Marcador{tag}", s1="Quispe", s2="Mamani", dob="1979-01-02",
                          passport=f"P{tag}", distribution=other_distribution)
    do_record_hit(mine, mine.to_match_record(), theirs, theirs.to_match_record(), 0.99, {"doc_number": "exact"})
    both = HitNotice.objects.unrestricted(reason="test").filter(own_person__in=[mine, theirs])
    return both.get(own_person=mine), both.get(own_person=theirs)


def _released(owner, asker, **kwargs):
    """``asker`` asked and ``owner`` approved: a record released by ``owner`` to ``asker``'s country."""
    owner_side, asker_side = _hit(owner, asker, **kwargs)
    do_request_release(asker, asker_side, "Investigación conjunta de la red")
    return do_decide_release(owner, owner_side, True), owner_side, asker_side


def _revoke(user):
    from enlace.directory.actions import do_revoke_contact
    from enlace.directory.models import Contact

    code = user.institution.country.code
    cancilleria = f.user(code, "cancilleria", inst=f.institution(code, Institution.Type.FOREIGN_MINISTRY))
    contact = Contact.objects.restrict(cancilleria, "authorise").get(user=user)
    do_revoke_contact(cancilleria, contact, reason="Fin de funciones")


def _state(notice):
    row = HitNotice.objects.unrestricted(reason="test").get(pk=notice.pk)
    return row.status, row.release, row.release_purpose


# --- cross-border standing ---------------------------------------------------------------------------

def test_a_revoked_official_sees_no_hits_and_no_releases_and_decides_nothing():
    gtm, mex = f.user("GTM", "focal_point"), f.user("MEX", "focal_point")
    released, _g_side, m_side = _released(gtm, mex)
    # Guatemala now asks Mexico about another pair: a decision waits on Mexico's side.
    g_asks, m_decides = _hit(gtm, mex)
    do_request_release(gtm, g_asks, "Otra investigación conjunta")
    api = f.token_client(mex)
    assert api.get("/api/v1/hits/").json()["count"] == 2
    assert api.get("/api/v1/released-records/").json()["count"] == 1
    assert api.get(f"/api/v1/released-records/{released.pk}/").status_code == 200

    _revoke(mex)
    before = {n.pk: _state(n) for n in (m_side, m_decides)}
    # A fresh login after the revocation: sessions and tokens are new, the standing is gone.
    page, api = f.verified_client(mex), f.token_client(mex)
    assert "No hay coincidencias" in page.get("/coincidencias/").content.decode()
    assert api.get("/api/v1/hits/").json()["count"] == 0
    assert api.get("/api/v1/released-records/").json()["count"] == 0
    for notice in (m_side, m_decides):
        assert page.get(f"/coincidencias/{notice.pk}/").status_code == 404
        assert api.get(f"/api/v1/hits/{notice.pk}/").status_code == 404
    assert api.get(f"/api/v1/released-records/{released.pk}/").status_code == 404
    # No decision either, through the page or the API.
    assert page.post(f"/coincidencias/{m_side.pk}/revisar/", {"verdict": "same"}).status_code == 404
    assert page.post(f"/coincidencias/{m_side.pk}/solicitar-datos/",
                     {"purpose": "Una finalidad suficientemente larga"}).status_code == 404
    assert page.post(f"/coincidencias/{m_decides.pk}/decidir/", {"decision": "approve"}).status_code == 404
    r = api.post(f"/api/v1/hits/{m_side.pk}/judge/", {"verdict": "same"}, format="json")
    assert r.status_code == 404 and r.json()["error"]["status"] == 404
    assert api.post(f"/api/v1/hits/{m_side.pk}/request-release/", {"purpose": "Una finalidad larga"},
                    format="json").status_code == 404
    assert api.post(f"/api/v1/hits/{m_decides.pk}/decide-release/", {"approve": True},
                    format="json").status_code == 404
    assert {n.pk: _state(n) for n in (m_side, m_decides)} == before
    assert ReleasedRecord.objects.unrestricted(reason="test").count() == 1  # nothing released by the attempt
    # The menu does not lead there either: the page lists nothing for the revoked official.
    assert released.content["name"] not in page.get(f"/coincidencias/{m_side.pk}/").content.decode()


def test_an_official_without_standing_is_not_notified_of_hits():
    from enlace.notifications.models import Notification

    gtm = f.user("GTM", "focal_point", authorised=False)
    mex = f.user("MEX", "focal_point")
    _hit(gtm, mex)
    assert not Notification.objects.filter(recipient=gtm).exists()
    assert Notification.objects.filter(recipient=mex, kind="hit").count() == 1


# --- decisions: the owner institution only, 404 for everyone else ---------------------------------

@pytest.mark.parametrize("intruder", ["other_country", "other_institution", "analyst"])
def test_decisions_on_a_hit_are_the_owner_institutions(intruder):
    gtm, mex = f.user("GTM", "focal_point"), f.user("MEX", "focal_point")
    g_side, m_side = _hit(gtm, mex, distribution=Distribution.COUNTRY)
    do_request_release(mex, m_side, "Investigación conjunta de la red")  # a decision waits on g_side
    user = {
        "other_country": lambda: f.user("HND", "focal_point"),
        "other_institution": lambda: f.user("GTM", "prosecutor", inst=f.institution("GTM", Institution.Type.PROSECUTION)),
        "analyst": lambda: f.user("GTM", "analyst", inst=g_side.owner_institution),
    }[intruder]()
    page, api = f.verified_client(user), f.token_client(user)
    before = _state(g_side)
    assert page.post(f"/coincidencias/{g_side.pk}/revisar/", {"verdict": "same"}).status_code == 404
    assert page.post(f"/coincidencias/{g_side.pk}/solicitar-datos/",
                     {"purpose": "Una finalidad suficientemente larga"}).status_code == 404
    assert page.post(f"/coincidencias/{g_side.pk}/decidir/", {"decision": "approve"}).status_code == 404
    for path, body in (("judge", {"verdict": "same"}), ("request-release", {"purpose": "Una finalidad larga"}),
                       ("decide-release", {"approve": True})):
        r = api.post(f"/api/v1/hits/{g_side.pk}/{path}/", body, format="json")
        assert r.status_code == 404 and r.json()["error"]["status"] == 404, (path, r.status_code)
    assert _state(g_side) == before
    assert not ReleasedRecord.objects.unrestricted(reason="test").exists()
    # Whoever may read the notice without deciding on it is shown no decision button.
    if intruder != "other_country":
        html = page.get(f"/coincidencias/{g_side.pk}/").content.decode()
        assert "/decidir/" not in html and "/revisar/" not in html and "/solicitar-datos/" not in html
    # The owner institution may, through the API, with one audit event.
    from enlace.audit.models import AuditEvent

    owner_api = f.token_client(gtm)
    r = owner_api.post(f"/api/v1/hits/{g_side.pk}/judge/", {"verdict": "same"}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "same"
    assert AuditEvent.objects.filter(object_type="matching.hitnotice", object_id=str(g_side.pk),
                                     detail__do="do_judge_hit").count() == 1
    assert owner_api.post(f"/api/v1/hits/{g_side.pk}/decide-release/", {"approve": False},
                          format="json").status_code == 204
    assert _state(g_side)[1] == "declined"


def test_bad_decision_input_is_a_400_with_the_uniform_body():
    gtm, mex = f.user("GTM", "focal_point"), f.user("MEX", "focal_point")
    g_side, _m = _hit(gtm, mex)
    api = f.token_client(gtm)
    r = api.post(f"/api/v1/hits/{g_side.pk}/decide-release/", {"approve": True}, format="json")
    assert r.status_code == 400 and "release" in r.json()["error"]["fields"]
    r = api.post(f"/api/v1/hits/{g_side.pk}/judge/", {"verdict": "quizá"}, format="json")
    assert r.status_code == 400 and "verdict" in r.json()["error"]["fields"]
    r = api.post(f"/api/v1/hits/{g_side.pk}/request-release/", ["no", "un", "objeto"], format="json")
    assert r.status_code == 400


def test_opening_a_hit_and_deciding_write_one_event_each():
    from enlace.audit.models import AuditEvent

    gtm, mex = f.user("GTM", "focal_point"), f.user("MEX", "focal_point")
    g_side, m_side = _hit(gtm, mex)
    mc = f.verified_client(mex)
    start = AuditEvent.objects.count()
    assert mc.get(f"/coincidencias/{m_side.pk}/").status_code == 200
    assert AuditEvent.objects.count() == start + 1  # the read, nothing else
    assert mc.post(f"/coincidencias/{m_side.pk}/solicitar-datos/",
                   {"purpose": "Investigación conjunta de la red"}).status_code == 302
    events = AuditEvent.objects.filter(seq__gt=start + 1, actor=mex).order_by("seq")
    assert [e.detail.get("do") for e in events] == ["do_request_release", "do_notify"]


# --- query counts --------------------------------------------------------------------------------------

def test_hit_list_page_and_api_run_constant_queries():
    gtm, usa = f.user("GTM", "focal_point"), f.user("USA", "focal_point")
    _hit(gtm, usa)

    def add(n):
        for _i in range(n):
            _hit(gtm, usa)

    for client in (f.verified_client(gtm), f.verified_client(usa)):
        assert_constant_queries(client, "/coincidencias/", add, more=5)
        assert_constant_queries(client, "/coincidencias/?status=open", add, more=5)
    for client in (f.token_client(gtm), f.token_client(usa)):
        assert_constant_queries(client, "/api/v1/hits/?limit=100", add, more=5)


def test_released_records_api_runs_constant_queries():
    gtm, usa = f.user("GTM", "focal_point"), f.user("USA", "focal_point")
    _released(gtm, usa)

    def add(n):
        for _i in range(n):
            _released(gtm, usa)

    assert_constant_queries(f.token_client(usa), "/api/v1/released-records/?limit=100", add, more=3)
    assert_constant_queries(f.token_client(gtm), "/api/v1/released-records/?limit=100", add, more=3)


# --- the cross-country contract of ReleasedRecord --------------------------------------------------------

class TestReleasedRecordContract(ProtectedModelContract):
    """A release owned by Guatemala (A); sharing it further or back is the owner's decision."""

    model = ReleasedRecord

    api_list_url = "/api/v1/released-records/"

    def make_record(self, owner, distribution, sharing_group=None):
        from enlace.sharing.actions import do_change_sharing

        released, _o, _a = _released(owner, f.user("USA", "focal_point"))
        return do_change_sharing(owner, released, distribution=distribution, sharing_group=sharing_group)

    def marker(self, record):
        return record.content["given_names"]

    def api_detail_url(self, record):
        return f"/api/v1/released-records/{record.pk}/"

    def decisions(self, record):
        from enlace.sharing.actions import do_change_sharing

        # Withdrawing (narrowing) a release is the disclosing institution's decision; nobody edits one.
        return [("share", lambda user, r: do_change_sharing(user, r, distribution=Distribution.INSTITUTION))]
