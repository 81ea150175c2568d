from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "enlace.matching"
    label = "matching"
    verbose_name = _("Coincidencias (hit/no-hit)")
    web_urls = "enlace.matching.urls"
    web_prefix = "coincidencias/"
    api_urls = "enlace.matching.api_urls"
    nav_entries = [
        {"url": "matching:list", "label": _("Coincidencias"), "perm": "matching.view_hitnotice", "order": 35},
    ]
    home_cards = [
        {"url": "matching:list", "title": _("Coincidencias transfronterizas"), "perm": "matching.view_hitnotice",
         "order": 25, "text": _("Otro país tiene un registro de la misma persona, teléfono o documento: a quién preguntar.")},
    ]
    role_permissions = {
        "focal_point": ["matching.view_hitnotice", "matching.change_hitnotice", "matching.view_releasedrecord",
                       "matching.view_uncertainpair", "matching.change_uncertainpair"],
        "prosecutor": ["matching.view_hitnotice", "matching.change_hitnotice", "matching.view_releasedrecord",
                      "matching.view_uncertainpair", "matching.change_uncertainpair"],
        "analyst": ["matching.view_hitnotice"],
    }
    demo_loaders = ["enlace.matching.demo.load_demo"]
    # uncertain pairs (the other matching models are planted by enlace.testing.canaries itself)
    leak_probe_canaries = "enlace.matching.canaries.plant"
    periodic_tasks = ["enlace.matching.actions.escalate_overdue_requests"]

    def ready(self):
        from . import signals  # noqa: F401
