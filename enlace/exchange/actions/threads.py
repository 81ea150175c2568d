"""Threads, messages and receipts: drafts, sending, delivery, acknowledgement, replies, closing, deadlines.

Who may take each step is the sharing policy's (``Thread.write_rules``, ``Receipt.write_rules``):
``require(user, record, action)`` re-reads the record for that step and raises ``Http404`` for
anyone else. Every ``do_*`` is atomic and writes one audit event.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from enlace.audit.log import log_event
from enlace.core.models import Country
from enlace.directory.policy import authorised_contacts_for
from enlace.notifications.actions import do_notify
from enlace.sharing.access import require
from enlace.sharing.models import SharingGroup
from enlace.sharing.policy import Distribution

from .. import choices
from ..models import Message, Receipt, ResponseMetric, Thread
from ..realtime import publish_on_commit
from .common import (HANDLING_FIELDS, audience_country_ids, child_sharing, recipients_to_notify, require_exchange,
                     thread_link)

# --- input ---------------------------------------------------------------------------------------------

def clean_details(kind: str, raw: dict) -> dict:
    out = {}
    for name, _label, widget in choices.KIND_FIELDS.get(kind, []):
        value = raw.get(name)
        if value in (None, ""):
            continue
        if widget == "number":
            try:
                value = int(value)
                if value < 0:
                    raise ValueError
            except (TypeError, ValueError):
                raise ValidationError({name: _("Indique un número entero positivo.")}) from None
        elif widget == "date":
            if isinstance(value, datetime.date):
                value = value.isoformat()
            else:
                try:
                    value = datetime.date.fromisoformat(str(value)).isoformat()
                except ValueError:
                    raise ValidationError({name: _("Indique una fecha válida (AAAA-MM-DD).")}) from None
        elif widget == "alert_type":
            if value not in dict(choices.ALERT_TYPES):
                raise ValidationError({name: _("Tipo de alerta desconocido.")})
        else:
            value = str(value)[:5000]
        out[name] = value
    return out


def clean_thread_data(user, data: dict, *, for_send: bool) -> dict:
    """Validate what a thread needs; ``for_send`` adds the recipient checks. Errors keyed by field."""
    errors: dict[str, list] = {}

    def fail(field, message):
        errors.setdefault(field, []).append(message)

    out: dict = {}
    kind = data.get("kind") or ""
    if kind not in dict(choices.KINDS):
        fail("kind", _("Elija el tipo de mensaje."))
    out["kind"] = kind
    subject = " ".join(str(data.get("subject") or "").split())[:200]
    if not subject:
        fail("subject", _("Indique el asunto."))
    out["subject"] = subject
    out["body"] = str(data.get("body") or "")
    if for_send and not out["body"].strip():
        fail("body", _("Escriba el texto del mensaje."))
    priority = data.get("priority") or "normal"
    if priority not in dict(choices.PRIORITIES):
        fail("priority", _("Prioridad desconocida: use «urgent» o «normal»."))
    out["priority"] = priority
    source = data.get("source_grading") or "X"
    if source not in dict(choices.SOURCE_GRADES):
        fail("source_grading", _("Fiabilidad de la fuente no válida (A, B, C o X)."))
    out["source_grading"] = source
    info = str(data.get("info_grading") or "4")
    if info not in dict(choices.INFO_GRADES):
        fail("info_grading", _("Valoración de la información no válida (1 a 4)."))
    out["info_grading"] = info
    try:
        out["details"] = clean_details(kind, data.get("details") or {})
    except ValidationError as exc:
        for field, msgs in exc.message_dict.items():
            for m in msgs:
                fail(field, m)
    for field in HANDLING_FIELDS:
        if field in data:
            out[field] = (str(data[field])[:500] if field == "handling_other" else bool(data[field]))
    out["case_reference"] = str(data.get("case_reference") or "")[:100]
    due_at = data.get("due_at")
    if due_at:
        if timezone.is_naive(due_at):
            due_at = timezone.make_aware(due_at)
        if due_at <= timezone.now():
            fail("due_at", _("El plazo debe ser una fecha futura."))
    out["due_at"] = due_at or None

    # Recipients: member countries (not one's own) with an authorised focal point; chosen focal points
    # must be authorised contacts the sender can see, in those countries.
    countries = list(data.get("recipient_countries") or [])
    own = user.institution.country_id if user.institution_id else None
    resolved = []
    for c in countries:
        code = getattr(c, "code", c)
        country = Country.objects.restrict(user, "view").filter(code=str(code).upper()).first()
        if country is None or country.kind != Country.Kind.MEMBER:
            fail("recipient_countries", _("Destinatario desconocido: %(code)s.") % {"code": code})
            continue
        if country.pk == own:
            fail("recipient_countries", _("No puede enviarse a su propio país por este canal."))
            continue
        resolved.append(country)
    contacts = []
    for cid in data.get("recipient_contacts") or []:
        contact = authorised_contacts_for(user).filter(pk=getattr(cid, "pk", cid)).first() if str(
            getattr(cid, "pk", cid)).isdigit() else None
        if contact is None or contact.user_id is None:
            fail("recipient_contacts", _("Destinatario desconocido o no autorizado (n.º %(id)s).")
                 % {"id": getattr(cid, "pk", cid)})
            continue
        contacts.append(contact)
        if contact.owner_institution.country not in resolved:
            resolved.append(contact.owner_institution.country)
    if for_send and not errors.get("recipient_countries"):
        if not resolved:
            fail("recipient_countries", _("Elija al menos un país destinatario."))
        for country in resolved:
            if not authorised_contacts_for(user, country=country).filter(user__isnull=False).exists():
                fail("recipient_countries", _("%(country)s no tiene ningún punto focal autorizado y vigente: no se "
                                              "puede enviar.") % {"country": country.name})
    out["recipient_countries"] = resolved
    out["recipient_contacts"] = contacts
    if errors:
        raise ValidationError(errors)
    return out



def thread_snapshot(thread) -> dict:
    """Codes and states of a thread for the audit (free text is redacted by the audit anyway)."""
    return {"kind": thread.kind, "status": thread.status, "priority": thread.priority, "due_at": thread.due_at,
            "distribution": thread.distribution,
            "recipients": sorted(thread.recipient_countries.values_list("code", flat=True)) if thread.pk else []}


def _apply(thread, clean: dict) -> None:
    for field in ("kind", "subject", "body", "priority", "source_grading", "info_grading", "details",
                  "case_reference", *HANDLING_FIELDS):
        if field in clean:
            setattr(thread, field, clean[field])
    if clean.get("due_at"):
        thread.due_at = clean["due_at"]


def _set_recipients(thread, clean: dict) -> None:
    thread.recipient_countries.set(clean["recipient_countries"])
    contacts = clean.get("recipient_contacts") or []
    thread.recipient_users.set([c.user for c in contacts if c.user_id])
    thread.recipient_institutions.set({c.owner_institution for c in contacts})


def chosen_contacts(user, thread) -> list:
    """The directory entries of the focal points a draft was addressed to, as the sender sees them."""
    users = list(thread.recipient_users.values_list("pk", flat=True))
    if not users:
        return []
    seen, out = set(), []
    for contact in authorised_contacts_for(user).filter(user__in=users).order_by("pk"):
        if contact.user_id not in seen:
            seen.add(contact.user_id)
            out.append(contact)
    return out


# --- drafts and sending ---------------------------------------------------------------------------------

@transaction.atomic
def do_save_draft(user, data: dict, *, thread: Thread | None = None) -> Thread:
    """Keep what was typed, even when it cannot be sent yet. Seen only by the author's institution."""
    require_exchange(user)
    if thread is not None:
        thread = require(user, thread, "change")
        if thread.status != Thread.Status.DRAFT:
            raise ValidationError(_("Este mensaje ya fue enviado; no es un borrador."))
    lenient = dict(data)
    lenient.setdefault("subject", "")
    if not " ".join(str(lenient.get("subject") or "").split()):
        lenient["subject"] = _("(sin asunto)")
    if lenient.get("kind") not in dict(choices.KINDS):
        lenient["kind"] = "info_request"
    # Keep recipients only when valid; everything else as typed.
    try:
        clean = clean_thread_data(user, lenient, for_send=False)
    except ValidationError as exc:
        details = dict(lenient.get("details") or {})
        for field in exc.message_dict:
            lenient.pop(field, None)
            details.pop(field, None)
        lenient["details"] = details
        clean = clean_thread_data(user, lenient, for_send=False)
    before = thread_snapshot(thread) if thread else None
    if thread is None:
        thread = Thread(owner_institution=user.institution, created_by=user, distribution=Distribution.INSTITUTION,
                        status=Thread.Status.DRAFT)
    _apply(thread, clean)
    thread.clean_sharing()
    thread.save()
    _set_recipients(thread, clean)
    log_event("write", user=user, obj=thread, before=before, after=thread_snapshot(thread),
              detail={"action": "save_draft"})
    return thread


