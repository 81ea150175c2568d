from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "enlace.accounts"
    label = "accounts"
    verbose_name = _("Cuentas")
    role_permissions = {
        "st": ["accounts.view_user", "sharing.publish_records"],
        "portal_editor": ["sharing.publish_records"],
    }
