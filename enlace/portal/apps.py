from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "enlace.portal"
    label = "portal"
    verbose_name = _("Portal público")
    default_auto_field = "django.db.models.BigAutoField"
    web_urls = "enlace.portal.urls"
    web_prefix = ""  # public pages under /publico/, the editorial workspace under /gestion-portal/
    public_prefixes = ("/publico/",)  # published entries only, never personal data
    nav_entries = [
        {"url": "portal:queue", "label": _("Portal"), "perm": "portal.view_portalentry", "order": 90},
    ]
    home_cards = [
        {"url": "portal:queue", "title": _("Portal público"), "perm": "portal.view_portalentry", "order": 90,
         "text": _("Borradores de los editores, propuestas de publicación y aprobación de la Secretaría Técnica.")},
    ]
    role_permissions = {
        "portal_editor": ["portal.view_portalentry", "portal.add_portalentry", "portal.change_portalentry"],
        "st": ["portal.view_portalentry", "portal.approve_portalentry", "portal.change_portalentry"],
        "focal_point": ["portal.view_portalentry", "portal.change_portalentry"],
        "cancilleria": ["portal.view_portalentry", "portal.change_portalentry"],
    }
    demo_loaders = ["enlace.portal.demo.load_demo"]
