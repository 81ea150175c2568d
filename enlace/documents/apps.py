from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_READ = ["documents.view_documentreport", "documents.query_numbers"]
_WRITE = ["documents.add_documentreport", "documents.change_documentreport"]


class DocumentsConfig(AppConfig):
    """Register of lost, stolen and fraudulent documents, and the hit/no-hit query of one number."""

    name = "enlace.documents"
    label = "documents"
    verbose_name = _("Documentos y teléfonos (hit/no-hit)")
    default_auto_field = "django.db.models.BigAutoField"
    web_urls = "enlace.documents.urls"
    web_prefix = "documentos/"
    api_urls = "enlace.documents.api_urls"
    nav_entries = [
        {"url": "documents:query", "label": _("Documentos"), "perm": "documents.query_numbers", "order": 36},
    ]
    home_cards = [
        {"url": "documents:query", "title": _("Consultar un documento o teléfono"), "perm": "documents.query_numbers",
         "order": 26, "text": _("¿Está reportado como perdido, robado o fraudulento, o aparece en casos de otro país? "
                                "Solo sabrá a quién preguntar.")},
    ]
    role_permissions = {
        "focal_point": [*_READ, *_WRITE],
        "prosecutor": [*_READ, *_WRITE],
        "analyst": _READ,
    }

    demo_loaders = ["enlace.documents.demo.load_demo"]

    def ready(self):
        from . import signals  # noqa: F401
