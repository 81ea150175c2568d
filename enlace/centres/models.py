"""Migration centres (axis 3 of the work plan): registry, stays, belongings, figures, crisis levels,
incidents, psychosocial care and good-practice notes.

Every record is a ``ProtectedModel``: the owner institution decides who sees it. Stays and what hangs
from them are personal data (``institution`` by default); a child's stay never goes wider than its
country; incidents and care records never leave the institution. Other countries see occupancy only
as aggregates with small cells suppressed (``figures.py``).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from enlace.sharing.access import make_accessor
from enlace.sharing.models import ProtectedModel
from enlace.sharing.policy import OWNER_INSTITUTION, SECRETARIAT, Distribution, Rule
from enlace.sharing.querysets import ReferenceQuerySet

from . import choices


def pack(codes) -> str:
    """Codes stored as ",a,b," so one code is found with ``contains=",a,"``."""
    codes = [c for c in codes if c]
    return f",{','.join(codes)}," if codes else ""


def unpack(value: str) -> list[str]:
    return [c for c in (value or "").split(",") if c]


class Standard(models.Model):
    """One item of the regional standards for centres and alternatives to detention (ST checklist)."""

    class Area(models.TextChoices):
        BUILDING = "building", _("Construcción y condiciones")
        MANAGEMENT = "management", _("Gestión del centro")
        PROTECTION = "protection", _("Protección y vulnerabilidad")
        ALTERNATIVES = "alternatives", _("Alternativas a la detención")

    code = models.SlugField(_("código"), max_length=40, unique=True)
    area = models.CharField(_("ámbito"), max_length=20, choices=Area.choices)
    text_es = models.CharField(_("texto (español)"), max_length=300)
    text_en = models.CharField(_("texto (inglés)"), max_length=300)
    order = models.PositiveSmallIntegerField(_("orden"), default=50)
    active = models.BooleanField(_("vigente"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("estándar regional")
        verbose_name_plural = _("estándares regionales")

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.text_en if (get_language() or "es").startswith("en") else self.text_es


class Centre(ProtectedModel):
    """A place where migrants are held or sheltered (footnote 11), with capacity, services, contacts,
    standards met, crisis thresholds, escalation plan and current crisis level."""

    name = models.CharField(_("nombre"), max_length=200)
    centre_type = models.CharField(_("tipo de centro"), max_length=20, choices=choices.CENTRE_TYPES)
    place = models.CharField(_("lugar"), max_length=200, blank=True)
    lat = models.FloatField(_("latitud"), null=True, blank=True)
    lon = models.FloatField(_("longitud"), null=True, blank=True)
    capacity_men = models.PositiveIntegerField(_("plazas para hombres"), default=0)
    capacity_women = models.PositiveIntegerField(_("plazas para mujeres"), default=0)
    capacity_families = models.PositiveIntegerField(_("plazas para familias"), default=0)
    capacity_children = models.PositiveIntegerField(_("plazas para niñez no acompañada"), default=0)
    services = models.CharField(_("servicios"), max_length=400, blank=True)
    coordinators = models.ManyToManyField("directory.Contact", blank=True, related_name="+",
                                          verbose_name=_("coordinación (directorio)"))
    standards_met = models.ManyToManyField(Standard, blank=True, related_name="centres",
                                           verbose_name=_("estándares cumplidos"))
    crisis_level = models.PositiveSmallIntegerField(_("nivel de crisis"), choices=choices.CRISIS_LEVELS, default=1)
    thresholds = models.JSONField(_("umbrales de crisis"), default=dict, blank=True)
    escalation_plan = models.JSONField(_("plan de escalamiento"), default=dict, blank=True)
    active = models.BooleanField(_("en funcionamiento"), default=True)

    write_rules = {
        # Crisis levels are set by the centre's own institution (the one that runs it).
        "crisis": Rule(who=(OWNER_INSTITUTION,), permission="centres.change_crisislevel"),
        # Registering a stay in a centre: the institution that runs it.
        "register": Rule(who=(OWNER_INSTITUTION,), permission="centres.add_stay"),
        # The ST keeps the standards checklist of every centre it can see.
        "standards": Rule(who=(OWNER_INSTITUTION, SECRETARIAT), permission="centres.change_centre"),
    }

    class Meta:
        ordering = ["name", "pk"]
        permissions = [("export_centre", "Can export centres")]
        verbose_name = _("centro")
        verbose_name_plural = _("centros")

    def __str__(self) -> str:
        return self.name

    @property
    def capacity(self) -> int:
        return self.capacity_men + self.capacity_women + self.capacity_families + self.capacity_children

    def service_codes(self) -> list[str]:
        return unpack(self.services)

    def service_labels(self) -> list[str]:
        return [choices.label(choices.SERVICES, c) for c in self.service_codes()]

    def thresholds_or_default(self) -> dict:
        return self.thresholds or choices.DEFAULT_THRESHOLDS


class Stay(ProtectedModel):
    """One person's stay in a centre, from entry to exit (3.3, 3.5): identity as declared and as
    verified, documents seen, biometric reference ids (never raw biometrics), vulnerabilities,
    care decided at reception, referrals and exit. Personal data; a child's stay stays in its country."""

    class Identity(models.TextChoices):
        UNCHECKED = "unchecked", _("Sin comprobar")
        NEW = "new", _("Primera estancia")
        RETURNING = "returning", _("Persona que regresa")
        REUSED = "reused", _("Identidad posiblemente reutilizada")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="stays", verbose_name=_("centro"))
    entry_date = models.DateField(_("fecha de ingreso"))
    entry_place = models.CharField(_("lugar de ingreso"), max_length=200, blank=True)
    entry_mode = models.CharField(_("forma de llegada"), max_length=20, choices=choices.ENTRY_MODES)
    transferred_from = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                         verbose_name=_("trasladada desde"))
    given_names = models.CharField(_("nombres (declarados)"), max_length=200, blank=True)
    surname_1 = models.CharField(_("primer apellido (declarado)"), max_length=200, blank=True)
    surname_2 = models.CharField(_("segundo apellido (declarado)"), max_length=200, blank=True)
    sex = models.CharField(_("sexo"), max_length=1, choices=choices.SEXES)
    dob = models.DateField(_("fecha de nacimiento (declarada)"), null=True, blank=True)
    nationality = models.CharField(_("nacionalidad"), max_length=3, help_text=_("Código ISO 3166-1 alfa-3."))
    doc_type = models.CharField(_("tipo de documento"), max_length=60, blank=True)
    doc_number = models.CharField(_("número de documento"), max_length=100, blank=True)
    identity_verified = models.BooleanField(_("identidad verificada"), default=False)
    verified_given_names = models.CharField(_("nombres (verificados)"), max_length=200, blank=True)
    verified_surname_1 = models.CharField(_("primer apellido (verificado)"), max_length=200, blank=True)
    verified_surname_2 = models.CharField(_("segundo apellido (verificado)"), max_length=200, blank=True)
    verified_dob = models.DateField(_("fecha de nacimiento (verificada)"), null=True, blank=True)
    verified_how = models.CharField(_("cómo se verificó"), max_length=300, blank=True)
    documents_seen = models.JSONField(_("documentos vistos"), default=list, blank=True)
    biometric_refs = models.JSONField(_("referencias biométricas"), default=list, blank=True)
    age_band = models.CharField(_("grupo de edad"), max_length=16, choices=choices.AGE_BANDS)
    vulnerabilities = models.CharField(_("condiciones de vulnerabilidad"), max_length=400, blank=True)
    vulnerability = models.CharField(_("condición principal"), max_length=30, blank=True)
    profile = models.CharField(_("identificado en el procedimiento"), max_length=24, choices=choices.PROFILES,
                               blank=True, help_text=_("Plan 3.6.a: migrante objeto de tráfico, víctima o presunto traficante."))
    care_decision = models.CharField(_("atención decidida en la recepción"), max_length=300, blank=True)
    care_notes = models.TextField(_("notas de recepción"), blank=True, max_length=5000)
    referrals = models.JSONField(_("derivaciones"), default=list, blank=True)
    exit_date = models.DateField(_("fecha de salida"), null=True, blank=True)
    exit_reason = models.CharField(_("motivo de salida"), max_length=20, choices=choices.EXIT_REASONS, blank=True)
    exit_destination = models.CharField(_("destino a la salida"), max_length=200, blank=True)
    identity_status = models.CharField(_("¿misma persona?"), max_length=12, choices=Identity.choices,
                                       default=Identity.UNCHECKED)
    identity_matches = models.JSONField(_("estancias anteriores coincidentes"), default=list, blank=True)
    child_protection = models.BooleanField(_("estancia de una persona menor de edad"), default=False)
    # Consent to hit/no-hit matching with other countries, as a case's ``allow_matching``: off unless the
    # owner says so. Only that a match exists and whom to ask ever crosses; a child's stay is never sent.
    allow_matching = models.BooleanField(
        _("permitir coincidencias con otros países (hit/no-hit)"), default=False,
        help_text=_("La identidad y el documento se comparan con los registros de otros países; solo se revela "
                    "que existe una coincidencia y a quién preguntar."))
    abroad_checked_at = models.DateTimeField(_("consultada en otros países el"), null=True, blank=True)
    # The asking side's hit notices (ids only: they are this institution's own records).
    abroad_notices = models.JSONField(_("coincidencias en otros países"), default=list, blank=True)

    sharing_parent = "centre"
    personal_data = True
    write_rules = {
        "exit": Rule(who=(OWNER_INSTITUTION,), permission="centres.change_stay"),
        "belongings": Rule(who=(OWNER_INSTITUTION,), permission="centres.change_belonging"),
        "care": Rule(who=(OWNER_INSTITUTION,), permission="centres.change_carerecord"),
        # Sending the identity abroad is the owner's decision (cross-border standing checked by the action).
        "check_abroad": Rule(who=(OWNER_INSTITUTION,), permission="centres.change_stay"),
    }

    class Meta:
        ordering = ["-entry_date", "-pk"]
        permissions = [("export_stay", "Can export stays")]
        indexes = [
            models.Index(fields=["centre", "entry_date"], name="centres_stay_centre_entry"),
            models.Index(fields=["exit_date"], name="centres_stay_exit"),
            models.Index(fields=["entry_date"], name="centres_stay_entry"),
        ]
        verbose_name = _("estancia")
        verbose_name_plural = _("estancias")

    def __str__(self) -> str:
        return f"{_('Estancia')} {self.pk}"

    @property
    def caption(self) -> str:
        return " ".join(p for p in (self.given_names, self.surname_1, self.surname_2) if p) or "—"

    @property
    def is_open(self) -> bool:
        return self.exit_date is None

    def vulnerability_codes(self) -> list[str]:
        return unpack(self.vulnerabilities)

    def vulnerability_labels(self) -> list[str]:
        return [choices.label(choices.VULNERABILITIES, c) for c in self.vulnerability_codes()]

    def care_labels(self) -> list[str]:
        return [choices.label(choices.CARE_DECISIONS, c) for c in unpack(self.care_decision)]

    def age_on(self, day: datetime.date) -> int | None:
        dob = self.verified_dob or self.dob
        if not dob:
            return None
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    def check_sharing_change(self, user, distribution: str) -> None:
        # A child's stay never goes wider than its country (deny, whatever the centre allows).
        if self.child_protection and distribution not in (Distribution.INSTITUTION, Distribution.COUNTRY):
            raise ValidationError({"distribution": _(
                "La estancia de una persona menor de edad nunca se comparte fuera de su país.")})

    def clean_sharing(self) -> None:
        self.check_sharing_change(None, self.distribution)
        super().clean_sharing()

    def to_match_record(self) -> dict:
        """The stay in the matching engine's input format (the engine normalises)."""
        return {"record_id": f"stay-{self.pk}", "source_country": self.owner_institution.country.code,
                "given_names": self.verified_given_names or self.given_names,
                "surname_1": self.verified_surname_1 or self.surname_1,
                "surname_2": self.verified_surname_2 or self.surname_2, "sex": self.sex,
                "dob": (self.verified_dob or self.dob).isoformat() if (self.verified_dob or self.dob) else None,
                "nationality": self.nationality, "doc_type": self.doc_type, "doc_number": self.doc_number,
                "phone": None}


