"""The bad inputs of issue 16, one by one through the API: the status, the uniform error body,
and that nothing was half-written."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from enlace.audit.models import AuditEvent
from enlace.cases.models import Case, Entity
from enlace.core.models import Institution
from enlace.exchange.models import Attachment, ForwardRequest
from enlace.knowledge.models import ImplementationReport, ReportingRound
from enlace.testing import factories as f

pytestmark = pytest.mark.django_db


def _error(r, status, code=None):
    assert r.status_code == status, r.content
    assert r["Content-Type"].startswith("application/json"), r["Content-Type"]
    err = r.json()["error"]
    assert set(err) == {"status", "code", "message", "fields"} and err["status"] == status
    assert isinstance(err["message"], str) and err["message"]
    if code:
        assert err["code"] == code, err
    return err


@pytest.fixture
def hnd():
    return f.user("HND", "focal_point")


@pytest.fixture
def api(hnd):
    client = f.token_client(hnd)
    client.raise_request_exception = False  # a 500 must show as a response, not as a test error
    return client


@pytest.fixture
def partner():
    return f.token_client(f.user("GTM", "focal_point"))


@pytest.fixture
def thread(api, partner):
    """A thread Guatemala sends to Honduras (the caller of ``api`` is a recipient)."""
    r = partner.post("/api/v1/exchange/threads/", {"kind": "info_request", "subject": "Consulta", "body": "Texto",
                                                   "recipient_countries": ["HND"], "details": {}}, format="json")
    assert r.status_code == 201, r.content
    return r.json()


# --- the two exchange lists ---------------------------------------------------------------------------

def test_attachment_and_forward_request_lists_answer_what_the_schema_advertises(api, partner, thread):
    pdf = SimpleUploadedFile("informe.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    r = partner.post(f"/api/v1/exchange/threads/{thread['id']}/attachments/", {"file": pdf}, format="multipart")
    assert r.status_code == 201, r.content
    assert api.post(f"/api/v1/exchange/threads/{thread['id']}/forward-requests/",
                    {"target_country": "SLV", "reason": "Ruta por El Salvador"}, format="json").status_code == 201
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path, model in (("/api/v1/exchange/attachments/", Attachment),
                        ("/api/v1/exchange/forward-requests/", ForwardRequest)):
        assert "get" in schema["paths"][path]
        r = api.get(path)
        assert r.status_code == 200, r.content
        body = r.json()
        assert body["count"] == 1 and body["results"][0]["thread"] == thread["id"]
    # Another country sees none of them.
    other = f.token_client(f.user("MEX", "focal_point"))
    assert other.get("/api/v1/exchange/attachments/").json()["count"] == 0
    assert other.get("/api/v1/exchange/forward-requests/").json()["count"] == 0


# --- pagination ---------------------------------------------------------------------------------------

def test_a_huge_limit_is_clamped_and_a_huge_offset_is_an_empty_page(api):
    r = api.get("/api/v1/institutions/", {"limit": "99999999999999999999"})
    assert r.status_code == 200
    body = r.json()
    assert body["count"] > 0 and len(body["results"]) == min(body["count"], 500)
    r = api.get("/api/v1/institutions/", {"offset": "99999999999999999999"})
    assert r.status_code == 200 and r.json()["results"] == []


@pytest.mark.parametrize("param,value", [("limit", "abc"), ("limit", "0"), ("limit", "-5"), ("limit", "1e3"),
                                         ("offset", "-1"), ("offset", "١٢"), ("limit", "2.5")])
def test_a_garbled_limit_or_offset_is_a_clear_400(api, param, value):
    err = _error(api.get("/api/v1/cases/", {param: value}), 400, "invalid")
    assert param in err["fields"] and "número entero" in err["fields"][param][0]


def test_the_schema_declares_the_bounds(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/cases/"]["get"]["parameters"]}
    assert params["limit"]["minimum"] == 1 and params["limit"]["maximum"] == 500
    assert params["offset"]["minimum"] == 0


# --- list bodies where an object is expected ------------------------------------------------------------

LIST_BODIES = ["[]", '[{"role": "witness", "decision": "return", "distribution": "network"}]', '"texto"', "7"]


@pytest.mark.parametrize("body", LIST_BODIES)
def test_review_role_with_a_list_body(api, body):
    case = api.post("/api/v1/cases/", {"title": "Caso", "case_type": "smuggling"}, format="json").json()
    person = api.post("/api/v1/case-entities/", {"case": case["id"], "schema": "Person", "role": "suspect",
                                                  "surname_1": "Pérez"}, format="json").json()
    events = AuditEvent.objects.count()
    err = _error(api.post(f"/api/v1/case-entities/{person['id']}/review-role/", body,
                          content_type="application/json"), 400, "parse_error")
    assert "objeto JSON" in err["message"]
    entity = Entity.objects.unrestricted(reason="test: state after a refused request").get(pk=person["id"])
    assert entity.role == "suspect"
    assert not AuditEvent.objects.filter(seq__gt=events, kind="write").exists()


@pytest.mark.parametrize("body", LIST_BODIES)
def test_forward_request_with_a_list_body(api, thread, body):
    err = _error(api.post(f"/api/v1/exchange/threads/{thread['id']}/forward-requests/", body,
                          content_type="application/json"), 400, "parse_error")
    assert "objeto JSON" in err["message"]
    assert not ForwardRequest.objects.unrestricted(reason="test: nothing created").exists()


@pytest.fixture
def submitted_report():
    from enlace.knowledge.actions import do_import_knowledge
    from enlace.knowledge.models import PlanAction

    if not PlanAction.objects.exists():  # the work plan the report refers to
        do_import_knowledge()
    focal = f.user("HND", "focal_point")
    today = timezone.localdate()
    rnd = ReportingRound.objects.create(title="Ronda", period="2025", opens_on=today - datetime.timedelta(days=5),
                                        deadline=today + datetime.timedelta(days=10))
    api = f.token_client(focal)
    r = api.post("/api/v1/implementation-reports/", {"round": rnd.pk, "action": "1.4", "status": "implemented",
                                                     "narrative": "Directorio", "share": "country"}, format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert api.post(f"/api/v1/implementation-reports/{pk}/submit/").json()["state"] == "submitted"
    cancilleria = f.user("HND", "cancilleria", inst=f.institution("HND", Institution.Type.FOREIGN_MINISTRY))
    return pk, api, f.token_client(cancilleria)


@pytest.mark.parametrize("body", LIST_BODIES)
def test_validate_and_share_a_report_with_a_list_body(submitted_report, body):
    pk, owner_api, cancilleria_api = submitted_report
    err = _error(cancilleria_api.post(f"/api/v1/implementation-reports/{pk}/validate/", body,
                                      content_type="application/json"), 400, "parse_error")
    assert "objeto JSON" in err["message"]
    report = ImplementationReport.objects.unrestricted(reason="test: state after a refused request").get(pk=pk)
    assert report.state == "submitted"
    err = _error(owner_api.post(f"/api/v1/implementation-reports/{pk}/share/", body,
                                content_type="application/json"), 400, "parse_error")
    report.refresh_from_db()
    assert report.distribution == "country"


@pytest.mark.parametrize("as_form", [False, True])
def test_nul_characters_in_a_body_are_refused_before_anything_is_saved(submitted_report, as_form):
    """PostgreSQL stores no NUL in text: ``note`` went straight to a save (a 500 there)."""
    pk, _owner_api, cancilleria_api = submitted_report
    url = f"/api/v1/implementation-reports/{pk}/validate/"
    data = {"decision": "approve", "note": "visto\x00bueno"}
    r = cancilleria_api.post(url, data) if as_form else cancilleria_api.post(url, data, format="json")
    err = _error(r, 400, "parse_error")
    assert "carácter nulo" in err["message"]
    report = ImplementationReport.objects.unrestricted(reason="test: state after a refused request").get(pk=pk)
    assert report.state == "submitted"


@pytest.mark.parametrize("url", ["/api/v1/countries/G%00T/", "/api/v1/institutions/?country__code=G%00T",
                                 "/api/v1/cases/?q=%00"])
def test_nul_characters_in_the_address_are_a_clear_400(api, url):
    err = _error(api.get(url), 400, "bad_request")
    assert "%00" in err["message"]


def test_nul_characters_in_a_page_address_are_the_html_400(hnd):
    r = f.verified_client(hnd).get("/casos/?q=%00")
    assert r.status_code == 400 and r["Content-Type"].startswith("text/html")


# --- deep nesting ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("body", ["[" * 100_000 + "]" * 100_000,
                                  '{"title": "x", "case_type": "smuggling", "tags": ' + "[" * 40 + "]" * 40 + "}"])
def test_deeply_nested_json_is_a_400_not_a_recursion_error(api, body):
    err = _error(api.post("/api/v1/cases/", body, content_type="application/json"), 400, "parse_error")
    assert "anidamiento" in err["message"]
    assert not Case.objects.unrestricted(reason="test: nothing created").exists()


def test_reasonable_nesting_still_parses(api):
    # Twenty levels are accepted by the parser; the serializer then judges the value.
    body = '{"title": "x", "case_type": "smuggling", "tags": ' + "[" * 20 + "]" * 20 + "}"
    r = api.post("/api/v1/cases/", body, content_type="application/json")
    assert r.status_code != 400 or r.json()["error"]["code"] != "parse_error", r.content


@pytest.mark.parametrize("body", ['{"title": NaN}', "{'title': 'x'}", '{"case": ' + "9" * 5000 + "}",
                                  b'{"title": "\xff"}'])
def test_invalid_json_is_a_clear_400(api, body):
    err = _error(api.post("/api/v1/cases/", body, content_type="application/json"), 400, "parse_error")
    assert "JSON" in err["message"]


def test_errors_are_translated(api):
    r = api.post("/api/v1/cases/", "[]", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert "must be a JSON object" in _error(r, 400)["message"]


# --- the 500 handler, for every authentication ------------------------------------------------------

@pytest.fixture
def broken_me(monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("planted failure")
    monkeypatch.setattr("enlace.api.views.MeSerializer", explode)


def test_a_server_error_under_token_authentication_has_the_uniform_body(api, broken_me):
    err = _error(api.get("/api/v1/me/"), 500, "server_error")
    assert "planted" not in err["message"]


def test_a_server_error_under_a_verified_session_has_the_uniform_body(hnd, broken_me):
    client = f.verified_client(hnd)
    client.raise_request_exception = False
    _error(client.get("/api/v1/me/"), 500, "server_error")


def test_a_server_error_on_a_page_is_the_html_page(hnd, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("planted failure")
    monkeypatch.setattr("enlace.core.views.home_cards", explode)
    client = f.verified_client(hnd)
    client.raise_request_exception = False
    r = client.get("/")
    assert r.status_code == 500 and r["Content-Type"].startswith("text/html")
    assert "Error interno" in r.content.decode()


def test_unknown_api_urls_answer_the_uniform_404(api):
    _error(api.get("/api/v1/no-existe/"), 404, "not_found")
    _error(Client().get("/api/v1/no-existe/"), 404, "not_found")
