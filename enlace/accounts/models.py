from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


def default_time_zone() -> str:
    """Accounts made outside ``do_create_user`` (``createsuperuser``) read times in the default zone."""
    return settings.TIME_ZONE


class User(AbstractUser):
    """An official. Belongs to exactly one institution, hence acts for one country or body."""

    institution = models.ForeignKey("core.Institution", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="users", verbose_name=_("institución"))
    position = models.CharField(_("cargo"), max_length=200, blank=True)
    preferred_language = models.CharField(_("idioma preferido"), max_length=5, default="es",
                                          choices=[("es", "Español"), ("en", "English")])
    # IANA name; every time on a page, PDF or export is shown in it (``UserTimezoneMiddleware``). Set from
    # the country's seat when the account is created, editable in "Mi seguridad".
    time_zone = models.CharField(_("zona horaria"), max_length=64, default=default_time_zone)

    class Meta:
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")
        # The country's administrator (Cancillería; the ST for its own party) ends an official's access
        # from the «Cuentas del país» page (``do_deactivate_account``), not only in Django's admin.
        permissions = [("deactivate_user", _("Desactivar cuentas de su país"))]

    @property
    def country(self):
        return self.institution.country if self.institution_id else None

    def role_codes(self) -> set[str]:
        if not hasattr(self, "_role_codes"):
            self._role_codes = set(self.groups.values_list("name", flat=True))
        return self._role_codes

    def has_role(self, code: str) -> bool:
        return code in self.role_codes()


class EndedSession(models.Model):
    """Why a browser session was ended on someone else's decision (e.g. the Cancillería's revocation).

    Keyed by a SHA-256 of the ended session key (never the key itself): when the browser comes back
    with the dead cookie, the login page can say what happened without the database holding a usable
    session id. Rows are pruned once no cookie could still carry them (``end_sessions``).
    """

    class Reason(models.TextChoices):
        SUSPENDED = "suspended", _("Autorización suspendida")
        REVOKED = "revoked", _("Autorización revocada")
        DEPARTED = "departed", _("Baja como punto focal")
        EXPIRED = "expired", _("Autorización vencida")
        DEACTIVATED = "deactivated", _("Cuenta desactivada")

    key_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    decided_on = models.DateField()
    ended_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("sesión terminada")
        verbose_name_plural = _("sesiones terminadas")

    def __str__(self) -> str:
        return f"{self.reason} · {self.user_id}"

    def notice(self) -> str:
        """The sentence the login page shows, in the reader's language."""
        from django.utils.formats import date_format
        from django.utils.translation import gettext

        date = date_format(self.decided_on, "SHORT_DATE_FORMAT")
        messages = {
            self.Reason.SUSPENDED: gettext("Su autorización como punto focal fue suspendida por la Cancillería el "
                                           "%(date)s; inicie sesión de nuevo."),
            self.Reason.REVOKED: gettext("Su autorización como punto focal fue revocada por la Cancillería el "
                                         "%(date)s; inicie sesión de nuevo."),
            self.Reason.DEPARTED: gettext("Se registró su baja como punto focal el %(date)s; inicie sesión de nuevo."),
            self.Reason.EXPIRED: gettext("Su autorización como punto focal venció el %(date)s; inicie sesión de "
                                         "nuevo."),
            self.Reason.DEACTIVATED: gettext("El administrador de su país desactivó su cuenta el %(date)s."),
        }
        return messages.get(self.reason, messages[self.Reason.REVOKED]) % {"date": date}
