"""The document register and the hit/no-hit query of one number, through HTTP and the API.

A no-hit reveals nothing; a hit reveals only the country and the institution to ask; details travel
through the matching release flow (request, owner's approval, snapshot shared with the asker only).
"""

import datetime as dt
import uuid

import pytest

from enlace.audit.models import AuditEvent
from enlace.cases import actions as cases
from enlace.documents import actions
from enlace.documents.models import DocumentReport, NumberEntry
from enlace.matching.models import HitNotice, ReleasedRecord
from enlace.sharing.policy import Distribution
from enlace.sharing.testing import ProtectedModelContract
from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db


def _report(user, number="G 1234-5678", status="stolen", distribution=Distribution.NETWORK, **kw):
    return actions.do_report_document(user, doc_type=kw.pop("doc_type", "passport"), number=number,
                                      issuing_country=kw.pop("issuing_country", "GTM"), status=status,
                                      reported_on=dt.date(2026, 11, 2), note=kw.pop("note", "Robado en Tecún Umán"),
                                      distribution=distribution, **kw)


def _case_person(user, *, phones=(), passport="", role="suspect", allow=True):
    case = cases.do_create_case(user, title="Caso de prueba", case_type="smuggling",
                                distribution=Distribution.INSTITUTION)
    if allow:
        case = cases.do_set_case_matching(user, case, allow=True)
    person = cases.do_add_entity(user, case, schema="Person", role=role, given_names="Ana", surname_1="Pérez",
                                 surname_2="", dob=dt.date(1990, 1, 5), nationality="GTM", sex="F",
                                 phones=list(phones))
    pks = [person.pk]
    if passport:
        doc = cases.do_add_entity(user, case, schema="Passport", doc_number=passport, doc_type="passport",
                                  doc_country="GTM")
        pks.append(doc.pk)
    actions.do_index_entities(pks)  # what the after-commit signal does
    return case, person


