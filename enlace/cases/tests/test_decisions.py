"""Writes and decisions on cases go through the policy: the owner institution only, 404 for everyone else
(pages and API), nothing changed, and one audit event per action (none for opening a form)."""

import pytest

from enlace.audit.models import AuditEvent
from enlace.cases import actions
from enlace.cases.models import Case, Entity, Link, RouteLeg
from enlace.core.models import Institution
from enlace.sharing.policy import Distribution
from enlace.testing import factories as f

from .helpers import add_document, add_person, make_case, uid

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned():
    owner = f.user("GTM", "focal_point")
    case = make_case(owner, distribution=Distribution.NETWORK, title=uid("Caso "))
    person = add_person(owner, case, role="smuggled_migrant", surname_1=uid("Ruiz"))
    witness = add_person(owner, case, role="witness")
    link = actions.do_add_link(owner, case, kind="associate", source=person, target=witness)
    leg = actions.do_add_route_leg(owner, case, order=1, from_place="Huehuetenango", to_place="Tapachula")
    return owner, case, person, link, leg


def _intruder(kind, owner):
    return {
        "other_country": lambda: f.user("HND", "focal_point"),
        "other_institution": lambda: f.user("GTM", "prosecutor",
                                            inst=f.institution("GTM", Institution.Type.PROSECUTION)),
        "analyst": lambda: f.user("GTM", "analyst", inst=owner.institution),
    }[kind]()


def _snapshot(case, person, link, leg):
    q = lambda m, pk: m.objects.unrestricted(reason="test").filter(pk=pk).values().first()  # noqa: E731
    return (q(Case, case.pk), q(Entity, person.pk), q(Link, link.pk), q(RouteLeg, leg.pk))


@pytest.mark.parametrize("kind", ["other_country", "other_institution", "analyst"])
def test_writes_and_decisions_by_anyone_else_are_404_and_change_nothing(owned, kind):
    owner, case, person, link, leg = owned
    user = _intruder(kind, owner)
    page, api = f.verified_client(user), f.token_client(user)
    # They may read the network-shared case (so 404 below is the write rule, not the read)...
    assert page.get(f"/casos/{case.pk}/").status_code == 200
    before = _snapshot(case, person, link, leg)
    events = AuditEvent.objects.filter(kind__in=["write", "sharing", "import"]).count()
    # ...but every edit page and every write is a 404.
    for url in (f"/casos/{case.pk}/editar/", f"/casos/{case.pk}/distribucion/", f"/casos/{case.pk}/entidades/nueva/",
                f"/casos/{case.pk}/vinculos/nuevo/", f"/casos/{case.pk}/tramos/nuevo/", f"/casos/{case.pk}/importar/",
                f"/casos/entidades/{person.pk}/editar/", f"/casos/entidades/{person.pk}/distribucion/"):
        assert page.get(url).status_code == 404, url
        assert page.post(url, {"title": "X", "distribution": "country"}).status_code == 404, url
    for url, data in ((f"/casos/{case.pk}/coincidencias/", {"allow": "1"}),
                      (f"/casos/entidades/{person.pk}/revisar-funcion/", {"role": "suspect"}),
                      (f"/casos/entidades/{person.pk}/eliminar/", {}),
                      (f"/casos/vinculos/{link.pk}/eliminar/", {}), (f"/casos/tramos/{leg.pk}/eliminar/", {})):
        assert page.post(url, data).status_code == 404, url
    for method, url, data in (
            ("patch", f"/api/v1/cases/{case.pk}/", {"title": "Otro"}),
            ("post", f"/api/v1/case-entities/{person.pk}/review-role/", {"role": "suspect"}),
            ("post", "/api/v1/case-entities/", {"case": case.pk, "schema": "Person", "given_names": "Ana",
                                               "role": "witness"}),
            ("post", "/api/v1/case-links/", {"case": case.pk, "kind": "associate", "source": person.pk,
                                            "target": link.target_id}),
            ("post", "/api/v1/case-route-legs/", {"case": case.pk, "from_place": "A", "to_place": "B"})):
        r = getattr(api, method)(url, data, format="json")
        assert r.status_code == 404 and r.json()["error"]["status"] == 404, (url, r.status_code)
    assert _snapshot(case, person, link, leg) == before
    assert AuditEvent.objects.filter(kind__in=["write", "sharing", "import"]).count() == events
    # No button offers what the policy refuses.
    html = page.get(f"/casos/entidades/{person.pk}/").content.decode()
    for fragment in ("/editar/", "/distribucion/", "/revisar-funcion/", "/eliminar/"):
        assert fragment not in html


