"""The directory of focal points: contacts, their authorisations, and the public key-actor projection."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enlace.sharing.access import make_accessor
from enlace.sharing.models import ProtectedModel
from enlace.sharing.policy import OWNER_COUNTRY, OWNER_INSTITUTION, PARTIES, SECRETARIAT, Rule

from . import choices


def pack(codes) -> str:
    """Multi-valued catalogue codes are stored as ``,a,b,`` so that ``icontains=",a,"`` filters portably."""
    codes = [c for c in dict.fromkeys(codes or []) if c]
    return f",{','.join(codes)}," if codes else ""


def unpack(value: str) -> list[str]:
    """The codes of a packed multi-valued field, in order."""
    return [c for c in (value or "").split(",") if c]


class Contact(ProtectedModel):
    """A focal point of a member country. Owned by the institution where the person works.

    Its distribution follows its lifecycle: a proposal is seen by its own country (and the ST);
    the Cancillería's authorisation opens it to the whole network; suspension, revocation and
    expiry narrow it back, so the owner country keeps the history. An entry linked to an account
    (``user``) that is active and in force gives that account cross-border standing
    (``directory.policy.is_authorised_focal_point``).

    Who may do what (``write_rules``, decided by the sharing policy): ordinary edits and the
    registration of a departure by the owner institution; authorise, renew, suspend, reinstate and
    revoke by the Cancillería of the owner country (``directory.authorise_contact``; the ST holds
    that permission for its own party, CRM); confirming the data and consenting to the public portal
    by the person linked to the entry.
    """

    write_rules = {
        "change": Rule(who=(OWNER_INSTITUTION,), permission="directory.change_contact"),
        "authorise": Rule(who=(OWNER_COUNTRY,), permission="directory.authorise_contact"),
        # The person themself (``parties_q``): "my data are still right", "list me on the portal".
        "confirm": Rule(who=(PARTIES,), permission="directory.view_contact"),
        "consent": Rule(who=(PARTIES,), permission="directory.view_contact"),
    }

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Propuesto")
        ACTIVE = "active", _("Activo (autorizado)")
        SUSPENDED = "suspended", _("Suspendido")
        REVOKED = "revoked", _("Revocado")
        EXPIRED = "expired", _("Vencido")

    first_name = models.CharField(_("nombre"), max_length=100)
    last_name = models.CharField(_("apellidos"), max_length=100)
    normalized_name = models.CharField(max_length=220, db_index=True, editable=False)
    position = models.CharField(_("cargo"), max_length=200)
    unit = models.CharField(_("unidad o dependencia"), max_length=200, blank=True)
    reports_to = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports",
                                   verbose_name=_("depende de"))
    scope = models.CharField(_("delitos"), max_length=12, choices=choices.SCOPES, default="both")
    areas = models.CharField(_("áreas"), max_length=300, blank=True)
    functions = models.CharField(_("funciones"), max_length=400, blank=True)
    languages = models.CharField(_("idiomas"), max_length=60, blank=True)
    email = models.EmailField(_("correo institucional"), max_length=200)
    phone = models.CharField(_("teléfono institucional"), max_length=20, help_text=_("Formato internacional E.164."))
    mobile = models.CharField(_("teléfono móvil"), max_length=20, blank=True)
    timezone = models.CharField(_("zona horaria"), max_length=64)
    hours_start = models.TimeField(_("inicio de jornada"), default=datetime.time(8, 0))
    hours_end = models.TimeField(_("fin de jornada"), default=datetime.time(16, 0))
    working_days = models.CharField(_("días laborables"), max_length=20, default=",0,1,2,3,4,")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="directory_contacts", verbose_name=_("cuenta en Enlace"))
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.PROPOSED,
                              db_index=True)
    proposal_expires_on = models.DateField(_("la propuesta vence el"), null=True, blank=True)
    valid_from = models.DateField(_("vigente desde"), null=True, blank=True)
    valid_until = models.DateField(_("vigente hasta"), null=True, blank=True)
    status_reason = models.CharField(_("motivo"), max_length=300, blank=True)
    confirmed_at = models.DateTimeField(_("datos confirmados el"), null=True, blank=True)
    # One per country, designated by its Cancillería (do_designate_principal_contact): listed first and
    # the default addressee of the country.
    principal = models.BooleanField(_("punto focal principal"), default=False)
    reminded_30_for = models.DateField(null=True, blank=True, editable=False)
    reminded_7_for = models.DateField(null=True, blank=True, editable=False)

    personal_data = True

    class Meta:
        ordering = ["owner_institution__country__name_es", "-principal", "last_name", "first_name"]
        permissions = [
            ("export_contact", "Can export the directory"),
            ("authorise_contact", "Can authorise, renew, suspend and revoke focal points of own country"),
            ("import_contacts", "Can import contacts from a spreadsheet"),
            ("view_data_quality", "Can see the directory data quality page"),
            ("print_directory", "Can print the PDF directory"),
        ]
        verbose_name = _("contacto del directorio")
        verbose_name_plural = _("contactos del directorio")

    def __str__(self) -> str:
        return f"{self.full_name} — {self.position}"

    @classmethod
    def parties_q(cls, user, prefix: str = ""):
        """The entry's parties: the official whose account it designates."""
        return models.Q(**{f"{prefix}user": user.pk})

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def country(self):
        return self.owner_institution.country

    @property
    def area_list(self):
        return unpack(self.areas)

    @property
    def function_list(self):
        return unpack(self.functions)

    @property
    def language_list(self):
        return unpack(self.languages)

    @property
    def day_list(self):
        return [int(d) for d in unpack(self.working_days)]

    def area_labels(self):
        return choices.labels(choices.AREAS, self.area_list)

    def function_labels(self):
        return choices.labels(choices.FUNCTIONS, self.function_list)

    def language_labels(self):
        return choices.labels(choices.LANGUAGES, self.language_list)

    def day_labels(self):
        return choices.labels(choices.WEEKDAYS, [str(d) for d in self.day_list])

    def in_force(self, today: datetime.date | None = None) -> bool:
        """Active and within its validity period (the same test as ``policy.in_force_q``)."""
        today = today or timezone.localdate()
        return (self.status == self.Status.ACTIVE and self.valid_from is not None and self.valid_until is not None
                and self.valid_from <= today <= self.valid_until)

    def check_sharing_change(self, user, distribution: str) -> None:
        # Only the Cancillería's authorisation (do_authorise_contact) opens an entry to the network.
        from enlace.sharing.policy import Distribution

        if distribution in (Distribution.NETWORK, Distribution.GROUP) and self.status != self.Status.ACTIVE:
            raise ValidationError({"distribution": _(
                "Solo un punto focal autorizado por su Cancillería se comparte con la red.")})


