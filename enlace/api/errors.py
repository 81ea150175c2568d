"""One error body for the whole API: ``{"error": {"status", "code", "message", "fields"}}``."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from enlace.audit.log import AuditUnavailable


def _body(status_code, code, message, fields=None):
    body = {"error": {"status": status_code, "code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return body


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
    elif isinstance(exc, exceptions.ParseError):
        message = _("El cuerpo de la solicitud no es JSON válido.")
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        message = _("Tipo de contenido no admitido.")
    else:
        message = str(getattr(exc, "detail", "")) or _("Error.")
    response.data = _body(response.status_code, code, message)
    return response


def not_found_response():
    return Response(_body(404, "not_found", _("No encontrado.")), status=status.HTTP_404_NOT_FOUND)
