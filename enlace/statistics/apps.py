from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_READ = ["view_databaseentry", "view_submission", "export_submission", "view_report", "add_report"]
_COUNTRY = [*_READ, "add_databaseentry", "change_databaseentry", "add_submission", "change_submission"]


class StatisticsConfig(AppConfig):
    name = "enlace.statistics"
    # "statistics" is also a module of Python's standard library: a distinct label avoids any confusion
    # in migrations, permissions ("stats.view_submission") and the app registry.
    label = "stats"
    verbose_name = _("Estadísticas y diagnóstico regional")
    default_auto_field = "django.db.models.BigAutoField"
    web_urls = "enlace.statistics.urls"
    web_prefix = "estadisticas/"
    api_urls = "enlace.statistics.api_urls"
    nav_entries = [
        {"url": "statistics:dashboard", "label": _("Estadísticas"), "perm": "stats.view_submission", "order": 60},
        {"url": "statistics:inventory", "label": _("Bases de datos"), "perm": "stats.view_databaseentry",
         "order": 61},
    ]
    home_cards = [
        {"url": "statistics:dashboard", "title": _("Diagnóstico regional"), "perm": "stats.view_submission",
         "order": 60, "text": _("Cifras nacionales y regionales por período, tendencias, rutas y modus operandi; "
                                "celdas menores a 11 suprimidas.")},
        {"url": "statistics:submissions", "title": _("Envíos estadísticos"), "perm": "stats.view_submission",
         "order": 61, "text": _("Formulario, plantilla XLSX o API; validación, cierre y correcciones.")},
        {"url": "statistics:inventory", "title": _("Inventario de bases de datos"),
         "perm": "stats.view_databaseentry", "order": 62,
         "text": _("Bases nacionales: contenido, cobertura, calidad, interoperabilidad y madurez.")},
        {"url": "statistics:indicators", "title": _("Catálogo de indicadores"), "perm": "stats.view_submission",
         "order": 63, "text": _("Indicadores no nominales con definición, desagregaciones y versiones.")},
    ]
    role_permissions = {
        "analyst": [f"stats.{p}" for p in _COUNTRY],
        "focal_point": [f"stats.{p}" for p in _READ],
        "cancilleria": [*(f"stats.{p}" for p in _READ), "stats.validate_submission"],
        "st": [*(f"stats.{p}" for p in _READ), "stats.manage_catalogue", "stats.validate_submission"],
    }
    demo_loaders = ["enlace.statistics.demo.load_demo"]
    reference_loaders = ["enlace.statistics.catalogue.ensure_catalogue"]
    periodic_tasks = ["enlace.statistics.tasks.mark_stale_reports"]
