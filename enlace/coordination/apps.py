from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_READ = ["coordination.view_nationalmessage", "coordination.view_nationalroute"]
_SEND = [*_READ, "coordination.add_nationalmessage", "coordination.change_nationalmessage",
         "coordination.answer_nationalmessage"]


class CoordinationConfig(AppConfig):
    """National coordination: messages between institutions of one country, routed by its own protocol."""

    name = "enlace.coordination"
    label = "coordination"
    verbose_name = _("Coordinación nacional")
    default_auto_field = "django.db.models.BigAutoField"
    web_urls = "enlace.coordination.urls"
    api_urls = "enlace.coordination.api_urls"
    web_prefix = "coordinacion/"
    nav_entries = [
        {"url": "coordination:list", "label": _("Coordinación nacional"), "perm": "coordination.view_nationalmessage",
         "order": 35},
    ]
    role_permissions = {
        "focal_point": _SEND,
        "prosecutor": _SEND,
        "analyst": _READ,
        "cancilleria": [*_SEND, "coordination.change_nationalroute", "coordination.add_nationalroute"],
        "auditor": _READ,
    }
    periodic_tasks = ["enlace.coordination.actions.do_flag_national_overdue"]
