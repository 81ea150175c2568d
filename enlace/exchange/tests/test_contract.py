"""The generic cross-country contract for every protected model of the exchange: threads, messages,
receipts, attachments, forward requests, MLA drafts and MLA versions."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from enlace.exchange.actions import (do_add_attachment, do_create_mla_draft, do_decide_forward, do_discard_draft,
                                     do_reply_thread, do_request_forward, do_save_draft, do_save_mla_version,
                                     do_set_mla_formal_status)
from enlace.exchange.models import Attachment, ForwardRequest, Message, MlaDraft, MlaVersion, Receipt, Thread
from enlace.sharing.actions import do_change_sharing
from enlace.sharing.policy import Distribution
from enlace.sharing.testing import A, B, C, ProtectedModelContract
from enlace.testing import factories as f

from .helpers import focal, send


class TestThreadContract(ProtectedModelContract):
    model = Thread

    list_url = "/intercambio/"
    export_url = "/intercambio/exportar.xlsx"
    api_list_url = "/api/v1/exchange/threads/"

    @pytest.fixture
    def world(self, db):
        # Only authorised focal points use the exchange: the three officials are authorised in the directory.
        return focal(A, self.owner_role), focal(B, self.reader_role), focal(C, self.reader_role)

    def make_record(self, owner, distribution, sharing_group=None):
        thread = do_save_draft(owner, {"kind": "info_request", "subject": f"Hilo {uuid.uuid4().hex[:12]}",
                                       "body": "Contenido reservado"})
        if distribution != Distribution.INSTITUTION:
            thread = do_change_sharing(owner, thread, distribution=distribution, sharing_group=sharing_group)
        return thread

    def marker(self, record):
        return record.subject

    def detail_url(self, record):
        return f"/intercambio/hilo/{record.pk}/"

    def api_detail_url(self, record):
        return f"/api/v1/exchange/threads/{record.pk}/"

    def search_url(self, record):
        return f"/intercambio/?q={record.subject.split()[-1]}"

    # Writes and decisions on a draft its owner shared with the network: only the originating
    # institution edits it, attaches to it and discards it.
    def edit_url(self, record):
        return f"/intercambio/borrador/{record.pk}/"

    def edit_data(self, record):
        return {"kind": "info_request", "subject": f"{record.subject} cambiado", "body": "Otro texto",
                "priority": "normal", "source_grading": "X", "info_grading": "4", "save_draft": "1",
                "idempotency_key": uuid.uuid4().hex}

    def decisions(self, record):
        return [
            ("change", lambda u, r: do_save_draft(u, {"kind": "info_request", "subject": "Cambio"}, thread=r)),
            ("attach", lambda u, r: do_add_attachment(u, r, SimpleUploadedFile("nota.txt", b"texto\n"))),
            ("delete", do_discard_draft),
        ]


class TestMlaDraftContract(ProtectedModelContract):
    model = MlaDraft

    owner_role = "prosecutor"
    reader_role = "prosecutor"
    list_url = "/intercambio/asistencia-juridica/"
    api_list_url = "/api/v1/exchange/mla-drafts/"

    def make_record(self, owner, distribution, sharing_group=None):
        draft = do_create_mla_draft(owner, title=f"AJR {uuid.uuid4().hex[:12]}", requested_country="MEX",
                                    content={"facts": "Hechos"})
        return do_change_sharing(owner, draft, distribution=distribution, sharing_group=sharing_group)

    def marker(self, record):
        return record.title

    def detail_url(self, record):
        return f"/intercambio/asistencia-juridica/{record.pk}/"

    def api_detail_url(self, record):
        return f"/api/v1/exchange/mla-drafts/{record.pk}/"

    def search_url(self, record):
        return f"/intercambio/asistencia-juridica/?q={record.title.split()[-1]}"

    # The draft is addressed to Mexico: countries B and C read it once shared with the network, but
    # only the requesting institution and Mexico draft, and only the requesting institution records
    # the formal status.
    def decisions(self, record):
        return [
            ("version", lambda u, r: do_save_mla_version(u, r, content={"facts": "Otra redacción"})),
            ("version by the requested country", lambda u, r: do_save_mla_version(u, r, content={"facts": "México"}),
             lambda owner: f.user("MEX", "prosecutor")),
            ("formal_status", lambda u, r: do_set_mla_formal_status(u, r, status="sent")),
        ]


@pytest.mark.django_db
def test_a_message_can_never_reach_further_than_its_thread():
    """Children (messages) are bounded by the thread: a third country never sees them, even by id."""
    cri, pan, hnd = focal("CRI"), focal("PAN"), focal("HND")
    thread = send(cri, ["PAN"])
    message, _ = do_reply_thread(pan, thread, body="Respuesta reservada", is_answer=True)
    assert Message.objects.restrict(cri, "view").filter(pk=message.pk).exists()
    assert not Message.objects.restrict(hnd, "count").filter(pk=message.pk).exists()
    r = f.token_client(hnd).get(f"/api/v1/exchange/threads/{thread.pk}/messages/")
    assert r.status_code == 404


# --- the thread's children and the MLA versions ---------------------------------------------------------
#
# A child can never reach further than its parent: the thread (or draft) is shared with A, B and C
# (the network, for drafts), and the contract narrows and widens the child inside that audience.

class _ChildContract(ProtectedModelContract):
    """Children have no list page of their own: they show on their parent's page (``search_url``)
    and, where the API has one, in their parent's nested list (``extra_api_urls``)."""

    def extra_api_urls(self, record) -> list[str]:
        return []

    def _sees(self, user, record):
        seen = super()._sees(user, record)
        api = f.token_client(user)
        for i, url in enumerate(self.extra_api_urls(record)):
            r = api.get(url)
            assert r.status_code in (200, 404), (url, r.status_code)
            seen[f"api_nested_{i}"] = r.status_code == 200 and self.marker(record) in r.content.decode()
        return seen