def _group_for(user, thread, countries) -> SharingGroup:
    """The thread's audience: the recipient countries and the originator's country (so replies reach it).
    Part of sending (the send's audit event lists the countries)."""
    group = SharingGroup.objects.create(name=f"Intercambio n.º {thread.pk}"[:120], owner_institution=user.institution)
    group.countries.set({*countries, user.institution.country})
    return group


@transaction.atomic
def do_send_thread(user, data: dict | None = None, *, thread: Thread | None = None,
                   idempotency_key: str = "") -> tuple[Thread, bool]:
    """Send a new thread (``data``) or a saved draft (``thread``). Returns ``(thread, created)``.

    The same idempotency key from the same official returns the first thread: a double submit
    sends one message. Sending creates the thread's sharing group and one receipt per recipient
    country, notifies the recipients (title and link only) and announces the thread on the stream.
    """
    require_exchange(user)
    key = (idempotency_key or "").strip()[:80]
    if key:
        existing = Thread.objects.restrict(user, "view").filter(created_by=user, idempotency_key=key).first()
        if existing is not None:
            return existing, False
    if thread is not None:
        thread = require(user, thread, "change")
        if thread.status != Thread.Status.DRAFT:
            raise ValidationError(_("Este mensaje ya fue enviado."))
        if data is None:
            data = {"kind": thread.kind, "subject": thread.subject, "body": thread.body, "details": thread.details,
                    "priority": thread.priority, "source_grading": thread.source_grading,
                    "info_grading": thread.info_grading, "case_reference": thread.case_reference,
                    "recipient_countries": list(thread.recipient_countries.all()),
                    "recipient_contacts": chosen_contacts(user, thread),
                    **{f: getattr(thread, f) for f in HANDLING_FIELDS}}
    clean = clean_thread_data(user, data or {}, for_send=True)
    before = thread_snapshot(thread) if thread else None
    now = timezone.now()
    if thread is None:
        thread = Thread(owner_institution=user.institution, created_by=user)
    _apply(thread, clean)
    thread.idempotency_key = key
    thread.status = Thread.Status.SENT
    thread.sent_at = now
    if not clean.get("due_at"):
        thread.due_at = now + datetime.timedelta(hours=choices.due_hours(thread.priority))
    thread.distribution = Distribution.INSTITUTION
    try:
        with transaction.atomic():
            thread.save()
    except IntegrityError:
        # A concurrent twin with the same key won the race: that one is the message.
        existing = Thread.objects.restrict(user, "view").filter(created_by=user, idempotency_key=key).first()
        if existing is None:
            raise
        return existing, False
    _set_recipients(thread, clean)
    countries = clean["recipient_countries"]
    thread.sharing_group = _group_for(user, thread, countries)
    thread.distribution = Distribution.GROUP
    thread.clean_sharing()
    thread.save()
    for country in countries:
        receipt = Receipt.objects.create(thread=thread, country=country, owner_institution=thread.owner_institution,
                                         created_by=user, **child_sharing(thread))
        ResponseMetric.objects.create(receipt=receipt, country=country, kind=thread.kind, priority=thread.priority,
                                      sent_at=now)
    log_event("write", user=user, obj=thread, before=before, after=thread_snapshot(thread),
              detail={"action": "send", "countries": sorted(c.code for c in countries)})
    kind_label = choices.label(choices.KINDS, thread.kind)
    urgent = thread.priority == "urgent"
    title = (_("Enlace: %(kind)s URGENTE de %(country)s") if urgent else _("Enlace: %(kind)s de %(country)s")) % {
        "kind": kind_label, "country": user.institution.country.name}
    # Publish first: on commit, the live event goes out before the e-mail copies are handed to the mailer.
    publish_on_commit("thread", thread.pk, audience_country_ids(thread))
    do_notify(recipients_to_notify(thread, countries), kind="exchange.thread", title=title, link=thread_link(thread),
              actor=user)
    return thread, True


