"""The shared register of lost, stolen and fraudulent travel and identity documents (INTERPOL SLTD idea).

``DocumentReport`` is a protected record like any other: its owner institution decides who reads it.
``NumberEntry`` is the engine room of the hit/no-hit query: one row per normalised document number or
phone of a register entry or of a case entity whose owner allows matching, indexed on
``(kind, value)`` so that one query is one index lookup. Nobody reads it but the query action, which
answers only "which country, which institution".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from enlace.sharing.access import make_accessor
from enlace.sharing.models import ProtectedModel
from enlace.sharing.policy import OWNER_INSTITUTION, Rule


class DocumentReport(ProtectedModel):
    """One document reported lost, stolen, fraudulent or revoked by the owner institution's country."""

    class DocType(models.TextChoices):
        PASSPORT = "passport", _("Pasaporte")
        NATIONAL_ID = "national_id", _("Documento nacional de identidad")
        VISA = "visa", _("Visa")
        RESIDENCE = "residence", _("Permiso de residencia")
        OTHER = "other", _("Otro documento de viaje o identidad")

    class Status(models.TextChoices):
        LOST = "lost", _("Perdido")
        STOLEN = "stolen", _("Robado")
        FRAUDULENT = "fraudulent", _("Fraudulento o falsificado")
        REVOKED = "revoked", _("Anulado")

    doc_type = models.CharField(_("tipo de documento"), max_length=12, choices=DocType.choices)
    number = models.CharField(_("número del documento"), max_length=60)
    number_normalised = models.CharField(_("número normalizado"), max_length=40, db_index=True)
    issuing_country = models.CharField(_("país emisor"), max_length=3,
                                       help_text=_("Código ISO 3166-1 alfa-3, p. ej. GTM."))
    status = models.CharField(_("situación"), max_length=12, choices=Status.choices)
    reported_on = models.DateField(_("fecha del reporte"))
    note = models.CharField(_("nota"), max_length=500, blank=True)
    withdrawn = models.BooleanField(_("retirado del registro"), default=False)

    personal_data = True  # a document number identifies its holder
    write_rules = {"withdraw": Rule(who=(OWNER_INSTITUTION,), permission="documents.change_documentreport")}

    class Meta:
        ordering = ["-reported_on", "-pk"]
        permissions = [("query_numbers", "Can query a document number or phone (hit/no-hit)")]
        verbose_name = _("documento reportado")
        verbose_name_plural = _("documentos reportados")

    def __str__(self) -> str:
        return f"{self.get_doc_type_display()} {self.issuing_country}"

    @property
    def record_id(self) -> str:
        return f"documents.report.{self.pk}"


class NumberEntry(models.Model):
    """One normalised number of one record, for the hit/no-hit query (system table, never listed).

    Written only by ``documents.actions`` (register entries, and case entities after each change).
    """

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Documento")
        PHONE = "phone", _("Teléfono")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    value = models.CharField(max_length=40)
    record_id = models.CharField(max_length=64, db_index=True)
    owner_institution = models.ForeignKey("core.Institution", on_delete=models.CASCADE, related_name="+")
    country = models.ForeignKey("core.Country", on_delete=models.CASCADE, related_name="+")
    # The widest a notice about this record may be (institution or country), set from the record.
    distribution = models.CharField(max_length=12)

    class Meta:
        indexes = [models.Index(fields=["kind", "value"], name="documents_number_lookup")]
        constraints = [models.UniqueConstraint(fields=["record_id", "kind", "value"], name="documents_number_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.record_id}"


access_documentreport_by_id = make_accessor(DocumentReport)
