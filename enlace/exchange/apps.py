from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_THREADS = ["exchange.view_thread", "exchange.change_thread", "exchange.add_thread", "exchange.export_thread",
            "exchange.view_message", "exchange.view_receipt", "exchange.view_attachment",
            "exchange.view_forwardrequest", "exchange.change_forwardrequest", "exchange.change_message",
            "exchange.change_attachment", "exchange.delete_thread"]
_MLA = ["exchange.view_mladraft", "exchange.change_mladraft", "exchange.export_mladraft", "exchange.view_mlaversion",
        "exchange.change_mlaversion"]


class ExchangeConfig(AppConfig):
    name = "enlace.exchange"
    label = "exchange"
    verbose_name = _("Intercambio seguro")
    default_auto_field = "django.db.models.BigAutoField"
    web_urls = "enlace.exchange.urls"
    web_prefix = "intercambio/"
    api_urls = "enlace.exchange.api_urls"
    nav_entries = [
        {"url": "exchange:inbox", "label": _("Intercambio"), "perm": "exchange.view_thread", "order": 30},
        {"url": "exchange:mla_list", "label": _("Asistencia jurídica"), "perm": "exchange.view_mladraft", "order": 31},
        {"url": "exchange:dashboard", "label": _("Capacidad de respuesta"), "perm": "exchange.view_responsiveness",
         "order": 32},
    ]
    home_cards = [
        {"url": "exchange:inbox", "title": _("Intercambio seguro"), "perm": "exchange.view_thread", "order": 30,
         "text": _("Solicitudes, respuestas, información espontánea y alertas con sus contrapartes, en tiempo real.")},
        {"url": "exchange:compose", "title": _("Nueva solicitud o alerta"), "perm": "exchange.change_thread",
         "order": 31, "text": _("Redacte una solicitud, una alerta o una notificación consular con plazo y grado.")},
        {"url": "exchange:mla_list", "title": _("Redacción conjunta de asistencia jurídica"),
         "perm": "exchange.view_mladraft", "order": 32,
         "text": _("Prepare con la fiscalía del país requerido la solicitud antes del canal formal.")},
        {"url": "exchange:dashboard", "title": _("Capacidad de respuesta por país"),
         "perm": "exchange.view_responsiveness", "order": 33,
         "text": _("Mediana del tiempo de acuse y de respuesta de cada país; solicitudes vencidas.")},
    ]
    role_permissions = {
        "focal_point": [*_THREADS],
        "prosecutor": [*_THREADS, *_MLA],
        "st": ["exchange.view_responsiveness"],
    }
    demo_loaders = ["enlace.exchange.demo.load_exchange_demo"]
    periodic_tasks = ["enlace.exchange.tasks.run_exchange_tasks"]