@transaction.atomic
def do_discard_draft(user, thread: Thread) -> None:
    """The originating institution deletes a draft that was never sent."""
    require_exchange(user)
    thread = require(user, thread, "delete")
    if thread.status != Thread.Status.DRAFT:
        raise ValidationError(_("Solo se pueden descartar borradores."))
    log_event("write", user=user, obj=thread, before=thread_snapshot(thread), detail={"action": "discard_draft"})
    thread.delete()


# --- life of a sent thread --------------------------------------------------------------------------------

def _all_receipts(thread):
    # The thread's stage depends on every recipient country, whoever acts: a system read of
    # workflow dates (receipts hold no content and no personal data).
    return Receipt.objects.unrestricted(reason="estado del hilo según los acuses de todos los destinatarios").filter(
        thread=thread)


def _refresh_status(thread, now=None, receipts=None) -> None:
    if thread.status in (Thread.Status.DRAFT, Thread.Status.CLOSED):
        return
    now = now or timezone.now()
    receipts = list(_all_receipts(thread)) if receipts is None else receipts
    order = [Thread.Status.SENT, Thread.Status.DELIVERED, Thread.Status.ACKNOWLEDGED, Thread.Status.ANSWERED]
    stage = Thread.Status.SENT
    for r in receipts:
        s = (Thread.Status.ANSWERED if r.answered_at else Thread.Status.ACKNOWLEDGED if r.acknowledged_at
             else Thread.Status.DELIVERED if r.delivered_at else Thread.Status.SENT)
        if order.index(s) > order.index(stage):
            stage = s
    if any(_is_late(thread, r, now) for r in receipts):
        stage = Thread.Status.OVERDUE
    thread.status = stage