class Belonging(ProtectedModel):
    """One version of one item of a person's belongings (3.4, fn 15). Nothing is deleted: a
    correction or the return at exit is a new version of the same ``item_key``."""

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="belongings", verbose_name=_("estancia"))
    item_key = models.PositiveIntegerField(_("artículo n.º"))
    version = models.PositiveSmallIntegerField(_("versión"), default=1)
    current = models.BooleanField(_("versión vigente"), default=True)
    item = models.CharField(_("artículo"), max_length=120)
    description = models.CharField(_("descripción"), max_length=500, blank=True)
    value = models.DecimalField(_("valor"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("moneda"), max_length=3, blank=True)
    bag_number = models.CharField(_("número de bolsa sellada"), max_length=40, blank=True)
    photo = models.CharField(_("foto (archivo cifrado)"), max_length=200, blank=True)
    status = models.CharField(_("estado"), max_length=12, choices=choices.BELONGING_STATUS, default="held")
    discrepancy = models.CharField(_("discrepancia"), max_length=500, blank=True)
    change_reason = models.CharField(_("motivo del cambio"), max_length=300, blank=True)

    sharing_parent = "stay"
    personal_data = True

    class Meta:
        ordering = ["item_key", "version"]
        constraints = [models.UniqueConstraint(fields=["stay", "item_key", "version"],
                                               name="centres_belonging_version")]
        verbose_name = _("pertenencia")
        verbose_name_plural = _("pertenencias")

    def __str__(self) -> str:
        return f"{_('Pertenencia')} {self.pk}"


class FigureSet(ProtectedModel):
    """Occupancy figures of one centre for one date (3.6, fn 17): computed from the register for
    centres registered here, or imported from a template for centres that are not. ``cells`` holds
    ``[nationality, sex, age band, vulnerability, count]`` rows; other countries only ever see them
    aggregated with cells below 11 suppressed."""

    class Source(models.TextChoices):
        REGISTER = "register", _("Calculadas del registro")
        IMPORT = "import", _("Importadas (plantilla)")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, null=True, blank=True, related_name="figures",
                               verbose_name=_("centro"))
    centre_name = models.CharField(_("centro"), max_length=200)
    date = models.DateField(_("fecha"))
    source = models.CharField(_("origen"), max_length=10, choices=Source.choices)
    cells = models.JSONField(_("celdas"), default=list)
    total = models.PositiveIntegerField(_("total"), default=0)
    capacity = models.PositiveIntegerField(_("capacidad"), default=0)

    class Meta:
        ordering = ["-date", "centre_name", "pk"]
        permissions = [("export_figureset", "Can export occupancy figures")]
        indexes = [models.Index(fields=["date"], name="centres_figures_date")]
        constraints = [models.UniqueConstraint(fields=["owner_institution", "centre_name", "date", "source"],
                                               name="centres_figureset_unique")]
        verbose_name = _("cifras de ocupación")
        verbose_name_plural = _("cifras de ocupación")

    def __str__(self) -> str:
        return f"{self.centre_name} {self.date}"


