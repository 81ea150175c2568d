"""Where the request came from, for the audit trail, without threading ``request`` everywhere."""

from __future__ import annotations

import contextvars
import uuid
from dataclasses import dataclass, replace

from django.conf import settings


@dataclass(frozen=True)
class AuditContext:
    address: str | None = None
    channel: str = "system"
    request_id: str = ""
    user_agent: str = ""


_current: contextvars.ContextVar[AuditContext] = contextvars.ContextVar("enlace_audit_ctx", default=AuditContext())


def current() -> AuditContext:
    return _current.get()


def set_context(ctx: AuditContext):
    return _current.set(ctx)


def reset(token) -> None:
    _current.reset(token)


def set_channel(channel: str) -> None:
    _current.set(replace(_current.get(), channel=channel))


def client_address(request) -> str | None:
    # Behind a reverse proxy the operator names how many proxies to trust; otherwise the socket peer.
    trusted = getattr(settings, "ENLACE_TRUSTED_PROXY_COUNT", 0)
    if trusted:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= trusted:
            return forwarded[-trusted]
    return request.META.get("REMOTE_ADDR") or None


def from_request(request, channel: str | None = None) -> AuditContext:
    if channel is None:
        channel = "api" if request.path.startswith("/api/") else "ui"
    return AuditContext(
        address=client_address(request),
        channel=channel,
        request_id=request.META.get("HTTP_X_REQUEST_ID", "")[:36] or str(uuid.uuid4()),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
    )
