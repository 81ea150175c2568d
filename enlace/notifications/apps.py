from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "enlace.notifications"
    label = "notifications"
    verbose_name = _("Avisos")
    web_urls = "enlace.notifications.urls"
    web_prefix = "avisos/"
    nav_entries = [{"url": "notifications:inbox", "label": _("Avisos"), "order": 80}]