def _is_late(thread, receipt, now) -> bool:
    if thread.due_at is None or now <= thread.due_at:
        return False
    if thread.expects_answer():
        return receipt.answered_at is None
    return receipt.acknowledged_at is None


def own_receipt(user, thread, action: str) -> Receipt | None:
    """The user's country's receipt on ``thread`` if the policy lets them take ``action`` on it."""
    return Receipt.objects.restrict(user, action).filter(thread=thread).first()


@transaction.atomic
def do_mark_delivered(user, thread: Thread) -> bool:
    """A recipient country's official has the thread in front of them: it counts as delivered.

    A POST (the thread page sends it once loaded; the API has ``POST threads/{id}/delivered/``):
    reading a thread never writes. Returns False when it was already delivered. 404 for anyone
    who is not an official of a recipient country.
    """
    require_exchange(user)
    thread = require(user, thread, "view")
    receipt = own_receipt(user, thread, "deliver")
    if receipt is None:
        raise Http404
    if receipt.delivered_at:
        return False
    receipt.delivered_at = timezone.now()
    receipt.save(update_fields=["delivered_at", "updated_at"])
    before = thread.status
    _refresh_status(thread)
    thread.save(update_fields=["status", "updated_at"])
    log_event("write", user=user, obj=receipt, before={"status": before}, after={"status": thread.status},
              detail={"action": "delivered", "thread_id": thread.pk})
    publish_on_commit("status", thread.pk, audience_country_ids(thread))
    return True


