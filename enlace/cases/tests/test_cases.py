"""Cases and entities as officials use them: roles, children's records, sharing, graph, map, exports, demo."""

import datetime
import json

import pytest

from enlace.audit.models import AuditEvent
from enlace.cases import actions
from enlace.cases.matching_source import match_record, matchable_persons, persons_by_pk
from enlace.cases.models import Case, Entity
from enlace.sharing.policy import Distribution
from enlace.sharing.testing import export_text
from enlace.testing import factories as f

from .helpers import add_document, add_person, make_case, uid

pytestmark = pytest.mark.django_db


def _record(person):
    """The person as the matching engine receives it (documents included)."""
    return match_record(persons_by_pk([person.pk], reason="test")[person.pk])


@pytest.fixture
def gtm():
    return f.user("GTM", "focal_point")


@pytest.fixture
def hnd():
    return f.user("HND", "focal_point")


def test_create_case_through_the_page(gtm):
    c = f.verified_client(gtm)
    r = c.post("/casos/nuevo/", {"title": "Red de prueba", "case_type": "smuggling", "status": "open",
                                 "opened_on": "2026-01-10", "source_grade": "B", "info_grade": "2",
                                 "tags": ["land-route"]})
    assert r.status_code == 302
    case = Case.objects.restrict(gtm, "view").get(title="Red de prueba")
    assert case.reference.startswith("GTM-") and case.distribution == "institution"
    assert [t.code for t in case.tags.all()] == ["land-route"]
    r = c.post("/casos/nuevo/", {"title": "Mal", "case_type": "smuggling", "status": "open",
                                 "opened_on": "2026-01-10", "closed_on": "2025-01-01", "source_grade": "B",
                                 "info_grade": "2"})
    assert r.status_code == 200 and "no puede ser anterior" in r.content.decode()
    assert 'value="Mal"' in r.content.decode()  # what was typed is kept


def test_person_role_is_required_never_defaulted(gtm):
    case = make_case(gtm)
    c = f.verified_client(gtm)
    r = c.post(f"/casos/{case.pk}/entidades/nueva/", {"schema": "Person", "given_names": "Ana",
                                                      "surname_1": "López", "allow_matching": "on"})
    assert r.status_code == 200 and "nunca se asume" in r.content.decode()
    assert not Entity.objects.restrict(gtm, "view").filter(case=case).exists()
    api = f.token_client(gtm)
    r = api.post("/api/v1/case-entities/", {"case": case.pk, "schema": "Person", "given_names": "Ana"}, format="json")
    assert r.status_code == 400 and "role" in r.json()["error"]["fields"]
    r = api.post("/api/v1/case-entities/", {"case": case.pk, "schema": "Person", "given_names": "Ana",
                                            "role": "trafficking_victim"}, format="json")
    assert r.status_code == 201 and r.json()["role"] == "trafficking_victim"
    assert Entity._meta.get_field("role").default in ("", None) or not Entity._meta.get_field("role").has_default()


def test_role_review_is_recorded(gtm):
    case = make_case(gtm)
    person = add_person(gtm, case, role="smuggled_migrant")
    c = f.verified_client(gtm)
    r = c.post(f"/casos/entidades/{person.pk}/revisar-funcion/", {"role": "related_victim"})
    assert r.status_code == 302
    person.refresh_from_db()
    assert person.role == "related_victim" and person.role_reviewed and person.role_reviewed_by == gtm
    assert AuditEvent.objects.filter(object_id=str(person.pk), kind="write",
                                     detail__do="do_review_role").count() == 1


def test_child_records_stay_narrow_until_a_reviewed_widening(gtm, hnd):
    case = make_case(gtm, distribution=Distribution.COUNTRY)
    adult = add_person(gtm, case, surname_1=uid("Adulto"))
    child = add_person(gtm, case, role="smuggled_migrant", surname_1=uid("Menor"), dob=datetime.date(2015, 1, 1),
                       phones=["+502 5555 0000"])
    doc = add_document(gtm, case, child, number=uid("N"))
    assert child.child_protection and child.distribution == Distribution.INSTITUTION
    doc.refresh_from_db()
    assert doc.child_protection and doc.distribution == Distribution.INSTITUTION
    actions.do_change_case_sharing(gtm, case, distribution=Distribution.NETWORK)
    adult.refresh_from_db()
    child.refresh_from_db()
    assert adult.distribution == Distribution.NETWORK and child.distribution == Distribution.INSTITUTION
    reader = f.verified_client(hnd)
    assert reader.get(f"/casos/entidades/{adult.pk}/").status_code == 200
    assert reader.get(f"/casos/entidades/{child.pk}/").status_code == 404
    assert child.surname_1 not in reader.get(f"/casos/{case.pk}/").content.decode()
    owner = f.verified_client(gtm)
    # Not beyond the country without the reviewed action.
    with pytest.raises(Exception):
        actions.do_change_entity_sharing(gtm, child, distribution=Distribution.NETWORK)
    r = owner.post(f"/casos/entidades/{child.pk}/distribucion/", {"distribution": "network", "justification": "corto"})
    assert r.status_code == 200 and "interés superior" in r.content.decode()
    child.refresh_from_db()
    assert child.distribution == Distribution.INSTITUTION
    r = owner.post(f"/casos/entidades/{child.pk}/distribucion/", {
        "distribution": "network", "confirmed": "on",
        "justification": "Búsqueda de familiares en el país de destino con la Procuraduría de la Niñez."})
    assert r.status_code == 302
    child.refresh_from_db()
    assert child.distribution == Distribution.NETWORK
    assert reader.get(f"/casos/entidades/{child.pk}/").status_code == 200
    assert AuditEvent.objects.filter(object_id=str(child.pk), kind="sharing",
                                     detail__reviewed_widening=True).exists()


