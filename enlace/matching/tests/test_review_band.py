"""The uncertain band: pairs below the hit threshold wait for the owning institution's reviewers only;
"the same person" makes an ordinary hit on both sides, "not the same" is never proposed again."""

import importlib
import uuid

import pytest

from enlace.audit.models import AuditEvent
from enlace.matching import services
from enlace.matching.actions import do_judge_uncertain_pair, do_save_uncertain_pair
from enlace.matching.index import DatabaseIndex
from enlace.matching.models import HitNotice, UncertainPair
from enlace.sharing.testing import ProtectedModelContract
from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries

from .test_hits import _person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index():
    services.reset_index()
    yield
    services.reset_index()


def _threshold(monkeypatch, value):
    """The index the online check asks, with the hit threshold ``value`` (None: the engine's)."""
    monkeypatch.setattr(services, "get_index", lambda: DatabaseIndex(threshold=value))


@pytest.fixture
def band_pair(monkeypatch, django_capture_on_commit_callbacks):
    """Mexico saves a person whom Guatemala holds; the pair falls below the hit threshold (raised for
    the test above the pair's score), so it is an uncertain pair of Mexico's."""
    _threshold(monkeypatch, 1.01)
    gtm, mex = f.user("GTM", "focal_point"), f.user("MEX", "focal_point")
    with django_capture_on_commit_callbacks(execute=True):
        _cg, jose_g = _person(gtm, given="José Luis", s1="Hernández", s2="Pérez", dob="1988-03-07",
                              passport="G12345678", title="Red de Huehuetenango")
    with django_capture_on_commit_callbacks(execute=True):
        _cm, jose_m = _person(mex, given="Jose Luis", s1="Hernandez", s2="", dob="1988-07-03",
                              passport="G 1234 5678", title="Tapachula 2026")
    pair = UncertainPair.objects.unrestricted(reason="test").get()
    return gtm, mex, jose_g, jose_m, pair


def _queue(user, lang="es"):
    return f.verified_client(user).get("/coincidencias/revision/", HTTP_ACCEPT_LANGUAGE=lang).content.decode()


def test_a_band_pair_is_seen_only_by_the_owner_reviewers_and_the_same_makes_a_hit(band_pair):
    gtm, mex, jose_g, jose_m, pair = band_pair
    assert pair.own_person == jose_m and pair.owner_institution == mex.institution
    assert pair.status == UncertainPair.Status.OPEN and 0.05 <= pair.probability < 1.01
    # not a hit: nothing in either hit list, nothing told to Guatemala
    assert not HitNotice.objects.unrestricted(reason="test").exists()
    assert "Jose Luis" not in f.verified_client(mex).get("/coincidencias/").content.decode()
    assert not gtm.notifications.exists() and not mex.notifications.exists()
    judge_url = f"/coincidencias/revision/par/{pair.pk}/"
    assert judge_url not in _queue(gtm)
    # Mexico's reviewer sees its own record and which comparisons agreed, translated, never Guatemala's data
    page = _queue(mex)
    assert judge_url in page and jose_m.caption in page
    assert "Número de documento" in page and "Pérez" not in page and "Huehuetenango" not in page
    assert "G12345678" not in page and "1988-03-07" not in page
    english = _queue(mex, "en")
    assert "Document number" in english and "Número de documento" not in english
    # Guatemala may not judge it, an analyst of Mexico may not either (404: it does not exist for them)
    assert f.verified_client(gtm).post(judge_url, {"verdict": "same"}).status_code == 404
    analyst = f.user("MEX", "analyst", inst=mex.institution)
    assert judge_url not in _queue(analyst)
    assert f.verified_client(analyst).post(judge_url, {"verdict": "same"}).status_code == 404
    # bad input: a message, no 500, nothing changed
    assert f.verified_client(mex).post(judge_url, {"verdict": "quizá"}).status_code == 302
    assert UncertainPair.objects.unrestricted(reason="test").get(pk=pair.pk).status == UncertainPair.Status.OPEN
    # "the same person": an ordinary hit on both sides, Mexico's side already judged by the reviewer
    r = f.verified_client(mex).post(judge_url, {"verdict": "same", "note": "mismo pasaporte"})
    assert r.status_code == 302
    pair.refresh_from_db()
    assert pair.status == UncertainPair.Status.SAME and pair.judged_by == mex and pair.hit is not None
    m_side = HitNotice.objects.unrestricted(reason="test").get(own_person=jose_m)
    g_side = HitNotice.objects.unrestricted(reason="test").get(own_person=jose_g)
    assert (m_side.status, g_side.status) == (HitNotice.Status.SAME, HitNotice.Status.OPEN)
    assert pair.hit == m_side and g_side.other_country.code == "MEX"
    assert f"/coincidencias/{g_side.pk}/" in f.verified_client(gtm).get("/coincidencias/").content.decode()
    assert gtm.notifications.filter(kind="hit").count() == 1  # Guatemala learns of the hit as of any other
    assert AuditEvent.objects.filter(object_type="matching.uncertainpair", object_id=str(pair.pk)).count() >= 2
    # a judged pair leaves the queue; judging it again is refused with a message
    assert judge_url not in _queue(mex)
    assert f.verified_client(mex).post(judge_url, {"verdict": "not_same"}).status_code == 302
    assert UncertainPair.objects.unrestricted(reason="test").get(pk=pair.pk).status == UncertainPair.Status.SAME


