from django.shortcuts import render
from django.utils.translation import gettext as _

from . import context as audit_context
from .log import AuditUnavailable


class AuditContextMiddleware:
    """Records where each request came from, and fails closed when the trail cannot be written."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = audit_context.set_context(audit_context.from_request(request))
        try:
            return self.get_response(request)
        finally:
            audit_context.reset(token)

    def process_exception(self, request, exception):
        if isinstance(exception, AuditUnavailable):
            return render(request, "core/error.html", {
                "title": _("Operación no realizada"),
                "message": _("No se pudo registrar la operación en la bitácora de auditoría, por lo que no se realizó. "
                             "Inténtelo de nuevo en unos minutos o avise al administrador."),
            }, status=503)
        return None
