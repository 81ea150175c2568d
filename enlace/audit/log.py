"""Appending to the audit trail. Every other module writes audit events through ``log_event``.

The append happens in the caller's transaction when there is one (Zulip-style: the write and its
audit entry commit or roll back together). If the append fails, ``AuditUnavailable`` propagates and
the operation fails: the platform fails closed.
"""

from __future__ import annotations

import json
import re
import sys

from django.db import DatabaseError, transaction
from django.utils import timezone, translation

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


# Keys whose values are codes, states, dates of the workflow, ids or counts: never content. Every
# other value in before/after/detail is replaced by REDACTED (the key stays, so the auditor knows
# *what* changed without the audit trail becoming a second copy of the records).
SAFE_KEYS = frozenset({
    "status", "distribution", "sharing_group", "sharing_group_id", "handling_intelligence_only",
    "handling_no_judicial_use", "handling_no_onward_sharing", "role", "role_reviewed", "allow_matching",
    "kind", "verdict", "priority", "grading", "valid_from", "valid_until", "proposal_expires_on", "closed_at",
    "confirmed_at", "format", "count", "countries", "published", "action", "access", "deleted", "submitted",
    "changed", "ids", "fields", "schema", "type", "level", "version", "channel", "due_at", "deadline",
    "verified", "searched", "do", "rows", "created", "updated", "model", "message_type", "scope",
    "areas", "functions", "languages", "timezone", "tags", "recipients", "step", "result", "state", "number",
    "round", "period", "protocol", "requirement", "mapping_columns", "attempts", "revoked", "expired",
})
REDACTED = "***"
# Keys that hold a machine code (``too_large``, ``unknown_language``) for system events but free
# text when an official types a reason: kept only when the value looks like a code.
CODE_KEYS = frozenset({"reason", "error", "code", "outcome"})
_CODE = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")


def redact(value, key: str = ""):
    """What may be kept of a before/after/detail value: codes, ids, flags; never free text."""
    if isinstance(value, dict):
        return {str(k): redact(v, str(k)) for k, v in value.items()}
    if key in SAFE_KEYS or key.endswith("_id") or key.endswith("_ids"):
        return value
    if value is None or isinstance(value, bool):
        return value
    if key in CODE_KEYS and isinstance(value, str) and _CODE.match(value):
        return value
    return REDACTED


def _changed_keys(before, after) -> list[str]:
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def _current_action() -> str:
    """Name of the nearest ``do_*`` action on the call stack: the audit says which action wrote."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_name
        if name.startswith("do_"):
            return name
        frame = frame.f_back
    return ""


def object_label(obj) -> str:
    """"<model name> #<id>" in the source language: enough to follow the id, nothing of its content."""
    with translation.override("es"):
        return f"{obj._meta.verbose_name} #{obj.pk}"[:200]


def log_event(kind: str, *, user=None, obj=None, username: str = "", object_type: str = "",
              object_id: str = "", object_repr: str = "", personal_data: bool | None = None,
              purpose: str = "", before=None, after=None, detail: dict | None = None) -> AuditEvent:
    if kind not in AuditEvent.Kind.values:
        # An undeclared kind is a programming error: the auditor's filters would never find it.
        raise ValueError(f"undeclared audit kind: {kind!r}")
    ctx = audit_context.current()
    fields = _actor_fields(user)
    if username and not fields["actor_username"]:
        fields["actor_username"] = username[:150]
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        from enlace.sharing.models import ProtectedModel  # local: sharing imports audit

        if isinstance(obj, ProtectedModel) or not object_repr:
            object_repr = object_label(obj)
        if personal_data is None:
            personal_data = bool(getattr(type(obj), "personal_data", False))
    detail = dict(detail or {})
    changed = _changed_keys(before, after)
    if changed and "changed" not in detail:
        detail["changed"] = changed
    action_name = _current_action()
    if action_name:
        detail.setdefault("do", action_name)
    before, after, detail = redact(before), redact(after), redact(detail)
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
