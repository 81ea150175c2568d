from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "enlace.accounts"
    label = "accounts"
    verbose_name = _("Cuentas")
    role_permissions = {
        "st": ["accounts.view_user", "accounts.deactivate_user", "sharing.publish_records"],
        "cancilleria": ["accounts.deactivate_user"],
        "portal_editor": ["sharing.publish_records"],
    }
    nav_entries = [
        {"url": "accounts:user_list", "label": _("Cuentas del país"), "perm": "accounts.deactivate_user", "order": 90},
    ]
