"""Cases, their entities (FollowTheMoney schemata), links, route legs and import batches.

Every row below a case is a child record (``sharing_parent = "case"``): it can narrow, never widen,
the case's distribution. Entities follow the case's distribution when it changes
(``follows_case``) unless they were narrowed on purpose or belong to a child (minor), whose records
start at ``institution`` and are only widened by an explicit, reviewed action.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enlace.sharing.access import make_accessor
from enlace.sharing.models import ProtectedModel
from enlace.sharing.policy import OWNER_INSTITUTION, Rule
from enlace.sharing.querysets import ReferenceQuerySet


class ModusOperandiTag(models.Model):
    """Controlled vocabulary of modus operandi (data, not code: the ST can extend it)."""

    code = models.SlugField(_("código"), max_length=40, unique=True)
    name_es = models.CharField(_("nombre (español)"), max_length=120)
    name_en = models.CharField(_("nombre (inglés)"), max_length=120)
    order = models.PositiveSmallIntegerField(_("orden"), default=50)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name_es"]
        verbose_name = _("modus operandi")
        verbose_name_plural = _("modus operandi")

    def __str__(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "es").startswith("en") else self.name_es


class Case(ProtectedModel):
    """A case of migrant smuggling, trafficking in persons or a related crime, owned by one institution.

    Its entities, links, route legs and imports are child records bounded by its audience.
    """

    class Type(models.TextChoices):
        SMUGGLING = "smuggling", _("Tráfico ilícito de migrantes")
        TRAFFICKING = "trafficking", _("Trata de personas")
        RELATED = "related", _("Delito conexo")

    class Status(models.TextChoices):
        OPEN = "open", _("Abierto")
        INVESTIGATION = "investigation", _("En investigación")
        PROSECUTION = "prosecution", _("Judicializado")
        CLOSED = "closed", _("Cerrado")
        WITHDRAWN = "withdrawn", _("Retirado")

    class SourceGrade(models.TextChoices):
        A = "A", _("A — fuente completamente fiable")
        B = "B", _("B — fuente generalmente fiable")
        C = "C", _("C — fuente poco fiable")
        X = "X", _("X — fiabilidad no evaluada")

    class InfoGrade(models.TextChoices):
        G1 = "1", _("1 — exacta sin reservas")
        G2 = "2", _("2 — conocida personalmente por la fuente")
        G3 = "3", _("3 — no conocida personalmente, corroborada")
        G4 = "4", _("4 — no puede evaluarse")

    reference = models.CharField(_("referencia"), max_length=40, unique=True)
    title = models.CharField(_("título"), max_length=200)
    case_type = models.CharField(_("tipo de caso"), max_length=20, choices=Type.choices)
    status = models.CharField(_("estado"), max_length=20, choices=Status.choices, default=Status.OPEN)
    summary = models.TextField(_("resumen"), blank=True, max_length=20000)
    opened_on = models.DateField(_("fecha de apertura"), default=datetime.date.today)
    closed_on = models.DateField(_("fecha de cierre"), null=True, blank=True)
    facts_from = models.DateField(_("hechos desde"), null=True, blank=True)
    facts_to = models.DateField(_("hechos hasta"), null=True, blank=True)
    tags = models.ManyToManyField(ModusOperandiTag, blank=True, related_name="cases", verbose_name=_("modus operandi"))
    source_grade = models.CharField(_("evaluación de la fuente"), max_length=1, choices=SourceGrade.choices,
                                    default=SourceGrade.X)
    info_grade = models.CharField(_("evaluación de la información"), max_length=1, choices=InfoGrade.choices,
                                  default=InfoGrade.G4)
    allow_matching = models.BooleanField(
        _("permitir coincidencias (hit/no-hit)"), default=False,
        help_text=_("Las personas del caso se comparan con los registros de otros países; solo se revela que "
                    "existe una coincidencia y a quién preguntar."))

    personal_data = True

    class Meta:
        ordering = ["-opened_on", "-pk"]
        # Lists walk this index in page order (issue 17); it also holds the columns the policy and the
        # list filters test, so a deep page picks its ids from the index alone (``paging.py``). Text
        # search uses trigram indexes (migration 0002).
        indexes = [models.Index(fields=["-opened_on", "-id"], name="cases_case_list_cover",
                                include=["distribution", "owner_institution", "sharing_group", "case_type", "status"])]
        permissions = [("export_case", "Can export cases")]
        verbose_name = _("caso")
        verbose_name_plural = _("casos")

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"


class Entity(ProtectedModel):
    """One FollowTheMoney entity of a case. Persons carry the columns the matching engine needs."""

    class Schema(models.TextChoices):
        PERSON = "Person", _("Persona")
        ORGANIZATION = "Organization", _("Organización")
        VEHICLE = "Vehicle", _("Vehículo")
        VESSEL = "Vessel", _("Embarcación")
        IDENTIFICATION = "Identification", _("Documento de identidad")
        PASSPORT = "Passport", _("Pasaporte")
        BANK_ACCOUNT = "BankAccount", _("Cuenta bancaria")
        PAYMENT = "Payment", _("Pago")
        ADDRESS = "Address", _("Dirección")
        EVENT = "Event", _("Evento")

    class Role(models.TextChoices):
        SUSPECT = "suspect", _("Persona sospechosa")
        SMUGGLED_MIGRANT = "smuggled_migrant", _("Migrante objeto de tráfico")
        RELATED_VICTIM = "related_victim", _("Víctima de delito conexo")
        TRAFFICKING_VICTIM = "trafficking_victim", _("Víctima de trata")
        WITNESS = "witness", _("Testigo")

    class Sex(models.TextChoices):
        FEMALE = "F", _("Mujer")
        MALE = "M", _("Hombre")
        OTHER = "X", _("Otro / no consta")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entities", verbose_name=_("caso"))
    schema = models.CharField(_("tipo de entidad"), max_length=20, choices=Schema.choices)
    ftm_id = models.CharField(_("identificador FtM"), max_length=120)
    name = models.CharField(_("nombre"), max_length=300, blank=True)
    # Person
    given_names = models.CharField(_("nombres"), max_length=200, blank=True)
    surname_1 = models.CharField(_("primer apellido"), max_length=200, blank=True)
    surname_2 = models.CharField(_("segundo apellido"), max_length=200, blank=True)
    sex = models.CharField(_("sexo"), max_length=1, choices=Sex.choices, blank=True)
    dob = models.DateField(_("fecha de nacimiento"), null=True, blank=True)
    nationality = models.CharField(_("nacionalidad"), max_length=3, blank=True,
                                   help_text=_("Código ISO 3166-1 alfa-3, p. ej. GTM."))
    phones = models.JSONField(_("teléfonos"), default=list, blank=True)
    role = models.CharField(_("función en el caso"), max_length=24, choices=Role.choices, blank=True)
    role_reviewed = models.BooleanField(_("función revisada"), default=False)
    role_reviewed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("función revisada por"))
    role_reviewed_at = models.DateTimeField(_("función revisada el"), null=True, blank=True)
    allow_matching = models.BooleanField(_("incluir en coincidencias"), default=True)
    # Documents
    doc_type = models.CharField(_("tipo de documento"), max_length=60, blank=True)
    doc_number = models.CharField(_("número"), max_length=100, blank=True)
    doc_country = models.CharField(_("país emisor"), max_length=3, blank=True)
    # Everything else of the FtM entity (multi-valued properties, cleaned by followthemoney)
    properties = models.JSONField(_("propiedades"), default=dict, blank=True)
    # Sharing below the case
    follows_case = models.BooleanField(_("sigue la distribución del caso"), default=True)
    child_protection = models.BooleanField(
        _("registro de una persona menor de edad"), default=False,
        help_text=_("Distribución más estricta por defecto; solo se amplía con una acción revisada."))

    sharing_parent = "case"
    personal_data = True
    # Confirming (or correcting) a person's role is a decision of the owner institution.
    write_rules = {"review_role": Rule(who=(OWNER_INSTITUTION,), permission="cases.change_entity")}

    class Meta:
        ordering = ["schema", "surname_1", "name", "pk"]
        indexes = [models.Index(fields=["schema", "surname_1", "name", "id"], name="cases_entity_list_order")]
        permissions = [("export_entity", "Can export case entities")]
        constraints = [models.UniqueConstraint(fields=["case", "ftm_id"], name="cases_entity_unique_ftm_id")]
        verbose_name = _("entidad")
        verbose_name_plural = _("entidades")

    def __str__(self) -> str:
        return self.caption

    @property
    def is_person(self) -> bool:
        return self.schema == self.Schema.PERSON

    @property
    def is_document(self) -> bool:
        return self.schema in (self.Schema.IDENTIFICATION, self.Schema.PASSPORT)

    @property
    def caption(self) -> str:
        if self.is_person:
            full = " ".join(p for p in (self.given_names, self.surname_1, self.surname_2) if p)
            return full or self.name or "—"
        if self.is_document:
            return f"{self.get_schema_display()} {self.doc_number}".strip()
        return self.name or self.get_schema_display()

    def age_on(self, day: datetime.date | None = None) -> int | None:
        if not self.dob:
            return None
        day = day or timezone.localdate()
        return day.year - self.dob.year - ((day.month, day.day) < (self.dob.month, self.dob.day))

    @property
    def is_minor(self) -> bool:
        age = self.age_on()
        return age is not None and age < 18

    def check_sharing_change(self, user, distribution: str) -> None:
        # A child's record goes wider than its country only through do_widen_child_record (reviewed).
        from enlace.sharing.policy import Distribution

        if self.child_protection and distribution not in (Distribution.INSTITUTION, Distribution.COUNTRY):
            raise ValidationError({"distribution": _(
                "El registro de una persona menor de edad solo se amplía con una revisión justificada.")})

    def to_match_record(self, documents=()) -> dict:
        """The record in the matching engine's format. Phones and documents raw: the engine normalises.

        ``documents``: the documents this person holds (``holds_document`` links, oldest first), read
        by the caller (``matching_source`` reads them as the system).
        """
        docs = [d for d in documents if d.doc_number]
        if not docs and self.doc_number:
            docs = [self]
        doc = docs[0] if docs else None
        return {
            "record_id": match_record_id(self.pk),
            "source_country": self.case.owner_institution.country.code,
            "given_names": self.given_names or "",
            "surname_1": self.surname_1 or "",
            "surname_2": self.surname_2 or "",
            "sex": self.sex or "",
            "dob": self.dob.isoformat() if self.dob else "",
            "nationality": self.nationality or "",
            "doc_type": (doc.doc_type or doc.schema) if doc else "",
            "doc_number": doc.doc_number if doc else "",
            "phone": self.phones[0] if self.phones else "",
        }


def match_record_id(pk: int) -> str:
    return f"cases.person.{pk}"


def entity_pk_from_record_id(record_id: str) -> int | None:
    prefix = "cases.person."
    if not record_id.startswith(prefix):
        return None
    try:
        return int(record_id[len(prefix):])
    except ValueError:
        return None


class Link(ProtectedModel):
    """A relation between two entities of the same case (or a person and a phone number)."""

    class Kind(models.TextChoices):
        ASSOCIATE = "associate", _("Asociado de")
        MEMBER_OF = "member_of", _("Miembro de")
        PAID = "paid", _("Pagó a")
        TRAVELLED_WITH = "travelled_with", _("Viajó con")
        USES_PHONE = "uses_phone", _("Usa el teléfono")
        HOLDS_DOCUMENT = "holds_document", _("Porta el documento")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links", verbose_name=_("caso"))
    kind = models.CharField(_("tipo de vínculo"), max_length=20, choices=Kind.choices)
    source = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="links_out", verbose_name=_("origen"))
    target = models.ForeignKey(Entity, on_delete=models.CASCADE, null=True, blank=True, related_name="links_in",
                               verbose_name=_("destino"))
    value = models.CharField(_("valor"), max_length=100, blank=True, help_text=_("Número de teléfono."))
    ftm_id = models.CharField(_("identificador FtM"), max_length=120, blank=True)
    details = models.JSONField(_("detalles"), default=dict, blank=True)
    follows_case = models.BooleanField(_("sigue la distribución del caso"), default=True)
    child_protection = models.BooleanField(_("registro de una persona menor de edad"), default=False)

    sharing_parent = "case"
    personal_data = True

    class Meta:
        ordering = ["kind", "pk"]
        indexes = [models.Index(fields=["kind", "id"], name="cases_link_list_order")]
        verbose_name = _("vínculo")
        verbose_name_plural = _("vínculos")

    def __str__(self) -> str:
        other = self.target.caption if self.target_id else self.value
        return f"{self.source.caption} — {self.get_kind_display()} — {other}"


class RouteLeg(ProtectedModel):
    """One leg of the route of a case (places, optional coordinates, means, dates)."""

    class Means(models.TextChoices):
        FOOT = "foot", _("A pie")
        BUS = "bus", _("Autobús")
        CAR = "car", _("Automóvil")
        TRUCK = "truck", _("Camión / tráiler")
        TRAIN = "train", _("Tren")
        BOAT = "boat", _("Embarcación")
        PLANE = "plane", _("Avión")
        OTHER = "other", _("Otro")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="route_legs", verbose_name=_("caso"))
    order = models.PositiveSmallIntegerField(_("orden"), default=1)
    from_place = models.CharField(_("desde"), max_length=200)
    from_country = models.CharField(_("país de origen del tramo"), max_length=3, blank=True)
    from_lat = models.FloatField(_("latitud (desde)"), null=True, blank=True)
    from_lon = models.FloatField(_("longitud (desde)"), null=True, blank=True)
    to_place = models.CharField(_("hasta"), max_length=200)
    to_country = models.CharField(_("país de destino del tramo"), max_length=3, blank=True)
    to_lat = models.FloatField(_("latitud (hasta)"), null=True, blank=True)
    to_lon = models.FloatField(_("longitud (hasta)"), null=True, blank=True)
    means = models.CharField(_("medio de transporte"), max_length=10, choices=Means.choices, default=Means.OTHER)
    departed_on = models.DateField(_("salida"), null=True, blank=True)
    arrived_on = models.DateField(_("llegada"), null=True, blank=True)
    notes = models.CharField(_("observaciones"), max_length=500, blank=True)
    follows_case = models.BooleanField(_("sigue la distribución del caso"), default=True)

    sharing_parent = "case"

    class Meta:
        ordering = ["case", "order", "pk"]
        verbose_name = _("tramo de ruta")
        verbose_name_plural = _("tramos de ruta")

    def __str__(self) -> str:
        return f"{self.from_place} → {self.to_place}"

    @property
    def has_coordinates(self) -> bool:
        return None not in (self.from_lat, self.from_lon, self.to_lat, self.to_lon)


class ImportBatch(ProtectedModel):
    """One uploaded file being imported into a case: preview, mapping, errors, result."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        FTM = "ftm", _("FollowTheMoney JSON")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Cargado, pendiente de revisar")
        FAILED = "failed", _("Con errores: no se importó nada")
        IMPORTED = "imported", _("Importado")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="imports", verbose_name=_("caso"))
    file_name = models.CharField(_("archivo"), max_length=255)
    file_format = models.CharField(_("formato"), max_length=5, choices=Format.choices)
    stored_path = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    header = models.JSONField(_("columnas"), default=list, blank=True)
    mapping = models.JSONField(_("correspondencia de columnas"), default=dict, blank=True)
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(_("filas"), default=0)
    imported_count = models.PositiveIntegerField(_("registros importados"), default=0)
    errors = models.JSONField(_("errores"), default=list, blank=True)
    finished_at = models.DateTimeField(_("terminado"), null=True, blank=True)

    sharing_parent = "case"
    personal_data = True

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("importación")
        verbose_name_plural = _("importaciones")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


access_case_by_id = make_accessor(Case)
access_entity_by_id = make_accessor(Entity)
access_link_by_id = make_accessor(Link)
access_routeleg_by_id = make_accessor(RouteLeg)
access_importbatch_by_id = make_accessor(ImportBatch)