def test_owner_edits_with_one_event_and_no_event_for_opening_the_form(owned):
    owner, case, person, _link, _leg = owned
    page, api = f.verified_client(owner), f.token_client(owner)
    start = AuditEvent.objects.filter(kind__in=["write", "sharing"]).count()
    assert page.get(f"/casos/{case.pk}/editar/").status_code == 200
    assert page.get(f"/casos/entidades/{person.pk}/editar/").status_code == 200
    assert AuditEvent.objects.filter(kind__in=["write", "sharing"]).count() == start
    r = api.patch(f"/api/v1/cases/{case.pk}/", {"title": "Título nuevo"}, format="json")
    assert r.status_code == 200 and r.json()["title"] == "Título nuevo"
    assert AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk),
                                     detail__do="do_update_case").count() == 1
    r = api.post(f"/api/v1/case-entities/{person.pk}/review-role/", {"role": "related_victim"}, format="json")
    assert r.status_code == 200 and r.json()["role"] == "related_victim" and r.json()["role_reviewed"]
    r = api.post(f"/api/v1/case-entities/{person.pk}/review-role/", {"role": "villano"}, format="json")
    assert r.status_code == 400 and "role" in r.json()["error"]["fields"]
    r = api.post(f"/api/v1/case-entities/{person.pk}/review-role/", ["suspect"], format="json")
    assert r.status_code == 400


def test_a_case_re_shared_writes_one_event_naming_its_children(owned):
    owner, case, person, link, leg = owned
    start = AuditEvent.objects.count()
    actions.do_change_case_sharing(owner, case, distribution=Distribution.COUNTRY)
    events = list(AuditEvent.objects.filter(seq__gt=start))
    assert [(e.kind, e.object_type) for e in events] == [("sharing", "cases.case")]
    detail = events[0].detail
    assert person.pk in detail["entity_ids"] and link.pk in detail["link_ids"] and leg.pk in detail["routeleg_ids"]
    for model, pk in ((Entity, person.pk), (Link, link.pk), (RouteLeg, leg.pk)):
        assert model.objects.unrestricted(reason="test").get(pk=pk).distribution == Distribution.COUNTRY


def test_a_child_found_later_is_narrowed_with_its_links_and_documents_in_one_event(owned):
    import datetime

    owner, case, person, link, _leg = owned
    doc = add_document(owner, case, person, number=uid("N"))
    start = AuditEvent.objects.count()
    actions.do_update_entity(owner, person, dob=datetime.date(2015, 5, 5))
    events = list(AuditEvent.objects.filter(seq__gt=start))
    # one write for the action; the hit notices that follow their person's narrowing are looked up by
    # the system (matching.signals), each lookup audited as a system read with its reason
    assert [(e.kind, e.object_id) for e in events if e.kind != "system_read"] == [("write", str(person.pk))]
    assert all(e.purpose.startswith("matching: notices follow") for e in events if e.kind == "system_read")
    fresh = lambda m, pk: m.objects.unrestricted(reason="test").get(pk=pk)  # noqa: E731
    for record in (fresh(Entity, person.pk), fresh(Link, link.pk), fresh(Entity, doc.pk)):
        assert record.child_protection and record.distribution == Distribution.INSTITUTION
    reader = f.verified_client(f.user("HND", "focal_point"))
    assert reader.get(f"/casos/entidades/{link.target_id}/").status_code == 200  # the witness stays shared
    assert person.surname_1 not in reader.get(f"/casos/entidades/{link.target_id}/").content.decode()


def test_a_narrowed_holder_is_not_shown_through_its_document_or_the_linked_graph(owned):
    owner, case, person, _link, _leg = owned
    doc = add_document(owner, case, person, number=uid("DOC"))
    # The holder is narrowed on purpose; its document and the holding link stay shared with the network.
    actions.do_change_entity_sharing(owner, person, distribution=Distribution.INSTITUTION)
    other = f.user("HND", "focal_point")
    other_case = make_case(other, distribution=Distribution.NETWORK)
    mine = add_person(other, other_case)
    add_document(other, other_case, mine, number=doc.doc_number)
    reader = f.verified_client(other)
    assert person.surname_1 not in reader.get(f"/casos/entidades/{doc.pk}/").content.decode()
    graph = reader.get(f"/casos/{other_case.pk}/grafo/?vinculados=1").content.decode()
    assert doc.doc_number in graph and person.surname_1 not in graph


def test_bad_filter_input_is_a_clear_400_in_the_api_and_ignored_by_pages(owned):
    owner, case, _person, _link, _leg = owned
    api, page = f.token_client(owner), f.verified_client(owner)
    for url in ("/api/v1/case-entities/?case=abc", "/api/v1/case-links/?case=1.5", "/api/v1/case-route-legs/?case=-1",
                f"/api/v1/case-entities/?case={10**30}", "/api/v1/cases/?status=nada", "/api/v1/hits/?status=nada"):
        r = api.get(url)
        assert r.status_code == 400, url
        assert r.json()["error"]["status"] == 400 and r.json()["error"]["fields"], url
    r = api.get(f"/api/v1/case-entities/?case={case.pk}")
    assert r.status_code == 200 and r.json()["count"] == 2
    assert page.get("/casos/mapa/?case=abc").status_code == 200
    assert page.get("/casos/?status=nada&q=" + "x" * 500).status_code == 200
    assert page.get("/coincidencias/?status=nada").status_code == 200
