"""Legislation matrices and Protocol compliance indicators.

Reference data (loaded from ``data/catalogue.json``): ``Requirement`` and ``Indicator``.
Country records (owned by the country, protected): ``Instrument`` → ``Provision`` (mapped to
requirements), ``Submission`` (a country's questionnaire in a round) → ``Answer``.
``Round`` (opened by the ST: title, deadline, participating countries) is not sensitive.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from enlace.sharing.access import make_accessor
from enlace.sharing.models import ProtectedModel
from enlace.sharing.policy import OWNER_COUNTRY, OWNER_INSTITUTION, SECRETARIAT, Rule
from enlace.sharing.querysets import ReferenceQuerySet


def _bilingual(es: str, en: str) -> str:
    return en if (get_language() or "es").startswith("en") and en else es


class Protocol(models.TextChoices):
    SMUGGLING = "TIM", _("Protocolo contra el Tráfico Ilícito de Migrantes")
    TRAFFICKING = "TDP", _("Protocolo contra la Trata de Personas")


class Requirement(models.Model):
    """One article (or group of articles) of a Protocol that national legislation should implement."""

    code = models.CharField(_("código"), max_length=30, unique=True)
    protocol = models.CharField(_("protocolo"), max_length=3, choices=Protocol.choices)
    article = models.CharField(_("artículo"), max_length=20)
    title_es = models.CharField(_("título (español)"), max_length=300)
    title_en = models.CharField(_("título (inglés)"), max_length=300)
    order = models.PositiveIntegerField(_("orden"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["order"]
        verbose_name = _("requisito del Protocolo")
        verbose_name_plural = _("requisitos de los Protocolos")

    def __str__(self):
        return f"{self.get_protocol_display()} art. {self.article}"

    @property
    def title(self):
        return _bilingual(self.title_es, self.title_en)

    @property
    def label(self):
        return f"{self.protocol} art. {self.article} — {self.title}"


class Indicator(models.Model):
    """A question of the questionnaire about one requirement (yes/partly/no, years of prison, or options)."""

    class Kind(models.TextChoices):
        STATUS = "status", _("Sí / parcialmente / no")
        YEARS = "years", _("Años de prisión")
        MULTI = "multi", _("Circunstancias agravantes")

    requirement = models.ForeignKey(Requirement, on_delete=models.CASCADE, related_name="indicators",
                                    verbose_name=_("requisito"))
    code = models.CharField(_("código"), max_length=40, unique=True)
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    question_es = models.CharField(_("pregunta (español)"), max_length=400)
    question_en = models.CharField(_("pregunta (inglés)"), max_length=400)
    options = models.JSONField(_("opciones"), default=list, blank=True)
    order = models.PositiveIntegerField(_("orden"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["order"]
        verbose_name = _("indicador")
        verbose_name_plural = _("indicadores")

    def __str__(self):
        return self.code

    @property
    def question(self):
        return _bilingual(self.question_es, self.question_en)

    def option_labels(self) -> dict:
        return {o["code"]: _bilingual(o["es"], o["en"]) for o in self.options}


class Instrument(ProtectedModel):
    """A law, decree or code of one country."""

    class Kind(models.TextChoices):
        LAW = "law", _("Ley")
        DECREE = "decree", _("Decreto")
        CODE = "code", _("Código")
        REGULATION = "regulation", _("Reglamento")
        OTHER = "other", _("Otro")

    kind = models.CharField(_("tipo de instrumento"), max_length=12, choices=Kind.choices, default=Kind.LAW)
    title = models.CharField(_("título"), max_length=300)
    number = models.CharField(_("número"), max_length=60, blank=True)
    enacted_on = models.DateField(_("fecha"), null=True, blank=True)
    official_url = models.URLField(_("enlace oficial"), blank=True, max_length=500)
    in_force = models.BooleanField(_("vigente"), default=True)
    publishable = True

    class Meta:
        ordering = ["owner_institution__country__name_es", "title"]
        permissions = [("export_instrument", "Can export legislation instruments")]
        verbose_name = _("instrumento legal")
        verbose_name_plural = _("instrumentos legales")

    def __str__(self):
        return f"{self.title}{f' ({self.number})' if self.number else ''}"


class Provision(ProtectedModel):
    """An article of an instrument, mapped to the Protocol requirements it implements."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="provisions",
                                   verbose_name=_("instrumento"))
    article = models.CharField(_("cita (artículo)"), max_length=120)
    text = models.TextField(_("texto"), blank=True)
    in_force_since = models.DateField(_("vigente desde"), null=True, blank=True)
    requirements = models.ManyToManyField(Requirement, blank=True, related_name="provisions",
                                          verbose_name=_("requisitos que implementa"))
    sharing_parent = "instrument"
    publishable = True

    class Meta:
        ordering = ["instrument__title", "pk"]
        verbose_name = _("disposición")
        verbose_name_plural = _("disposiciones")

    def __str__(self):
        return self.citation

    @property
    def citation(self) -> str:
        return f"{self.instrument.title}, {self.article}"