class Authorisation(ProtectedModel):
    """One decision of a Cancillería (or of the expiry clock) about a contact: the history.

    Written only by the contact's lifecycle actions, never edited or deleted: nobody is in the
    audience of ``change`` or ``delete`` (an empty rule).
    """

    class Kind(models.TextChoices):
        AUTHORISED = "authorised", _("Autorización")
        RENEWED = "renewed", _("Renovación")
        SUSPENDED = "suspended", _("Suspensión")
        REINSTATED = "reinstated", _("Reactivación")
        REVOKED = "revoked", _("Revocación")
        DEPARTED = "departed", _("Baja (salida del cargo)")
        EXPIRED = "expired", _("Vencimiento")
        # The entry now designates another account, person, post or institution: back to the Cancillería.
        REPROPOSED = "reproposed", _("Vuelve a la Cancillería (cambió a quién designa)")

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="authorisations",
                                verbose_name=_("contacto"))
    kind = models.CharField(_("decisión"), max_length=12, choices=Kind.choices)
    valid_from = models.DateField(_("vigente desde"), null=True, blank=True)
    valid_until = models.DateField(_("vigente hasta"), null=True, blank=True)
    reason = models.CharField(_("motivo"), max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decidido por"))
    decided_at = models.DateTimeField(_("fecha"), default=timezone.now)

    sharing_parent = "contact"
    personal_data = True
    write_rules = {"change": Rule(who=()), "delete": Rule(who=())}

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("autorización")
        verbose_name_plural = _("autorizaciones")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.contact_id}"


class PublicKeyActor(ProtectedModel):
    """What the public portal may show of a contact: institutional data only, never the person.

    Created when the person consents; published (distribution ``public``) only by the ST's approval.
    The ST approves (``approve``); the person withdraws their consent (``withdraw``), and the ST
    may withdraw a listing too (``approve`` covers it).
    """

    write_rules = {
        "approve": Rule(who=(SECRETARIAT,), permission="directory.approve_publickeyactor"),
        "withdraw": Rule(who=(PARTIES,), permission="directory.view_publickeyactor"),
    }

    class Status(models.TextChoices):
        PENDING = "pending", _("Pendiente de aprobación de la ST")
        PUBLISHED = "published", _("Publicado")
        WITHDRAWN = "withdrawn", _("Retirado")

    contact = models.OneToOneField(Contact, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="public_actor", verbose_name=_("contacto"))
    position = models.CharField(_("cargo"), max_length=200)
    institution_name = models.CharField(_("institución"), max_length=200)
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("país"))
    areas = models.CharField(_("áreas"), max_length=300, blank=True)
    public_email = models.EmailField(_("correo institucional genérico"), max_length=200, blank=True)
    public_phone = models.CharField(_("teléfono institucional (centralita)"), max_length=20, blank=True)
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.PENDING)
    consent_at = models.DateTimeField(_("consentimiento otorgado el"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("aprobado por"))
    approved_at = models.DateTimeField(_("aprobado el"), null=True, blank=True)

    publishable = True

    class Meta:
        ordering = ["country__name_es", "institution_name"]
        permissions = [("approve_publickeyactor", "Can approve key actors for the public portal")]
        verbose_name = _("actor clave público")
        verbose_name_plural = _("actores clave públicos")

    def __str__(self) -> str:
        return f"{self.position} · {self.institution_name}"

    @classmethod
    def parties_q(cls, user, prefix: str = ""):
        """The person who consented: the account linked to the contact behind the listing."""
        return models.Q(**{f"{prefix}contact__user": user.pk})

    def area_labels(self):
        return choices.labels(choices.AREAS, unpack(self.areas))


access_contact_by_id = make_accessor(Contact)
access_authorisation_by_id = make_accessor(Authorisation)
access_publickeyactor_by_id = make_accessor(PublicKeyActor)
