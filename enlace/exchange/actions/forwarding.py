"""Forwarding with the originator's consent, and attachments.

A recipient country asks to pass a thread on (a decision on its own ``Receipt``: the originator
cannot ask itself); the originating institution alone decides (``ForwardRequest`` "decide").
Attachments are added by the thread's parties ("attach"); on a draft, by the originator only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from enlace.audit.log import log_event
from enlace.core.models import Country
from enlace.core.uploads import store_encrypted, validate_upload
from enlace.notifications.actions import do_notify
from enlace.sharing.access import require
from enlace.sharing.actions import do_set_sharing_group_countries

from ..models import Attachment, ForwardRequest, Message, Receipt, ResponseMetric, Thread
from ..realtime import publish_on_commit
from .common import (already_sent, audience_country_ids, child_sharing, clean_key, recipients_to_notify,
                     require_exchange, save_once, thread_link)
from .threads import own_receipt

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


# --- forwarding needs the originator's consent ---------------------------------------------------------------

@transaction.atomic
def do_request_forward(user, thread: Thread, *, target_country, reason: str,
                       idempotency_key: str = "") -> ForwardRequest:
    """A recipient country asks the originator for consent to share the thread with another country.

    The same idempotency key from the same official returns the first request (``replayed``): a double
    click asks once and the originator is notified once.
    """
    require_exchange(user)
    thread = require(user, thread, "view")
    if own_receipt(user, thread, "request_forward") is None:
        raise Http404
    key = clean_key(idempotency_key)
    existing = already_sent(ForwardRequest, user, key)
    if existing is not None:
        return existing
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
                        owner_institution=thread.owner_institution, created_by=user, **child_sharing(thread))
    fr.clean_sharing()
    twin = save_once(fr, ForwardRequest, user, key)
    if twin is not None:
        return twin
    log_event("write", user=user, obj=fr, after={"thread_id": thread.pk, "countries": [country.code],
                                                 "status": fr.status}, detail={"action": "request_forward"})
    do_notify([thread.created_by] if thread.created_by else [], kind="exchange.forward_request",
              title=_("Enlace: %(country)s pide su consentimiento para reenviar un mensaje")
              % {"country": user.institution.country.name}, link=thread_link(thread), actor=user)
    return fr


@transaction.atomic
def do_decide_forward(user, request: ForwardRequest, *, approve: bool) -> ForwardRequest:
    """The originating institution approves (the country joins the thread's audience) or refuses."""
    require_exchange(user)
    fr = require(user, request, "decide")
    if fr.status != ForwardRequest.Status.PENDING:
        raise ValidationError(_("Esta solicitud ya fue decidida."))
    thread = fr.thread
    group = thread.sharing_group
    if approve and group is None:
        # The originator narrowed the thread since: there is no group of countries to add one to.
        raise ValidationError(_("El hilo ya no se comparte con un grupo de países: compártalo antes de aprobar."))
    fr.status = ForwardRequest.Status.APPROVED if approve else ForwardRequest.Status.REFUSED
    fr.decided_by, fr.decided_at = user, timezone.now()
    fr.save()
    if approve:
        do_set_sharing_group_countries(user, group, [*group.countries.all(), fr.target_country])
        thread.recipient_countries.add(fr.target_country)
        receipts = Receipt.objects.unrestricted(reason="un acuse por país destinatario")
        if not receipts.filter(thread=thread, country=fr.target_country).exists():
            receipt = Receipt.objects.create(thread=thread, country=fr.target_country,
                                             owner_institution=thread.owner_institution, created_by=user,
                                             **child_sharing(thread))
            ResponseMetric.objects.create(receipt=receipt, country=fr.target_country, kind=thread.kind,
                                          priority=thread.priority, sent_at=fr.decided_at)
        do_notify(recipients_to_notify(thread, [fr.target_country]), kind="exchange.thread",
                  title=_("Enlace: se compartió con su país un mensaje de %(country)s")
                  % {"country": thread.owner_institution.country.name}, link=thread_link(thread), actor=user)
        publish_on_commit("thread", thread.pk, audience_country_ids(thread))
    log_event("write", user=user, obj=fr, before={"status": ForwardRequest.Status.PENDING}, after={"status": fr.status},
              detail={"action": "decide_forward", "countries": [fr.target_country.code]})
    do_notify([fr.requested_by], kind="exchange.forward_decision",
              title=(_("Enlace: el originador aprobó su solicitud de reenvío") if approve
                     else _("Enlace: el originador denegó su solicitud de reenvío")),
              link=thread_link(thread), actor=user)
    return fr


@transaction.atomic
def do_approve_forward(user, request: ForwardRequest) -> ForwardRequest:
    """Approve a forward request (``do_decide_forward``, which is atomic and audited)."""
    return do_decide_forward(user, request, approve=True)


@transaction.atomic
def do_refuse_forward(user, request: ForwardRequest) -> ForwardRequest:
    """Refuse a forward request (``do_decide_forward``, which is atomic and audited)."""
    return do_decide_forward(user, request, approve=False)


# --- attachments ---------------------------------------------------------------------------------------

def max_attachment_bytes() -> int:
    return int(getattr(settings, "ENLACE_EXCHANGE_MAX_ATTACHMENT_BYTES", MAX_ATTACHMENT_BYTES))


@transaction.atomic
def do_add_attachment(user, thread: Thread, upload, *, message: Message | None = None) -> Attachment:
    """A party adds a file (type checked by content, size refused before reading, stored encrypted)."""
    require_exchange(user)
    thread = require(user, thread, "attach")
    if thread.status == Thread.Status.CLOSED:
        raise ValidationError({"file": _("El hilo está cerrado: ya no admite adjuntos.")})
    try:
        mime = validate_upload(upload, max_bytes=max_attachment_bytes())
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    rel, digest, size = store_encrypted(upload)
    att = Attachment(thread=thread, message=message, filename=str(upload.name or "archivo")[-200:], mime=mime,
                     size=size, sha256=digest, stored_path=rel, owner_institution=user.institution,
                     created_by=user, **child_sharing(thread))
    att.clean_sharing()
    att.save()
    log_event("write", user=user, obj=att, after={"thread_id": thread.pk, "type": mime},
              detail={"action": "attach"})
    if thread.status != Thread.Status.DRAFT:
        publish_on_commit("message", thread.pk, audience_country_ids(thread))
    return att
