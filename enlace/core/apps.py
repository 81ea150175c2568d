from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "enlace.core"
    label = "core"
    verbose_name = _("Referencia")
    public_prefixes = ("/salud/",)  # health endpoint for the proxy and monitoring (no data, no secrets)
    home_cards = [
        {"url": "accounts:security", "title": _("Mi seguridad"), "order": 95,
         "text": _("Dispositivos de doble factor, tokens de API y contraseña.")},
        {"url": "api_docs", "title": _("API para sistemas nacionales"), "order": 96,
         "text": _("Documentación de la API REST /api/v1/ y su esquema OpenAPI.")},
    ]
