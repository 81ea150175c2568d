"""Attachments (type by content, size refused early, encrypted at rest, audited download) and bad input."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from enlace.audit.models import AuditEvent
from enlace.exchange.actions import do_add_attachment, do_close_thread
from enlace.exchange.models import Attachment, Message, Thread
from enlace.testing import factories as f

from .helpers import focal, send

pytestmark = pytest.mark.django_db

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture
def pair():
    cri, pan = focal("CRI"), focal("PAN")
    return cri, pan, send(cri, ["PAN"])


@pytest.mark.parametrize("payload", [ELF, PE], ids=["elf", "pe"])
def test_a_renamed_executable_is_refused(pair, payload):
    cri, _pan, thread = pair
    r = f.token_client(cri).post(f"/api/v1/exchange/threads/{thread.pk}/attachments/",
                                 {"file": SimpleUploadedFile("informe.pdf", payload, content_type="application/pdf")},
                                 format="multipart")
    assert r.status_code == 400
    assert "Tipo de archivo no permitido" in str(r.json()["error"]["fields"]["file"])
    assert not Attachment.objects.exists()
    # The same through the page: a clear message, nothing stored.
    r = f.verified_client(cri).post(f"/intercambio/hilo/{thread.pk}/adjuntar/",
                                    {"file": SimpleUploadedFile("informe.pdf", payload)}, follow=True)
    assert "Tipo de archivo no permitido" in r.content.decode()
    assert not Attachment.objects.exists()


class _HugeUpload:
    """An upload that declares 50 MB and fails the test if anyone reads its body."""

    name = "grande.pdf"
    size = 50 * 1024 * 1024

    def read(self, *a):
        raise AssertionError("the body was read before the size was checked")

    seek = chunks = read


def test_an_oversized_upload_is_refused_before_it_is_read(pair, settings):
    cri, _pan, thread = pair
    with pytest.raises(ValidationError) as exc:
        do_add_attachment(cri, thread, _HugeUpload())
    assert "supera el tamaño máximo" in str(exc.value)
    # Over HTTP, with a small limit: refused with the message, nothing stored.
    settings.ENLACE_EXCHANGE_MAX_ATTACHMENT_BYTES = 1024 * 1024
    big = SimpleUploadedFile("grande.txt", b"a" * (1024 * 1024 + 10))
    r = f.token_client(cri).post(f"/api/v1/exchange/threads/{thread.pk}/attachments/", {"file": big},
                                 format="multipart")
    assert r.status_code == 400 and "supera el tamaño máximo de 1 MB" in str(r.json())
    # Whole requests over the platform limit are refused from Content-Length alone, before the body is read.
    r = f.verified_client(cri).generic("POST", f"/intercambio/hilo/{thread.pk}/adjuntar/", b"",
                                       CONTENT_LENGTH=str(settings.ENLACE_MAX_REQUEST_BYTES + 1),
                                       CONTENT_TYPE="multipart/form-data; boundary=x")
    assert r.status_code == 413
    assert not Attachment.objects.exists()


def test_stored_file_is_encrypted_and_downloaded_only_through_the_audited_policy_checked_view(pair):
    cri, pan, thread = pair
    hnd = focal("HND")
    secret = b"Lista de pasajeros: MARCADOR-SECRETO-123\n"
    r = f.token_client(cri).post(f"/api/v1/exchange/threads/{thread.pk}/attachments/",
                                 {"file": SimpleUploadedFile("pasajeros.txt", secret)}, format="multipart")
    assert r.status_code == 201, r.content
    att = Attachment.objects.get()
    on_disk = Path(settings.MEDIA_ROOT, att.stored_path)
    assert on_disk.exists() and b"MARCADOR-SECRETO" not in on_disk.read_bytes()
    assert not str(on_disk.resolve()).startswith(str(Path(settings.STATIC_ROOT).resolve()))
    # The recipient downloads it through the page and the API; each download is an audited read.
    r = f.verified_client(pan).get(f"/intercambio/adjunto/{att.pk}/")
    assert r.status_code == 200 and r.content == secret and "attachment" in r["Content-Disposition"]
    r = f.token_client(pan).get(f"/api/v1/exchange/attachments/{att.pk}/download/")
    assert r.status_code == 200 and r.content == secret
    reads = AuditEvent.objects.filter(kind="read", object_type="exchange.attachment", object_id=str(att.pk))
    assert reads.filter(actor_username=pan.username).count() == 2
    # A third country: 404 on both doors, and no file.
    assert f.verified_client(hnd).get(f"/intercambio/adjunto/{att.pk}/").status_code == 404
    assert f.token_client(hnd).get(f"/api/v1/exchange/attachments/{att.pk}/download/").status_code == 404
    assert f.verified_client(pan).get(f"/intercambio/hilo/{thread.pk}/").content.decode().count("pasajeros.txt") == 1


# --- bad input ---------------------------------------------------------------------------------------

def test_unknown_or_unauthorised_recipients_are_refused_and_the_draft_is_kept():
    from enlace.directory.tests.helpers import propose

    cri, _pan = focal("CRI"), focal("PAN")
    api = f.token_client(cri)
    r = api.post("/api/v1/exchange/threads/", {"kind": "info_request", "subject": "S", "body": "B",
                                               "recipient_countries": ["XXX"]}, format="json")
    assert r.status_code == 400 and "Destinatario desconocido: XXX" in str(r.json()["error"]["fields"])
    # A country without any authorised focal point cannot receive.
    r = api.post("/api/v1/exchange/threads/", {"kind": "info_request", "subject": "S", "body": "B",
                                               "recipient_countries": ["NIC"]}, format="json")
    assert r.status_code == 400 and "no tiene ningún punto focal autorizado" in str(r.json())
    # A focal point only proposed (not authorised by its Cancillería) is not a valid recipient.
    nic_user = f.user("NIC", "focal_point", authorised=False)
    pending = propose(f.user("NIC", "focal_point", authorised=False), institution=nic_user.institution, user=nic_user)
    r = api.post("/api/v1/exchange/threads/", {"kind": "info_request", "subject": "S", "body": "B",
                                               "recipient_countries": ["PAN"], "recipient_contacts": [pending.pk]},
                 format="json")
    assert r.status_code == 400 and "no autorizado" in str(r.json())
    assert not Thread.objects.exclude(status="draft").exists()
    # Through the page: the message explains, the form keeps the text, and a draft keeps it too.
    r = f.verified_client(cri).post("/intercambio/nuevo/", {
        "kind": "alert", "subject": "Grupo en Paso Canoas", "recipient_countries": [], "priority": "urgent",
        "source_grading": "A", "info_grading": "1", "body": "Texto que no debe perderse", "send": "1",
        "d_alert_route": "Paso Canoas", "idempotency_key": "x"})
    page = r.content.decode()
    assert r.status_code == 400
    assert "Elija al menos un país destinatario." in page and "Texto que no debe perderse" in page
    draft = Thread.objects.get(status="draft", subject="Grupo en Paso Canoas")
    assert draft.body == "Texto que no debe perderse" and draft.details["route"] == "Paso Canoas"
    assert draft.distribution == "institution"


def test_english_messages_for_bad_input():
    cri = focal("CRI")
    r = f.token_client(cri).post("/api/v1/exchange/threads/", {"kind": "info_request", "subject": "S", "body": "B",
                                                                "recipient_countries": ["XXX"]},
                                 format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert "Unknown recipient: XXX" in str(r.json()), r.json()


def test_a_reply_to_a_closed_thread_is_refused_and_the_text_is_kept(pair):
    cri, pan, thread = pair
    do_close_thread(cri, thread)
    r = f.verified_client(pan).post(f"/intercambio/hilo/{thread.pk}/responder/",
                                    {"body": "Mi respuesta tardía", "idempotency_key": "r1"})
    page = r.content.decode()
    assert r.status_code == 400
    assert "El hilo está cerrado" in page and "Mi respuesta tardía" in page
    r = f.token_client(pan).post(f"/api/v1/exchange/threads/{thread.pk}/messages/", {"body": "Otra"}, format="json")
    assert r.status_code == 400 and "cerrado" in str(r.json())
    assert not Message.objects.exists()


def test_a_double_submit_sends_one_message():
    cri, _pan = focal("CRI"), focal("PAN")
    client = f.verified_client(cri)
    data = {"kind": "info_request", "subject": "Doble clic", "recipient_countries": ["PAN"], "priority": "normal",
            "source_grading": "X", "info_grading": "4", "body": "Una sola vez", "idempotency_key": "abc-123",
            "send": "1"}
    first, second = client.post("/intercambio/nuevo/", data), client.post("/intercambio/nuevo/", data, follow=True)
    assert first.status_code == 302
    assert Thread.objects.filter(subject="Doble clic").count() == 1
    assert "no se duplicó" in second.content.decode()
    api = f.token_client(cri)
    payload = {"kind": "info_request", "subject": "Reintento API", "body": "B", "recipient_countries": ["PAN"]}
    r1 = api.post("/api/v1/exchange/threads/", payload, format="json", HTTP_IDEMPOTENCY_KEY="api-1")
    r2 = api.post("/api/v1/exchange/threads/", payload, format="json", HTTP_IDEMPOTENCY_KEY="api-1")
    assert (r1.status_code, r2.status_code) == (201, 200) and r1.json()["id"] == r2.json()["id"]
    assert Thread.objects.filter(subject="Reintento API").count() == 1
    thread = Thread.objects.get(subject="Doble clic")
    pan_api = f.token_client(_pan)
    for _ in range(2):
        pan_api.post(f"/api/v1/exchange/threads/{thread.pk}/messages/", {"body": "Una vez"}, format="json",
                     HTTP_IDEMPOTENCY_KEY="reply-1")
    assert Message.objects.filter(thread=thread).count() == 1


def test_only_authorised_focal_points_may_exchange():
    focal("CRI")
    outsider = f.user("CRI", "focal_point", authorised=False)  # the role, but no authorisation in the directory
    r = f.verified_client(outsider).get("/intercambio/")
    assert r.status_code == 403 and "Solo los puntos focales autorizados" in r.content.decode()
    r = f.token_client(outsider).get("/api/v1/exchange/threads/")
    assert r.status_code == 403
    analyst = f.user("CRI", "analyst", authorised=False)
    assert f.verified_client(analyst).get("/intercambio/").status_code == 403


def test_bad_form_values_never_cause_a_500():
    cri, _pan = focal("CRI"), focal("PAN")
    client = f.verified_client(cri)
    r = client.post("/intercambio/nuevo/", {"kind": "nope", "priority": "???", "d_alert_group_size": "muchos",
                                            "due_at": "ayer", "send": "1"})
    assert r.status_code == 400
    api = f.token_client(cri)
    r = api.post("/api/v1/exchange/threads/", {"kind": "alert", "subject": "S", "body": "B",
                                               "recipient_countries": ["PAN"], "priority": "rápida",
                                               "source_grading": "Z", "details": {"group_size": "muchos"}},
                 format="json")
    assert r.status_code == 400
    fields = r.json()["error"]["fields"]
    assert {"priority", "source_grading", "group_size"} <= set(fields)
    assert api.get("/api/v1/exchange/threads/abc/").status_code == 404
    assert client.get("/intercambio/hilo/999999/").status_code == 404
    assert client.get("/intercambio/adjunto/999999/").status_code == 404
