"""Appending to the audit trail. Every other module writes audit events through ``log_event``.

The append happens in the caller's transaction when there is one (Zulip-style: the write and its
audit entry commit or roll back together). If the append fails, ``AuditUnavailable`` propagates and
the operation fails: the platform fails closed.
"""

from __future__ import annotations

import json

from django.db import DatabaseError, transaction
from django.utils import timezone

from . import context as audit_context
from .models import AuditEvent, ChainHead


class AuditUnavailable(Exception):
    """The audit trail could not be written; the operation that needed it must not proceed."""


def _jsonable(value):
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _actor_fields(user) -> dict:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"actor": None, "actor_username": getattr(user, "username", "") or "", "institution_id": None,
                "country_code": ""}
    institution = getattr(user, "institution", None)
    return {
        "actor": user,
        "actor_username": user.get_username(),
        "institution_id": institution.pk if institution else None,
        "country_code": institution.country.code if institution else "",
    }


def log_event(kind: str, *, user=None, obj=None, username: str = "", object_type: str = "",
              object_id: str = "", object_repr: str = "", personal_data: bool | None = None,
              purpose: str = "", before=None, after=None, detail: dict | None = None) -> AuditEvent:
    ctx = audit_context.current()
    fields = _actor_fields(user)
    if username and not fields["actor_username"]:
        fields["actor_username"] = username[:150]
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
        if personal_data is None:
            personal_data = bool(getattr(type(obj), "personal_data", False))
    try:
        with transaction.atomic():
            head, _created = ChainHead.objects.select_for_update().get_or_create(id=1)
            event = AuditEvent(
                seq=head.seq + 1,
                at=timezone.now(),
                kind=kind,
                object_type=object_type[:100],
                object_id=str(object_id)[:64],
                object_repr=object_repr[:200],
                personal_data=bool(personal_data),
                purpose=(purpose or "")[:300],
                address=ctx.address,
                channel=ctx.channel,
                request_id=ctx.request_id,
                before=_jsonable(before),
                after=_jsonable(after),
                detail=_jsonable(detail or {}),
                prev_hash=head.hash,
                **fields,
            )
            event.hash = event.compute_hash()
            event.save()
            head.seq, head.hash = event.seq, event.hash
            head.save(update_fields=["seq", "hash"])
    except DatabaseError as exc:
        raise AuditUnavailable(str(exc)) from exc
    return event


def verify_chain(batch: int = 5000):
    """Return ``(ok, count, first_bad_seq, reason)`` walking the whole chain in order."""
    expected_prev = "0" * 64
    expected_seq = 1
    count = 0
    last_seq = 0
    qs = AuditEvent.objects.order_by("seq")
    while True:
        chunk = list(qs.filter(seq__gt=last_seq)[:batch])
        if not chunk:
            break
        for event in chunk:
            count += 1
            if event.seq != expected_seq:
                return False, count, expected_seq, "missing"
            if event.prev_hash != expected_prev:
                return False, count, event.seq, "link"
            if event.compute_hash() != event.hash:
                return False, count, event.seq, "content"
            expected_prev = event.hash
            expected_seq += 1
            last_seq = event.seq
    head = ChainHead.objects.filter(id=1).first()
    if head is not None and (head.seq != last_seq or head.hash != expected_prev):
        return False, count, last_seq + 1 if head.seq > last_seq else head.seq, "truncated"
    return True, count, None, ""
