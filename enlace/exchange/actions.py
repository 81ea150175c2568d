"""Every change to the secure exchange. Atomic, audited, and the only place that writes its rows."""

from __future__ import annotations

import datetime
import difflib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enlace.accounts.models import User
from enlace.audit.log import log_event
from enlace.core.models import Country
from enlace.core.uploads import store_encrypted, validate_upload
from enlace.directory.policy import authorised_contacts_for, is_authorised_focal_point
from enlace.notifications.actions import do_notify
from enlace.sharing.actions import do_set_sharing_group_countries
from enlace.sharing.models import SharingGroup
from enlace.sharing.policy import Distribution

from . import choices
from .models import Attachment, ForwardRequest, Message, MlaDraft, MlaVersion, Receipt, ResponseMetric, Thread
from .realtime import publish_on_commit

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
HANDLING_FIELDS = ("handling_intelligence_only", "handling_no_judicial_use", "handling_no_onward_sharing",
                   "handling_other")


# --- who may do what ---------------------------------------------------------------------------------

def can_exchange(user) -> bool:
    """Send and receive: the exchange permission *and* an authorised, in-force directory entry."""
    return (getattr(user, "is_authenticated", False) and user.is_active and user.institution_id is not None
            and user.has_perm("exchange.change_thread") and is_authorised_focal_point(user))


def require_exchange(user) -> None:
    if not can_exchange(user):
        raise PermissionDenied(_("Solo los puntos focales autorizados por su Cancillería y vigentes pueden usar el "
                                 "intercambio seguro."))


def is_originator(user, thread) -> bool:
    return user.institution_id is not None and thread.owner_institution_id == user.institution_id


def is_recipient(user, thread) -> bool:
    return (user.institution_id is not None and thread.status != Thread.Status.DRAFT
            and thread.recipient_countries.filter(pk=user.institution.country_id).exists()
            and user.institution.country_id != thread.owner_institution.country_id)


def visible_thread(user, thread, action="view") -> Thread:
    """Re-read through the policy: a thread the user cannot see does not exist for them (404)."""
    fresh = Thread.objects.restrict(user, action).filter(pk=thread.pk).select_related(
        "owner_institution__country", "sharing_group").first()
    if fresh is None:
        raise Http404
    return fresh


def audience_country_ids(thread) -> list[int]:
    ids = {thread.owner_institution.country_id}
    if thread.distribution == Distribution.GROUP and thread.sharing_group_id:
        ids |= set(thread.sharing_group.countries.values_list("pk", flat=True))
    elif thread.distribution == Distribution.NETWORK:
        ids |= set(Country.objects.filter(in_network=True).values_list("pk", flat=True))
    return sorted(ids)


