"""Schemathesis over every operation of the app's own OpenAPI schema: no 5xx, one error body.

The schema is read from the running app (``/api/v1/schema/``) and every operation is called with
a bounded number of generated requests, valid and deliberately invalid (wrong types, lists for
objects, out-of-range numbers), as a token-authenticated official whose own records exist, so
detail operations are exercised on real ids and not only answered 404.

Schemathesis runs through its Python API against Django's WSGI handler inside this ordinary
pytest-django test (its pytest plugin parametrises at import time, before a database exists).
``ENLACE_SCHEMATHESIS_EXAMPLES`` raises the number of examples per operation and mode for a
longer run on a quiet machine.
"""

from __future__ import annotations

import json
import os
import re

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from hypothesis import strategies as st
from schemathesis import GenerationMode

from enlace.testing import factories as f

# A whole-application crawl: `make test` runs it once, in the PostgreSQL pass (see the Makefile).
pytestmark = pytest.mark.whole_app

EXAMPLES = int(os.environ.get("ENLACE_SCHEMATHESIS_EXAMPLES", "4"))
_PARAM = re.compile(r"\{(\w+)\}")


class _InTransactionWSGI(WSGIHandler):
    """Django's WSGI handler without the per-request connection recycling that would close the
    test's transaction (Django's test client does the same around each of its requests, and
    reconnects the handlers afterwards — hence disconnecting on every call)."""

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        return super().__call__(environ, start_response)


@pytest.fixture
def wsgi_app():
    try:
        yield _InTransactionWSGI()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _seed(api, partner_api):
    """A few records of the official's own institution (and a thread from another country),
    created through the API, so that detail operations have something to find."""
    case = api.post("/api/v1/cases/", {"title": "Caso semilla", "case_type": "smuggling"}, format="json").json()
    assert "id" in case, case
    person = api.post("/api/v1/case-entities/", {"case": case["id"], "schema": "Person", "role": "witness",
                                                   "given_names": "Ana", "surname_1": "Pérez"}, format="json").json()
    assert "id" in person, person
    api.post("/api/v1/case-route-legs/", {"case": case["id"], "from_place": "Tegucigalpa", "to_place": "Tapachula"},
             format="json")
    api.post("/api/v1/case-links/", {"case": case["id"], "kind": "phone", "source": person["id"],
                                     "value": "+50499990000"}, format="json")
    for sender, recipient, to in ((api, partner_api, "GTM"), (partner_api, api, "HND")):
        thread = sender.post("/api/v1/exchange/threads/", {
            "kind": "info_request", "subject": "Consulta semilla", "body": "Texto", "recipient_countries": [to],
            "details": {}}, format="json").json()
        assert "id" in thread, thread
        recipient.post(f"/api/v1/exchange/threads/{thread['id']}/messages/", {"body": "Respuesta"}, format="json")
        r = recipient.post(f"/api/v1/exchange/threads/{thread['id']}/forward-requests/",
                           {"target_country": "SLV", "reason": "Ruta"}, format="json")
        assert r.status_code == 201, r.content
        r = sender.post(f"/api/v1/exchange/threads/{thread['id']}/attachments/",
                        {"file": SimpleUploadedFile("informe.pdf", b"%PDF-1.4\n%%EOF\n")}, format="multipart")
        assert r.status_code == 201, r.content


def _known_ids(api, schema_dict) -> dict[str, list]:
    """For each collection path, the lookup values (id, code, key) of the rows the official sees."""
    known: dict[str, list] = {}
    for path, ops in schema_dict["paths"].items():
        if "{" in path or "get" not in ops:
            continue
        r = api.get(path, {"limit": 20})
        if r.status_code != 200 or not r["Content-Type"].startswith("application/json"):
            continue
        data = r.json()
        rows = data.get("results", []) if isinstance(data, dict) else data
        for key in ("id", "code", "key"):
            values = [row[key] for row in rows if isinstance(row, dict) and key in row]
            if values:
                known[f"{path}{{{key}}}"] = values[:10]
                break
    return known


def _uniform_error(response) -> str | None:
    """Why an error response does not carry the uniform body (None when it does)."""
    content_type = (response.headers.get("content-type") or [""])[0]  # schemathesis: lowercase keys, lists
    if not content_type.startswith("application/json"):
        return f"not JSON: {content_type}"
    try:
        err = json.loads(response.content)["error"]
    except (ValueError, KeyError, TypeError):
        return "no 'error' object"
    if set(err) != {"status", "code", "message", "fields"} or err["status"] != response.status_code:
        return f"not the uniform body: {err}"
    if not isinstance(err["message"], str) or not err["message"]:
        return "empty message"
    return None


