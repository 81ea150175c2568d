from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_READ = ["directory.view_contact", "directory.view_authorisation", "directory.view_publickeyactor"]
_MANAGE = ["directory.add_contact", "directory.change_contact", "directory.export_contact",
           "directory.import_contacts", "directory.change_authorisation"]


class DirectoryConfig(AppConfig):
    """The directory of focal points: who each Cancillería authorised, and so who works across borders."""

    name = "enlace.directory"
    label = "directory"
    verbose_name = _("Directorio de puntos focales")
    default_auto_field = "django.db.models.BigAutoField"
    web_urls = "enlace.directory.urls"
    web_prefix = "directorio/"
    api_urls = "enlace.directory.api_urls"
    nav_entries = [
        {"url": "directory:list", "label": _("Directorio"), "perm": "directory.view_contact", "order": 20},
        {"url": "directory:routing", "label": _("¿A quién contacto?"), "perm": "directory.view_contact", "order": 21},
    ]
    home_cards = [
        {"url": "directory:list", "title": _("Directorio de puntos focales"), "perm": "directory.view_contact",
         "order": 20, "text": _("Busque contrapartes por país, institución, área, función e idioma.")},
        {"url": "directory:routing", "title": _("¿A quién contacto?"), "perm": "directory.view_contact", "order": 21,
         "text": _("Los puntos focales indicados para su necesidad, según su función y su horario.")},
        {"url": "directory:pending", "title": _("Autorizaciones de puntos focales"),
         "perm": "directory.authorise_contact", "order": 10,
         "text": _("Propuestas de su país pendientes de autorización y autorizaciones por vencer.")},
        {"url": "directory:quality", "title": _("Calidad del directorio"), "perm": "directory.view_data_quality",
         "order": 22, "text": _("Datos sin confirmar, países sin punto focal por área o función, duplicados.")},
    ]
    role_permissions = {
        # The ST authorises its own party's entries (CRM) as a Cancillería does for its country.
        "st": [*_READ, *_MANAGE, "directory.authorise_contact", "directory.view_data_quality",
               "directory.print_directory",
               "directory.approve_publickeyactor", "directory.change_publickeyactor"],
        "cancilleria": [*_READ, *_MANAGE, "directory.authorise_contact"],
        "focal_point": [*_READ, *_MANAGE],
        "prosecutor": [*_READ, "directory.export_contact"],
        "analyst": [*_READ, "directory.export_contact"],
        "centre_manager": [*_READ],
        "portal_editor": ["directory.view_publickeyactor"],
    }
    demo_loaders = ["enlace.directory.demo.load_directory_demo"]
    periodic_tasks = ["enlace.directory.tasks.run_directory_tasks"]