def test_unshared_case_entities_never_reach_another_country(gtm, hnd):
    """Search, graph (incl. linked cases), exports and API of another country never show an unshared case."""
    shared = make_case(gtm, distribution=Distribution.NETWORK)
    add_person(gtm, shared, surname_1=uid("Visible"), phones=["+504 9876 5432"])
    secret_case = make_case(hnd, distribution=Distribution.COUNTRY)
    secret = add_person(hnd, secret_case, surname_1=uid("Secreto"), phones=["+504 9876 5432"])
    secret_doc = add_document(hnd, secret_case, secret, number=uid("HN"))
    g = f.verified_client(gtm)
    api = f.token_client(gtm)
    assert secret.surname_1 not in g.get(f"/casos/entidades/?q={secret.surname_1[-8:]}").content.decode()
    assert secret_doc.doc_number not in g.get(f"/casos/entidades/?q={secret_doc.doc_number[2:]}").content.decode()
    graph = g.get(f"/casos/{shared.pk}/grafo/?vinculados=1").content.decode()
    assert secret.surname_1 not in graph and secret_case.reference not in graph
    assert g.get(f"/casos/{secret_case.pk}/grafo/").status_code == 404
    assert g.get(f"/casos/{secret_case.pk}/mapa/").status_code == 404
    assert g.get(f"/casos/{secret_case.pk}/exportar.xlsx").status_code == 404
    assert g.get(f"/casos/{secret_case.pk}/exportar.ftm.json").status_code == 404
    assert secret_case.title not in export_text(g.get("/casos/exportar/"))
    for url in ("/api/v1/case-entities/", f"/api/v1/case-entities/?q={secret.surname_1}",
                "/api/v1/case-links/", "/api/v1/cases/"):
        assert secret.surname_1 not in api.get(url).content.decode()
        assert secret_case.title not in api.get(url).content.decode()
    assert api.get(f"/api/v1/cases/{secret_case.pk}/ftm/").status_code == 404
    assert api.get(f"/api/v1/case-entities/{secret.pk}/").status_code == 404
    # Once shared, the linked-cases graph finds it through the shared phone.
    actions.do_change_case_sharing(hnd, secret_case, distribution=Distribution.NETWORK)
    graph = g.get(f"/casos/{shared.pk}/grafo/?vinculados=1").content.decode()
    assert secret_case.reference in graph and secret.surname_1 in graph


