from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_OWN = ["view_case", "add_case", "change_case", "export_case", "view_entity", "change_entity", "export_entity",
        "view_link", "change_link", "view_routeleg", "change_routeleg", "view_importbatch", "change_importbatch",
        "view_modusoperanditag"]
_READ = ["view_case", "export_case", "view_entity", "export_entity", "view_link", "view_routeleg",
         "view_modusoperanditag"]


class CasesConfig(AppConfig):
    name = "enlace.cases"
    label = "cases"
    verbose_name = _("Casos y entidades")
    web_urls = "enlace.cases.urls"
    web_prefix = "casos/"
    api_urls = "enlace.cases.api_urls"
    nav_entries = [{"url": "cases:list", "label": _("Casos"), "order": 30, "perm": "cases.view_case"}]
    home_cards = [
        {"url": "cases:list", "title": _("Casos y entidades"), "order": 30, "perm": "cases.view_case",
         "text": _("Casos de tráfico ilícito de migrantes y trata de personas: personas, documentos, teléfonos, "
                   "rutas, grafo de vínculos e importación masiva.")},
        {"url": "cases:region_map", "title": _("Mapa de rutas"), "order": 31, "perm": "cases.view_routeleg",
         "text": _("Tramos de ruta de los casos que puede consultar, sobre un mapa de la región sin conexión.")},
    ]
    role_permissions = {
        "focal_point": [f"cases.{p}" for p in _OWN],
        "prosecutor": [f"cases.{p}" for p in _OWN],
        "analyst": [f"cases.{p}" for p in _READ],
    }
    demo_loaders = ["enlace.cases.demo.load_cases_demo"]
    reference_loaders = ["enlace.cases.vocabulary.ensure_vocabulary"]
