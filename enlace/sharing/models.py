"""Sharing groups and the abstract base of every protected record."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import policy
from .policy import Distribution
from .querysets import ProtectedQuerySet


class SharingGroup(models.Model):
    """A named set of countries chosen by an owner ("selected countries")."""

    name = models.CharField(_("nombre"), max_length=120)
    owner_institution = models.ForeignKey("core.Institution", on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("institución propietaria"))
    countries = models.ManyToManyField("core.Country", related_name="sharing_groups", verbose_name=_("países"))
    created_at = models.DateTimeField(auto_now_add=True)
    # A group produced by an agreement or a joint team counts only while the agreement is in force /
    # the team is open: suspension and expiry act on the next request (the policy reads these two).
    source = models.CharField(_("origen"), max_length=12, blank=True, default="",
                              help_text=_("«agreement» o «team» cuando lo produce un acuerdo o un equipo conjunto."))
    suspended = models.BooleanField(_("suspendido"), default=False)
    active_until = models.DateTimeField(_("vigente hasta"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        permissions = [("publish_records", "Can publish records on the public portal")]
        verbose_name = _("grupo de intercambio")
        verbose_name_plural = _("grupos de intercambio")

    def __str__(self) -> str:
        return self.name


# The group–country table: the policy looks up "groups that include my country" here (indexed).
SharingGroupCountry = SharingGroup.countries.through


class ProtectedModel(models.Model):
    """Abstract base for every record whose owner decides who sees it.

    Subclasses may set ``sharing_parent`` (name of the FK to the protected parent whose audience
    bounds theirs), ``personal_data = True`` (never public; reads audited as personal data),
    ``cross_border_always = True`` (every read needs cross-border standing) and ``write_rules``
    (``{action: policy.Rule(...)}``: who may write or decide, see ``sharing/policy.py``).
    """

    owner_institution = models.ForeignKey("core.Institution", on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("institución propietaria"))
    distribution = models.CharField(_("distribución"), max_length=12, choices=Distribution.CHOICES,
                                    default=Distribution.INSTITUTION, db_index=True)
    sharing_group = models.ForeignKey(SharingGroup, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("grupo de intercambio"))
    handling_intelligence_only = models.BooleanField(_("solo para uso de inteligencia"), default=False)
    handling_no_judicial_use = models.BooleanField(
        _("no usar en procesos judiciales sin consentimiento del propietario"), default=True)
    handling_no_onward_sharing = models.BooleanField(_("no transmitir a terceros sin consentimiento"), default=True)
    handling_other = models.CharField(_("otras restricciones"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("creado"), auto_now_add=True)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("creado por"))

    sharing_parent: str | None = None
    personal_data: bool = False
    cross_border_always: bool = False
    write_rules: dict = {}
    # The widest audience this kind of record may ever have (None: any). National coordination, for
    # example, never leaves the country, whoever owns the message and whatever path re-shares it.
    widest_distribution: str | None = None

    objects = ProtectedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        """Remember the audience the row had when read, so that ``save`` can refuse onward sharing."""
        instance = super().from_db(db, field_names, values)
        instance._stored_sharing = (instance.__dict__.get("distribution"), instance.__dict__.get("sharing_group_id"))
        return instance

    def save(self, *args, **kwargs):
        # Enforced here, not only in the re-share actions: every path that saves a record (a domain
        # action, a team leaving, a future import) is held to the agreement or team it was shared under.
        self.check_onward_sharing_on_save()
        super().save(*args, **kwargs)
        self._stored_sharing = (self.distribution, self.sharing_group_id)

    def check_onward_sharing_on_save(self) -> None:
        """A record read while shared under an agreement's or a team's group (a group with a ``source``)
        may be narrowed to its institution or country, or stay in that group, and nothing else."""
        stored = getattr(self, "_stored_sharing", None)
        if stored is None or stored == (self.distribution, self.sharing_group_id):
            return
        from . import onward  # the one rule, shared with the re-share actions' early check

        onward.check(*stored, self.distribution, self.sharing_group_id)

    @property
    def owner_country(self):
        return self.owner_institution.country

    def handling_codes(self) -> list[str]:
        codes = []
        if self.handling_intelligence_only:
            codes.append(str(_("Solo inteligencia")))
        if self.handling_no_judicial_use:
            codes.append(str(_("Sin uso judicial sin consentimiento")))
        if self.handling_no_onward_sharing:
            codes.append(str(_("Sin transmisión a terceros")))
        if self.handling_other:
            codes.append(self.handling_other)
        return codes

    def check_sharing_change(self, user, distribution: str) -> None:
        """Hook for domain rules on re-sharing (raise ``ValidationError``). ``do_change_sharing`` calls
        it before anything changes; e.g. a focal point's entry only reaches the network once its
        Cancillería authorised it, a child's record never goes wider than its country."""

    def clean_sharing(self) -> None:
        """Validate distribution rules; called by every action that creates or re-shares."""
        if self.distribution == Distribution.GROUP and not self.sharing_group_id:
            raise ValidationError({"sharing_group": _("Elija el grupo de países con el que se comparte.")})
        if self.distribution != Distribution.GROUP and self.sharing_group_id:
            self.sharing_group = None
        if self.distribution == Distribution.PUBLIC:
            if self.personal_data:
                raise ValidationError({"distribution": _("Los datos personales nunca pueden ser públicos.")})
        widest = self.widest_distribution
        if widest and Distribution.rank(self.distribution) > Distribution.rank(widest):
            raise ValidationError({"distribution": _("Este tipo de registro no puede compartirse más allá de: %(level)s.")
                                   % {"level": dict(Distribution.CHOICES)[widest]}})
        parent = policy.parent_of(self)
        if parent is not None and not policy.audience_of(self).within(policy.audience_of(parent)):
            raise ValidationError({"distribution": _(
                "Un registro derivado puede restringir, pero nunca ampliar, la distribución del registro del que depende."
            )})
