from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_READ = ["training.view_trainingrequest", "training.view_event", "training.view_course", "training.register_event"]
_ASK = ["training.add_trainingrequest", "training.change_trainingrequest", "training.add_event", "training.change_event"]


class TrainingConfig(AppConfig):
    name = "enlace.training"
    label = "training"
    verbose_name = _("Capacitación y asistencia técnica")
    default_auto_field = "django.db.models.BigAutoField"
    web_urls = "enlace.training.urls"
    web_prefix = "formacion/"
    nav_entries = [
        {"url": "training:events", "label": _("Capacitación"), "perm": "training.view_event", "order": 65},
    ]
    home_cards = [
        {"url": "training:events", "title": _("Eventos y talleres"), "perm": "training.view_event", "order": 65,
         "text": _("Inscripción, asistencia, materiales y certificados; calendario iCal.")},
        {"url": "training:requests", "title": _("Solicitudes de capacitación y asistencia técnica"),
         "perm": "training.view_trainingrequest", "order": 66,
         "text": _("Lo que piden los países, las respuestas de la ST y de los socios, y el seguimiento.")},
        {"url": "training:catalogue", "title": _("Catálogo de formación"), "perm": "training.view_course", "order": 67,
         "text": _("Cursos, módulos, equipo de formadores, manuales y guías con sus versiones.")},
    ]
    role_permissions = {
        "st": [*_READ, *_ASK, "training.respond_trainingrequest", "training.manage_course"],
        "cancilleria": [*_READ, *_ASK],
        "focal_point": [*_READ, *_ASK],
        "prosecutor": _READ,
        "analyst": _READ,
        "centre_manager": _READ,
    }
    demo_loaders = ["enlace.training.demo.load_demo"]