def test_not_the_same_is_never_proposed_again_even_above_the_threshold(band_pair, monkeypatch):
    gtm, mex, jose_g, jose_m, pair = band_pair
    do_judge_uncertain_pair(mex, pair, UncertainPair.Status.NOT_SAME, "hermanos")
    # a re-estimated model now scores the pair above the hit threshold: still no hit, no new pair
    _threshold(monkeypatch, None)
    assert services.check_person(jose_m.pk) == [] and services.check_person(jose_g.pk) == []
    assert not HitNotice.objects.unrestricted(reason="test").exists()
    assert list(UncertainPair.objects.unrestricted(reason="test").values_list("status", flat=True)) == ["not_same"]
    # the verdict is a label of the next estimation
    cmd = importlib.import_module("enlace.matching.management.commands.train-matching")
    _records, same, not_same = cmd.platform_verdicts()
    assert same == [] and [{a["record_id"], b["record_id"]} for a, b in not_same] == [
        {pair.own_record_id, pair.other_record_id}]


def test_a_pair_scored_above_the_threshold_later_becomes_a_hit_and_leaves_the_queue(band_pair, monkeypatch):
    gtm, mex, jose_g, jose_m, pair = band_pair
    _threshold(monkeypatch, None)
    services.check_person(jose_m.pk)
    pair.refresh_from_db()
    assert pair.status == UncertainPair.Status.PROMOTED
    assert HitNotice.objects.unrestricted(reason="test").count() == 2
    assert f"/coincidencias/revision/par/{pair.pk}/" not in _queue(mex)


def _planted(owner, other, probability=0.6):
    tag = uuid.uuid4().hex[:8]
    _c1, mine = _person(owner, given=f"Dudoso{tag}", s1="Quispe", s2="Mamani", dob="1979-01-02", passport=f"D{tag}")
    _c2, theirs = _person(other, given=f"Otro{tag}", s1="Quispe", s2="Mamani", dob="1979-01-02", passport=f"E{tag}")
    pair, _new = do_save_uncertain_pair(mine, mine.to_match_record(), theirs.to_match_record(), probability,
                                        {"surname_1": "exact", "dob": "exact"})
    return pair


def test_review_queue_with_uncertain_pairs_runs_constant_queries():
    gtm, usa = f.user("GTM", "focal_point"), f.user("USA", "focal_point")
    _planted(gtm, usa)
    assert_constant_queries(f.verified_client(gtm), "/coincidencias/revision/",
                            lambda n: [_planted(gtm, usa, 0.3 + i / 100) for i in range(n)], more=3)


class TestUncertainPairContract(ProtectedModelContract):
    """An uncertain pair owned by a Guatemalan institution: its reviewers only; no path widens it."""

    model = UncertainPair
    list_url = "/coincidencias/revision/"

    def make_record(self, owner, distribution, sharing_group=None):
        return _planted(owner, f.user("USA", "focal_point"))

    def marker(self, record):
        return record.own_person.given_names

    def decisions(self, record):
        return [("judge", lambda user, r: do_judge_uncertain_pair(user, r, UncertainPair.Status.UNSURE))]
