"""Roles are named Django groups. Their capabilities are Django permissions.

Each app declares in its AppConfig which permissions each role gets (``role_permissions``), so
adding a capability never means editing a central list. ``sync_roles()`` builds the groups.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

ROLES = {
    "st": (_("Secretaría Técnica"), _("Administra la red: catálogos, rondas, seguimiento del plan, publicación.")),
    "cancilleria": (_("Cancillería"), _("Autoriza, renueva y revoca los puntos focales de su país; valida reportes.")),
    "focal_point": (_("Punto focal"), _("Intercambia información con sus contrapartes y reporta avances de su país.")),
    "prosecutor": (_("Fiscal"), _("Consulta a sus contrapartes y redacta solicitudes de asistencia jurídica recíproca.")),
    "centre_manager": (_("Responsable de centro"), _("Reporta la ocupación y registra a las personas en su centro.")),
    "analyst": (_("Analista"), _("Prepara estadísticas nacionales y el diagnóstico regional.")),
    "auditor": (_("Auditor"), _("Revisa y exporta la bitácora de auditoría; no ve el contenido de los casos.")),
    "portal_editor": (_("Editor del portal"), _("Prepara y publica los contenidos del sitio público.")),
}


def role_label(code: str) -> str:
    return str(ROLES[code][0]) if code in ROLES else code


def declared_permissions() -> dict[str, set[str]]:
    wanted: dict[str, set[str]] = {code: set() for code in ROLES}
    for config in apps.get_app_configs():
        for role, perms in getattr(config, "role_permissions", {}).items():
            wanted.setdefault(role, set()).update(perms)
    return wanted


def sync_roles() -> dict[str, int]:
    """Create the role groups and give each exactly the permissions the apps declare (``do_sync_roles``)."""
    from .actions import do_sync_roles  # local: actions import this module

    return do_sync_roles()
