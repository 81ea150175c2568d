"""Knowledge base: the work plan, the UN working groups' recommendations, themes, search index and
country implementation reports. Fields and constraints only; every change is in ``actions.py``.

The plan and the recommendations are public reference texts (``ReferenceQuerySet``: any verified
official). Implementation reports belong to a country and follow the sharing policy
(``ProtectedModel``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from enlace.sharing.access import make_accessor
from enlace.sharing.models import ProtectedModel
from enlace.sharing.policy import OWNER_COUNTRY, OWNER_INSTITUTION, SECRETARIAT, Rule
from enlace.sharing.querysets import ReferenceQuerySet


class Group(models.TextChoices):
    SMUGGLING = "tim", _("Tráfico ilícito de migrantes")
    TRAFFICKING = "tdp", _("Trata de personas")


class SourceDocument(models.Model):
    """One of the four seed texts (the plan, its 2018 draft, the two compilations of recommendations)."""

    class Kind(models.TextChoices):
        PLAN = "plan", _("Plan de trabajo")
        RECOMMENDATIONS = "recommendations", _("Recomendaciones")

    code = models.CharField(_("código"), max_length=30, unique=True)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    group = models.CharField(_("grupo de trabajo"), max_length=3, choices=Group.choices, blank=True)
    title = models.CharField(_("título"), max_length=300)
    symbol = models.CharField(_("signatura"), max_length=100, blank=True)
    related_symbols = models.JSONField(_("documentos citados"), default=list, blank=True)
    date = models.CharField(_("fecha"), max_length=60, blank=True)
    filename = models.CharField(_("archivo"), max_length=120)
    sha256 = models.CharField(max_length=64)
    superseded = models.BooleanField(_("versión reemplazada"), default=False)
    general_objective = models.TextField(_("objetivo general"), blank=True)
    imported_at = models.DateTimeField(_("importado"), default=timezone.now)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("documento fuente")
        verbose_name_plural = _("documentos fuente")

    def __str__(self):
        return self.title


class Theme(models.Model):
    """A theme of the controlled vocabulary (``themes.THEMES``) used to tag actions and recommendations."""

    code = models.SlugField(_("código"), max_length=40, unique=True)
    name_es = models.CharField(_("nombre (español)"), max_length=120)
    name_en = models.CharField(_("nombre (inglés)"), max_length=120)
    keywords = models.TextField(_("vocabulario"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("tema")
        verbose_name_plural = _("temas")

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_en if (get_language() or "es").startswith("en") else self.name_es


class PlanSection(models.Model):
    """A section of the plan's preamble (objective, definitions, approach, vulnerable populations)."""

    class Kind(models.TextChoices):
        OBJECTIVE = "objective", _("Objetivo general")
        DEFINITION = "definition", _("Definición")
        APPROACH = "approach", _("Enfoque")
        VULNERABLE = "vulnerable", _("Población en condición de vulnerabilidad")

    document = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(_("tipo"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("título"), max_length=200, blank=True)
    text = models.TextField(_("texto"))
    footnotes = models.JSONField(_("notas"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["document", "order"]
        constraints = [models.UniqueConstraint(fields=["document", "order"], name="knowledge_section_order")]

    def __str__(self):
        return self.title or self.text[:60]


class Axis(models.Model):
    """A strategic axis of a plan document, with its objective and commitment."""

    document = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="axes")
    number = models.PositiveSmallIntegerField(_("número"))
    title = models.CharField(_("título"), max_length=300)
    objective = models.TextField(_("objetivo"), blank=True)
    commitment = models.TextField(_("compromiso"), blank=True)
    footnotes = models.JSONField(_("notas"), default=list, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["document", "number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="knowledge_axis_number")]
        verbose_name = _("eje")
        verbose_name_plural = _("ejes")

    def __str__(self):
        return f"{_('Eje')} {self.number}: {self.title}"


class PlanAction(models.Model):
    """A numbered action of an axis (key ``<axis>.<number>``); draft actions point to their successor."""

    axis = models.ForeignKey(Axis, on_delete=models.CASCADE, related_name="actions")
    number = models.PositiveSmallIntegerField(_("número"))
    key = models.CharField(_("clave"), max_length=20, db_index=True)
    text = models.TextField(_("texto"))
    items = models.JSONField(_("apartados"), default=list, blank=True)
    footnotes = models.JSONField(_("notas"), default=list, blank=True)
    withdrawn = models.BooleanField(_("ya no figura en el texto"), default=False)
    successor = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="predecessors", verbose_name=_("acción en que se convirtió"))

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["axis__document", "axis__number", "number"]
        constraints = [models.UniqueConstraint(fields=["axis", "number"], name="knowledge_action_number")]
        verbose_name = _("acción del plan")
        verbose_name_plural = _("acciones del plan")

    def __str__(self):
        return f"{_('Acción')} {self.key}"

    @property
    def is_final(self):
        return not self.axis.document.superseded


class Meeting(models.Model):
    """A meeting of a UN working group whose recommendations the compilation records."""

    document = models.ForeignKey(SourceDocument, on_delete=models.CASCADE, related_name="meetings")
    group = models.CharField(_("grupo de trabajo"), max_length=3, choices=Group.choices)
    ordinal = models.PositiveSmallIntegerField(_("reunión"))
    roman = models.CharField(max_length=8)
    heading = models.CharField(_("encabezado"), max_length=300)
    place = models.CharField(_("lugar"), max_length=100, blank=True)
    dates = models.CharField(_("fechas"), max_length=120, blank=True)
    year = models.PositiveSmallIntegerField(_("año"), null=True, blank=True)
    note = models.TextField(_("nota explicativa"), blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["group", "ordinal"]
        constraints = [models.UniqueConstraint(fields=["group", "ordinal"], name="knowledge_meeting_ordinal")]
        verbose_name = _("reunión")
        verbose_name_plural = _("reuniones")

    def __str__(self):
        return f"{self.get_group_display()} — {self.roman} ({self.year})"


class Recommendation(models.Model):
    """A numbered recommendation (``parent`` empty) or one of its lettered sub-items."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="recommendations")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    number = models.PositiveSmallIntegerField(_("número"))
    letter = models.CharField(_("apartado"), max_length=2, blank=True)
    key = models.CharField(_("clave de cita"), max_length=30, unique=True)
    text = models.TextField(_("texto"))
    footnotes = models.JSONField(_("notas"), default=list, blank=True)
    order = models.PositiveIntegerField(default=0)
    withdrawn = models.BooleanField(_("ya no figura en el texto"), default=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["meeting__group", "meeting__ordinal", "order"]
        verbose_name = _("recomendación")
        verbose_name_plural = _("recomendaciones")

    def __str__(self):
        return self.key

    @property
    def group(self):
        return self.meeting.group


class Tagging(models.Model):
    """A theme proposed for (or given to) a recommendation or an action; the ST decides."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Propuesto")
        CONFIRMED = "confirmed", _("Confirmado")
        REJECTED = "rejected", _("Rechazado")

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="taggings")
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, null=True, blank=True,
                                       related_name="taggings")
    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, null=True, blank=True, related_name="taggings")
    score = models.FloatField(_("puntuación"), default=0)
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "recommendation"], condition=Q(recommendation__isnull=False),
                                    name="knowledge_tag_rec"),
            models.UniqueConstraint(fields=["theme", "action"], condition=Q(action__isnull=False),
                                    name="knowledge_tag_action"),
            models.CheckConstraint(condition=Q(recommendation__isnull=True) ^ Q(action__isnull=True),
                                   name="knowledge_tag_one_target"),
        ]
        permissions = [("decide_proposals", "Can confirm or reject theme and link proposals")]


