"""Information-exchange agreements and the records shared under them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enlace.sharing.models import ProtectedModel, SharingGroup
from enlace.sharing.policy import OWNER_COUNTRY, SECRETARIAT, Rule


class Agreement(ProtectedModel):
    """A bilateral or multilateral agreement or memorandum between parties of the network.

    Its own record is shared with its parties (``sharing_group``, a plain group); while it is in
    force it also produces ``exchange_group`` (source "agreement"), under which the parties share
    records: suspension or expiry narrows that audience on the next request.
    """

    class Kind(models.TextChoices):
        BILATERAL = "bilateral", _("Bilateral")
        MULTILATERAL = "multilateral", _("Multilateral")
        MEMORANDUM = "memorandum", _("Memorando de entendimiento")

    class Status(models.TextChoices):
        DRAFT = "draft", _("En preparación")
        IN_FORCE = "in_force", _("Vigente")
        SUSPENDED = "suspended", _("Suspendido")
        EXPIRED = "expired", _("Vencido")

    title = models.CharField(_("título"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=14, choices=Kind.choices)
    parties = models.ManyToManyField("core.Country", related_name="+", verbose_name=_("partes"))
    starts_on = models.DateField(_("vigente desde"))
    ends_on = models.DateField(_("vigente hasta"), null=True, blank=True)
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    purposes = models.JSONField(_("fines permitidos"), default=list)
    data_categories = models.JSONField(_("categorías de datos"), default=list)
    response_days = models.PositiveSmallIntegerField(_("plazo de respuesta acordado (días)"), default=15)
    limit_intelligence_only = models.BooleanField(_("uso solo para inteligencia"), default=False)
    limit_no_judicial_use = models.BooleanField(_("sin uso judicial sin consentimiento"), default=True)
    text = models.TextField(_("texto"), blank=True)
    text_version = models.PositiveIntegerField(_("versión del texto"), default=1)
    contact_points = models.ManyToManyField("directory.Contact", blank=True, related_name="+",
                                            verbose_name=_("puntos de contacto"))
    exchange_group = models.OneToOneField(SharingGroup, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="agreement", verbose_name=_("grupo del acuerdo"))

    write_rules = {
        "change": Rule(who=(OWNER_COUNTRY,), permission="agreements.change_agreement"),
        "decide": Rule(who=(OWNER_COUNTRY, SECRETARIAT), permission="agreements.decide_agreement"),
    }

    class Meta:
        ordering = ["-starts_on", "title"]
        permissions = [("decide_agreement", "Can bring into force, suspend or end an agreement"),
                       ("onboard_party", "Can onboard a new party to the network")]
        constraints = [models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                                              name="agreement_ends_after_start")]
        verbose_name = _("acuerdo")
        verbose_name_plural = _("acuerdos")

    def __str__(self) -> str:
        return self.title


class AgreementShare(ProtectedModel):
    """A record its owner shared under an agreement, with the purpose declared (seen by the owner's
    country: it is how the owner is told what stopped being shared when the agreement ends)."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("acuerdo"))
    record_type = models.CharField(_("tipo de registro"), max_length=100)
    record_id = models.PositiveBigIntegerField(_("registro"))
    record_label = models.CharField(_("registro compartido"), max_length=200)
    purpose = models.CharField(_("fin"), max_length=30)
    stopped_at = models.DateTimeField(_("dejó de compartirse"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["record_type", "record_id"])]
        verbose_name = _("registro compartido bajo acuerdo")
        verbose_name_plural = _("registros compartidos bajo acuerdos")

    def __str__(self) -> str:
        return self.record_label


class AgreementText(models.Model):
    """One version of an agreement's text, with the signed document when there is one (stored encrypted).

    Versions are only ever added: an amendment or a corrected text is a new version and the earlier
    ones stay readable. Not a protected model of its own: it is read only through the agreement the
    user may see (``access_by_id(Agreement, ...)``), so its audience is exactly the agreement's.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="+", verbose_name=_("acuerdo"))
    version = models.PositiveIntegerField(_("versión"))
    text = models.TextField(_("texto"), blank=True)
    note = models.CharField(_("qué cambia"), max_length=300, blank=True)
    filename = models.CharField(_("documento"), max_length=200, blank=True)
    mime = models.CharField(max_length=120, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    stored_path = models.CharField(max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(_("registrada"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
                                   verbose_name=_("registrada por"))

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["agreement", "version"], name="agreement_text_version_unique")]
        verbose_name = _("versión del texto")
        verbose_name_plural = _("versiones del texto")

    def __str__(self) -> str:
        return f"v{self.version}"
