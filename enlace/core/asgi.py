"""The ASGI application Enlace serves (``enlace.asgi``): Django's handler counting body bytes.

Kept apart from ``middleware`` because it is imported before Django is set up.
"""

import asyncio

from django.conf import settings
from django.core.handlers.asgi import ASGIHandler

# Set in the ASGI scope by ``BodyLimitASGIHandler`` when a body went past the limit while read.
BODY_TOO_LARGE = "enlace.body_too_large"


class BodyLimitASGIHandler(ASGIHandler):
    """Django's ASGI handler, counting the body bytes it actually receives.

    Django's own handler spools the *whole* body to a temporary file before any middleware runs,
    so a chunked upload without ``Content-Length`` (or any body under ASGI) was stored in full
    whatever its size. Here reading stops at the first chunk past ``ENLACE_MAX_REQUEST_BYTES``:
    the request goes on with an empty body and a mark in its scope, and
    ``RequestSizeLimitMiddleware`` answers 413. The rest of the body is never read.
    (Under WSGI, Django reads at most ``Content-Length`` bytes, which the middleware checks first.)
    """

    async def handle(self, scope, receive, send):
        if scope.get("type") != "http":
            return await super().handle(scope, receive, send)
        limit = settings.ENLACE_MAX_REQUEST_BYTES
        received = 0
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            # Declared too large: not a byte of it is read (the middleware answers from the header).
            scope[BODY_TOO_LARGE] = int(declared)

        body_ended = False

        async def counted_receive():
            nonlocal received, body_ended
            if BODY_TOO_LARGE in scope:
                if not body_ended:
                    body_ended = True
                    return {"type": "http.request", "body": b"", "more_body": False}
                # After the limit: read nothing more from the client. Django only listens here for a
                # disconnect while the 413 is produced, and cancels this wait when it is sent.
                await asyncio.Future()
            message = await receive()
            if message.get("type") == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    scope[BODY_TOO_LARGE] = received
                    body_ended = True
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        return await super().handle(scope, counted_receive, send)


def get_asgi_application():
    """What ``enlace.asgi`` serves: Django set up, behind the body-counting handler."""
    import django

    django.setup(set_prefix=False)
    return BodyLimitASGIHandler()
