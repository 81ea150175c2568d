"""Statistics: inventory of national databases, indicator catalogue, periodic submissions, reports.

Reference data (the ST edits it, versions are kept): ``Dimension`` (a disaggregation and its
categories), ``DataSet`` (a data-entry form), ``Indicator`` (+ ``IndicatorVersion``), ``Period``.
Country records (protected): ``DatabaseEntry`` (inventory), ``Submission`` (a country's figures for
a period, one row per version) and ``Report`` (a regional diagnosis generated in the background).

``Cell`` is not a protected model of its own: it is a value *of* a submission and is only ever read
through ``Submission.objects.restrict(...)`` (``cells_for`` below and ``figures.py``) — never on its
own. Keeping it a plain table keeps the ten million cells of a real region cheap to aggregate.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from enlace.sharing.access import make_accessor
from enlace.sharing.models import ProtectedModel
from enlace.sharing.policy import OWNER_COUNTRY, OWNER_INSTITUTION, SECRETARIAT, Rule
from enlace.sharing.querysets import ReferenceQuerySet

SMALL_CELL = 11  # cells below this never leave their owner country


def bilingual(es: str, en: str) -> str:
    return en if (get_language() or "es").startswith("en") and en else es


class Dimension(models.Model):
    """A disaggregation (sex, age band, nationality…) with its categories ``[{code, es, en}]``."""

    code = models.CharField(_("código"), max_length=20, unique=True)
    name_es = models.CharField(_("nombre (español)"), max_length=120)
    name_en = models.CharField(_("nombre (inglés)"), max_length=120)
    categories = models.JSONField(_("categorías"), default=list)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("desagregación")
        verbose_name_plural = _("desagregaciones")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return bilingual(self.name_es, self.name_en)

    def labels(self) -> dict:
        return {c["code"]: bilingual(c["es"], c["en"]) for c in self.categories}


class DataSet(models.Model):
    """A data-entry form (DHIS2 "data set"): a group of indicators reported together each period."""

    code = models.CharField(_("código"), max_length=20, unique=True)
    name_es = models.CharField(_("nombre (español)"), max_length=200)
    name_en = models.CharField(_("nombre (inglés)"), max_length=200)
    order = models.PositiveIntegerField(default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("conjunto de datos")
        verbose_name_plural = _("conjuntos de datos")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return bilingual(self.name_es, self.name_en)


class Indicator(models.Model):
    """A non-nominal indicator: a total per period plus one breakdown per declared dimension."""

    dataset = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="indicators",
                                verbose_name=_("conjunto de datos"))
    code = models.CharField(_("código"), max_length=30, unique=True)
    name_es = models.CharField(_("nombre (español)"), max_length=200)
    name_en = models.CharField(_("nombre (inglés)"), max_length=200)
    definition_es = models.TextField(_("definición (español)"), blank=True)
    definition_en = models.TextField(_("definición (inglés)"), blank=True)
    dimensions = models.JSONField(_("desagregaciones"), default=list, blank=True)
    unit = models.CharField(_("unidad"), max_length=40, default="personas")
    active = models.BooleanField(_("activo"), default=True)
    version = models.PositiveIntegerField(_("versión"), default=1)
    order = models.PositiveIntegerField(default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["dataset__order", "order", "code"]
        permissions = [("manage_catalogue", "Can edit the statistics catalogue and open periods")]
        verbose_name = _("indicador")
        verbose_name_plural = _("indicadores")

    def __str__(self):
        return self.code

    @property
    def name(self):
        return bilingual(self.name_es, self.name_en)

    @property
    def definition(self):
        return bilingual(self.definition_es, self.definition_en)


class IndicatorVersion(models.Model):
    """A frozen copy of an indicator as it was before each edit (the catalogue keeps its history)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    snapshot = models.JSONField()
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "-version"]
        constraints = [models.UniqueConstraint(fields=["indicator", "version"], name="stats_one_indicator_version")]