def _run_operation(operation, mode, token, candidates_for, collection, failures):
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def run(case, data):
        # Half of the time, aim path parameters at records that exist.
        for name in list(case.path_parameters or {}):
            candidates = candidates_for(f"{collection}{{{name}}}")
            if candidates and data.draw(st.booleans()):
                case.path_parameters[name] = data.draw(st.sampled_from(candidates))
        r = case.call(headers={"Authorization": token})
        label = f"{operation.method.upper()} {case.formatted_path} ({mode.value})"
        if r.status_code >= 500:
            failures.append(f"{label}: {r.status_code} {r.content[:300]!r}")
        elif r.status_code >= 400 and (why := _uniform_error(r)):
            failures.append(f"{label}: {r.status_code} {why}")

    try:
        run()
    except Unsatisfiable:
        # Nothing of this operation can be made invalid (e.g. a GET without parameters).
        assert mode is GenerationMode.NEGATIVE, operation.label


@pytest.mark.django_db
def test_every_operation_answers_without_server_errors_and_with_the_uniform_error_body(wsgi_app):
    official = f.user("HND", "focal_point")
    api = f.token_client(official)
    partner = f.token_client(f.user("GTM", "focal_point"))
    response = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema_dict = response.json()
    _seed(api, partner)
    known = _known_ids(api, schema_dict)
    assert known, "the seed created nothing the official can list"

    token = api._credentials["HTTP_AUTHORIZATION"]
    schema = schemathesis.openapi.from_dict(schema_dict)
    schema.app = wsgi_app
    failures: list[str] = []
    operations = 0

    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        collection = _PARAM.split(operation.path, maxsplit=1)[0]
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run_operation(operation, mode, token, known.get, collection, failures)

    assert operations >= 90, operations
    assert not failures, "\n".join(sorted(set(failures))[:40])


HOSTILE_BODIES = {
    "list": "[]",
    "list of objects": '[{"role": "witness", "decision": "approve", "distribution": "network"}]',
    "string": '"texto"',
    "number": "5",
    "deep list": "[" * 5000 + "]" * 5000,
    "deep object": '{"a":' * 100 + "1" + "}" * 100,
    "not JSON": "{'role': 'witness'}",
    "NaN": '{"role": NaN}',
    "huge integer": '{"case": ' + "9" * 5000 + "}",
    "NUL character": '{"title": "a\\u0000b", "note": "\\u0000", "role": "witness\\u0000", "body": "\\u0000"}',
}
HOSTILE_NUMBERS = ["0", "-1", "abc", "99999999999999999999", "1e3", "١٢", "", "1.5"]
HOSTILE_IDS = ["99999999999999999999", "-1", "0", "abc", "1.5", "%00", "١"]


def _with_ids(path, known, pick=0):
    """``path`` with each parameter replaced by a known value of its collection (or 1)."""
    collection = _PARAM.split(path, maxsplit=1)[0]

    def sub(match):
        values = known.get(f"{collection}{{{match.group(1)}}}") or [1]
        return str(values[pick % len(values)])
    return _PARAM.sub(sub, path)


@pytest.mark.django_db
def test_every_operation_refuses_hostile_bodies_parameters_and_ids_with_the_uniform_body():
    """The bad inputs of issue 16, on every operation of the schema (not only where they were
    first found): list/scalar/deep/invalid JSON bodies, unbounded or garbled ``limit``/``offset``,
    out-of-range and non-numeric ids."""
    official = f.user("HND", "focal_point")
    api = f.token_client(official)
    api.raise_request_exception = False
    schema_dict = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    _seed(api, f.token_client(f.user("GTM", "focal_point")))
    known = _known_ids(api, schema_dict)
    failures, parse_refusals = [], 0

    def check(label, r):
        if r.status_code >= 500:
            failures.append(f"{label}: {r.status_code} {r.content[:200]!r}")
        elif r.status_code >= 400 and (why := _uniform_error(_Wrapped(r))):
            failures.append(f"{label}: {r.status_code} {why}")

    for path, ops in schema_dict["paths"].items():
        for method, op in ops.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            call = getattr(api, method)
            real = _with_ids(path, known)
            if "application/json" in op.get("requestBody", {}).get("content", {}):
                for name, body in HOSTILE_BODIES.items():
                    r = call(real, body, content_type="application/json")
                    check(f"{method.upper()} {real} body={name}", r)
                    if r.status_code == 400:
                        parse_refusals += r.json()["error"]["code"] == "parse_error"
            names = {p["name"] for p in op.get("parameters", []) if p.get("in") == "query"}
            for param in ("limit", "offset") if method == "get" else ():
                if param in names:
                    for value in HOSTILE_NUMBERS:
                        check(f"GET {real}?{param}={value}", api.get(real, {param: value}))
            if method == "get":
                for param in names - {"limit", "offset"}:
                    check(f"GET {real}?{param}=NUL", api.get(real, {param: "a\x00b"}))
            if "{" in path:
                for value in HOSTILE_IDS:
                    url = _PARAM.sub(value, path)
                    check(f"{method.upper()} {url}", call(url, {}, format="json") if method != "get" else call(url))

    assert not failures, "\n".join(failures[:40])
    # The bodies were read (not every request stopped at a 404 before parsing).
    assert parse_refusals >= 100, parse_refusals


class _Wrapped:
    """A Django test response seen through the schemathesis response interface used above."""

    def __init__(self, response):
        self.status_code = response.status_code
        self.content = response.content
        self.headers = {"content-type": [response.get("Content-Type", "")]}
