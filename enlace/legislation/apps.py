from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_READ = ["legislation.view_instrument", "legislation.view_provision", "legislation.view_submission",
         "legislation.view_answer", "legislation.export_answer", "legislation.export_instrument"]
_WRITE = ["legislation.change_instrument", "legislation.change_provision", "legislation.change_submission",
          "legislation.change_answer"]


class LegislationConfig(AppConfig):
    name = "enlace.legislation"
    label = "legislation"
    verbose_name = _("Legislación y cumplimiento de los Protocolos")
    default_auto_field = "django.db.models.BigAutoField"
    web_urls = "enlace.legislation.urls"
    public_prefixes = ("/legislacion/publica/",)  # what countries marked public; no login
    web_prefix = "legislacion/"
    api_urls = "enlace.legislation.api_urls"
    nav_entries = [
        {"url": "legislation:matrix", "label": _("Legislación"), "perm": "legislation.view_answer", "order": 40},
    ]
    home_cards = [
        {"url": "legislation:matrix", "title": _("Matriz comparativa de legislación"),
         "perm": "legislation.view_answer", "order": 40,
         "text": _("Legislación de cada país frente a los Protocolos de tráfico ilícito de migrantes y de trata.")},
        {"url": "legislation:rounds", "title": _("Rondas de envío de información legislativa"),
         "perm": "legislation.view_submission", "order": 41,
         "text": _("Cuestionarios de cada país, plazos, validación y recordatorios.")},
        {"url": "legislation:indicators", "title": _("Indicadores de cumplimiento"),
         "perm": "legislation.view_answer", "order": 42,
         "text": _("Porcentaje de requisitos cumplidos por país y en la región; brechas a cerrar.")},
    ]
    role_permissions = {
        "st": [*_READ, "legislation.manage_round", "legislation.validate_submission"],
        "cancilleria": [*_READ, *_WRITE, "legislation.validate_submission"],
        "focal_point": [*_READ, *_WRITE],
        "prosecutor": _READ,
        "analyst": _READ,
        # The portal's publish step: sees validated questionnaires to publish what countries authorised.
        "portal_editor": ["legislation.view_submission", "legislation.view_answer"],
    }
    demo_loaders = ["enlace.legislation.demo.load_demo"]
    periodic_tasks = ["enlace.legislation.tasks.send_round_reminders"]