class ActionLink(models.Model):
    """A recommendation ↔ plan action link; proposed from the text, decided by the ST."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="action_links")
    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="recommendation_links")
    score = models.FloatField(_("puntuación"), default=0)
    status = models.CharField(_("estado"), max_length=10, choices=Tagging.Status.choices,
                              default=Tagging.Status.PROPOSED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-score"]
        constraints = [models.UniqueConstraint(fields=["recommendation", "action"], name="knowledge_link_unique")]


class SearchEntry(models.Model):
    """One searchable text (an action, a recommendation or sub-item, a plan section) and its facets."""

    class Kind(models.TextChoices):
        ACTION = "action", _("Acción del plan")
        RECOMMENDATION = "recommendation", _("Recomendación")
        SECTION = "section", _("Plan de trabajo")

    kind = models.CharField(max_length=15, choices=Kind.choices)
    key = models.CharField(max_length=40)
    title = models.CharField(max_length=300)
    text = models.TextField()
    group = models.CharField(max_length=4, blank=True)  # tim | tdp | plan
    meeting = models.PositiveSmallIntegerField(null=True, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    axis = models.PositiveSmallIntegerField(null=True, blank=True)
    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, null=True, blank=True,
                                       related_name="+")
    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    section = models.ForeignKey(PlanSection, on_delete=models.CASCADE, null=True, blank=True, related_name="+")

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]


class ImportRun(models.Model):
    """What one import of the seed texts found: counts and the differences with the previous import."""

    at = models.DateTimeField(default=timezone.now)
    summary = models.JSONField(default=dict)
    differences = models.JSONField(default=list)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]


class ReportingRound(models.Model):
    """A period in which the countries report on the plan, opened and closed by the ST."""

    title = models.CharField(_("título"), max_length=200)
    period = models.CharField(_("periodo"), max_length=40)
    opens_on = models.DateField(_("apertura"))
    deadline = models.DateField(_("fecha límite"))
    closed_at = models.DateTimeField(_("cerrada"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["opens_on", "pk"]
        permissions = [("manage_rounds", "Can open, close and remind reporting rounds")]
        verbose_name = _("ronda de reporte")
        verbose_name_plural = _("rondas de reporte")

    def __str__(self):
        return f"{self.title} ({self.period})"

    @property
    def is_open(self):
        return self.closed_at is None and timezone.localdate() <= self.deadline


class RoundReceipt(models.Model):
    """That a country submitted reports in a round (not what it said): what the ST's follow-up needs."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="receipts")
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+")
    submitted = models.PositiveIntegerField(default=0)
    last_submitted_at = models.DateTimeField(null=True, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "country"], name="knowledge_receipt_unique")]