def thread_link(thread) -> str:
    return reverse("exchange:thread", args=[thread.pk])


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
    return {"kind": thread.kind, "subject": thread.subject, "status": thread.status, "priority": thread.priority,
            "due_at": thread.due_at, "distribution": thread.distribution,
            "source_grading": thread.source_grading, "info_grading": thread.info_grading,
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


# --- drafts and sending ---------------------------------------------------------------------------------

@transaction.atomic
def do_save_draft(user, data: dict, *, thread: Thread | None = None) -> Thread:
    """Keep what was typed, even when it cannot be sent yet. Seen only by the author's institution."""
    require_exchange(user)
    if thread is not None:
        thread = visible_thread(user, thread, "change")
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
    group = SharingGroup.objects.create(name=f"Intercambio n.º {thread.pk}"[:120], owner_institution=user.institution)
    group.countries.set({*countries, user.institution.country})
    log_event("sharing", user=user, obj=group, after={"countries": sorted(c.code for c in group.countries.all())})
    return group


def recipients_to_notify(thread, countries) -> list[User]:
    """The addressed focal points; when none was chosen in a country, every authorised focal point of it."""
    chosen = list(thread.recipient_users.filter(is_active=True).select_related("institution"))
    chosen_countries = {u.institution.country_id for u in chosen if u.institution_id}
    ids = {u.pk for u in chosen}
    others = [c for c in countries if c.pk not in chosen_countries]
    if others and thread.created_by is not None:
        contacts = authorised_contacts_for(thread.created_by).filter(
            user__isnull=False, owner_institution__country__in=[c.pk for c in others])
        ids |= set(contacts.values_list("user_id", flat=True))
    # One query for "active and allowed to read threads" instead of a permission lookup per official.
    return list(User.objects.filter(pk__in=ids, is_active=True, groups__permissions__content_type__app_label="exchange",
                                    groups__permissions__codename="view_thread").distinct())


@transaction.atomic
def do_send_thread(user, data: dict | None = None, *, thread: Thread | None = None,
                   idempotency_key: str = "") -> tuple[Thread, bool]:
    """Send a new thread (``data``) or a saved draft (``thread``). Returns ``(thread, created)``.

    The same idempotency key from the same official returns the first thread: a double submit
    sends one message.
    """
    require_exchange(user)
    key = (idempotency_key or "").strip()[:80]
    if key:
        existing = Thread.objects.restrict(user, "view").filter(created_by=user, idempotency_key=key).first()
        if existing is not None:
            return existing, False
    if thread is not None:
        thread = visible_thread(user, thread, "change")
        if thread.status != Thread.Status.DRAFT:
            raise ValidationError(_("Este mensaje ya fue enviado."))
        if data is None:
            data = {"kind": thread.kind, "subject": thread.subject, "body": thread.body, "details": thread.details,
                    "priority": thread.priority, "source_grading": thread.source_grading,
                    "info_grading": thread.info_grading, "case_reference": thread.case_reference,
                    "recipient_countries": list(thread.recipient_countries.all()),
                    "recipient_contacts": [c for u in thread.recipient_users.all()
                                           for c in u.directory_contacts.all()[:1]],
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
                                         distribution=Distribution.GROUP, sharing_group=thread.sharing_group,
                                         created_by=user)
        ResponseMetric.objects.create(receipt=receipt, country=country, kind=thread.kind, priority=thread.priority,
                                      sent_at=now)
    log_event("write", user=user, obj=thread, before=before, after=thread_snapshot(thread),
              detail={"action": "send", "idempotency_key": key})
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
    require_exchange(user)
    thread = visible_thread(user, thread, "delete")
    if thread.status != Thread.Status.DRAFT:
        raise ValidationError(_("Solo se pueden descartar borradores."))
    log_event("write", user=user, obj=thread, before=thread_snapshot(thread), detail={"action": "discard_draft"})
    thread.delete()


# --- life of a sent thread --------------------------------------------------------------------------------

def _receipt(thread, country_id) -> Receipt | None:
    return Receipt.objects.filter(thread=thread, country_id=country_id).first()


def _refresh_status(thread, now=None) -> None:
    if thread.status in (Thread.Status.DRAFT, Thread.Status.CLOSED):
        return
    now = now or timezone.now()
    receipts = list(Receipt.objects.filter(thread=thread))
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


def _participant(user, thread) -> bool:
    return is_originator(user, thread) or is_recipient(user, thread)


@transaction.atomic
def do_mark_delivered(user, thread: Thread) -> bool:
    """The first time an official of a recipient country opens the thread, it counts as delivered."""
    if not is_recipient(user, thread):
        return False
    receipt = _receipt(thread, user.institution.country_id)
    if receipt is None or receipt.delivered_at:
        return False
    receipt.delivered_at = timezone.now()
    receipt.save(update_fields=["delivered_at", "updated_at"])
    before = thread.status
    _refresh_status(thread)
    thread.save(update_fields=["status", "updated_at"])
    log_event("write", user=user, obj=thread, before={"status": before}, after={"status": thread.status},
              detail={"action": "delivered", "country": user.institution.country.code})
    publish_on_commit("status", thread.pk, audience_country_ids(thread))
    return True


@transaction.atomic
def do_acknowledge_thread(user, thread: Thread) -> Receipt:
    require_exchange(user)
    thread = visible_thread(user, thread)
    if not is_recipient(user, thread):
        raise PermissionDenied(_("Solo los países destinatarios acusan recibo."))
    if thread.status == Thread.Status.CLOSED:
        raise ValidationError(_("El hilo está cerrado."))
    receipt = _receipt(thread, user.institution.country_id)
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
    log_event("write", user=user, obj=thread, before={"status": before}, after={"status": thread.status},
              detail={"action": "acknowledge", "country": user.institution.country.code})
    do_notify([thread.created_by] if thread.created_by else [], kind="exchange.ack",
              title=_("Enlace: %(country)s acusó recibo de su mensaje") % {"country": user.institution.country.name},
              link=thread_link(thread), actor=user)
    publish_on_commit("status", thread.pk, audience_country_ids(thread))
    return receipt


@transaction.atomic
def do_reply_thread(user, thread: Thread, *, body: str, is_answer: bool = False,
                    idempotency_key: str = "") -> tuple[Message, bool]:
    require_exchange(user)
    thread = visible_thread(user, thread)
    key = (idempotency_key or "").strip()[:80]
    if key:
        existing = Message.objects.restrict(user, "view").filter(created_by=user, idempotency_key=key).first()
        if existing is not None:
            return existing, False
    if not _participant(user, thread):
        raise PermissionDenied(_("Solo el originador y los países destinatarios participan en este hilo."))
    if thread.status == Thread.Status.CLOSED:
        raise ValidationError({"body": _("El hilo está cerrado: ya no admite respuestas. Su texto se conserva abajo; "
                                         "puede copiarlo en un nuevo mensaje.")})
    if thread.status == Thread.Status.DRAFT:
        raise ValidationError({"body": _("Envíe el mensaje antes de responder en el hilo.")})
    body = str(body or "").strip()
    if not body:
        raise ValidationError({"body": _("Escriba el texto de la respuesta.")})
    if is_answer and not is_recipient(user, thread):
        is_answer = False
    now = timezone.now()
    message = Message(thread=thread, body=body, is_answer=is_answer, owner_institution=user.institution,
                      created_by=user, distribution=Distribution.GROUP, sharing_group=thread.sharing_group,
                      idempotency_key=key,
                      handling_intelligence_only=thread.handling_intelligence_only,
                      handling_no_judicial_use=thread.handling_no_judicial_use,
                      handling_no_onward_sharing=thread.handling_no_onward_sharing,
                      handling_other=thread.handling_other)
    message.clean_sharing()
    message.save()
    before = thread.status
    if is_recipient(user, thread):
        receipt = _receipt(thread, user.institution.country_id)
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
    log_event("write", user=user, obj=message, after={"thread": thread.pk, "is_answer": is_answer,
                                                      "length": len(body)},
              detail={"action": "reply", "status_before": before, "status_after": thread.status})
    others = [thread.created_by] if not is_originator(user, thread) and thread.created_by else \
        recipients_to_notify(thread, thread.recipient_countries.all())
    publish_on_commit("message", thread.pk, audience_country_ids(thread))
    do_notify([u for u in others if u.pk != user.pk], kind="exchange.reply",
              title=(_("Enlace: respuesta de %(country)s") if is_answer else _("Enlace: nuevo mensaje de %(country)s"))
              % {"country": user.institution.country.name}, link=thread_link(thread), actor=user)
    return message, True


@transaction.atomic
def do_close_thread(user, thread: Thread) -> Thread:
    require_exchange(user)
    thread = visible_thread(user, thread)
    if not is_originator(user, thread):
        raise PermissionDenied(_("Solo la institución que originó el hilo puede cerrarlo."))
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


# --- forwarding needs the originator's consent ---------------------------------------------------------------

@transaction.atomic
def do_request_forward(user, thread: Thread, *, target_country, reason: str) -> ForwardRequest:
    require_exchange(user)
    thread = visible_thread(user, thread)
    if not is_recipient(user, thread):
        raise PermissionDenied(_("Solo un país destinatario puede pedir reenviar el hilo."))
    code = getattr(target_country, "code", target_country)
    country = Country.objects.restrict(user, "view").filter(code=str(code or "").upper()).first()
    if country is None or country.kind != Country.Kind.MEMBER:
        raise ValidationError({"target_country": _("País desconocido.")})
    if country.pk in audience_country_ids(thread):
        raise ValidationError({"target_country": _("Ese país ya participa en el hilo.")})
    reason = " ".join(str(reason or "").split())[:500]
    if not reason:
        raise ValidationError({"reason": _("Explique por qué quiere reenviar la información.")})
    fr = ForwardRequest(thread=thread, requested_by=user, target_country=country, reason=reason,
                        owner_institution=thread.owner_institution, distribution=Distribution.GROUP,
                        sharing_group=thread.sharing_group, created_by=user)
    fr.clean_sharing()
    fr.save()
    log_event("write", user=user, obj=fr, after={"thread": thread.pk, "target": country.code, "reason": reason},
              detail={"action": "request_forward"})
    do_notify([thread.created_by] if thread.created_by else [], kind="exchange.forward_request",
              title=_("Enlace: %(country)s pide su consentimiento para reenviar un mensaje")
              % {"country": user.institution.country.name}, link=thread_link(thread), actor=user)
    return fr


@transaction.atomic
def do_decide_forward(user, request: ForwardRequest, *, approve: bool) -> ForwardRequest:
    """The originator approves (the country joins the thread's audience) or refuses."""
    require_exchange(user)
    fr = ForwardRequest.objects.restrict(user, "change").filter(pk=request.pk).select_related("thread").first()
    if fr is None:
        if ForwardRequest.objects.restrict(user, "view").filter(pk=request.pk).exists():
            raise PermissionDenied(_("Solo la institución que originó el hilo puede consentir el reenvío."))
        raise Http404
    if fr.status != ForwardRequest.Status.PENDING:
        raise ValidationError(_("Esta solicitud ya fue decidida."))
    thread = fr.thread
    fr.status = ForwardRequest.Status.APPROVED if approve else ForwardRequest.Status.REFUSED
    fr.decided_by, fr.decided_at = user, timezone.now()
    fr.save()
    if approve:
        group = thread.sharing_group
        do_set_sharing_group_countries(user, group, [*group.countries.all(), fr.target_country])
        thread.recipient_countries.add(fr.target_country)
        if not Receipt.objects.filter(thread=thread, country=fr.target_country).exists():
            receipt = Receipt.objects.create(thread=thread, country=fr.target_country,
                                             owner_institution=thread.owner_institution,
                                             distribution=Distribution.GROUP, sharing_group=group, created_by=user)
            ResponseMetric.objects.create(receipt=receipt, country=fr.target_country, kind=thread.kind,
                                          priority=thread.priority, sent_at=fr.decided_at)
        do_notify(recipients_to_notify(thread, [fr.target_country]), kind="exchange.thread",
                  title=_("Enlace: se compartió con su país un mensaje de %(country)s")
                  % {"country": thread.owner_institution.country.name}, link=thread_link(thread), actor=user)
        publish_on_commit("thread", thread.pk, audience_country_ids(thread))
    log_event("write", user=user, obj=fr, before={"status": "pending"}, after={"status": fr.status},
              detail={"action": "decide_forward", "target": fr.target_country.code})
    do_notify([fr.requested_by], kind="exchange.forward_decision",
              title=(_("Enlace: el originador aprobó su solicitud de reenvío") if approve
                     else _("Enlace: el originador denegó su solicitud de reenvío")),
              link=thread_link(thread), actor=user)
    return fr


def do_approve_forward(user, request: ForwardRequest) -> ForwardRequest:
    return do_decide_forward(user, request, approve=True)


def do_refuse_forward(user, request: ForwardRequest) -> ForwardRequest:
    return do_decide_forward(user, request, approve=False)


# --- attachments ---------------------------------------------------------------------------------------

def max_attachment_bytes() -> int:
    from django.conf import settings

    return int(getattr(settings, "ENLACE_EXCHANGE_MAX_ATTACHMENT_BYTES", MAX_ATTACHMENT_BYTES))


@transaction.atomic
def do_add_attachment(user, thread: Thread, upload, *, message: Message | None = None) -> Attachment:
    require_exchange(user)
    thread = visible_thread(user, thread)
    if not (_participant(user, thread) or (thread.status == Thread.Status.DRAFT and is_originator(user, thread))):
        raise PermissionDenied(_("Solo los participantes del hilo pueden adjuntar archivos."))
    if thread.status == Thread.Status.CLOSED:
        raise ValidationError({"file": _("El hilo está cerrado: ya no admite adjuntos.")})
    try:
        mime = validate_upload(upload, max_bytes=max_attachment_bytes())
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    rel, digest, size = store_encrypted(upload)
    att = Attachment(thread=thread, message=message, filename=str(upload.name or "archivo")[-200:], mime=mime,
                     size=size, sha256=digest, stored_path=rel, owner_institution=user.institution,
                     created_by=user, distribution=thread.distribution, sharing_group=thread.sharing_group)
    if thread.distribution not in (Distribution.GROUP, Distribution.INSTITUTION):
        att.distribution, att.sharing_group = Distribution.INSTITUTION, None
    att.clean_sharing()
    att.save()
    log_event("write", user=user, obj=att, after={"thread": thread.pk, "filename": att.filename, "mime": mime,
                                                  "size": size, "sha256": digest}, detail={"action": "attach"})
    if thread.status != Thread.Status.DRAFT:
        publish_on_commit("message", thread.pk, audience_country_ids(thread))
    return att


# --- deadlines ----------------------------------------------------------------------------------------------

def coordinators_of(thread, country) -> list[User]:
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
    """Periodic: flag late receipts, mark threads overdue, escalate once to the late country's coordinators."""
    now = now or timezone.now()
    # The clock is not an official: this selects rows to act on and shows nothing to anyone.
    late = (Receipt.objects.select_related("thread__owner_institution__country", "country", "thread__created_by")
            .filter(thread__due_at__lt=now, escalated_at__isnull=True)
            .exclude(thread__status__in=[Thread.Status.DRAFT, Thread.Status.CLOSED])
            .filter(Q(thread__kind__in=choices.KINDS_EXPECTING_ANSWER, answered_at__isnull=True)
                    | (~Q(thread__kind__in=choices.KINDS_EXPECTING_ANSWER) & Q(acknowledged_at__isnull=True))))
    flagged, escalated, threads = 0, 0, set()
    for receipt in late:
        thread = receipt.thread
        receipt.overdue_at = receipt.overdue_at or now
        receipt.escalated_at = now
        receipt.save(update_fields=["overdue_at", "escalated_at", "updated_at"])
        ResponseMetric.objects.filter(receipt=receipt).update(overdue=True)
        flagged += 1
        users = coordinators_of(thread, receipt.country)
        if users:
            do_notify(users, kind="exchange.overdue",
                      title=_("Enlace: %(country)s tiene una solicitud vencida sin respuesta (%(kind)s)")
                      % {"country": receipt.country.name, "kind": choices.label(choices.KINDS, thread.kind)},
                      link=thread_link(thread))
            escalated += 1
        threads.add(thread.pk)
        log_event("write", obj=thread, detail={"action": "overdue", "country": receipt.country.code,
                                               "escalated_to": [u.username for u in users][:50]})
    for thread in Thread.objects.filter(pk__in=threads).select_related("owner_institution", "sharing_group"):
        before = thread.status
        _refresh_status(thread, now)
        if thread.status != before:
            thread.save(update_fields=["status", "updated_at"])
            publish_on_commit("status", thread.pk, audience_country_ids(thread))
    return {"overdue_receipts": flagged, "escalations": escalated, "threads": len(threads)}


# --- joint MLA drafting -----------------------------------------------------------------------------------

def can_draft_mla(user) -> bool:
    return (getattr(user, "is_authenticated", False) and user.is_active and user.institution_id is not None
            and user.has_perm("exchange.change_mladraft"))


def clean_mla_content(data: dict) -> dict:
    out = {name: str(data.get(name) or "").strip()[:20000] for name, _l in choices.MLA_FIELDS}
    code = str(data.get("legal_basis_code") or "")
    if code and code not in dict(choices.LEGAL_BASES):
        raise ValidationError({"legal_basis_code": _("Base jurídica desconocida.")})
    out["legal_basis_code"] = code
    return out


def mla_text(content: dict) -> str:
    lines = []
    for name, label in choices.MLA_FIELDS:
        lines.append(f"## {label}")
        if name == "legal_basis" and content.get("legal_basis_code"):
            lines.append(choices.label(choices.LEGAL_BASES, content["legal_basis_code"]))
        lines.extend((content.get(name) or "").splitlines() or [""])
        lines.append("")
    return "\n".join(lines)


def mla_diff_html(old: MlaVersion, new: MlaVersion) -> str:
    return difflib.HtmlDiff(wrapcolumn=70).make_table(
        mla_text(old.content).splitlines(), mla_text(new.content).splitlines(),
        fromdesc=f"v{old.number}", todesc=f"v{new.number}", context=True, numlines=2)


@transaction.atomic
def do_create_mla_draft(user, *, title: str, requested_country, content: dict | None = None,
                        thread: Thread | None = None) -> MlaDraft:
    """The requesting prosecutor opens a joint draft shared with the requested country only."""
    if not can_draft_mla(user):
        raise PermissionDenied(_("Solo los fiscales redactan solicitudes de asistencia jurídica recíproca."))
    errors = {}
    title = " ".join(str(title or "").split())[:200]
    if not title:
        errors["title"] = [_("Indique un título.")]
    code = getattr(requested_country, "code", requested_country)
    country = Country.objects.restrict(user, "view").filter(code=str(code or "").upper()).first()
    if country is None or country.kind != Country.Kind.MEMBER or country.pk == user.institution.country_id:
        errors["requested_country"] = [_("Elija el país requerido (otro país miembro).")]
    try:
        clean = clean_mla_content(content or {})
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if thread is not None:
        thread = visible_thread(user, thread)
    draft = MlaDraft(title=title, requested_country=country, thread=thread, owner_institution=user.institution,
                     created_by=user, formal_status=MlaDraft.FormalStatus.DRAFTING)
    draft.save()
    group = SharingGroup.objects.create(name=f"AJR n.º {draft.pk}", owner_institution=user.institution)
    group.countries.set([country, user.institution.country])
    draft.distribution, draft.sharing_group = Distribution.GROUP, group
    draft.clean_sharing()
    draft.save()
    log_event("write", user=user, obj=draft, after={"title": title, "requested_country": country.code},
              detail={"action": "create_mla_draft"})
    _version(user, draft, clean, [], _("Versión inicial"))
    return draft


def _version(user, draft, content, checklist, note) -> MlaVersion:
    last = MlaVersion.objects.filter(draft=draft).order_by("-number").first()
    version = MlaVersion(draft=draft, number=(last.number + 1) if last else 1, content=content,
                         checklist=checklist, note=str(note or "")[:300], owner_institution=user.institution,
                         created_by=user, distribution=Distribution.GROUP, sharing_group=draft.sharing_group)
    version.clean_sharing()
    version.save()
    log_event("write", user=user, obj=version, after={"draft": draft.pk, "number": version.number,
                                                      "checklist": checklist}, detail={"action": "mla_version"})
    return version


def _mla_party(user, draft) -> bool:
    return user.institution_id is not None and user.institution.country_id in (
        draft.owner_institution.country_id, draft.requested_country_id)


@transaction.atomic
def do_save_mla_version(user, draft: MlaDraft, *, content: dict, checklist=None, note: str = "") -> MlaVersion:
    """Either side saves a new version; the previous ones stay for the differences."""
    if not can_draft_mla(user):
        raise PermissionDenied(_("Solo los fiscales redactan solicitudes de asistencia jurídica recíproca."))
    draft = MlaDraft.objects.restrict(user, "view").filter(pk=draft.pk).select_related(
        "owner_institution__country", "requested_country").first()
    if draft is None:
        raise Http404
    if not _mla_party(user, draft):
        raise PermissionDenied(_("Solo los fiscales del país requirente y del país requerido redactan este borrador."))
    if draft.formal_status != MlaDraft.FormalStatus.DRAFTING:
        raise ValidationError(_("El borrador ya salió de la redacción conjunta; no admite nuevas versiones."))
    clean = clean_mla_content(content)
    codes = {i["code"] for i in choices.mla_checklist(draft.requested_country.code)}
    checked = [c for c in (checklist or []) if c in codes]
    version = _version(user, draft, clean, checked, note)
    draft.save(update_fields=["updated_at"])
    other = draft.requested_country if user.institution.country_id == draft.owner_institution.country_id else \
        draft.owner_institution.country
    notify = [u for u in User.objects.filter(is_active=True, institution__country=other, groups__name="prosecutor")]
    do_notify(notify, kind="exchange.mla", title=_("Enlace: nueva versión de un borrador de asistencia jurídica"),
              link=reverse("exchange:mla_detail", args=[draft.pk]), actor=user)
    return version


@transaction.atomic
def do_set_mla_formal_status(user, draft: MlaDraft, *, status: str, reference: str = "") -> MlaDraft:
    """After drafting: the requesting side records where the formal request stands."""
    if not can_draft_mla(user):
        raise PermissionDenied(_("Solo los fiscales redactan solicitudes de asistencia jurídica recíproca."))
    fresh = MlaDraft.objects.restrict(user, "change").filter(pk=draft.pk).first()
    if fresh is None:
        if MlaDraft.objects.restrict(user, "view").filter(pk=draft.pk).exists():
            raise PermissionDenied(_("Solo la fiscalía requirente registra el estado de la solicitud formal."))
        raise Http404
    if status not in MlaDraft.FormalStatus.values:
        raise ValidationError({"formal_status": _("Estado desconocido.")})
    before = {"formal_status": fresh.formal_status, "formal_reference": fresh.formal_reference}
    fresh.formal_status = status
    fresh.formal_reference = str(reference or fresh.formal_reference)[:100]
    fresh.formal_status_at = timezone.now()
    fresh.save()
    log_event("write", user=user, obj=fresh, before=before,
              after={"formal_status": fresh.formal_status, "formal_reference": fresh.formal_reference},
              detail={"action": "mla_formal_status"})
    return fresh
