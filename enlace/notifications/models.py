from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app notice to one official (reminders, change notices, deliveries).

    Its text is written for the recipient and must not carry more than the recipient may see;
    the e-mail copy carries only the title and a link (never sensitive content).
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("tipo"), max_length=40, db_index=True)
    title = models.CharField(_("título"), max_length=200)
    body = models.TextField(_("texto"), blank=True)
    link = models.CharField(_("enlace"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("fecha"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("leído"), null=True, blank=True)
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        verbose_name = _("aviso")
        verbose_name_plural = _("avisos")

    def __str__(self):
        return self.title