def test_no_hit_reveals_nothing_and_the_audit_holds_no_number():
    gtm = f.user("GTM", "focal_point")
    _report(f.user("MEX", "focal_point"), number="X99887766")
    c = f.verified_client(gtm)
    page = c.post("/documentos/", {"kind": "document", "number": "G 5555 4444"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Sin coincidencia" in body and "México" not in body
    api = f.token_client(gtm).post("/api/v1/documents/query/", {"kind": "document", "number": "G55554444"},
                                   format="json")
    assert api.status_code == 200 and api.json() == {"hit": False, "hits": []}
    events = AuditEvent.objects.filter(kind="search", object_type="documents.numberentry")
    assert events.count() == 2
    for e in events:
        text = f"{e.object_repr} {e.detail} {e.before} {e.after} {e.purpose}"
        assert "5555" not in text and "4444" not in text
    assert not HitNotice.objects.unrestricted(reason="test").exists()


def test_a_hit_names_only_the_country_and_the_institution_then_details_go_through_the_release_flow():
    gtm, mex = f.user("GTM", "focal_point"), f.user("MEX", "focal_point")
    report = _report(gtm, number="G 1234-5678", note="Robado en Tecún Umán")
    mc = f.verified_client(mex)
    r = mc.post("/documentos/", {"kind": "document", "number": "g12345678"})
    body = r.content.decode()
    assert r.status_code == 200 and "Hay coincidencia" in body and "Guatemala" in body
    assert "Tecún" not in body and "Robado" not in body  # nothing of the record itself
    api = f.token_client(mex).post("/api/v1/documents/query/", {"kind": "document", "number": "G-1234-5678"},
                                   format="json").json()
    assert api["hit"] is True and [h["country"] for h in api["hits"]] == ["GTM"]
    assert set(api["hits"][0]) == {"country", "country_name", "institution", "hit_id"}
    asker = HitNotice.objects.restrict(mex, "view").get()
    assert asker.pk == api["hits"][0]["hit_id"]  # the same query twice is one hit
    owner = HitNotice.objects.restrict(gtm, "view").get()
    assert owner.subject == "document" and owner.own_person is None
    # The asker asks through the hit page; the page then shows the pending state, not the form again.
    assert mc.post(f"/coincidencias/{asker.pk}/solicitar-datos/",
                   {"purpose": "Pasaporte presentado en la frontera de Tapachula"}).status_code == 302
    page = mc.get(f"/coincidencias/{asker.pk}/").content.decode()
    assert "Solicitud enviada el" in page and "pendiente de respuesta de Guatemala" in page
    assert "Enviar solicitud" not in page
    gc = f.verified_client(gtm)
    owner_page = gc.get(f"/coincidencias/{owner.pk}/").content.decode()
    assert "Pasaporte presentado" in owner_page and f"/documentos/registro/{report.pk}/" in owner_page
    assert "México pidió los datos de su registro" in owner_page and "Plazo para responder" in owner_page
    assert mc.post(f"/coincidencias/{owner.pk}/decidir/", {"decision": "approve"}).status_code == 404
    assert gc.post(f"/coincidencias/{owner.pk}/decidir/", {"decision": "approve"}).status_code == 302
    released = ReleasedRecord.objects.restrict(mex, "view").get()
    assert released.content["doc_number"] == "G 1234-5678"
    page = mc.get(f"/coincidencias/{asker.pk}/").content.decode()
    assert "Robado" in page and "Situación del documento" in page and "País emisor" in page
    for raw in ("doc_number", "issuing_country", "reported_on", ">owner<", ">status<"):
        assert raw not in page
    assert not ReleasedRecord.objects.restrict(f.user("PAN", "focal_point"), "view").exists()


def test_phones_and_documents_of_case_entities_are_found_in_any_written_form():
    gtm, mex = f.user("GTM", "focal_point"), f.user("MEX", "focal_point")
    _case_person(mex, phones=["+502 5555-1234"], passport="G 7777 8888")
    api = f.token_client(gtm)
    hit = api.post("/api/v1/documents/query/", {"kind": "phone", "number": "5555 1234"}, format="json").json()
    assert hit["hit"] is True and hit["hits"][0]["country"] == "MEX"  # a Guatemalan number without prefix
    assert api.post("/api/v1/documents/query/", {"kind": "document", "number": "g77778888"},
                    format="json").json()["hit"] is True
    owner_side = HitNotice.objects.restrict(mex, "view").filter(subject="phone").get()
    assert owner_side.own_person is not None  # the owner sees which of its persons was asked about
    # The other country's case stays invisible to the asker: the asker's notice names only its query.
    page = f.verified_client(gtm).get(f"/coincidencias/{hit['hits'][0]['hit_id']}/").content.decode()
    assert "Pérez" not in page and "Caso de prueba" not in page and "•••1234" in page


def test_own_country_withdrawn_and_non_consented_records_are_not_hits(django_capture_on_commit_callbacks):
    gtm, gtm2, mex = f.user("GTM", "focal_point"), f.user("GTM", "prosecutor"), f.user("MEX", "focal_point")
    report = _report(gtm, number="G11112222")
    api = f.token_client(gtm2)
    assert api.post("/api/v1/documents/query/", {"kind": "document", "number": "G11112222"},
                    format="json").json()["hit"] is False  # own country: not a cross-border hit
    _case_person(mex, phones=["+50255550000"], allow=False)
    assert api.post("/api/v1/documents/query/", {"kind": "phone", "number": "+502 5555 0000"},
                    format="json").json()["hit"] is False  # the owner did not allow matching
    mex_api = f.token_client(mex)
    assert mex_api.post("/api/v1/documents/query/", {"kind": "document", "number": "G11112222"},
                        format="json").json()["hit"] is True
    r = f.verified_client(gtm).post(f"/documentos/registro/{report.pk}/retirar/")
    assert r.status_code == 302
    assert mex_api.post("/api/v1/documents/query/", {"kind": "document", "number": "G11112222"},
                        format="json").json()["hit"] is False
    assert set(HitNotice.objects.unrestricted(reason="test").values_list("status", flat=True)) == {"withdrawn"}


def test_unknown_formats_get_a_clear_spanish_message_and_keep_what_was_typed():
    gtm = f.user("GTM", "focal_point")
    c = f.verified_client(gtm)
    r = c.post("/documentos/", {"kind": "document", "number": "--//--"})
    body = r.content.decode()
    assert r.status_code == 400 and "No se reconoce el número de documento" in body and "--//--" in body
    r = c.post("/documentos/", {"kind": "phone", "number": "12"})
    assert r.status_code == 400 and "No se reconoce el número de teléfono" in r.content.decode()
    api = f.token_client(gtm).post("/api/v1/documents/query/", {"kind": "phone", "number": "abc"}, format="json")
    assert api.status_code == 400 and "number" in api.json()["error"]["fields"]
    r = c.post("/documentos/registro/nuevo/", {"doc_type": "passport", "number": "??", "issuing_country": "Guatemala",
                                               "status": "stolen", "reported_on": "2026-11-02"})
    body = r.content.decode()
    assert r.status_code == 400 and "No se reconoce el número de documento" in body and "tres letras" in body
    assert not DocumentReport.objects.unrestricted(reason="test").exists()
    api = f.token_client(gtm).post("/api/v1/documents/reports/", {"doc_type": "passport", "number": "x",
                                                                   "issuing_country": "GTM", "status": "lost",
                                                                   "reported_on": "2026-11-02"}, format="json")
    assert api.status_code == 400 and "number" in api.json()["error"]["fields"]


def test_entry_form_and_api_add_to_the_register():
    gtm = f.user("GTM", "focal_point")
    c = f.verified_client(gtm)
    r = c.post("/documentos/registro/nuevo/", {"doc_type": "national_id", "number": "1234 56789 0101",
                                               "issuing_country": "gtm", "status": "lost",
                                               "reported_on": "2026-11-02", "distribution": "network"})
    assert r.status_code == 302
    report = DocumentReport.objects.restrict(gtm, "view").get()
    assert report.issuing_country == "GTM" and report.number_normalised == "1234567890101"
    api = f.token_client(gtm).post("/api/v1/documents/reports/", {"doc_type": "passport", "number": "E 1234567",
                                                                   "issuing_country": "SLV", "status": "fraudulent",
                                                                   "reported_on": "2026-10-01"}, format="json")
    assert api.status_code == 201 and api.json()["distribution"] == "network"
    assert NumberEntry.objects.filter(value="E1234567").count() == 1
    events = AuditEvent.objects.filter(object_type__in=["documents.documentreport", "documents.numberentry"])
    assert events.filter(kind="write").count() >= 2
    for e in events:
        text = f"{e.object_repr} {e.detail} {e.before} {e.after} {e.purpose}"
        assert "1234567" not in text and "56789" not in text  # the audit names the record, never the number
    # An analyst may read and query, not add.
    analyst = f.verified_client(f.user("GTM", "analyst"))
    assert analyst.get("/documentos/registro/nuevo/").status_code == 404


def test_register_lists_have_constant_query_counts():
    gtm = f.user("GTM", "focal_point")
    c, api = f.verified_client(gtm), f.token_client(gtm)

    def add(n):
        for _ in range(n):
            _report(f.user("MEX", "focal_point"), number=f"M{uuid.uuid4().int % 10**9:09d}")

    add(2)
    assert_constant_queries(c, "/documentos/registro/", add, more=5)
    assert_constant_queries(api, "/api/v1/documents/reports/", add, more=5)


class TestDocumentReportContract(ProtectedModelContract):
    model = DocumentReport
    list_url = "/documentos/registro/"
    api_list_url = "/api/v1/documents/reports/"

    def make_record(self, owner, distribution, sharing_group=None):
        number = f"P{uuid.uuid4().int % 10**9:09d}"
        return _report(owner, number=number, distribution=distribution, sharing_group=sharing_group)

    def marker(self, record):
        return record.number

    def detail_url(self, record):
        return f"/documentos/registro/{record.pk}/"

    def api_detail_url(self, record):
        return f"/api/v1/documents/reports/{record.pk}/"

    def search_url(self, record):
        # Another written form of the number (the page echoes the query, never the stored number).
        return f"/documentos/registro/?q={record.number[:4].lower()}-{record.number[4:]}"

    def decisions(self, record):
        return [("withdraw", lambda user, r: actions.do_withdraw_document_report(user, r))]


def test_the_index_follows_case_changes_after_commit_and_can_be_rebuilt(django_capture_on_commit_callbacks):
    import io

    from django.core.management import call_command

    gtm, mex = f.user("GTM", "focal_point"), f.user("MEX", "focal_point")
    api = f.token_client(gtm)

    def ask():
        return api.post("/api/v1/documents/query/", {"kind": "phone", "number": "+52 55 1234 5678"},
                        format="json").json()["hit"]

    def run_index_callbacks(callbacks):
        # Only this app's after-commit refresh (the person check of the matching engine is tested there).
        for cb in callbacks:
            if getattr(cb, "documents_index", False):
                cb()

    with django_capture_on_commit_callbacks() as callbacks:
        case = cases.do_set_case_matching(mex, cases.do_create_case(mex, title="Caso", case_type="smuggling"), allow=True)
        person = cases.do_add_entity(mex, case, schema="Person", role="suspect", given_names="Luis", surname_1="Soto",
                                     phones=["55 1234 5678"])
    run_index_callbacks(callbacks)
    assert ask() is True
    with django_capture_on_commit_callbacks() as callbacks:
        cases.do_set_case_matching(mex, case, allow=False)
    run_index_callbacks(callbacks)
    assert ask() is False
    with django_capture_on_commit_callbacks() as callbacks:
        cases.do_set_case_matching(mex, case, allow=True)
    NumberEntry.objects.all().delete()  # as after a restore: the command rebuilds it
    out = io.StringIO()
    call_command("index-numbers", stdout=out)
    assert "numbers indexed: 1" in out.getvalue() and ask() is True
    assert person.pk


def test_the_notices_of_a_number_hit_stay_with_their_side():
    from enlace.core.models import Institution

    gtm, mex = f.user("GTM", "focal_point"), f.user("MEX", "focal_point")
    _report(gtm, number="G24681357")
    hit_id = f.token_client(mex).post("/api/v1/documents/query/", {"kind": "document", "number": "G24681357"},
                                      format="json").json()["hits"][0]["hit_id"]
    owner = HitNotice.objects.restrict(gtm, "view").get()
    other_mex = f.user("MEX", "focal_point", inst=f.institution("MEX", Institution.Type.MIGRATION, name="INM prueba"))
    for user in (gtm, f.user("PAN", "focal_point"), other_mex):
        assert f.verified_client(user).get(f"/coincidencias/{hit_id}/").status_code == 404
        assert f.token_client(user).get(f"/api/v1/hits/{hit_id}/").status_code == 404
    for user in (mex, f.user("PAN", "focal_point")):
        assert f.verified_client(user).get(f"/coincidencias/{owner.pk}/").status_code == 404
    mine = f.token_client(mex).get(f"/api/v1/hits/{hit_id}/").json()
    assert mine["subject"] == "document" and mine["own_label"] == "•••1357" and mine["own_record"] is None
    assert "G24681357" not in str(mine)

