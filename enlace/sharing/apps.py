from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "enlace.sharing"
    label = "sharing"
    verbose_name = _("Política de intercambio")
