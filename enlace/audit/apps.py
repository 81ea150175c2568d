from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "enlace.audit"
    label = "audit"
    verbose_name = _("Auditoría")
    nav_entries = [
        {"url": "audit:events", "label": _("Auditoría"), "perm": "audit.view_auditevent", "order": 90},
    ]
    home_cards = [
        {"url": "audit:events", "title": _("Bitácora de auditoría"), "perm": "audit.view_auditevent", "order": 10,
         "text": _("Quién leyó, escribió, exportó o compartió qué, cuándo y desde dónde.")},
    ]
    role_permissions = {
        "auditor": ["audit.view_auditevent", "audit.export_auditevent"],
    }

    def ready(self):
        from . import signals  # noqa: F401
