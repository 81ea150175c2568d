from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_READ = ["practices.view_practice", "practices.view_protectiontool", "practices.view_casebrief"]
_WRITE = ["practices.add_practice", "practices.change_practice", "practices.add_protectiontool",
          "practices.change_protectiontool", "practices.add_casebrief", "practices.change_casebrief"]


class PracticesConfig(AppConfig):
    name = "enlace.practices"
    label = "practices"
    verbose_name = _("Buenas prácticas, instrumentos de protección y jurisprudencia")
    default_auto_field = "django.db.models.BigAutoField"
    web_urls = "enlace.practices.urls"
    web_prefix = "practicas/"
    nav_entries = [
        {"url": "practices:practices", "label": _("Buenas prácticas"), "perm": "practices.view_practice", "order": 60},
    ]
    home_cards = [
        {"url": "practices:practices", "title": _("Biblioteca de buenas prácticas"), "perm": "practices.view_practice",
         "order": 60, "text": _("Prácticas de los países, comentarios y respaldos, y propuesta de publicación en el portal.")},
        {"url": "practices:tools", "title": _("Mapa de instrumentos de protección"),
         "perm": "practices.view_protectiontool", "order": 61,
         "text": _("Protocolos, guías, herramientas y estándares por país y nivel.")},
        {"url": "practices:cases", "title": _("Jurisprudencia"), "perm": "practices.view_casebrief", "order": 62,
         "text": _("Resúmenes anonimizados de sentencias: tribunal, delito, artículos aplicados y resultado.")},
    ]
    role_permissions = {
        "st": [*_READ, "practices.comment_practice"],
        "cancilleria": [*_READ, *_WRITE, "practices.comment_practice"],
        "focal_point": [*_READ, *_WRITE, "practices.comment_practice"],
        "prosecutor": [*_READ, "practices.add_casebrief", "practices.change_casebrief", "practices.comment_practice"],
        "analyst": _READ,
        "centre_manager": ["practices.view_practice", "practices.view_protectiontool", "practices.comment_practice"],
    }
    demo_loaders = ["enlace.practices.demo.load_demo"]
