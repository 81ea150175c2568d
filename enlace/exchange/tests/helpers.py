"""Test helpers: authorised focal points (through the directory's real actions) and exchange actions."""

from __future__ import annotations

import uuid

from enlace.directory.tests.helpers import authorised
from enlace.exchange.actions import do_send_thread
from enlace.testing import factories as f


def focal(code: str, role: str = "focal_point", *, functions=None, contact=None, chancery=None, **kwargs):
    """An official of ``code`` whose Cancillería authorised them in the directory (so they may exchange)."""
    # Authorised through the directory's real actions (not the factory's shortcut entry).
    user = f.user(code, role, authorised=False, **kwargs)
    proposer = f.user(code, "focal_point")
    authorised(proposer, chancery, institution=user.institution, user=user,
               functions=functions or ["information_exchange", "contact_24_7"], **(contact or {}))
    return user


def send(sender, to=("PAN",), *, priority="urgent", kind="info_request", subject=None, body="Texto de prueba",
         **extra):
    data = {"kind": kind, "priority": priority, "subject": subject or f"Asunto {uuid.uuid4().hex[:10]}",
            "body": body, "recipient_countries": list(to), **extra}
    thread, _created = do_send_thread(sender, data)
    return thread
