"""Sending notices. Other apps call ``do_notify``; it never puts sensitive content in e-mail."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enlace.audit.log import log_event

from .models import Notification


@transaction.atomic
def do_notify(recipients, *, kind: str, title: str, body: str = "", link: str = "", email: bool = True,
              actor=None) -> list[Notification]:
    """One in-app notice per active recipient, and (``email=True``) an e-mail with title + link only."""
    recipients = [u for u in {u.pk: u for u in recipients}.values() if u.is_active]
    notes = Notification.objects.bulk_create([
        Notification(recipient=u, kind=kind, title=title[:200], body=body, link=link, emailed=email and bool(u.email))
        for u in recipients])
    if email:
        base = getattr(settings, "ENLACE_BASE_URL", "http://127.0.0.1:8000")
        messages = []
        for u in recipients:
            if not u.email:
                continue
            with translation.override(u.preferred_language or "es"):
                text = _("Tiene un nuevo aviso en Enlace: %(title)s\n\nÁbralo aquí: %(url)s\n\n"
                         "Por seguridad, este correo no incluye el contenido.") % {"title": title, "url": base + (link or "/avisos/")}
                messages.append((_("Enlace: nuevo aviso"), text, settings.DEFAULT_FROM_EMAIL, [u.email]))
        # Sent after commit: a rolled-back notice must not leave an e-mail behind.
        transaction.on_commit(lambda: send_mass_mail(messages, fail_silently=True))
    log_event("write", user=actor, object_type="notifications.notification",
              detail={"kind": kind, "recipients": [u.username for u in recipients][:200], "email": email})
    return notes


@transaction.atomic
def do_mark_notifications_read(user, ids=None) -> int:
    """Mark the user's own unread notices (all, or those in ``ids``) as read; one audit event."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    count = qs.update(read_at=timezone.now())
    log_event("write", user=user, object_type="notifications.notification", detail={"count": count})
    return count
