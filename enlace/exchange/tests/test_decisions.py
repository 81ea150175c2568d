"""Writes and decisions are the policy's: each step to its parties, 404 (page and API) and nothing
changed for anyone else — another country, another institution of the originator's country, the
originator for a recipient's step, a recipient for the originator's step. One audit event per step."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from enlace.audit.models import AuditEvent
from enlace.exchange.actions import do_request_forward
from enlace.exchange.models import Attachment, ForwardRequest, Message, MlaDraft, MlaVersion, Receipt, Thread
from enlace.sharing.actions import do_change_sharing
from enlace.sharing.policy import Distribution
from enlace.testing import factories as f

from .helpers import focal, send

pytestmark = pytest.mark.django_db


def _state(thread):
    receipts = Receipt.objects.unrestricted(reason="test").filter(thread=thread)
    return (Thread.objects.unrestricted(reason="test").get(pk=thread.pk).status,
            sorted((r.country_id, r.delivered_at, r.acknowledged_at, r.answered_at) for r in receipts),
            Message.objects.unrestricted(reason="test").filter(thread=thread).count(),
            Attachment.objects.unrestricted(reason="test").filter(thread=thread).count(),
            ForwardRequest.objects.unrestricted(reason="test").filter(thread=thread).count())


def _try_every_step(user, thread, *, expect, steps=None):
    """Every step through the page and the API: each answers ``expect[step]`` (404 unless given)."""
    page, api = f.verified_client(user), f.token_client(user)
    upload = lambda: SimpleUploadedFile("nota.txt", b"texto\n")  # noqa: E731
    attempts = {
        "deliver": [lambda: page.post(f"/intercambio/hilo/{thread.pk}/entregado/"),
                    lambda: api.post(f"/api/v1/exchange/threads/{thread.pk}/delivered/")],
        "acknowledge": [lambda: page.post(f"/intercambio/hilo/{thread.pk}/acuse/"),
                        lambda: api.post(f"/api/v1/exchange/threads/{thread.pk}/acknowledge/")],
        "reply": [lambda: page.post(f"/intercambio/hilo/{thread.pk}/responder/", {"body": "Intento"}),
                  lambda: api.post(f"/api/v1/exchange/threads/{thread.pk}/messages/", {"body": "Intento"},
                                   format="json")],
        "attach": [lambda: page.post(f"/intercambio/hilo/{thread.pk}/adjuntar/", {"file": upload()}),
                   lambda: api.post(f"/api/v1/exchange/threads/{thread.pk}/attachments/", {"file": upload()},
                                    format="multipart")],
        "close": [lambda: page.post(f"/intercambio/hilo/{thread.pk}/cerrar/"),
                  lambda: api.post(f"/api/v1/exchange/threads/{thread.pk}/close/")],
        "request_forward": [
            lambda: page.post(f"/intercambio/hilo/{thread.pk}/reenvio/", {"target_country": "MEX", "reason": "x"}),
            lambda: api.post(f"/api/v1/exchange/threads/{thread.pk}/forward-requests/",
                             {"target_country": "MEX", "reason": "x"}, format="json")],
    }
    for step in steps or attempts:
        for attempt in attempts[step]:
            r = attempt()
            assert r.status_code == expect.get(step, 404), (step, r.status_code)
            if r.status_code == 404 and r.get("Content-Type", "").startswith("application/json"):
                assert r.json()["error"]["status"] == 404


def test_a_third_country_takes_no_step_on_a_thread_it_cannot_see():
    cri, _pan, hnd = focal("CRI"), focal("PAN"), focal("HND")
    thread = send(cri, ["PAN"])
    before = _state(thread)
    _try_every_step(hnd, thread, expect={})
    assert _state(thread) == before


def test_another_institution_of_the_originators_country_reads_but_takes_no_step():
    cri, _pan = focal("CRI"), focal("PAN")
    other = focal("CRI", inst=f.institution("CRI", "prosecution"))
    assert other.institution_id != cri.institution_id
    thread = send(cri, ["PAN"])
    assert f.verified_client(other).get(f"/intercambio/hilo/{thread.pk}/").status_code == 200
    before = _state(thread)
    _try_every_step(other, thread, expect={})
    assert _state(thread) == before


def test_the_originator_cannot_take_a_recipients_steps_and_a_recipient_cannot_close():
    cri, pan = focal("CRI"), focal("PAN")
    thread = send(cri, ["PAN"])
    before = _state(thread)
    _try_every_step(cri, thread, expect={}, steps=["deliver", "acknowledge", "request_forward"])
    _try_every_step(pan, thread, expect={}, steps=["close"])
    assert _state(thread) == before
    # The originator's message is never "the answer" to its own request.
    r = f.token_client(cri).post(f"/api/v1/exchange/threads/{thread.pk}/messages/",
                                 {"body": "Aclaración", "is_answer": True}, format="json")
    assert r.status_code == 201 and r.json()["is_answer"] is False
    # The page offers each party its own steps only.
    page_cri = f.verified_client(cri).get(f"/intercambio/hilo/{thread.pk}/").content.decode()
    page_pan = f.verified_client(pan).get(f"/intercambio/hilo/{thread.pk}/").content.decode()
    assert "ack-button" not in page_cri and "/cerrar/" in page_cri and "/reenvio/" not in page_cri
    assert "ack-button" in page_pan and "/cerrar/" not in page_pan and "/reenvio/" in page_pan


def test_parties_take_their_steps_with_one_audit_event_each():
    cri, pan = focal("CRI"), focal("PAN")
    thread = send(cri, ["PAN"])
    api_pan, api_cri = f.token_client(pan), f.token_client(cri)

    def events_for(fn):
        first = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
        r = fn()
        new = AuditEvent.objects.filter(seq__gt=first, kind="write").exclude(object_type="notifications.notification")
        return r, list(new.values_list("object_type", "detail"))

    r, events = events_for(lambda: api_pan.post(f"/api/v1/exchange/threads/{thread.pk}/delivered/"))
    assert r.status_code == 200 and r.json()["delivered_at"]
    assert [(t, d["do"]) for t, d in events] == [("exchange.receipt", "do_mark_delivered")]
    r, events = events_for(lambda: api_pan.post(f"/api/v1/exchange/threads/{thread.pk}/delivered/"))
    assert r.status_code == 200 and events == []  # already delivered: nothing to record
    r, events = events_for(lambda: api_pan.post(f"/api/v1/exchange/threads/{thread.pk}/acknowledge/"))
    assert r.status_code == 200 and [d["do"] for _t, d in events] == ["do_acknowledge_thread"]
    r, events = events_for(lambda: api_pan.post(f"/api/v1/exchange/threads/{thread.pk}/messages/",
                                                {"body": "Respuesta", "is_answer": True}, format="json"))
    assert r.status_code == 201 and [d["do"] for _t, d in events] == ["do_reply_thread"]
    r, events = events_for(lambda: api_cri.post(f"/api/v1/exchange/threads/{thread.pk}/close/"))
    assert r.status_code == 200 and [d["do"] for _t, d in events] == ["do_close_thread"]
    # Reading the thread writes nothing, through the page and the API (only the audit's read event).
    r, events = events_for(lambda: f.verified_client(pan).get(f"/intercambio/hilo/{thread.pk}/"))
    assert r.status_code == 200 and events == []
    r, events = events_for(lambda: api_pan.get(f"/api/v1/exchange/threads/{thread.pk}/"))
    assert r.status_code == 200 and events == []


def test_a_thread_narrowed_by_its_originator_still_takes_replies():
    cri, pan = focal("CRI"), focal("PAN")
    thread = send(cri, ["PAN"])
    do_change_sharing(cri, thread, distribution=Distribution.COUNTRY)
    r = f.token_client(cri).post(f"/api/v1/exchange/threads/{thread.pk}/messages/", {"body": "Nota interna"},
                                 format="json")
    assert r.status_code == 201, r.content
    assert r.json()["distribution"] == "country"
    # Panamá no longer sees the thread, so it takes no step on it.
    assert f.token_client(pan).post(f"/api/v1/exchange/threads/{thread.pk}/messages/", {"body": "x"},
                                    format="json").status_code == 404


# --- MLA drafting ---------------------------------------------------------------------------------------

def _draft(owner, requested="PAN"):
    r = f.token_client(owner).post("/api/v1/exchange/mla-drafts/", {
        "title": "AJR registros", "requested_country": requested, "content": {"facts": "Hechos"}}, format="json")
    assert r.status_code == 201, r.content
    return MlaDraft.objects.restrict(owner, "view").get(pk=r.json()["id"])


def _versions(draft):
    return MlaVersion.objects.unrestricted(reason="test").filter(draft=draft).count()


def test_a_draft_narrowed_by_its_owner_can_still_be_versioned():
    cri, pan = f.user("CRI", "prosecutor"), f.user("PAN", "prosecutor")
    draft = _draft(cri)
    do_change_sharing(cri, draft, distribution=Distribution.COUNTRY)
    r = f.token_client(cri).post(f"/api/v1/exchange/mla-drafts/{draft.pk}/versions/",
                                 {"content": {"facts": "Hechos, solo para Costa Rica"}, "note": "Interna"},
                                 format="json")
    assert r.status_code == 201, r.content
    assert r.json()["number"] == 2
    # Through the page as well.
    r = f.verified_client(cri).post(f"/intercambio/asistencia-juridica/{draft.pk}/",
                                    {"facts": "Tercera redacción", "note": "v3"})
    assert r.status_code == 302
    assert _versions(draft) == 3
    # The requested side no longer sees it, so it cannot version it.
    assert f.token_client(pan).post(f"/api/v1/exchange/mla-drafts/{draft.pk}/versions/",
                                    {"content": {"facts": "x"}}, format="json").status_code == 404
    # Narrowed to the owner institution: the owner still drafts.
    do_change_sharing(cri, draft, distribution=Distribution.INSTITUTION)
    assert f.token_client(cri).post(f"/api/v1/exchange/mla-drafts/{draft.pk}/versions/",
                                    {"content": {"facts": "v4"}}, format="json").status_code == 201


def test_only_the_drafting_parties_version_a_draft():
    cri, pan, hnd = f.user("CRI", "prosecutor"), f.user("PAN", "prosecutor"), f.user("HND", "prosecutor")
    draft = _draft(cri)
    # A third country's prosecutor, even when the owner shares the draft with the whole network, reads it
    # but is not a drafting party: 404 on the version step, page and API, nothing written.
    do_change_sharing(cri, draft, distribution=Distribution.NETWORK)
    assert f.token_client(hnd).get(f"/api/v1/exchange/mla-drafts/{draft.pk}/").status_code == 200
    assert f.token_client(hnd).post(f"/api/v1/exchange/mla-drafts/{draft.pk}/versions/",
                                    {"content": {"facts": "x"}}, format="json").status_code == 404
    assert f.verified_client(hnd).post(f"/intercambio/asistencia-juridica/{draft.pk}/",
                                       {"facts": "x"}).status_code == 404
    assert "edit-h" not in f.verified_client(hnd).get(f"/intercambio/asistencia-juridica/{draft.pk}/").content.decode()
    assert _versions(draft) == 1
    # The requested prosecutor is a party.
    assert f.token_client(pan).post(f"/api/v1/exchange/mla-drafts/{draft.pk}/versions/",
                                    {"content": {"facts": "y"}}, format="json").status_code == 201


def test_a_prosecutor_without_standing_opens_no_draft_and_versions_none():
    cri = f.user("CRI", "prosecutor")
    draft = _draft(cri)
    revoked = f.user("CRI", "prosecutor", authorised=False)
    r = f.token_client(revoked).post("/api/v1/exchange/mla-drafts/", {"title": "T", "requested_country": "PAN"},
                                     format="json")
    assert r.status_code == 403 and r.json()["error"]["status"] == 403
    r = f.verified_client(revoked).post("/intercambio/asistencia-juridica/nuevo/", {"title": "T",
                                                                                   "requested_country": "PAN"})
    assert r.status_code == 302 and not MlaDraft.objects.unrestricted(reason="test").filter(title="T").exists()
    # Same country: they read the draft their country shares with Panamá, but writing to it is cross-border.
    assert f.token_client(revoked).get(f"/api/v1/exchange/mla-drafts/{draft.pk}/").status_code == 200
    r = f.token_client(revoked).post(f"/api/v1/exchange/mla-drafts/{draft.pk}/versions/", {"content": {"facts": "x"}},
                                     format="json")
    assert r.status_code == 403
    assert _versions(draft) == 1


def test_forward_requests_are_decided_by_the_originator_only():
    cri, pan = focal("CRI"), focal("PAN")
    other = focal("CRI", inst=f.institution("CRI", "prosecution"))
    thread = send(cri, ["PAN"])
    fr = do_request_forward(pan, thread, target_country="HND", reason="Motivo")
    for user in (pan, other):
        assert f.token_client(user).post(f"/api/v1/exchange/forward-requests/{fr.pk}/approve/").status_code == 404
        assert f.token_client(user).post(f"/api/v1/exchange/forward-requests/{fr.pk}/refuse/").status_code == 404
    assert ForwardRequest.objects.unrestricted(reason="test").get(pk=fr.pk).status == "pending"
    page = f.verified_client(cri).get(f"/intercambio/hilo/{thread.pk}/").content.decode()
    assert f"/intercambio/reenvio/{fr.pk}/aprobar/" in page
    assert f"/intercambio/reenvio/{fr.pk}/aprobar/" not in f.verified_client(pan).get(
        f"/intercambio/hilo/{thread.pk}/").content.decode()
    assert f.token_client(cri).post(f"/api/v1/exchange/forward-requests/{fr.pk}/refuse/").json()["status"] == "refused"