@transaction.atomic
def do_acknowledge_thread(user, thread: Thread) -> Receipt:
    """A recipient country acknowledges the thread (its own receipt); the originator is told."""
    require_exchange(user)
    thread = require(user, thread, "view")
    receipt = own_receipt(user, thread, "acknowledge")
    if receipt is None:
        raise Http404
    if thread.status == Thread.Status.CLOSED:
        raise ValidationError(_("El hilo está cerrado."))
    if receipt.acknowledged_at:
        return receipt
    now = timezone.now()
    receipt.delivered_at = receipt.delivered_at or now
    receipt.acknowledged_at = now
    receipt.acknowledged_by = user
    receipt.save()
    ResponseMetric.objects.filter(receipt=receipt).update(acknowledged_at=now)
    before = thread.status
    _refresh_status(thread, now)
    thread.save(update_fields=["status", "updated_at"])
    log_event("write", user=user, obj=receipt, before={"status": before}, after={"status": thread.status},
              detail={"action": "acknowledge", "thread_id": thread.pk})
    do_notify([thread.created_by] if thread.created_by else [], kind="exchange.ack",
              title=_("Enlace: %(country)s acusó recibo de su mensaje") % {"country": user.institution.country.name},
              link=thread_link(thread), actor=user)
    publish_on_commit("status", thread.pk, audience_country_ids(thread))
    return receipt


@transaction.atomic
def do_reply_thread(user, thread: Thread, *, body: str, is_answer: bool = False,
                    idempotency_key: str = "") -> tuple[Message, bool]:
    """A party of the thread writes in it. ``is_answer`` (recipients only) answers the request.

    A recipient's message also acknowledges for its country. The same idempotency key returns
    the first message.
    """
    require_exchange(user)
    thread = require(user, thread, "reply")
    key = (idempotency_key or "").strip()[:80]
    if key:
        existing = Message.objects.restrict(user, "view").filter(created_by=user, idempotency_key=key).first()
        if existing is not None:
            return existing, False
    if thread.status == Thread.Status.CLOSED:
        raise ValidationError({"body": _("El hilo está cerrado: ya no admite respuestas. Su texto se conserva abajo; "
                                         "puede copiarlo en un nuevo mensaje.")})
    if thread.status == Thread.Status.DRAFT:
        raise ValidationError({"body": _("Envíe el mensaje antes de responder en el hilo.")})
    body = str(body or "").strip()
    if not body:
        raise ValidationError({"body": _("Escriba el texto de la respuesta.")})
    # Only a recipient answers; the originator's messages are never "the answer".
    receipt = own_receipt(user, thread, "answer")
    is_answer = bool(is_answer and receipt is not None)
    now = timezone.now()
    message = Message(thread=thread, body=body, is_answer=is_answer, owner_institution=user.institution,
                      created_by=user, idempotency_key=key, **child_sharing(thread),
                      handling_intelligence_only=thread.handling_intelligence_only,
                      handling_no_judicial_use=thread.handling_no_judicial_use,
                      handling_no_onward_sharing=thread.handling_no_onward_sharing,
                      handling_other=thread.handling_other)
    message.clean_sharing()
    message.save()
    before = thread.status
    if receipt is not None:
        receipt.delivered_at = receipt.delivered_at or now
        receipt.acknowledged_at = receipt.acknowledged_at or now
        receipt.acknowledged_by = receipt.acknowledged_by or user
        if is_answer and not receipt.answered_at:
            receipt.answered_at = now
        receipt.save()
        ResponseMetric.objects.filter(receipt=receipt).update(
            acknowledged_at=receipt.acknowledged_at, answered_at=receipt.answered_at)
    _refresh_status(thread, now)
    thread.save(update_fields=["status", "updated_at"])
    log_event("write", user=user, obj=message, after={"thread_id": thread.pk, "is_answer": is_answer},
              detail={"action": "reply", "status": thread.status})
    originator = thread.owner_institution_id == user.institution_id
    others = recipients_to_notify(thread, thread.recipient_countries.all()) if originator else (
        [thread.created_by] if thread.created_by else [])
    publish_on_commit("message", thread.pk, audience_country_ids(thread))
    do_notify([u for u in others if u.pk != user.pk], kind="exchange.reply",
              title=(_("Enlace: respuesta de %(country)s") if is_answer else _("Enlace: nuevo mensaje de %(country)s"))
              % {"country": user.institution.country.name}, link=thread_link(thread), actor=user)
    return message, True