class Round(models.Model):
    """A submission round opened by the ST (not sensitive: title, deadline, participating countries)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Abierta")
        CLOSED = "closed", _("Cerrada")

    title = models.CharField(_("título"), max_length=200)
    deadline = models.DateField(_("fecha límite"))
    status = models.CharField(_("estado"), max_length=8, choices=Status.choices, default=Status.OPEN)
    countries = models.ManyToManyField("core.Country", related_name="legislation_rounds",
                                       verbose_name=_("países participantes"))
    instructions = models.TextField(_("instrucciones"), blank=True)
    opened_at = models.DateTimeField(_("abierta el"), auto_now_add=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("abierta por"))
    closed_at = models.DateTimeField(_("cerrada el"), null=True, blank=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        permissions = [("manage_round", "Can open, close and remind submission rounds")]
        verbose_name = _("ronda de envío")
        verbose_name_plural = _("rondas de envío")

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status == self.Status.OPEN


# Decisions on a questionnaire, declared once for the questionnaire and for its answers (which follow it):
# the drafting institution sends it; the Cancillería of its country or the ST validates or returns it; the
# portal (an ST official with the publish permission) publishes what the country authorised.
QUESTIONNAIRE_RULES = {
    "submit": Rule(who=(OWNER_INSTITUTION,), permission="legislation.change_submission"),
    "validate": Rule(who=(OWNER_COUNTRY, SECRETARIAT), permission="legislation.validate_submission"),
    "return": Rule(who=(OWNER_COUNTRY, SECRETARIAT), permission="legislation.validate_submission"),
    "publish": Rule(who=(SECRETARIAT,), permission="sharing.publish_records"),
}


class Submission(ProtectedModel):
    """A country's questionnaire in a round. Drafts stay in the country; validation publishes to the network."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Borrador")
        SUBMITTED = "submitted", _("Enviado para validación")
        VALIDATED = "validated", _("Validado")

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("ronda"))
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("país"))
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    public_consent = models.BooleanField(
        _("el país autoriza publicar sus respuestas validadas en el portal público"), default=False)
    demo = models.BooleanField(_("datos de demostración"), default=False)
    submitted_at = models.DateTimeField(_("enviado el"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("enviado por"))
    validated_at = models.DateTimeField(_("validado el"), null=True, blank=True)
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("validado por"))
    return_note = models.TextField(_("observaciones de la devolución"), blank=True)
    publishable = True
    write_rules = QUESTIONNAIRE_RULES

    class Meta:
        ordering = ["-round__opened_at", "country__name_es"]
        constraints = [models.UniqueConstraint(fields=["round", "country"], name="legislation_one_submission_per_round")]
        permissions = [("validate_submission", "Can validate legislation questionnaires of own country")]
        verbose_name = _("cuestionario")
        verbose_name_plural = _("cuestionarios")

    def __str__(self):
        return f"{self.round.title} — {self.country.name}"


class Answer(ProtectedModel):
    """The answer of a questionnaire to one indicator; its audience never exceeds its questionnaire's."""

    class Status(models.TextChoices):
        YES = "yes", _("Sí")
        PARTLY = "partly", _("Parcialmente")
        NO = "no", _("No")
        UNKNOWN = "unknown", _("Sin información")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers",
                                   verbose_name=_("cuestionario"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+", verbose_name=_("indicador"))
    status = models.CharField(_("respuesta"), max_length=8, choices=Status.choices, default=Status.UNKNOWN)
    years = models.DecimalField(_("años"), max_digits=5, decimal_places=1, null=True, blank=True)
    options = models.JSONField(_("circunstancias"), default=list, blank=True)
    citation = models.CharField(_("disposición citada"), max_length=400, blank=True)
    provisions = models.ManyToManyField(Provision, blank=True, related_name="+", verbose_name=_("disposiciones"))
    comment = models.TextField(_("comentario"), blank=True)
    sharing_parent = "submission"
    publishable = True
    write_rules = {**QUESTIONNAIRE_RULES, "submit": Rule(who=(OWNER_INSTITUTION,),
                                                          permission="legislation.change_answer")}

    class Meta:
        ordering = ["indicator__order"]
        constraints = [models.UniqueConstraint(fields=["submission", "indicator"], name="legislation_one_answer")]
        permissions = [("export_answer", "Can export the comparative matrix")]
        verbose_name = _("respuesta")
        verbose_name_plural = _("respuestas")

    def __str__(self):
        return f"{self.indicator.code}: {self.get_status_display()}"


class Reminder(models.Model):
    """One reminder sent to one late country on one day (what makes reminders idempotent)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reminders")
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField()
    recipients = models.PositiveIntegerField(default=0)
    manual = models.BooleanField(default=False)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_on"]
        constraints = [models.UniqueConstraint(fields=["round", "country", "sent_on"], name="legislation_one_reminder_a_day")]


access_instrument_by_id = make_accessor(Instrument)
access_provision_by_id = make_accessor(Provision)
access_submission_by_id = make_accessor(Submission)
access_answer_by_id = make_accessor(Answer)
