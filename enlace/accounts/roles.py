"""Roles are named Django groups. Their capabilities are Django permissions.

Each app declares in its AppConfig which permissions each role gets (``role_permissions``), so
adding a capability never means editing a central list. ``sync_roles()`` builds the groups.
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
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
    """Create the role groups and give each exactly the permissions the apps declare."""
    counts = {}
    for role, perms in declared_permissions().items():
        group, _created = Group.objects.get_or_create(name=role)
        objs = []
        for dotted in sorted(perms):
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is None:
                raise LookupError(f"role {role!r} declares permission {dotted!r}, which does not exist "
                                  f"(is the app migrated and the codename right?)")
            objs.append(perm)
        group.permissions.set(objs)
        counts[role] = len(objs)
    return counts