class _ThreadChildContract(_ChildContract):
    @pytest.fixture
    def world(self, db):
        return focal(A, self.owner_role), focal(B, self.reader_role), focal(C, self.reader_role)

    def thread_for(self, owner):
        return send(owner, [B, C], subject=f"Hilo {uuid.uuid4().hex[:12]}")

    def child(self, owner, thread):
        raise NotImplementedError

    def make_record(self, owner, distribution, sharing_group=None):
        record = self.child(owner, self.thread_for(owner))
        if distribution in (Distribution.NETWORK, Distribution.GROUP) and sharing_group is None:
            return self.share_with_network(owner, record)
        return do_change_sharing(owner, record, distribution=distribution, sharing_group=sharing_group)

    def share_with_network(self, owner, record):
        # As wide as the thread: its own group (the network would be wider than the parent).
        thread = record.thread
        return do_change_sharing(owner, record, distribution=Distribution.GROUP, sharing_group=thread.sharing_group)

    def search_url(self, record):
        return f"/intercambio/hilo/{record.thread_id}/"


class TestMessageContract(_ThreadChildContract):
    model = Message

    def child(self, owner, thread):
        message, _created = do_reply_thread(owner, thread, body=f"Mensaje {uuid.uuid4().hex[:12]}")
        return message

    def marker(self, record):
        return record.body

    def extra_api_urls(self, record):
        return [f"/api/v1/exchange/threads/{record.thread_id}/messages/",
                f"/api/v1/exchange/threads/{record.thread_id}/"]


class TestReceiptContract(_ThreadChildContract):
    """Mexico's receipt on a thread also sent to B and C, who read it."""

    model = Receipt

    def thread_for(self, owner):
        focal("MEX")
        return send(owner, [B, C, "MEX"], subject=f"Hilo {uuid.uuid4().hex[:12]}")

    def child(self, owner, thread):
        return Receipt.objects.restrict(owner, "view").get(thread=thread, country__code="MEX")

    def marker(self, record):
        return f'id="receipt-{record.pk}"'

    # Decisions on a receipt (deliver, acknowledge, answer, request_forward) are taken by the officials
    # of its country through thread-level steps that act on *their own* country's receipt, so B and C
    # acting succeed on theirs: the steps from every other party are in test_decisions.py.


class TestAttachmentContract(_ThreadChildContract):
    model = Attachment

    api_list_url = "/api/v1/exchange/attachments/"

    def child(self, owner, thread):
        name = f"informe-{uuid.uuid4().hex[:12]}.txt"
        return do_add_attachment(owner, thread, SimpleUploadedFile(name, b"Contenido reservado del adjunto\n"))

    def marker(self, record):
        return record.filename

    def detail_url(self, record):
        return f"/intercambio/adjunto/{record.pk}/"

    def api_detail_url(self, record):
        return f"/api/v1/exchange/attachments/{record.pk}/download/"

    def extra_api_urls(self, record):
        return [f"/api/v1/exchange/threads/{record.thread_id}/attachments/"]


class TestForwardRequestContract(_ThreadChildContract):
    model = ForwardRequest

    api_list_url = "/api/v1/exchange/forward-requests/"

    def child(self, owner, thread):
        # A recipient (country B) asks; the request belongs to the originator, who may narrow it.
        return do_request_forward(focal(B), thread, target_country="MEX", reason=f"Motivo {uuid.uuid4().hex[:12]}")

    def marker(self, record):
        return record.reason

    def decisions(self, record):
        # The originating institution alone decides; B, who asked, may not give itself the consent.
        return [("refuse", lambda u, r: do_decide_forward(u, r, approve=False)),
                ("approve", lambda u, r: do_decide_forward(u, r, approve=True))]

    def extra_api_urls(self, record):
        return [f"/api/v1/exchange/threads/{record.thread_id}/forward-requests/"]


class TestMlaVersionContract(_ChildContract):
    model = MlaVersion

    owner_role = "prosecutor"
    reader_role = "prosecutor"

    def make_record(self, owner, distribution, sharing_group=None):
        draft = do_create_mla_draft(owner, title=f"AJR {uuid.uuid4().hex[:12]}", requested_country="MEX",
                                    content={"facts": "Hechos"})
        draft = do_change_sharing(owner, draft, distribution=Distribution.NETWORK)
        version = do_save_mla_version(owner, draft, content={"facts": "Hechos y más"},
                                      note=f"Nota {uuid.uuid4().hex[:12]}")
        return do_change_sharing(owner, version, distribution=distribution, sharing_group=sharing_group)

    def marker(self, record):
        return record.note

    def search_url(self, record):
        return f"/intercambio/asistencia-juridica/{record.draft_id}/"

    def extra_api_urls(self, record):
        return [f"/api/v1/exchange/mla-drafts/{record.draft_id}/versions/"]
