"""The public portal's content: one ``PortalEntry`` per thing the public may read.

An entry is either written by a portal editor (news, agreements, publications, campaigns) or is
the anonymised projection of a workspace record (a good practice, a case brief, an event) that its
owner proposed. Nothing reaches the public until the Secretaría Técnica approves it: approval
runs the publish step (``sharing.actions.do_publish_record``), which sets ``distribution=public``;
the portal reads entries only with ``restrict(AnonymousUser(), "list")``.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from enlace.sharing.access import make_accessor
from enlace.sharing.models import ProtectedModel
from enlace.sharing.policy import OWNER_INSTITUTION, SECRETARIAT, Rule


class PortalEntry(ProtectedModel):
    """One public item of the portal, in Spanish and (optionally) English; never personal data."""

    publishable = True
    write_rules = {
        # The ST approves (publishes) or sends back; the owner edits its draft.
        "approve": Rule(who=(SECRETARIAT,), permission="portal.approve_portalentry"),
        "change": Rule(who=(OWNER_INSTITUTION,), permission="portal.change_portalentry"),
    }

    class Kind(models.TextChoices):
        NEWS = "news", _("Noticia")
        AGREEMENT = "agreement", _("Acuerdo o declaración")
        PUBLICATION = "publication", _("Publicación")
        CAMPAIGN = "campaign", _("Campaña")
        PRACTICE = "practice", _("Buena práctica")
        CASE = "case", _("Caso de jurisprudencia")
        EVENT = "event", _("Evento")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Borrador")
        PROPOSED = "proposed", _("Pendiente de aprobación de la ST")
        PUBLISHED = "published", _("Publicado")
        WITHDRAWN = "withdrawn", _("Retirado")

    kind = models.CharField(_("tipo"), max_length=12, choices=Kind.choices, db_index=True)
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    title_es = models.CharField(_("título (español)"), max_length=200)
    title_en = models.CharField(_("título (inglés)"), max_length=200, blank=True)
    summary_es = models.TextField(_("resumen (español)"), max_length=2000)
    summary_en = models.TextField(_("resumen (inglés)"), max_length=2000, blank=True)
    body_es = models.TextField(_("texto (español)"), max_length=20000, blank=True)
    body_en = models.TextField(_("texto (inglés)"), max_length=20000, blank=True)
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("país"))
    theme = models.ForeignKey("knowledge.Theme", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              verbose_name=_("tema"))
    link = models.URLField(_("enlace"), blank=True, max_length=500)
    starts_at = models.DateTimeField(_("inicio"), null=True, blank=True)
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    place = models.CharField(_("lugar"), max_length=200, blank=True)
    # The workspace record this entry projects ("practices.practice", 12); empty for editors' items.
    source_type = models.CharField(max_length=40, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    published_at = models.DateTimeField(_("publicado"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-published_at", "-created_at"]
        permissions = [("approve_portalentry", "Can approve portal entries (Secretaría Técnica)")]
        verbose_name = _("contenido del portal")
        verbose_name_plural = _("contenidos del portal")
        constraints = [models.UniqueConstraint(fields=["source_type", "source_id"], name="portal_one_entry_per_source",
                                               condition=~models.Q(source_type=""))]

    def __str__(self):
        return self.title

    def _pick(self, es, en):
        return en if (get_language() or "es").startswith("en") and en else es

    @property
    def title(self):
        return self._pick(self.title_es, self.title_en)

    @property
    def summary(self):
        return self._pick(self.summary_es, self.summary_en)

    @property
    def body(self):
        return self._pick(self.body_es, self.body_en)

    def public_texts(self) -> list[str]:
        return [self.title_es, self.title_en, self.summary_es, self.summary_en, self.body_es, self.body_en, self.place]


access_portalentry_by_id = make_accessor(PortalEntry)