class Period(models.Model):
    """A reporting period opened by the ST (e.g. "2025" or "2025-S1")."""

    code = models.CharField(_("código"), max_length=12, unique=True)
    starts_on = models.DateField(_("inicio"))
    ends_on = models.DateField(_("fin"))
    deadline = models.DateField(_("fecha límite de envío"), null=True, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-code"]
        verbose_name = _("período")
        verbose_name_plural = _("períodos")

    def __str__(self):
        return self.code


class DatabaseEntry(ProtectedModel):
    """One national database in the inventory (axis 1, action 5), kept by its own country."""

    class Frequency(models.TextChoices):
        REALTIME = "realtime", _("En tiempo real")
        DAILY = "daily", _("Diaria")
        MONTHLY = "monthly", _("Mensual")
        QUARTERLY = "quarterly", _("Trimestral")
        YEARLY = "yearly", _("Anual")
        IRREGULAR = "irregular", _("Irregular")

    name = models.CharField(_("nombre de la base"), max_length=200)
    holder = models.CharField(_("institución titular"), max_length=200)
    content = models.TextField(_("contenido"), blank=True)
    coverage = models.CharField(_("cobertura (territorio y años)"), max_length=300, blank=True)
    legal_basis = models.CharField(_("base legal"), max_length=300, blank=True)
    frequency = models.CharField(_("frecuencia de actualización"), max_length=10, choices=Frequency.choices,
                                 default=Frequency.MONTHLY)
    access_rules = models.TextField(_("reglas de acceso"), blank=True)
    completeness = models.PositiveSmallIntegerField(_("completitud (%)"), default=0)
    timeliness_days = models.PositiveIntegerField(_("oportunidad (días de retraso)"), default=0)
    duplicates_pct = models.PositiveSmallIntegerField(_("duplicados estimados (%)"), default=0)
    formats = models.CharField(_("formatos de intercambio"), max_length=200, blank=True)
    has_api = models.BooleanField(_("tiene API"), default=False)
    feeds_enlace = models.BooleanField(_("alimenta Enlace"), default=False)

    class Meta:
        ordering = ["owner_institution__country__name_es", "name"]
        verbose_name = _("base de datos nacional")
        verbose_name_plural = _("bases de datos nacionales")

    def __str__(self):
        return self.name

    @property
    def maturity(self) -> int:
        """0–5: one point each for completeness ≥ 80 %, timeliness ≤ 30 days, duplicates ≤ 5 %, an API, feeding Enlace."""
        return sum([self.completeness >= 80, self.timeliness_days <= 30, self.duplicates_pct <= 5, self.has_api,
                    self.feeds_enlace])


class Submission(ProtectedModel):
    """A country's figures for a period, one row per version. Drafts stay in the country; the lock
    publishes the version to the network (others then see only its published cells)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Borrador")
        VALIDATED = "validated", _("Validado")
        LOCKED = "locked", _("Cerrado")

    class Channel(models.TextChoices):
        FORM = "form", _("Formulario")
        XLSX = "xlsx", _("Plantilla XLSX")
        API = "api", _("API")

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="submissions",
                               verbose_name=_("período"))
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("país"))
    version = models.PositiveIntegerField(_("versión"), default=1)
    is_current = models.BooleanField(_("versión vigente"), default=False, db_index=True)
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    channel = models.CharField(_("canal"), max_length=5, choices=Channel.choices, default=Channel.FORM)
    reason = models.TextField(_("motivo de la corrección"), blank=True)
    completeness = models.PositiveSmallIntegerField(_("completitud (%)"), default=0)
    validated_at = models.DateTimeField(_("validado el"), null=True, blank=True)
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("validado por"))
    locked_at = models.DateTimeField(_("cerrado el"), null=True, blank=True)
    demo = models.BooleanField(default=False)
    write_rules = {
        "change": Rule(who=(OWNER_INSTITUTION,), permission="stats.change_submission"),
        "correct": Rule(who=(OWNER_INSTITUTION,), permission="stats.change_submission"),
        "validate": Rule(who=(OWNER_COUNTRY, SECRETARIAT), permission="stats.validate_submission"),
        "lock": Rule(who=(OWNER_COUNTRY, SECRETARIAT), permission="stats.validate_submission"),
    }

    class Meta:
        ordering = ["-period__starts_on", "country__name_es", "-version"]
        constraints = [models.UniqueConstraint(fields=["period", "country", "version"],
                                               name="stats_one_submission_version")]
        indexes = [models.Index(fields=["period", "status", "is_current"], name="stats_sub_period_idx")]
        permissions = [("validate_submission", "Can validate and lock statistics of own country"),
                       ("export_submission", "Can export statistics")]
        verbose_name = _("envío estadístico")
        verbose_name_plural = _("envíos estadísticos")

    def __str__(self):
        return f"{self.country.code} {self.period.code} v{self.version}"

    @property
    def editable(self):
        return self.status == self.Status.DRAFT


class Cell(models.Model):
    """One value of a submission: the total of an indicator (dimension and category empty) or one
    category of one of its breakdowns. ``published``: computed when the version is locked (primary and
    complementary suppression); only published cells ever leave the owner country."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    dimension = models.CharField(max_length=20, blank=True, default="")
    category = models.CharField(max_length=20, blank=True, default="")
    value = models.PositiveIntegerField()
    published = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["submission", "indicator", "dimension", "category"],
                                               name="stats_one_cell")]
        # Totals are read on every dashboard: a partial index holds only them (one row per indicator
        # and submission instead of a scan of every breakdown).
        indexes = [models.Index(fields=["submission", "indicator"], condition=models.Q(dimension=""),
                                name="stats_cell_totals")]


class Report(ProtectedModel):
    """The "Diagnóstico regional" for a period, generated in the background. Its figures are the
    published regional view (every country suppressed), so the same inputs give the same report."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("En cola")
        RUNNING = "running", _("En preparación")
        DONE = "done", _("Listo")
        FAILED = "failed", _("Falló")

    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+", verbose_name=_("período"))
    status = models.CharField(_("estado"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("avance (%)"), default=0)
    step = models.CharField(_("paso"), max_length=120, blank=True)
    inputs_digest = models.CharField(max_length=64, blank=True)
    figures_digest = models.CharField(max_length=64, blank=True)
    pdf = models.BinaryField(null=True, blank=True)
    xlsx = models.BinaryField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    write_rules = {"change": Rule(who=(OWNER_INSTITUTION,), permission="stats.add_report"),
                   "share": Rule(who=(OWNER_INSTITUTION,), permission="stats.add_report")}

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("diagnóstico regional")
        verbose_name_plural = _("diagnósticos regionales")

    def __str__(self):
        return f"{self.period.code} #{self.pk}"


access_databaseentry_by_id = make_accessor(DatabaseEntry)
access_submission_by_id = make_accessor(Submission)
access_report_by_id = make_accessor(Report)
