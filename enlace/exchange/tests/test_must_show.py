"""What the issue must show: an urgent request acknowledged and answered across borders, invisible to a
third country even in counts; forwarding without consent refused; overdue detection under a frozen clock."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from enlace.exchange.models import ForwardRequest, Receipt, ResponseMetric, Thread
from enlace.exchange.tasks import run_exchange_tasks
from enlace.notifications.models import Notification
from enlace.testing import factories as f

from .helpers import focal, send

pytestmark = pytest.mark.django_db


def _compose(client, **overrides):
    data = {"kind": "info_request", "subject": "Capitán de la lancha de Golfito", "recipient_countries": ["PAN"],
            "priority": "urgent", "source_grading": "B", "info_grading": "2", "body": "Antecedentes del capitán.",
            "d_info_request_questions": "¿Salidas por Puerto Obaldía?", "handling_no_judicial_use": "on",
            "handling_no_onward_sharing": "on", "idempotency_key": "k-1", "send": "1"}
    data.update(overrides)
    return client.post("/intercambio/nuevo/", data)


def test_urgent_request_is_acknowledged_and_answered_and_a_third_country_never_sees_it():
    cri, pan, hnd = focal("CRI"), focal("PAN"), focal("HND")
    r = _compose(f.verified_client(cri))
    assert r.status_code == 302, r.content.decode()[:2000]
    thread = Thread.objects.get(subject="Capitán de la lancha de Golfito")
    assert thread.status == "sent" and thread.priority == "urgent"
    assert thread.due_at == thread.sent_at + datetime.timedelta(hours=8)
    assert thread.details == {"questions": "¿Salidas por Puerto Obaldía?"}

    # Panamá: notified (title and link only), sees it in the inbox, opens it (delivered), acknowledges.
    note = Notification.objects.get(recipient=pan, kind="exchange.thread")
    assert "URGENTE" in note.title and "Golfito" not in note.title and note.link == f"/intercambio/hilo/{thread.pk}/"
    assert all("Golfito" not in m.body and "capitán" not in m.body for m in mail.outbox)
    client_pan = f.verified_client(pan)
    assert "Capitán de la lancha de Golfito" in client_pan.get("/intercambio/?box=received").content.decode()
    page = client_pan.get(f"/intercambio/hilo/{thread.pk}/").content.decode()
    assert "¿Salidas por Puerto Obaldía?" in page
    # Reading writes nothing: the page itself posts the delivery receipt once shown.
    thread.refresh_from_db()
    assert thread.status == "sent"
    assert f'hx-post="/intercambio/hilo/{thread.pk}/entregado/"' in page
    assert client_pan.get(f"/intercambio/hilo/{thread.pk}/entregado/").status_code == 405
    # Only a recipient country delivers: the originator and a third country get 404.
    assert f.verified_client(cri).post(f"/intercambio/hilo/{thread.pk}/entregado/").status_code == 404
    assert f.verified_client(hnd).post(f"/intercambio/hilo/{thread.pk}/entregado/").status_code == 404
    assert client_pan.post(f"/intercambio/hilo/{thread.pk}/entregado/").status_code == 204
    thread.refresh_from_db()
    assert thread.status == "delivered"
    assert 'hx-post' not in client_pan.get(f"/intercambio/hilo/{thread.pk}/").content.decode().split("receipts-h")[1] \
        .split("messages-h")[0]
    # The originator cannot acknowledge its own thread: it is not a recipient (404, nothing changed).
    assert f.verified_client(cri).post(f"/intercambio/hilo/{thread.pk}/acuse/").status_code == 404
    assert client_pan.post(f"/intercambio/hilo/{thread.pk}/acuse/").status_code == 302
    thread.refresh_from_db()
    assert thread.status == "acknowledged"
    assert Notification.objects.filter(recipient=cri, kind="exchange.ack").exists()

    # Panamá's national system answers through the API.
    api_pan = f.token_client(pan)
    r = api_pan.post(f"/api/v1/exchange/threads/{thread.pk}/messages/", {"body": "Sin salidas registradas.",
                                                                         "is_answer": True}, format="json")
    assert r.status_code == 201, r.content
    thread.refresh_from_db()
    assert thread.status == "answered"
    receipt = Receipt.objects.get(thread=thread)
    assert receipt.acknowledged_by == pan and receipt.answered_at is not None
    assert "Sin salidas registradas." in f.verified_client(cri).get(f"/intercambio/hilo/{thread.pk}/").content.decode()
    body = f.token_client(cri).get(f"/api/v1/exchange/threads/{thread.pk}/").json()
    assert body["status"] == "answered" and body["messages"][0]["is_answer"] is True
    assert body["receipts"][0]["country"] == "PAN"

    # Honduras: not in the inbox, not in search, not in the export, not in counts, 404 everywhere.
    client_hnd, api_hnd = f.verified_client(hnd), f.token_client(hnd)
    inbox = client_hnd.get("/intercambio/").content.decode()
    assert "Golfito" not in inbox and "0 hilos visibles" in inbox
    found = client_hnd.get("/intercambio/?q=Golfito").content.decode()
    assert "Capitán de la lancha" not in found and "0 hilos visibles" in found
    assert "Capitán de la lancha" in f.verified_client(pan).get("/intercambio/?q=Golfito").content.decode()
    assert client_hnd.get(f"/intercambio/hilo/{thread.pk}/").status_code == 404
    assert client_hnd.get(f"/intercambio/hilo/{thread.pk}/fila/").status_code == 404
    assert api_hnd.get(f"/api/v1/exchange/threads/{thread.pk}/").status_code == 404
    assert api_hnd.get("/api/v1/exchange/threads/").json()["count"] == 0
    assert api_hnd.get("/api/v1/exchange/threads/?q=Golfito").json()["count"] == 0
    assert api_hnd.post(f"/api/v1/exchange/threads/{thread.pk}/acknowledge/").status_code == 404
    assert Thread.objects.restrict(hnd, "count").count() == 0
    assert not Notification.objects.filter(recipient=hnd, kind__startswith="exchange.").exists()
    from enlace.sharing.testing import export_text

    assert "Golfito" not in export_text(client_hnd.get("/intercambio/exportar.xlsx"))
    assert "Golfito" in export_text(f.verified_client(pan).get("/intercambio/exportar.xlsx"))


def test_due_dates_default_by_priority_and_are_configurable(settings):
    cri, _pan = focal("CRI"), focal("PAN")
    normal = send(cri, ["PAN"], priority="normal")
    assert normal.due_at - normal.sent_at == datetime.timedelta(days=7)
    settings.ENLACE_EXCHANGE_DUE_HOURS = {"urgent": 2, "normal": 24}
    urgent = send(cri, ["PAN"], priority="urgent")
    assert urgent.due_at - urgent.sent_at == datetime.timedelta(hours=2)


def test_forwarding_without_the_originators_consent_is_refused():
    cri, pan, hnd = focal("CRI"), focal("PAN"), focal("HND")
    thread = send(cri, ["PAN"])
    api_pan = f.token_client(pan)
    r = api_pan.post(f"/api/v1/exchange/threads/{thread.pk}/forward-requests/",
                     {"target_country": "HND", "reason": "El capitán opera también desde Honduras."}, format="json")
    assert r.status_code == 201, r.content
    fr_id = r.json()["id"]
    # The recipient cannot give itself the consent (the decision is the originator's: 404 for anyone
    # else, page and API), and Honduras still sees nothing.
    r = api_pan.post(f"/api/v1/exchange/forward-requests/{fr_id}/approve/")
    assert r.status_code == 404 and r.json()["error"]["status"] == 404
    assert f.verified_client(pan).post(f"/intercambio/reenvio/{fr_id}/aprobar/").status_code == 404
    # The originator does not ask itself for consent either.
    assert f.token_client(cri).post(f"/api/v1/exchange/threads/{thread.pk}/forward-requests/",
                                    {"target_country": "HND", "reason": "x"}, format="json").status_code == 404
    assert ForwardRequest.objects.get(pk=fr_id).status == "pending"
    assert f.token_client(hnd).get(f"/api/v1/exchange/threads/{thread.pk}/").status_code == 404
    # Honduras cannot ask either: it does not even see the thread.
    assert f.token_client(hnd).post(f"/api/v1/exchange/threads/{thread.pk}/forward-requests/",
                                    {"target_country": "HND", "reason": "x"}, format="json").status_code == 404
    # The originator refuses: still nothing. A second request, approved: Honduras joins the thread.
    api_cri = f.token_client(cri)
    assert api_cri.post(f"/api/v1/exchange/forward-requests/{fr_id}/refuse/").json()["status"] == "refused"
    assert f.token_client(hnd).get(f"/api/v1/exchange/threads/{thread.pk}/").status_code == 404
    fr2 = api_pan.post(f"/api/v1/exchange/threads/{thread.pk}/forward-requests/",
                       {"target_country": "HND", "reason": "Nueva información."}, format="json").json()["id"]
    assert api_cri.post(f"/api/v1/exchange/forward-requests/{fr2}/approve/").json()["status"] == "approved"
    assert f.token_client(hnd).get(f"/api/v1/exchange/threads/{thread.pk}/").status_code == 200
    assert Notification.objects.filter(recipient=hnd, kind="exchange.thread").exists()


def test_overdue_requests_are_flagged_and_escalated_under_a_frozen_clock():
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.timezone.utc)
    with time_machine.travel(start, tick=False):
        cri, pan = focal("CRI"), focal("PAN")
        from enlace.directory.tests.helpers import chancery

        pan_chancery = chancery("PAN")
        late = send(cri, ["PAN"], priority="urgent")
        answered = send(cri, ["PAN"], priority="urgent")
        from enlace.exchange.actions import do_reply_thread

        do_reply_thread(pan, answered, body="Respuesta", is_answer=True)
    with time_machine.travel(start + datetime.timedelta(hours=7, minutes=59), tick=False):
        assert run_exchange_tasks()["overdue_receipts"] == 0
        late.refresh_from_db()
        assert late.status == "sent"
    with time_machine.travel(start + datetime.timedelta(hours=8, minutes=1), tick=False):
        out = run_exchange_tasks()
        assert out == {"overdue_receipts": 1, "escalations": 1, "threads": 1}
        late.refresh_from_db()
        answered.refresh_from_db()
        assert late.status == "overdue" and answered.status == "answered"
        # Escalated to Panamá's coordinator: its Cancillería and its 24/7 focal points; the content stays out.
        escalated = Notification.objects.filter(kind="exchange.overdue")
        assert {n.recipient for n in escalated} >= {pan_chancery, pan}
        assert all(late.subject not in n.title for n in escalated)
        assert ResponseMetric.objects.get(receipt__thread=late).overdue
        # Idempotent: the next run escalates nothing new.
        call_command("run-periodic")
        assert Notification.objects.filter(kind="exchange.overdue").count() == escalated.count()
    with time_machine.travel(start + datetime.timedelta(hours=9), tick=False):
        from enlace.exchange.actions import do_reply_thread

        do_reply_thread(pan, late, body="Perdón por la demora", is_answer=True)
        late.refresh_from_db()
        assert late.status == "answered"
