from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

_READ = ["teams.view_jointteam", "teams.view_teamentry"]
_WORK = [*_READ, "teams.add_jointteam", "teams.change_jointteam", "teams.accept_jointteam",
         "teams.change_teamentry"]


class TeamsConfig(AppConfig):
    """Joint investigation teams: created by one country, joined by the invited countries that accept."""

    name = "enlace.teams"
    label = "teams"
    verbose_name = _("Equipos conjuntos de investigación")
    default_auto_field = "django.db.models.BigAutoField"
    web_urls = "enlace.teams.urls"
    api_urls = "enlace.teams.api_urls"
    web_prefix = "equipos/"
    nav_entries = [
        {"url": "teams:list", "label": _("Equipos conjuntos"), "perm": "teams.view_jointteam", "order": 41},
    ]
    home_cards = [
        {"url": "teams:list", "title": _("Equipos conjuntos de investigación"), "perm": "teams.view_jointteam",
         "order": 41, "text": _("Invitaciones, espacio de trabajo compartido, tareas con plazo e hilo del equipo.")},
    ]
    role_permissions = {
        "focal_point": _WORK,
        "prosecutor": _WORK,
        "st": _READ,
        "analyst": _READ,
        "auditor": _READ,
    }
    demo_loaders = ["enlace.teams.demo.load_teams_demo"]
    leak_probe_canaries = "enlace.teams.canaries.plant"
