"""One error body for the whole API: ``{"error": {"status", "code", "message", "fields"}}``.

``exception_handler`` answers what DRF views raise; ``django_error_response`` answers what
Django's own handlers (400/403/404/500) see under ``/api/`` — a failure outside or around a DRF
view, where the request may carry a token user that no template context can render.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from enlace.audit.log import AuditUnavailable

from .parsers import InvalidBody


def _body(status_code, code, message, fields=None):
    # ``fields`` is always present ({} when the error is not about particular fields), so clients
    # can read it without checking for it.
    return {"error": {"status": status_code, "code": code, "message": message, "fields": fields or {}}}


def exception_handler(exc, context):
    if isinstance(exc, AuditUnavailable):
        return Response(_body(503, "audit_unavailable", _("No se pudo registrar la operación en la auditoría; no se realizó.")),
                        status=503)
    if isinstance(exc, (Http404, exceptions.NotFound)):
        # Not found and not allowed look the same.
        return Response(_body(404, "not_found", _("No encontrado.")), status=404)
    if isinstance(exc, DjangoValidationError):
        # Actions raise Django's ValidationError; the API answers it with the same 400 body as DRF's.
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(_body(400, "invalid", _("Los datos enviados no son válidos."), detail), status=400)
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = _body(response.status_code, "invalid", _("Los datos enviados no son válidos."), detail)
        return response
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.NotAuthenticated):
        message = _("Se requiere autenticación: envíe «Authorization: Token …» o inicie sesión con doble factor.")
    elif isinstance(exc, exceptions.AuthenticationFailed):
        message = str(exc.detail)
    elif isinstance(exc, exceptions.PermissionDenied):
        detail = str(exc.detail)
        message = detail if detail and detail != str(exceptions.PermissionDenied.default_detail) else _(
            "No tiene permiso para realizar esta acción.")
    elif isinstance(exc, exceptions.Throttled):
        message = _("Demasiadas solicitudes. Espere %(s)s segundos.") % {"s": exc.wait or 1}
    elif isinstance(exc, exceptions.MethodNotAllowed):
        message = _("Método no permitido.")
    elif isinstance(exc, InvalidBody):
        message = str(exc.detail)
    elif isinstance(exc, exceptions.ParseError):
        # DRF's multipart/form parsers explain in English only; say what happened in ours.
        message = _("No se pudo leer el cuerpo de la solicitud: JSON o formulario mal formado.")
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        message = _("Tipo de contenido no admitido.")
    else:
        message = str(getattr(exc, "detail", "")) or _("Error.")
    response.data = _body(response.status_code, code, message)
    return response


def not_found_response():
    return Response(_body(404, "not_found", _("No encontrado.")), status=status.HTTP_404_NOT_FOUND)


def is_api_request(request) -> bool:
    return request.path.startswith("/api/")


def django_error_response(request, status_code: int) -> JsonResponse:
    """The uniform body for errors Django's handlers answer on API paths (never a template:
    a token-authenticated request has no verified-session user for the page context)."""
    code, message = {
        400: ("bad_request", _("Solicitud no válida. Revise los datos enviados.")),
        403: ("permission_denied", _("No tiene permiso para realizar esta acción.")),
        404: ("not_found", _("No encontrado.")),
    }.get(status_code, ("server_error", _(
        "Ocurrió un error inesperado. No se perdió lo que ya estaba guardado. Inténtelo de nuevo.")))
    return JsonResponse(_body(status_code, code, message), status=status_code)
