"""Limits applied while reading, not after (issue 16): spreadsheet imports and request bodies.

The row-limit tests put a damaged tail *after* the first row too many: an importer that stops
at the limit answers "more than N rows", one that reads on (or counts everything first) answers
"damaged" instead. The control tests show the damaged tail is noticed when it is reached.
"""

import asyncio
import io
import json
import zipfile

import pytest
from asgiref.sync import async_to_sync
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from openpyxl import Workbook

from enlace.accounts.actions import do_create_api_token
from enlace.audit.models import AuditEvent
from enlace.cases.importing import MAX_ROWS as CASE_ROWS
from enlace.cases.models import Case, ImportBatch
from enlace.core.asgi import BodyLimitASGIHandler
from enlace.core.models import Institution
from enlace.directory.importing import MAX_ROWS as DIRECTORY_ROWS
from enlace.directory.models import Contact
from enlace.testing import factories as f

pytestmark = pytest.mark.django_db

# Rows written after the first row too many and before the damaged tail: more than the XML
# parser reads ahead, so the tail is reached only by an importer that keeps reading.
PAST_THE_LIMIT = 3000
NS = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
BROKEN_TAIL = b"<row><c t=\"inlineStr\"><is><t>roto</t></is></c></row><row><<<c"


def _cell(text: str) -> bytes:
    return b'<c t="inlineStr"><is><t>' + text.encode() + b"</t></is></c>"


def _row(*texts: str) -> bytes:
    return b"<row>" + b"".join(_cell(t) for t in texts) + b"</row>"


def _xlsx(sheet_data: bytes, *, close: bool = True) -> bytes:
    """A real workbook (openpyxl) whose first sheet is replaced by ``sheet_data`` rows."""
    wb = Workbook()
    base = io.BytesIO()
    wb.save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                dst.writestr(item.filename, NS + sheet_data + (b"</sheetData></worksheet>" if close else b""))
            else:
                dst.writestr(item, src.read(item.filename))
    return out.getvalue()


def _two_million_rows() -> bytes:
    row = b'<row><c t="n"><v>1</v></c><c t="n"><v>2</v></c></row>'  # ~100 MB of sheet XML in all
    return _xlsx(_row("nombres", "primer_apellido", "funcion") + row * 2_000_000)


# --- case imports ---------------------------------------------------------------------------------

@pytest.fixture
def owner():
    return f.user("GTM", "focal_point")


@pytest.fixture
def case(owner):
    r = f.token_client(owner).post("/api/v1/cases/", {"title": "Caso de importación", "case_type": "smuggling"},
                                   format="json")
    assert r.status_code == 201, r.content
    return Case.objects.restrict(owner, "view").get(pk=r.json()["id"])


def _api_upload(owner, case, name, content):
    api = f.token_client(owner)
    return api.post("/api/v1/case-imports/", {"case": case.pk, "file": SimpleUploadedFile(name, content)},
                    format="multipart")


def _refused(r, text):
    assert r.status_code == 400, r.content
    err = r.json()["error"]
    assert set(err) == {"status", "code", "message", "fields"} and err["status"] == 400
    assert text in " ".join(err["fields"]["file"]), err
    return err


def test_a_small_xlsx_of_two_million_rows_is_refused_from_its_uncompressed_size(owner, case):
    bomb = _two_million_rows()
    assert len(bomb) < 400 * 1024  # the premise: small on the wire
    before = AuditEvent.objects.count()
    r = _api_upload(owner, case, "bomba.xlsx", bomb)
    _refused(r, "al descomprimirla; el máximo es 20 MB")
    assert not ImportBatch.objects.restrict(owner, "view").exists()
    assert not AuditEvent.objects.filter(seq__gt=before, kind="write").exists()


def test_xlsx_import_stops_at_the_first_row_past_the_limit(owner, case):
    rows = _row("nombres", "primer_apellido", "funcion") + _row("Ana", "Pérez", "testigo") * (CASE_ROWS + PAST_THE_LIMIT)
    r = _api_upload(owner, case, "muchas.xlsx", _xlsx(rows + BROKEN_TAIL, close=False))
    _refused(r, f"más de {CASE_ROWS} filas")
    assert not ImportBatch.objects.restrict(owner, "view").exists()


