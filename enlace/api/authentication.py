from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from enlace.audit import context as audit_context
from enlace.audit.log import log_event


class AuditedTokenAuthentication(TokenAuthentication):
    """``Authorization: Token …`` (hashed, expiring, revocable knox tokens); failures are audited."""

    def authenticate(self, request):
        try:
            result = super().authenticate(request)
        except exceptions.AuthenticationFailed as exc:
            log_event("token_failed", detail={"reason": str(exc.detail)[:100], "path": request.path[:200]})
            raise exceptions.AuthenticationFailed(_("Token no válido, vencido o revocado.")) from exc
        if result is not None:
            audit_context.set_channel("token")
        return result

    def authenticate_header(self, request):
        return "Token"


class VerifiedSessionAuthentication(SessionAuthentication):
    """Browser sessions count for the API only after the second factor."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user, auth = result
        if not user.is_verified():
            return None
        return user, auth
