from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """An official. Belongs to exactly one institution, hence acts for one country or body."""

    institution = models.ForeignKey("core.Institution", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="users", verbose_name=_("institución"))
    position = models.CharField(_("cargo"), max_length=200, blank=True)
    preferred_language = models.CharField(_("idioma preferido"), max_length=5, default="es",
                                          choices=[("es", "Español"), ("en", "English")])

    class Meta:
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")

    @property
    def country(self):
        return self.institution.country if self.institution_id else None

    def role_codes(self) -> set[str]:
        if not hasattr(self, "_role_codes"):
            self._role_codes = set(self.groups.values_list("name", flat=True))
        return self._role_codes

    def has_role(self, code: str) -> bool:
        return code in self.role_codes()