def test_control_a_damaged_sheet_is_noticed_when_reached(owner, case):
    rows = _row("nombres", "primer_apellido", "funcion") + _row("Ana", "Pérez", "testigo") * 5
    r = _api_upload(owner, case, "rota.xlsx", _xlsx(rows + BROKEN_TAIL, close=False))
    _refused(r, "dañada")
    assert not ImportBatch.objects.restrict(owner, "view").exists()


def test_blank_rows_count_towards_the_reading_limit(owner, case):
    rows = _row("nombres", "primer_apellido", "funcion") + b"<row/>" * (3 * CASE_ROWS)
    r = _api_upload(owner, case, "vacias.xlsx", _xlsx(rows + BROKEN_TAIL, close=False))
    _refused(r, f"más de {CASE_ROWS} filas")


@pytest.mark.parametrize("name,content", [
    ("muchas.csv", ("nombres;primer_apellido;funcion\n" + "Ana;Pérez;testigo\n" * (CASE_ROWS + 1)).encode()),
    ("muchas.ftm.json", "\n".join(json.dumps({"id": f"p{i}", "schema": "Person"})
                                  for i in range(CASE_ROWS + 1)).encode()),
])
def test_csv_and_ftm_past_the_row_limit_are_refused(owner, case, name, content):
    r = _api_upload(owner, case, name, content)
    _refused(r, f"más de {CASE_ROWS} filas")
    assert not ImportBatch.objects.restrict(owner, "view").exists()


def test_deeply_nested_ftm_json_is_a_clear_error(owner, case):
    r = _api_upload(owner, case, "profundo.json", b"[" * 100_000 + b"]" * 100_000)
    _refused(r, "anidamiento")


def test_the_import_page_shows_the_same_message(owner, case):
    c = f.verified_client(owner)
    r = c.post(f"/casos/{case.pk}/importar/", {"file": SimpleUploadedFile("bomba.xlsx", _two_million_rows())})
    assert r.status_code == 200 and "al descomprimirla" in r.content.decode()
    assert not ImportBatch.objects.restrict(owner, "view").exists()


# --- directory imports ----------------------------------------------------------------------------

DIRECTORY_HEADER = ["pais", "institucion", "nombre", "apellidos", "cargo", "unidad", "areas", "funciones",
                    "idiomas", "correo", "telefono", "movil", "zona_horaria", "hora_inicio", "hora_fin"]


@pytest.fixture
def directory_admin():
    return f.user("HND", "focal_point")


def _directory_post(user, name, content):
    return f.verified_client(user).post("/directorio/importar/", {"file": SimpleUploadedFile(name, content)})


def _directory_row(i):
    inst = f.institution("HND", Institution.Type.POLICE)
    return ["HND", inst.acronym, f"Ana{i}", "Reyes", "Oficial", "", "investigation", "", "es",
            f"ana{i}@example.org", "+50422345678", "", "", "", ""]


def test_directory_xlsx_bomb_is_refused(directory_admin):
    contacts = Contact.objects.count()
    r = _directory_post(directory_admin, "bomba.xlsx", _two_million_rows())
    assert r.status_code == 400 and "al descomprimirla" in r.content.decode()
    assert Contact.objects.count() == contacts


def test_directory_xlsx_stops_at_the_first_row_past_the_limit(directory_admin):
    row = _row(*_directory_row(1))
    data = _row(*DIRECTORY_HEADER) + row * (DIRECTORY_ROWS + PAST_THE_LIMIT) + BROKEN_TAIL
    contacts = Contact.objects.count()
    r = _directory_post(directory_admin, "muchas.xlsx", _xlsx(data, close=False))
    assert r.status_code == 400 and f"más de {DIRECTORY_ROWS} filas" in r.content.decode()
    assert Contact.objects.count() == contacts


def test_directory_csv_past_the_row_limit_is_refused(directory_admin):
    line = ";".join(_directory_row(1)) + "\n"
    text = ";".join(DIRECTORY_HEADER) + "\n" + line * (DIRECTORY_ROWS + 1)
    contacts = Contact.objects.count()
    r = _directory_post(directory_admin, "contactos.csv", text.encode())
    assert r.status_code == 400 and f"más de {DIRECTORY_ROWS} filas" in r.content.decode()
    assert Contact.objects.count() == contacts