@transaction.atomic
def do_close_thread(user, thread: Thread) -> Thread:
    """The originating institution closes a sent thread: no more replies or attachments."""
    require_exchange(user)
    thread = require(user, thread, "close")
    if thread.status in (Thread.Status.DRAFT, Thread.Status.CLOSED):
        raise ValidationError(_("Solo se cierran hilos enviados y abiertos."))
    before = thread.status
    thread.status = Thread.Status.CLOSED
    thread.closed_at = timezone.now()
    thread.save(update_fields=["status", "closed_at", "updated_at"])
    log_event("write", user=user, obj=thread, before={"status": before}, after={"status": thread.status},
              detail={"action": "close"})
    publish_on_commit("status", thread.pk, audience_country_ids(thread))
    return thread


# --- deadlines ----------------------------------------------------------------------------------------------

def coordinators_of(thread, country) -> list:
    """Who is told when a country is late: its Cancillería and its 24/7 contacts."""
    from enlace.directory.actions import cancilleria_of

    users = list(cancilleria_of(country.pk))
    if thread.created_by is not None:
        for contact in authorised_contacts_for(thread.created_by, country=country, function="contact_24_7").filter(
                user__isnull=False):
            users.append(contact.user)
    return users


@transaction.atomic
def do_flag_overdue(now=None) -> dict:
    """Periodic: flag late receipts, mark threads overdue, escalate once to the late country's coordinators.

    One audit event for the run (the receipts flagged and their countries), none when nothing was late.
    """
    now = now or timezone.now()
    # The clock is not an official: this selects rows to act on and shows nothing to anyone.
    late = (Receipt.objects.unrestricted(reason="detección periódica de plazos vencidos")
            .select_related("thread__owner_institution__country", "thread__sharing_group", "country",
                            "thread__created_by")
            .filter(thread__due_at__lt=now, escalated_at__isnull=True)
            .exclude(thread__status__in=[Thread.Status.DRAFT, Thread.Status.CLOSED])
            .filter(Q(thread__kind__in=choices.KINDS_EXPECTING_ANSWER, answered_at__isnull=True)
                    | (~Q(thread__kind__in=choices.KINDS_EXPECTING_ANSWER) & Q(acknowledged_at__isnull=True))))
    flagged, escalated, threads, ids, countries = 0, 0, {}, [], set()
    for receipt in late:
        thread = receipt.thread
        receipt.overdue_at = receipt.overdue_at or now
        receipt.escalated_at = now
        receipt.save(update_fields=["overdue_at", "escalated_at", "updated_at"])
        ResponseMetric.objects.filter(receipt=receipt).update(overdue=True)
        flagged += 1
        ids.append(receipt.pk)
        countries.add(receipt.country.code)
        users = coordinators_of(thread, receipt.country)
        if users:
            do_notify(users, kind="exchange.overdue",
                      title=_("Enlace: %(country)s tiene una solicitud vencida sin respuesta (%(kind)s)")
                      % {"country": receipt.country.name, "kind": choices.label(choices.KINDS, thread.kind)},
                      link=thread_link(thread))
            escalated += 1
        threads[thread.pk] = thread
    for thread in threads.values():
        before = thread.status
        _refresh_status(thread, now)
        if thread.status != before:
            thread.save(update_fields=["status", "updated_at"])
            publish_on_commit("status", thread.pk, audience_country_ids(thread))
    if flagged:
        log_event("write", object_type="exchange.receipt",
                  detail={"action": "overdue", "ids": ids, "count": flagged, "countries": sorted(countries),
                          "thread_ids": sorted(threads)})
    return {"overdue_receipts": flagged, "escalations": escalated, "threads": len(threads)}