class CrisisLevel(ProtectedModel):
    """One change of a centre's crisis level (3.9, fn 20): the history of levels, with the alert
    thread sent to the neighbouring countries' centre coordinators."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="crisis_history",
                               verbose_name=_("centro"))
    level = models.PositiveSmallIntegerField(_("nivel"), choices=choices.CRISIS_LEVELS)
    previous_level = models.PositiveSmallIntegerField(_("nivel anterior"), choices=choices.CRISIS_LEVELS)
    reason = models.CharField(_("motivo"), max_length=1000)
    occupancy_pct = models.PositiveIntegerField(_("ocupación (%)"), null=True, blank=True)
    incidents = models.PositiveIntegerField(_("incidentes en 7 días"), default=0)
    alert_thread_id = models.PositiveBigIntegerField(_("alerta enviada (n.º)"), null=True, blank=True)
    alerted_countries = models.CharField(_("países alertados"), max_length=100, blank=True)

    sharing_parent = "centre"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("nivel de crisis")
        verbose_name_plural = _("niveles de crisis")

    def __str__(self) -> str:
        return f"{self.centre_id}: {self.level}"


class _Confidential(ProtectedModel):
    """Never wider than the owner institution (fn 19: confidentiality of cases and testimonies)."""

    def check_sharing_change(self, user, distribution: str) -> None:
        if distribution != Distribution.INSTITUTION:
            raise ValidationError({"distribution": _("Este registro es confidencial: nunca sale de su institución.")})

    def clean_sharing(self) -> None:
        self.check_sharing_change(None, self.distribution)
        super().clean_sharing()

    class Meta:
        abstract = True


class Incident(_Confidential):
    """A conflict incident in a centre (3.7, fn 14, 18). Confidential to the institution."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("centro"))
    occurred_on = models.DateField(_("fecha"))
    kind = models.CharField(_("tipo"), max_length=20, choices=choices.INCIDENT_KINDS)
    severity = models.PositiveSmallIntegerField(_("gravedad (1–3)"), default=1)
    persons_involved = models.PositiveIntegerField(_("personas involucradas"), default=0)
    description = models.TextField(_("descripción"), max_length=5000)
    measures = models.TextField(_("medidas adoptadas"), blank=True, max_length=5000)

    sharing_parent = "centre"
    personal_data = True

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("incidente")
        verbose_name_plural = _("incidentes")

    def __str__(self) -> str:
        return f"{_('Incidente')} {self.pk}"


