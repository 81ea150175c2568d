"""Session lifetime and the MFA gate in front of every non-public page."""

import functools
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from enlace.audit.log import log_event

AUTH_AT = "enlace_auth_at"
LAST_SEEN = "enlace_last_seen"

# Paths anyone may open. Apps with public pages (the portal) add theirs via ENLACE_PUBLIC_PREFIXES.
PUBLIC_PREFIXES = (
    "/static/",
    "/i18n/",
    "/cuenta/entrar/",
    "/cuenta/salir/",
    "/cuenta/contrasena/",
    "/api/",  # the API authenticates each request itself (token, or MFA-verified session)
    "/favicon.ico",
)
MFA_PREFIXES = ("/cuenta/verificar/", "/cuenta/mfa/alta/")


@functools.cache
def _app_public_prefixes() -> tuple[str, ...]:
    from django.apps import apps

    return tuple(p for config in apps.get_app_configs() for p in getattr(config, "public_prefixes", ()))


def is_public(path: str) -> bool:
    """Public pages: the login flow, static assets, and what apps declare (``public_prefixes``)."""
    extra = tuple(getattr(settings, "ENLACE_PUBLIC_PREFIXES", ()))
    return path.startswith(PUBLIC_PREFIXES + extra + _app_public_prefixes())


class SessionLifetimeMiddleware:
    """Ends sessions idle for 30 minutes or older than 12 hours, with a message and an audit event."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            auth_at = request.session.get(AUTH_AT)
            last_seen = request.session.get(LAST_SEEN, auth_at)
            idle = settings.ENLACE_SESSION_IDLE_SECONDS
            absolute = settings.ENLACE_SESSION_ABSOLUTE_SECONDS
            reason = None
            if auth_at is None:
                request.session[AUTH_AT] = now
            elif now - auth_at > absolute:
                reason = "absolute"
            elif last_seen is not None and now - last_seen > idle:
                reason = "idle"
            if reason:
                log_event("session_expired", user=user, detail={"reason": reason})
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.warning(request, _("Su sesión expiró por seguridad. Vuelva a iniciar sesión."))
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            request.session[LAST_SEEN] = now
        return self.get_response(request)


class RequireMFAMiddleware:
    """Deny by default: every page that is not public needs a password *and* a second factor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if is_public(path):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={path}")
        if not user.is_verified():
            if path.startswith(MFA_PREFIXES):
                return self.get_response(request)
            from django_otp.plugins.otp_totp.models import TOTPDevice

            if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                return redirect(f"{reverse('accounts:mfa_verify')}?next={path}")
            return redirect(reverse("accounts:mfa_enroll"))
        return self.get_response(request)
