"""Structured logs: one JSON object per line, each carrying the id of the request it belongs to.

``RequestLogMiddleware`` (first in ``MIDDLEWARE``) gives every request an id — the proxy's
``X-Request-ID`` when it is a plain token, otherwise a new one — answers it in the
``X-Request-ID`` header, shows it on the error page, and writes one line per request
(method, path without the query string, status, duration, user id; never a body, a query or a
name). Uncaught exceptions are logged by Django's ``django.request`` logger, which the settings
route to the same JSON handler, with their traceback, whatever ``DEBUG`` says.

A database that is gone during a request is answered with a 503 page that needs no database.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import traceback
import uuid

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import empty

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("enlace_request_id", default="")
_INCOMING = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
log = logging.getLogger("enlace.request")

# Standard attributes of a LogRecord: anything else passed with ``extra=`` is written as a field.
_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    """Stamps every record with the current request id (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id_var.get()
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extra fields, traceback."""

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id_var.get(),
        }
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_") and key not in out:
                if key == "request":  # Django passes the request object: keep only what is not content
                    continue
                out[key] = value if isinstance(value, (str, int, float, bool, type(None))) else str(value)
        if record.exc_info:
            out["exception"] = "".join(traceback.format_exception(*record.exc_info))
        return json.dumps(out, ensure_ascii=False)

    converter = time.gmtime


def current_request_id() -> str:
    return request_id_var.get()


def unavailable_response(request, request_id: str) -> HttpResponse:
    """503 for a database that is gone: rendered without the database (no user, no menu, no session)."""
    language = translation.get_language_from_request(request) or "es"
    with translation.override(language):
        html = render_to_string("core/unavailable.html", {"request_id": request_id})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = "30"
    return response


class RequestLogMiddleware:
    """Request id, one log line per request, and a 503 page when the database is gone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _INCOMING.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        start = time.monotonic()
        try:
            try:
                response = self.get_response(request)
            except (OperationalError, InterfaceError) as exc:
                # Raised while the error page itself was rendered (it reads the user, the menu).
                log.error("database unavailable", exc_info=exc)
                response = unavailable_response(request, request_id)
            response["X-Request-ID"] = request_id
            # The user only when already loaded (a lazy object not yet evaluated): no query for a log line.
            wrapped = getattr(getattr(request, "user", None), "_wrapped", empty)
            user_id = None if wrapped is empty else getattr(wrapped, "pk", None)
            log.info("request", extra={
                "method": request.method, "path": request.path[:300], "status": response.status_code,
                "duration_ms": round((time.monotonic() - start) * 1000, 1), "user_id": user_id})
            return response
        finally:
            request_id_var.reset(token)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            log.error("database unavailable", exc_info=exception)
            return unavailable_response(request, getattr(request, "request_id", ""))
        return None
