"""Session lifetime and the MFA gate in front of every non-public page."""

import functools
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enlace.audit.log import log_event
from enlace.core import timefmt

AUTH_AT = "enlace_auth_at"
LAST_SEEN = "enlace_last_seen"
# Carries the hash of a session that someone else's decision ended (see ``EndedSession``) from the
# first refused request to the login page: Django deletes the dead session cookie on that first answer.
ENDED_COOKIE = "enlace_sesion_terminada"

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
                # "expired" is a code the audit keeps ("reason" would be redacted as free text).
                log_event("session_expired", user=user, detail={"expired": reason})
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                messages.warning(request, _("Su sesión expiró por seguridad. Vuelva a iniciar sesión."))
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            request.session[LAST_SEEN] = now
        return self.get_response(request)


def session_end_notice(request):
    """The ``EndedSession`` explaining why this browser's session was ended, or ``None``.

    Only asked for signed-out page requests that carry a session cookie or the notice cookie
    (one indexed query); the stored value is a hash, so the dead session key is never reusable.
    """
    from .actions import session_key_hash
    from .models import EndedSession

    if request.user.is_authenticated or request.path.startswith(("/api/", "/static/")):
        return None
    hashes = []
    raw = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if raw:
        hashes.append(session_key_hash(raw))
    carried = request.COOKIES.get(ENDED_COOKIE, "")
    if len(carried) == 64:
        hashes.append(carried)
    if not hashes:
        return None
    return EndedSession.objects.filter(key_hash__in=hashes).order_by("-ended_at").first()


class RequireMFAMiddleware:
    """Deny by default: every page that is not public needs a password *and* a second factor.

    It also carries the reason a session was ended by someone else's decision (a revocation, for
    instance) to the login page: ``request.session_end`` (an ``EndedSession`` or ``None``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.session_end = session_end_notice(request)
        response = self._gate(request)
        if request.session_end is not None and request.COOKIES.get(ENDED_COOKIE) != request.session_end.key_hash:
            response.set_cookie(ENDED_COOKIE, request.session_end.key_hash, max_age=settings.SESSION_COOKIE_AGE,
                                secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")
        elif ENDED_COOKIE in request.COOKIES and getattr(request, "user", None) is not None \
                and request.user.is_authenticated:
            # Signed in again: the notice has been read.
            response.delete_cookie(ENDED_COOKIE, samesite="Lax")
        return response

    def _gate(self, request):
        path = request.path
        if is_public(path):
            return self.get_response(request)
        user = request.user
        if path == "/" and not user.is_authenticated:
            return self.get_response(request)  # "/" is the public portal's home for visitors (issue 12)
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


class UserTimezoneMiddleware:
    """Every time on the page in the viewer's zone: ``User.time_zone`` (default: their country's seat).

    Visitors read the default ``TIME_ZONE``. A streamed answer (``StreamingHttpResponse``) is produced
    after this middleware returns, so its content is wrapped to run under the same zone too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import zoneinfo

        user = getattr(request, "user", None)
        name = timefmt.zone_for_user(user) if user is not None and user.is_authenticated else settings.TIME_ZONE
        tz = zoneinfo.ZoneInfo(name)
        timezone.activate(tz)
        try:
            response = self.get_response(request)
        finally:
            timezone.deactivate()
        if getattr(response, "streaming", False) and not getattr(response, "is_async", False):
            # Async streams (the exchange SSE) write no times, only "thread N changed"; the page then
            # fetches the fragment through an ordinary request, localised above. Left untouched so that
            # closing the stream still reaches its own ``finally``.
            response.streaming_content = _in_zone(response.streaming_content, tz)
        return response


def _in_zone(content, tz):
    """Re-activate ``tz`` while each chunk of a streamed (sync) answer is produced."""
    iterator = iter(content)
    while True:
        with timezone.override(tz):
            try:
                chunk = next(iterator)
            except StopIteration:
                return
        yield chunk
