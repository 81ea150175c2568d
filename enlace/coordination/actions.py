"""Every change to national coordination: atomic, audited, one event each.

Same message types, priorities and deadlines as the cross-border exchange (``enlace.exchange.choices``);
who answers what is the country's own protocol (``NationalRoute``)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enlace.accounts.models import User
from enlace.audit.log import log_event
from enlace.core.models import Institution
from enlace.exchange import choices as exchange_choices
from enlace.notifications.actions import do_notify
from enlace.sharing.access import require
from enlace.sharing.policy import Distribution

from .models import NationalMessage, NationalRoute


def _own_institution(user, pk, field, errors):
    inst = Institution.objects.restrict(user, "view").filter(pk=pk).first() if str(pk or "").isdigit() else None
    if inst is None or inst.country_id != user.institution.country_id:
        errors.setdefault(field, []).append(_("Elija una institución de su propio país."))
        return None
    return inst


@transaction.atomic
def do_set_national_route(user, *, kind: str, from_type: str, answered_by) -> NationalRoute:
    """Set one line of the country's protocol (replaces the previous answer for that kind and asker)."""
    if not (user.institution_id and user.has_perm("coordination.change_nationalroute")):
        raise PermissionDenied(_("Solo la Cancillería mantiene el protocolo nacional."))
    errors: dict[str, list] = {}
    if kind not in dict(exchange_choices.KINDS):
        errors.setdefault("kind", []).append(_("Elija el tipo de mensaje."))
    if from_type not in Institution.Type.values:
        errors.setdefault("from_type", []).append(_("Elija el tipo de institución que pregunta."))
    target = _own_institution(user, getattr(answered_by, "pk", answered_by), "answered_by", errors)
    if errors:
        raise ValidationError(errors)
    route = NationalRoute.objects.restrict(user, "change").filter(
        owner_institution__country=user.institution.country_id, kind=kind, from_type=from_type).first()
    before = {"answered_by": route.answered_by_id} if route else None
    if route is None:
        route = NationalRoute(owner_institution=user.institution, created_by=user, distribution=Distribution.COUNTRY,
                              kind=kind, from_type=from_type, answered_by=target)
    route.answered_by = target
    route.clean_sharing()
    route.save()
    log_event("write", user=user, obj=route, before=before, after={"kind": kind, "from_type": from_type,
                                                                   "answered_by": target.pk})
    return route


def route_for(user, kind: str):
    """The institution that answers ``kind`` from the user's institution type, by the country's protocol."""
    route = NationalRoute.objects.restrict(user, "view").filter(
        owner_institution__country=user.institution.country_id, kind=kind,
        from_type=user.institution.type).select_related("answered_by").first()
    return route.answered_by if route else None


@transaction.atomic
def do_send_national_message(user, data: dict) -> NationalMessage:
    """Send to an institution of one's own country, chosen or routed by the country's protocol."""
    if not (user.institution_id and user.has_perm("coordination.add_nationalmessage")):
        raise PermissionDenied(_("Su función no permite enviar mensajes de coordinación nacional."))
    errors: dict[str, list] = {}
    kind = data.get("kind") or ""
    if kind not in dict(exchange_choices.KINDS):
        errors.setdefault("kind", []).append(_("Elija el tipo de mensaje."))
    priority = data.get("priority") or "normal"
    if priority not in dict(exchange_choices.PRIORITIES):
        errors.setdefault("priority", []).append(_("Prioridad desconocida."))
    subject = " ".join(str(data.get("subject") or "").split())[:200]
    body = str(data.get("body") or "").strip()[:20000]
    if not subject:
        errors.setdefault("subject", []).append(_("Indique el asunto."))
    if not body:
        errors.setdefault("body", []).append(_("Escriba el texto del mensaje."))
    routed = False
    target = None
    if data.get("to_institution"):
        target = _own_institution(user, data["to_institution"], "to_institution", errors)
    elif kind in dict(exchange_choices.KINDS):
        target, routed = route_for(user, kind), True
        if target is None:
            errors.setdefault("to_institution", []).append(_(
                "El protocolo de su país no dice quién responde a este tipo de mensaje: elija la institución."))
    if target is not None and target.pk == user.institution_id:
        errors.setdefault("to_institution", []).append(_("Elija otra institución: es la suya."))
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    message = NationalMessage(owner_institution=user.institution, created_by=user, distribution=Distribution.COUNTRY,
                              kind=kind, priority=priority, subject=subject, body=body, to_institution=target,
                              routed_by_protocol=routed,
                              due_at=now + datetime.timedelta(hours=exchange_choices.due_hours(priority)))
    message.clean_sharing()
    message.save()
    log_event("write", user=user, obj=message, after={"kind": kind, "priority": priority, "to": target.pk,
                                                     "routed": routed, "due_at": message.due_at})
    recipients = User.objects.filter(institution=target, is_active=True,
                                     groups__permissions__codename="answer_nationalmessage").distinct()
    do_notify(recipients, kind="coordination.message", actor=user, link=reverse("coordination:detail", args=[message.pk]),
              title=_("Enlace: coordinación nacional de %(inst)s") % {"inst": user.institution.acronym or
                                                                      user.institution.name})
    return message


@transaction.atomic
def do_answer_national_message(user, message: NationalMessage, *, answer: str) -> NationalMessage:
    """The addressed institution answers (an empty answer only acknowledges)."""
    message = require(user, message, "answer")
    if message.status == NationalMessage.Status.ANSWERED:
        raise ValidationError(_("Este mensaje ya fue respondido."))
    before = {"status": message.status}
    text = str(answer or "").strip()[:20000]
    if text:
        message.answer, message.answered_at, message.status = text, timezone.now(), NationalMessage.Status.ANSWERED
    else:
        message.status = NationalMessage.Status.ACKNOWLEDGED
    message.save(update_fields=["answer", "answered_at", "status", "updated_at"])
    log_event("write", user=user, obj=message, before=before, after={"status": message.status})
    return message


@transaction.atomic
def do_flag_national_overdue(now=None) -> dict:
    """Periodic: messages past their deadline without an answer are marked overdue (as in the exchange)."""
    now = now or timezone.now()
    late = NationalMessage.objects.unrestricted(reason="flag overdue national messages").filter(
        due_at__lt=now, overdue_at__isnull=True).exclude(status=NationalMessage.Status.ANSWERED)
    ids = list(late.values_list("pk", flat=True)[:1000])
    NationalMessage.objects.unrestricted(reason="flag overdue national messages").filter(pk__in=ids).update(
        overdue_at=now)
    log_event("write", object_type="coordination.nationalmessage", detail={"action": "flag_overdue", "ids": ids[:200]})
    return {"overdue": len(ids)}
