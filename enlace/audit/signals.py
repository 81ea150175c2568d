from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .log import log_event


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs):
    log_event("login", user=user, detail={"step": "password"})
    if user.is_superuser:
        log_event("break_glass", user=user, detail={"reason": "superuser login"})


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        log_event("logout", user=user)


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    log_event("login_failed", username=str(credentials.get("username", ""))[:150])