def test_directory_row_with_an_endless_institution_name_is_a_row_error(directory_admin):
    row = _directory_row(1)
    row[1] = "x" * 100_000
    text = ";".join(DIRECTORY_HEADER) + "\n" + ";".join(row) + "\n"
    contacts = Contact.objects.count()
    r = _directory_post(directory_admin, "contactos.csv", text.encode())
    html = r.content.decode()
    assert r.status_code == 400 and "demasiado largo" in html and "x" * 1000 not in html
    assert Contact.objects.count() == contacts


def test_directory_csv_in_an_unknown_encoding_is_a_clear_error(directory_admin):
    # Past the first 8 KB that the upload check sniffs: bytes neither UTF-8 nor Windows-1252 can decode.
    text = (";".join(DIRECTORY_HEADER) + "\n" + ";".join(_directory_row(1)) + "\n" * 9000).encode() + b"HND;\x81\x8d;x\n"
    r = _directory_post(directory_admin, "contactos.csv", text)
    assert r.status_code == 400 and "UTF-8" in r.content.decode()


# --- request bodies -------------------------------------------------------------------------------

@pytest.fixture
def small_limit(settings):
    settings.ENLACE_MAX_REQUEST_BYTES = 1024 * 1024
    return settings.ENLACE_MAX_REQUEST_BYTES


def test_declared_length_over_the_limit_is_refused_before_reading(small_limit):
    api = f.token_client(f.user("GTM", "focal_point"))
    r = api.generic("POST", "/api/v1/cases/", b"x" * (small_limit + 1), content_type="application/json")
    assert r.status_code == 413
    assert r.json()["error"] == {"status": 413, "code": "request_too_large", "fields": {},
                                 "message": r.json()["error"]["message"]}
    assert "demasiado grande" in r.json()["error"]["message"]
    assert not Case.objects.unrestricted(reason="test: nothing was created").exists()


def _asgi(path, chunks, headers=()):
    """Drive ``enlace.asgi``'s handler with a body in ``chunks`` (chunked, no Content-Length, unless
    ``headers`` say otherwise); returns (status, headers, body, number of chunks the app asked for)."""
    sent, asked = [], 0
    chunk_iter = iter(chunks)

    ended = False

    async def receive():
        nonlocal asked, ended
        if ended:  # a client that sent its whole body waits for the answer (no disconnect)
            await asyncio.Future()
        asked += 1
        await asyncio.sleep(0)
        chunk = next(chunk_iter, None)
        if chunk is None:
            ended = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"),
                         *(headers or [(b"transfer-encoding", b"chunked")])],
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
    # As Django's own async test client does: keep the test's connection (and transaction) open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        async_to_sync(BodyLimitASGIHandler())(scope, receive, send)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], dict(start["headers"]), body, asked


def _endless(chunk_size):
    while True:
        yield b" " * chunk_size


def test_a_chunked_body_without_length_is_cut_at_the_limit(small_limit):
    chunk = 64 * 1024
    status, headers, body, asked = _asgi("/api/v1/cases/", _endless(chunk))
    assert status == 413
    err = json.loads(body)["error"]
    assert err["status"] == 413 and err["code"] == "request_too_large" and "demasiado grande" in err["message"]
    assert {k.lower(): v for k, v in headers.items()}.get(b"connection") == b"close"
    # Read up to the first chunk past the limit, and not one more (an endless body ends here).
    assert asked == small_limit // chunk + 1
    assert not Case.objects.unrestricted(reason="test: nothing was created").exists()


def test_a_body_under_the_limit_in_several_chunks_is_served_whole(small_limit):
    user = f.user("GTM", "focal_point")
    _instance, token = do_create_api_token(user, days=1)
    payload = json.dumps({"title": "Caso por ASGI", "case_type": "smuggling"}).encode()
    status, _headers, body, _asked = _asgi("/api/v1/cases/", [payload[:10], payload[10:]], headers=[
        (b"authorization", f"Token {token}".encode()), (b"content-length", str(len(payload)).encode())])
    assert status == 201, body
    assert json.loads(body)["title"] == "Caso por ASGI"
