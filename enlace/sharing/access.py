"""Audited reads of protected records: the ``access_<model>_by_id`` helpers are built from these."""

from __future__ import annotations

from django.http import Http404

from enlace.audit.log import log_event

from . import policy


def access_by_id(model, user, pk, action: str = "view", *, purpose: str = "", queryset=None):
    """The record if ``user`` may ``action`` it, else ``Http404`` (never a different answer).

    A successful read (view, export, match) writes exactly one audit event, in the caller's
    transaction. Writes and decisions write nothing here: opening a form is not a write, and the
    action that changes the record logs its own event.
    """
    qs = queryset if queryset is not None else model.objects
    try:
        obj = qs.restrict(user, action).get(pk=pk)
    except (model.DoesNotExist, model.MultipleObjectsReturned, ValueError, TypeError, OverflowError):
        raise Http404 from None
    if action in ("view", "export", "match"):
        log_event("read" if action == "view" else action, user=user, obj=obj, purpose=purpose)
    return obj


def require(user, record, action: str):
    """Re-read ``record`` through the policy for ``action`` (the current row, not a stale object).

    Actions call this first: a record the user may not act on does not exist for them (404).
    """
    model = type(record)
    fresh = model.objects.restrict(user, action).filter(pk=record.pk).first()
    if fresh is None:
        raise Http404
    return fresh


def audit_listing(user, model, ids, *, kind: str = "list", query: str = "", purpose: str = "") -> None:
    """One audit event for a page of results that shows personal data (ids of what was shown).

    The query text is not stored: a search for a person's name is itself personal data.
    """
    if not getattr(model, "personal_data", False):
        return
    ids = [str(i) for i in ids][:500]
    log_event(kind, user=user, object_type=model._meta.label_lower, personal_data=True, purpose=purpose,
              detail={"ids": ids, "count": len(ids), "searched": bool(query)})


def make_accessor(model):
    """``access_<model>_by_id`` for a model: ``access(user, pk, action="view", purpose="")``."""

    def access(user, pk, action: str = "view", *, purpose: str = ""):
        return access_by_id(model, user, pk, action, purpose=purpose)

    access.__name__ = f"access_{model._meta.model_name}_by_id"
    return access


__all__ = ["access_by_id", "audit_listing", "make_accessor", "policy", "require"]
