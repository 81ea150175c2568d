"""Hit/no-hit through HTTP and the API: each side learns that a match exists, never the other record."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from enlace.cases import actions as cases
from enlace.matching.models import HitNotice, ReleasedRecord
from enlace.matching.services import reset_index
from enlace.sharing.actions import do_change_sharing
from enlace.sharing.policy import Distribution
from enlace.sharing.testing import ProtectedModelContract
from enlace.testing import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index():
    reset_index()
    yield
    reset_index()


def _person(user, *, given, s1, s2, dob, passport, phone="", distribution=Distribution.INSTITUTION, title="Caso"):
    case = cases.do_create_case(user, title=title, case_type="smuggling", distribution=distribution)
    case = cases.do_set_case_matching(user, case, allow=True)  # the owner consents to hit/no-hit matching
    person = cases.do_add_entity(user, case, schema="Person", role="suspect", given_names=given, surname_1=s1,
                                 surname_2=s2, dob=dt.date.fromisoformat(dob), nationality="GTM", sex="M",
                                 phones=[phone] if phone else [])
    doc = cases.do_add_entity(user, case, schema="Passport", doc_number=passport, doc_type="passport",
                              doc_country="GTM")
    cases.do_add_link(user, case, kind="holds_document", source=person, target=doc)
    return case, person


@pytest.fixture
def hit(django_capture_on_commit_callbacks):
    gtm, mex = f.user("GTM", "focal_point"), f.user("MEX", "focal_point")
    with django_capture_on_commit_callbacks(execute=True):
        _case_g, jose_g = _person(gtm, given="José Luis", s1="Hernández", s2="Pérez", dob="1988-03-07",
                                  passport="G12345678", title="Red de Huehuetenango")
    with django_capture_on_commit_callbacks(execute=True):
        _case_m, jose_m = _person(mex, given="Jose Luis", s1="Hernandez", s2="", dob="1988-07-03",
                                  passport="G 1234 5678", title="Tapachula 2026")
    return gtm, mex, jose_g, jose_m


def test_saving_a_person_produces_a_hit_for_both_sides(hit):
    gtm, mex, jose_g, jose_m = hit
    g_notice = HitNotice.objects.restrict(gtm, "view").get()
    m_notice = HitNotice.objects.restrict(mex, "view").get()
    assert g_notice.own_person == jose_g and g_notice.other_country.code == "MEX"
    assert m_notice.own_person == jose_m and m_notice.other_country.code == "GTM"
    assert g_notice.probability >= 0.9
    # Each explanation speaks only of fields that side holds: Mexico has no second surname.
    assert "surname_2" not in m_notice.explanation
    assert "doc_number" in g_notice.explanation


def test_a_hit_never_reveals_the_other_record(hit):
    gtm, mex, jose_g, jose_m = hit
    c = f.verified_client(mex)
    notice = HitNotice.objects.restrict(mex, "view").get()
    page = c.get(f"/coincidencias/{notice.pk}/").content.decode()
    assert "Guatemala" in page
    assert "Pérez" not in page and "Red de Huehuetenango" not in page and jose_g.case.reference not in page
    api = f.token_client(mex).get(f"/api/v1/hits/{notice.pk}/").content.decode()
    assert jose_m.case.reference in api  # its own record, yes
    for secret in ("Pérez", "Huehuetenango", jose_g.case.reference, f"cases.person.{jose_g.pk}", "G12345678"):
        assert secret not in api and secret not in page
    # The Guatemalan notice itself is a 404 for Mexico, and a third country sees nothing at all.
    g_notice = HitNotice.objects.restrict(gtm, "view").get()
    assert c.get(f"/coincidencias/{g_notice.pk}/").status_code == 404
    pan = f.verified_client(f.user("PAN", "focal_point"))
    assert "No hay coincidencias" in pan.get("/coincidencias/").content.decode()
    assert f.token_client(f.user("PAN", "focal_point")).get("/api/v1/hits/").json()["count"] == 0


def test_judgements_are_kept_and_never_re_proposed(hit, django_capture_on_commit_callbacks):
    gtm, mex, jose_g, _jose_m = hit
    notice = HitNotice.objects.restrict(gtm, "view").get()
    c = f.verified_client(gtm)
    r = c.post(f"/coincidencias/{notice.pk}/revisar/", {"verdict": "not_same", "note": "hermanos"})
    assert r.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        cases.do_update_entity(gtm, jose_g, surname_2="Pérez López")
    call_command("match-all", stdout=io.StringIO())
    notice.refresh_from_db()
    assert notice.status == "not_same" and HitNotice.objects.restrict(gtm, "view").count() == 1


def test_release_only_with_the_owners_approval(hit):
    gtm, mex, _jose_g, _jose_m = hit
    m_notice = HitNotice.objects.restrict(mex, "view").get()
    g_notice = HitNotice.objects.restrict(gtm, "view").get()
    mc, gc = f.verified_client(mex), f.verified_client(gtm)
    r = mc.post(f"/coincidencias/{m_notice.pk}/solicitar-datos/", {"purpose": "corto"})
    assert r.status_code == 400 and "finalidad" in r.content.decode().lower()
    assert mc.post(f"/coincidencias/{m_notice.pk}/solicitar-datos/",
                   {"purpose": "Investigación conjunta de la red de Tapachula"}).status_code == 302
    assert not ReleasedRecord.objects.restrict(mex, "view").exists()
    # Mexico cannot approve its own request on Guatemala's behalf.
    assert mc.post(f"/coincidencias/{g_notice.pk}/decidir/", {"decision": "approve"}).status_code == 404
    page = gc.get(f"/coincidencias/{g_notice.pk}/").content.decode()
    assert "Investigación conjunta" in page
    assert gc.post(f"/coincidencias/{g_notice.pk}/decidir/", {"decision": "approve"}).status_code == 302
    released = ReleasedRecord.objects.restrict(mex, "view").get()
    assert released.content["surname_2"] == "Pérez"
    assert "Pérez" in mc.get(f"/coincidencias/{m_notice.pk}/").content.decode()
    assert not ReleasedRecord.objects.restrict(f.user("PAN", "focal_point"), "view").exists()


def test_withdrawn_records_stop_producing_hits(hit, django_capture_on_commit_callbacks):
    gtm, mex, jose_g, _ = hit
    with django_capture_on_commit_callbacks(execute=True):
        cases.do_set_case_matching(gtm, jose_g.case, allow=False)
    assert set(HitNotice.objects.unrestricted(reason="test").values_list("status", flat=True)) == {"withdrawn"}
    with django_capture_on_commit_callbacks(execute=True):
        _person(f.user("MEX", "focal_point"), given="José Luis", s1="Hernández", s2="Pérez", dob="1988-03-07",
                passport="G12345678")
    assert not HitNotice.objects.restrict(gtm, "view").exclude(status="withdrawn").exists()


def test_siblings_are_not_a_hit(django_capture_on_commit_callbacks):
    gtm, hnd = f.user("GTM", "focal_point"), f.user("HND", "focal_point")
    with django_capture_on_commit_callbacks(execute=True):
        _person(gtm, given="María José", s1="Ramírez", s2="Castillo", dob="1990-02-11", passport="G11111111")
    with django_capture_on_commit_callbacks(execute=True):
        _person(hnd, given="Ana Lucía", s1="Ramírez", s2="Castillo", dob="1992-06-30", passport="H22222222")
    assert not HitNotice.objects.unrestricted(reason="test").exists()


def test_link_records_command_writes_only_cross_country_pairs(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(
        "record_id,source_country,given_names,surname_1,surname_2,sex,dob,nationality,doc_type,doc_number,phone\n"
        "a1,GTM,José Luis,Hernández,Pérez,M,1988-03-07,GTM,passport,G12345678,+50255551234\n"
        "b1,MEX,Jose Luis,Hernandez,,M,1988-07-03,GTM,passport,G12345678,\n"
        "a2,GTM,José Luis,Hernández,Pérez,M,1988-03-07,GTM,passport,G12345678,\n", encoding="utf-8")
    out = tmp_path / "pairs.csv"
    call_command("link-records", str(src), "-o", str(out), stdout=io.StringIO())
    lines = out.read_text().splitlines()
    assert lines[0] == "record_id_l,record_id_r,match_probability"
    pairs = {tuple(sorted(line.split(",")[:2])) for line in lines[1:]}
    assert ("a1", "b1") in pairs and ("a2", "b1") in pairs and ("a1", "a2") not in pairs


class TestHitNoticeContract(ProtectedModelContract):
    model = HitNotice
    list_url = "/coincidencias/"
    api_list_url = "/api/v1/hits/"

    def make_record(self, owner, distribution, sharing_group=None):
        import uuid

        other = f.user("USA", "focal_point")
        tag = uuid.uuid4().hex[:6]
        case, person = _person(owner, given=f"Marcador{tag}", s1="Quispe", s2="Mamani", dob="1979-01-02",
                               passport=f"P{tag}", distribution=Distribution.NETWORK)
        _c2, other_person = _person(other, given=f"Marcador{tag}", s1="Quispe", s2="Mamani", dob="1979-01-02",
                                    passport=f"P{tag}", distribution=Distribution.COUNTRY)
        from enlace.matching.actions import do_record_hit

        from enlace.matching.actions import do_request_release

        own, rec = person.to_match_record(), other_person.to_match_record()
        do_record_hit(person, own, other_person, rec, 0.99, {"doc_number": "exact"})
        # The other side asks for the details: every decision of the owner is open on this notice.
        theirs = HitNotice.objects.unrestricted(reason="test").get(own_person=other_person)
        do_request_release(other, theirs, "Investigación conjunta de la red")
        notice = HitNotice.objects.unrestricted(reason="test").get(own_person=person)
        from enlace.sharing.actions import do_change_sharing

        if distribution != notice.distribution:
            notice = do_change_sharing(owner, notice, distribution=distribution, sharing_group=sharing_group)
        return notice

    def marker(self, record):
        return record.own_person.given_names

    def detail_url(self, record):
        return f"/coincidencias/{record.pk}/"

    def api_detail_url(self, record):
        return f"/api/v1/hits/{record.pk}/"

    def decisions(self, record):
        from enlace.matching import actions as ma

        return [
            ("judge", lambda user, n: ma.do_judge_hit(user, n, "same")),
            ("request_release", lambda user, n: ma.do_request_release(user, n, "Investigación conjunta de la red")),
            ("decide_release", lambda user, n: ma.do_decide_release(user, n, True)),
            ("decline_release", lambda user, n: ma.do_decide_release(user, n, False)),
            ("share", lambda user, n: do_change_sharing(user, n, distribution=Distribution.INSTITUTION)),
        ]


def test_case_edits_re_check_persons_only_when_consent_or_status_change(hit, django_capture_on_commit_callbacks):
    from enlace.audit.models import AuditEvent

    gtm, _mex, jose_g, _jose_m = hit
    system_reads = AuditEvent.objects.filter(kind="system_read")
    start = system_reads.count()
    with django_capture_on_commit_callbacks(execute=True):
        cases.do_update_case(gtm, jose_g.case, title="Otro título", summary="Otro resumen")
    assert system_reads.count() == start  # nothing matching-relevant changed: no person was re-read
    with django_capture_on_commit_callbacks(execute=True):
        cases.do_update_case(gtm, jose_g.case, status="withdrawn")
    assert system_reads.count() > start
    assert set(HitNotice.objects.unrestricted(reason="test").values_list("status", flat=True)) == {"withdrawn"}
