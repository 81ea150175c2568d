from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import translate_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enlace.audit.log import log_event

from .home import home_cards


def home(request):
    if not request.user.is_authenticated:
        # A visitor without an account gets the public portal; officials their workspace.
        from enlace.portal.public import home as portal_home

        return portal_home(request, lang=(getattr(request, "LANGUAGE_CODE", "es") or "es")[:2])
    return render(request, "core/home.html", {"cards": home_cards(request.user)})


@require_POST
def set_language(request):
    """Django's set_language, but an unknown language is answered, not silently ignored."""
    code = request.POST.get("language", "")
    nxt = request.POST.get("next") or request.META.get("HTTP_REFERER") or "/"
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        nxt = "/"
    if code not in dict(settings.LANGUAGES) or not check_for_language(code):
        log_event("bad_request", user=request.user, detail={"reason": "unknown_language", "value": code[:20]})
        return render(request, "core/error.html", {
            "title": _("Idioma no disponible"),
            "message": _("El idioma solicitado no está disponible. Elija español o inglés."),
        }, status=400)
    response = HttpResponseRedirect(translate_url(nxt, code))
    response.set_cookie(settings.LANGUAGE_COOKIE_NAME, code, max_age=365 * 24 * 3600, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE, httponly=False)
    return response


def _error(request, status, title, message):
    from enlace.api.errors import django_error_response, is_api_request

    if is_api_request(request):
        # API clients get the uniform JSON body, whatever authenticated them (issue 16).
        return django_error_response(request, status)
    return render(request, "core/error.html", {"title": title, "message": message,
                                               "request_id": getattr(request, "request_id", "")}, status=status)


def bad_request(request, exception=None):
    log_event("bad_request", user=getattr(request, "user", None),
              detail={"reason": type(exception).__name__ if exception else "bad_request", "path": request.path[:200]})
    return _error(request, 400, _("Solicitud no válida"),
                  _("No pudimos procesar esta solicitud. Revise los datos enviados e inténtelo de nuevo."))


def permission_denied(request, exception=None):
    return _error(request, 403, _("Acceso denegado"), _("No tiene permiso para realizar esta acción."))


def not_found(request, exception=None):
    return _error(request, 404, _("No encontrado"),
                  _("La página o el registro no existe, o no está disponible para su cuenta."))


def server_error(request):
    return _error(request, 500, _("Error interno"),
                  _("Ocurrió un error inesperado. No se perdió lo que ya estaba guardado. Inténtelo de nuevo."))


def csrf_failure(request, reason=""):
    log_event("bad_request", user=getattr(request, "user", None), detail={"reason": "csrf", "path": request.path[:200]})
    return _error(request, 403, _("Formulario caducado"),
                  _("El formulario caducó o se abrió en otra pestaña. Vuelva atrás, recargue la página y envíelo de nuevo."))