class RoundReminder(models.Model):
    """That a country was reminded of a round at a stage (what makes automatic reminders idempotent)."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="reminders")
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+")
    stage = models.CharField(max_length=20)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]


class ImplementationReport(ProtectedModel):
    """A country's report on one plan action or recommendation in a round.

    The drafting institution writes and submits it; the Cancillería of its country, or the ST when
    the report was shared with it, validates or returns it (``write_rules``).
    """

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("No iniciada")
        IN_PROGRESS = "in_progress", _("En curso")
        IMPLEMENTED = "implemented", _("Implementada")
        NOT_APPLICABLE = "not_applicable", _("No aplica")

    class State(models.TextChoices):
        DRAFT = "draft", _("Borrador")
        SUBMITTED = "submitted", _("Enviado, pendiente de validación")
        VALIDATED = "validated", _("Validado")
        RETURNED = "returned", _("Devuelto para corrección")

    round = models.ForeignKey(ReportingRound, on_delete=models.PROTECT, related_name="reports",
                              verbose_name=_("ronda"))
    action = models.ForeignKey(PlanAction, on_delete=models.PROTECT, null=True, blank=True, related_name="reports",
                               verbose_name=_("acción del plan"))
    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="reports", verbose_name=_("recomendación"))
    status = models.CharField(_("estado de implementación"), max_length=15, choices=Status.choices,
                              default=Status.NOT_STARTED)
    narrative = models.TextField(_("descripción de lo realizado"), blank=True)
    responsible_institution = models.CharField(_("institución responsable"), max_length=200, blank=True)
    next_steps = models.TextField(_("próximos pasos"), blank=True)
    state = models.CharField(_("estado del reporte"), max_length=10, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(_("enviado"), null=True, blank=True)
    validated_at = models.DateTimeField(_("validado"), null=True, blank=True)
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("validado por"))
    validation_note = models.TextField(_("observaciones de la validación"), blank=True)

    write_rules = {
        "submit": Rule(who=(OWNER_INSTITUTION,), permission="knowledge.change_implementationreport"),
        "validate": Rule(who=(OWNER_COUNTRY, SECRETARIAT), permission="knowledge.validate_implementationreport"),
    }

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(action__isnull=True) ^ Q(recommendation__isnull=True),
                                   name="knowledge_report_one_target"),
            models.UniqueConstraint(fields=["owner_institution", "round", "action"], condition=Q(action__isnull=False),
                                    name="knowledge_report_unique_action"),
            models.UniqueConstraint(fields=["owner_institution", "round", "recommendation"],
                                    condition=Q(recommendation__isnull=False), name="knowledge_report_unique_rec"),
        ]
        permissions = [("export_implementationreport", "Can export implementation reports"),
                       ("validate_implementationreport", "Can validate implementation reports of own country")]
        verbose_name = _("reporte de implementación")
        verbose_name_plural = _("reportes de implementación")

    def __str__(self):
        return f"{self.owner_institution.country.code} · {self.target_key} · {self.round.period}"

    @property
    def target_key(self):
        return self.action.key if self.action_id else self.recommendation.key

    @property
    def target(self):
        return self.action if self.action_id else self.recommendation


class Evidence(models.Model):
    """A link or an encrypted file attached to a report; read only through its report's accessor."""

    report = models.ForeignKey(ImplementationReport, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("título"), max_length=200, blank=True)
    url = models.URLField(_("enlace"), blank=True, max_length=500)
    file_path = models.CharField(max_length=300, blank=True)
    file_name = models.CharField(_("archivo"), max_length=200, blank=True)
    mime = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]

    def __str__(self):
        return self.title or self.file_name or self.url


access_implementationreport_by_id = make_accessor(ImplementationReport)
