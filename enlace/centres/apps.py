from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_READ = ["view_centre", "export_centre", "view_figureset", "export_figureset", "view_crisislevel",
         "view_practicenote", "view_standard"]
_MANAGER = [*_READ, "add_centre", "change_centre", "view_stay", "add_stay", "change_stay", "export_stay",
            "view_belonging", "change_belonging", "add_figureset", "change_figureset", "change_crisislevel",
            "view_incident", "add_incident", "change_incident", "view_carerecord", "change_carerecord",
            "add_practicenote", "change_practicenote"]
# Crisis alerts travel through the secure exchange: the centre manager sends and receives them there.
_EXCHANGE = ["exchange.view_thread", "exchange.change_thread", "exchange.add_thread", "exchange.view_message",
             "exchange.change_message", "exchange.view_receipt", "exchange.view_attachment"]

# A stay checked in other countries (3.5, fn 16) answers through the matching app's hit notices and the
# document query: the centre manager reads its notices, asks for the details and answers the other side.
_HITS = ["matching.view_hitnotice", "matching.change_hitnotice", "matching.view_releasedrecord",
         "documents.query_numbers"]


class CentresConfig(AppConfig):
    name = "enlace.centres"
    label = "centres"
    verbose_name = _("Centros de atención migratoria")
    default_auto_field = "django.db.models.BigAutoField"
    web_urls = "enlace.centres.urls"
    web_prefix = "centros/"
    api_urls = "enlace.centres.api_urls"
    nav_entries = [
        {"url": "centres:list", "label": _("Centros"), "perm": "centres.view_centre", "order": 50},
        {"url": "centres:stays", "label": _("Estancias"), "perm": "centres.view_stay", "order": 51},
        {"url": "centres:dashboard", "label": _("Ocupación regional"), "perm": "centres.view_figureset",
         "order": 52},
    ]
    home_cards = [
        {"url": "centres:list", "title": _("Centros de atención migratoria"), "perm": "centres.view_centre",
         "order": 50, "text": _("Registro de centros: tipo, capacidad, servicios, estándares y nivel de crisis.")},
        {"url": "centres:stays", "title": _("Registro de estancias"), "perm": "centres.view_stay", "order": 51,
         "text": _("Ingreso, identidad, vulnerabilidades, atención, pertenencias y salida de cada persona.")},
        {"url": "centres:dashboard", "title": _("Ocupación regional"), "perm": "centres.view_figureset",
         "order": 52, "text": _("Cifras de ocupación por nacionalidad, sexo y edad, con mapa y exportación.")},
        {"url": "centres:practices", "title": _("Buenas prácticas en centros"), "perm": "centres.view_practicenote",
         "order": 53, "text": _("Mitigación de conflictos, recepción, atención psicosocial y manejo de crisis.")},
    ]
    role_permissions = {
        "centre_manager": [*(f"centres.{p}" for p in _MANAGER), *_EXCHANGE, *_HITS],
        "st": [*(f"centres.{p}" for p in _READ), "centres.add_standard", "centres.change_standard",
               "centres.change_centre"],  # change_centre: only the "standards" rule admits the ST
        "focal_point": [f"centres.{p}" for p in _READ],
        "analyst": [f"centres.{p}" for p in _READ],
    }
    demo_loaders = ["enlace.centres.demo.load_centres_demo"]
    reference_loaders = ["enlace.centres.standards.ensure_standards"]
    periodic_tasks = ["enlace.centres.tasks.run_centre_tasks"]