def test_graph_and_map_pages(gtm):
    case = make_case(gtm)
    a = add_person(gtm, case, phones=["+502 1111 2222"])
    add_document(gtm, case, a)
    actions.do_add_route_leg(gtm, case, order=1, from_place="Huehuetenango", to_place="Tapachula", from_lat=15.3,
                             from_lon=-91.4, to_lat=14.9, to_lon=-92.2, means="bus")
    c = f.verified_client(gtm)
    r = c.get(f"/casos/{case.pk}/grafo/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "cases/vendor/cytoscape.min.js" in html and 'id="graph-data"' in html
    data = json.loads(html.split('id="graph-data" type="application/json">')[1].split("</script>")[0])
    kinds = {n["data"]["kind"] for n in data["nodes"]}
    assert {"Case", "Person", "Phone", "Passport"} <= kinds
    assert any(e["data"]["kind"] == "holds_document" for e in data["edges"])
    r = c.get(f"/casos/{case.pk}/mapa/")
    html = r.content.decode()
    assert r.status_code == 200 and html.count('class="route-leg"') == 1 and "Guatemala" in html
    import re

    assert re.search(r'<line class="route-leg" x1="\d+(\.\d+)?" y1="\d+(\.\d+)?"', html)  # never "12,5"
    assert "tile" not in html.lower() and "http://" not in html.replace("http://www.w3.org/2000/svg", "")


def test_exports_are_audited_and_ftm_roundtrip(gtm):
    case = make_case(gtm)
    p = add_person(gtm, case, phones=["+502 5555 1234"])
    q = add_person(gtm, case, role="witness")
    add_document(gtm, case, p)
    actions.do_add_link(gtm, case, kind="associate", source=p, target=q)
    c = f.verified_client(gtm)
    r = c.get(f"/casos/{case.pk}/exportar.xlsx")
    assert r.status_code == 200 and p.surname_1 in export_text(r)
    r = c.get(f"/casos/{case.pk}/exportar.ftm.json")
    rows = [json.loads(line) for line in r.content.decode().splitlines()]
    by_schema = {row["schema"] for row in rows}
    assert {"Person", "Passport", "Associate"} <= by_schema
    person = next(row for row in rows if row["id"] == p.ftm_id)
    assert person["properties"]["birthDate"] == ["1988-03-07"] and person["enlace"]["role"] == "suspect"
    passport = next(row for row in rows if row["schema"] == "Passport")
    assert passport["properties"]["holder"] == [p.ftm_id]
    assert AuditEvent.objects.filter(kind="export", object_id=str(case.pk)).count() == 2
    # Import the FtM export into a new case: same entities, same ids, same links.
    from django.core.files.uploadedfile import SimpleUploadedFile

    other = make_case(gtm)
    c.post(f"/casos/{other.pk}/importar/", {"file": SimpleUploadedFile("x.ftm.json", r.content)})
    from enlace.cases.models import ImportBatch

    batch = ImportBatch.objects.restrict(gtm, "view").get(case=other)
    c.post(f"/casos/importaciones/{batch.pk}/", {})
    batch.refresh_from_db()
    assert batch.status == "imported", batch.errors
    copy = Entity.objects.restrict(gtm, "view").get(case=other, ftm_id=p.ftm_id)
    ignore = {"record_id": "", "phone": ""}
    assert _record(copy) | ignore == _record(p) | ignore
    assert copy.phones == ["+50255551234"]  # FtM cleans phones to E.164


def test_matching_hooks(gtm, hnd):
    allowed = make_case(gtm, allow_matching=True)
    p = add_person(gtm, allowed, phones=["5555-1234"])
    add_document(gtm, allowed, p, number="G 1234 5678")
    add_person(gtm, allowed, role="smuggled_migrant", dob=datetime.date(2014, 2, 2))  # a child: kept out
    closed = make_case(hnd)
    add_person(hnd, closed)
    records = list(matchable_persons())
    assert [r["record_id"] for r in records] == [f"cases.person.{p.pk}"]
    rec = records[0]
    assert set(rec) == {"record_id", "source_country", "given_names", "surname_1", "surname_2", "sex", "dob",
                        "nationality", "doc_type", "doc_number", "phone"}
    assert rec["source_country"] == "GTM" and rec["doc_number"] == "G 1234 5678" and rec["phone"] == "5555-1234"
    assert list(matchable_persons(exclude_country="GTM")) == []
    c = f.verified_client(gtm)
    c.post(f"/casos/{allowed.pk}/coincidencias/", {"allow": "0"})
    assert list(matchable_persons()) == []


def test_demo_has_a_cross_border_pair():
    from enlace.cases.demo import load_cases_demo
    from enlace.core.demo import load_core_demo

    load_core_demo()
    assert load_cases_demo() == 4
    assert load_cases_demo() == 0  # idempotent
    records = list(matchable_persons())
    pair = [r for r in records if r["doc_number"].replace(" ", "") == "G12345678"]
    assert {r["source_country"] for r in pair} == {"GTM", "MEX"}
    gt = next(r for r in pair if r["source_country"] == "GTM")
    mx = next(r for r in pair if r["source_country"] == "MEX")
    assert gt["dob"] == "1988-03-07" and mx["dob"] == "1988-07-03"
    assert gt["given_names"] == "José Luis" and mx["given_names"] == "Jose Luis"
    assert {c for c in Case.objects.unrestricted(reason="test").values_list("owner_institution__country__code", flat=True)} >= {
        "GTM", "MEX", "HND", "USA"}


def test_nothing_for_roles_without_the_capability():
    auditor = f.user("CRM", "auditor")
    c = f.verified_client(auditor)
    assert c.get("/casos/").status_code == 200
    assert c.get("/casos/nuevo/").status_code == 404
    assert c.get("/casos/entidades/?q=a").status_code == 404