class CareRecord(_Confidential):
    """A mental-health or psychosocial care record of a stay (3.8, fn 19). Confidential to the
    institution and readable only by the role that gives the care."""

    stay = models.ForeignKey(Stay, on_delete=models.PROTECT, related_name="care_records", verbose_name=_("estancia"))
    given_on = models.DateField(_("fecha"))
    kind = models.CharField(_("tipo"), max_length=20, choices=choices.CARE_KINDS)
    notes = models.TextField(_("notas"), max_length=10000)

    sharing_parent = "stay"
    personal_data = True

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("atención psicosocial")
        verbose_name_plural = _("atenciones psicosociales")

    def __str__(self) -> str:
        return f"{_('Atención')} {self.pk}"


class PracticeNote(ProtectedModel):
    """A good-practice note on conflict mitigation, reception or care that can be shared (fn 12–14)."""

    title = models.CharField(_("título"), max_length=200)
    topic = models.CharField(_("tema"), max_length=20, choices=[
        ("conflict", _("Mitigación de conflictos")), ("reception", _("Recepción")),
        ("psychosocial", _("Atención psicosocial")), ("crisis", _("Manejo de crisis")),
        ("alternatives", _("Alternativas a la detención"))])
    body = models.TextField(_("texto"), max_length=20000)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("buena práctica")
        verbose_name_plural = _("buenas prácticas")

    def __str__(self) -> str:
        return self.title


access_centre_by_id = make_accessor(Centre)
access_stay_by_id = make_accessor(Stay)
access_belonging_by_id = make_accessor(Belonging)
access_figureset_by_id = make_accessor(FigureSet)
access_crisislevel_by_id = make_accessor(CrisisLevel)
access_incident_by_id = make_accessor(Incident)
access_carerecord_by_id = make_accessor(CareRecord)
access_practicenote_by_id = make_accessor(PracticeNote)

