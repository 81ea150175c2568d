"""Reference data: the parties to the network and their institutions.

These rows are not sensitive (they are what every official needs to address anyone), but
they are still read through ``restrict()`` so that every model answers the same interface.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from enlace.sharing.querysets import ReferenceQuerySet


class Country(models.Model):
    """A CRM member country or an observer body. Every institution belongs to exactly one."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("País miembro")
        OBSERVER = "observer", _("Organismo observador")

    code = models.CharField(_("código"), max_length=5, unique=True,
                            help_text=_("ISO 3166-1 alfa-3 para los países; sigla para los organismos."))
    name_es = models.CharField(_("nombre (español)"), max_length=120)
    name_en = models.CharField(_("nombre (inglés)"), max_length=120)
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    in_network = models.BooleanField(
        _("parte de la red CRM"), default=False,
        help_text=_("Recibe lo que se distribuye a «todos los países miembros»: los países miembros y la Secretaría Técnica."),
    )
    timezone = models.CharField(_("zona horaria"), max_length=64, default="UTC")

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name_es"]
        verbose_name = _("país u organismo")
        verbose_name_plural = _("países y organismos")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "es").startswith("en") else self.name_es


class Institution(models.Model):
    """A ministry, police, prosecution office or body of one party; every official belongs to one."""

    class Type(models.TextChoices):
        POLICE = "police", _("Policía")
        MIGRATION = "migration", _("Autoridad migratoria")
        PROSECUTION = "prosecution", _("Ministerio Público / Fiscalía")
        FOREIGN_MINISTRY = "foreign_ministry", _("Cancillería")
        SECRETARIAT = "secretariat", _("Secretaría Técnica")
        INTERNATIONAL = "international", _("Organismo internacional")
        OTHER = "other", _("Otra")

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="institutions",
                                verbose_name=_("país u organismo"))
    name = models.CharField(_("nombre"), max_length=200)
    acronym = models.CharField(_("sigla"), max_length=30, blank=True)
    type = models.CharField(_("tipo de institución"), max_length=20, choices=Type.choices)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["country__name_es", "name"]
        constraints = [models.UniqueConstraint(fields=["country", "name"], name="institution_unique_name_per_country")]
        verbose_name = _("institución")
        verbose_name_plural = _("instituciones")

    def __str__(self) -> str:
        return f"{self.acronym or self.name} ({self.country.code})"
