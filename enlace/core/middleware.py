from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from enlace.audit import context as audit_context
from enlace.audit.log import log_event

from .asgi import BODY_TOO_LARGE


class RequestSizeLimitMiddleware:
    """Refuses what no view can handle, before any view runs:

    - oversized bodies: from their declared length before a byte of them is read, and from the
      bytes actually received when the ASGI handler had to stop reading (chunked bodies);
    - NUL characters in the path or the query string (``%00``): PostgreSQL refuses them in text
      values, so any lookup with one failed with a 500 there (SQLite let it through).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        received = getattr(request, "scope", {}).get(BODY_TOO_LARGE)
        if length > settings.ENLACE_MAX_REQUEST_BYTES or received:
            response = self._refuse(request, max(length, received or 0), chunked=bool(received))
            if received:
                # The client may still be sending the rest: do not keep this connection for another request.
                response["Connection"] = "close"
            return response
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "") or any(
                "\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            return self._refuse_nul(request)
        return self.get_response(request)

    def _refuse_nul(self, request):
        translation.activate(translation.get_language_from_request(request))
        token = audit_context.set_context(audit_context.from_request(request))
        try:
            log_event("bad_request", detail={"reason": "nul_character"})
        finally:
            audit_context.reset(token)
        message = _("La dirección contiene un carácter nulo (%00), que no se admite.")
        if request.path.startswith("/api/"):
            return JsonResponse({"error": {"status": 400, "code": "bad_request", "message": message, "fields": {}}},
                                status=400)
        return render(request, "core/error.html", {"title": _("Solicitud no válida"), "message": message}, status=400)

    def _refuse(self, request, length, *, chunked):
        # This runs before LocaleMiddleware: answer in the request's language, not the thread's.
        translation.activate(translation.get_language_from_request(request))
        token = audit_context.set_context(audit_context.from_request(request))
        try:
            log_event("bad_request", detail={"reason": "too_large", "bytes": length, "chunked": chunked,
                                             "path": request.path[:200]})
        finally:
            audit_context.reset(token)
        limit_mb = settings.ENLACE_MAX_REQUEST_BYTES // (1024 * 1024)
        message = _("El envío es demasiado grande (máximo %(mb)s MB). No se guardó nada; reduzca el tamaño e inténtelo de nuevo.") % {"mb": limit_mb}
        if request.path.startswith("/api/"):
            return JsonResponse({"error": {"status": 413, "code": "request_too_large", "message": message,
                                           "fields": {}}}, status=413)
        return render(request, "core/error.html", {"title": _("Envío demasiado grande"), "message": message}, status=413)
