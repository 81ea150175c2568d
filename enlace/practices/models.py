"""Good practices, the protection instruments map (action 4.3) and case-law briefs (S4 sources).

All three are protected records: the owner decides who reads them. Practices and case briefs
reach the public only as an anonymised ``portal.PortalEntry`` the owner proposes and the ST
approves; the record itself never becomes public. Feedback (comments, endorsements) and
attachments are children read only through an accessed practice.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enlace.sharing.access import make_accessor
from enlace.sharing.models import ProtectedModel
from enlace.sharing.policy import OWNER_INSTITUTION, PARTIES, Rule


class Practice(ProtectedModel):
    """A good practice of one institution: what it serves (theme, plan actions, UN recommendations)."""

    write_rules = {
        # Any official who may read it and whose role grants it may comment or endorse.
        "comment": Rule(who=(PARTIES,), permission="practices.comment_practice"),
        "propose": Rule(who=(OWNER_INSTITUTION,), permission="practices.change_practice"),
    }

    title = models.CharField(_("título"), max_length=200)
    theme = models.ForeignKey("knowledge.Theme", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("tema"))
    plan_actions = models.ManyToManyField("knowledge.PlanAction", blank=True, related_name="+",
                                          verbose_name=_("acciones del plan"))
    recommendations = models.ManyToManyField("knowledge.Recommendation", blank=True, related_name="+",
                                             verbose_name=_("recomendaciones de la ONU"))
    summary = models.TextField(_("resumen"), max_length=2000)
    body = models.TextField(_("descripción"), max_length=20000, blank=True)
    contacts = models.TextField(_("contactos"), max_length=2000, blank=True,
                                help_text=_("Personas de contacto: datos personales, nunca se publican."))

    class Meta:
        ordering = ["-created_at"]
        permissions = [("comment_practice", "Can comment on and endorse good practices")]
        verbose_name = _("buena práctica")
        verbose_name_plural = _("buenas prácticas")

    def __str__(self):
        return self.title

    @classmethod
    def parties_q(cls, user, prefix=""):
        # Everyone who reads the practice may comment (the read audience is intersected by the policy).
        return Q(**{f"{prefix}pk__isnull": False})


class PracticeFeedback(models.Model):
    """A comment or an endorsement by an official (usually of another country); read with the practice."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+")
    endorse = models.BooleanField(_("respaldo"), default=False)
    text = models.TextField(_("comentario"), max_length=4000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


class PracticeAttachment(models.Model):
    """A file of a practice, stored encrypted; read only through the accessed practice."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("nombre"), max_length=200)
    mime = models.CharField(max_length=100)
    stored = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class ProtectionTool(ProtectedModel):
    """A protocol, guide, tool or standard of protection (map of action 4.3), by level."""

    class Kind(models.TextChoices):
        PROTOCOL = "protocol", _("Protocolo")
        GUIDE = "guide", _("Guía")
        TOOL = "tool", _("Herramienta")
        STANDARD = "standard", _("Estándar")

    class Level(models.TextChoices):
        INSTITUTIONAL = "institutional", _("Institucional")
        NATIONAL = "national", _("Nacional")
        REGIONAL = "regional", _("Regional")

    title = models.CharField(_("título"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    level = models.CharField(_("nivel"), max_length=14, choices=Level.choices)
    description = models.TextField(_("descripción"), max_length=4000, blank=True)
    url = models.URLField(_("enlace"), blank=True, max_length=500)
    legislation = models.CharField(_("legislación relacionada"), max_length=300, blank=True)
    practices = models.ManyToManyField(Practice, blank=True, related_name="+", verbose_name=_("buenas prácticas"))

    class Meta:
        ordering = ["level", "title"]
        verbose_name = _("instrumento de protección")
        verbose_name_plural = _("instrumentos de protección")

    def __str__(self):
        return self.title


class CaseBrief(ProtectedModel):
    """A judgement summarised (court, offence, Protocol articles applied, outcome), anonymised.

    ``persons_named`` keeps, for the owner only, who the judgement names: it must be empty before
    the brief is proposed for the portal.
    """

    write_rules = {"propose": Rule(who=(OWNER_INSTITUTION,), permission="practices.change_casebrief")}

    class Offence(models.TextChoices):
        SMUGGLING = "smuggling", _("Tráfico ilícito de migrantes")
        TRAFFICKING = "trafficking", _("Trata de personas")
        RELATED = "related", _("Delito conexo")

    title = models.CharField(_("título"), max_length=200)
    court = models.CharField(_("tribunal"), max_length=200)
    decided_on = models.DateField(_("fecha de la sentencia"))
    offence = models.CharField(_("delito"), max_length=12, choices=Offence.choices)
    articles = models.CharField(_("artículos de los Protocolos aplicados"), max_length=200, blank=True)
    outcome = models.CharField(_("resultado"), max_length=300)
    summary = models.TextField(_("resumen"), max_length=6000)
    judgement_url = models.URLField(_("enlace a la sentencia"), blank=True, max_length=500)
    persons_named = models.TextField(_("personas mencionadas"), max_length=2000, blank=True,
                                     help_text=_("Datos personales: vacíe este campo antes de proponer la publicación."))

    class Meta:
        ordering = ["-decided_on"]
        verbose_name = _("caso de jurisprudencia")
        verbose_name_plural = _("casos de jurisprudencia")

    def __str__(self):
        return self.title


access_practice_by_id = make_accessor(Practice)
access_protectiontool_by_id = make_accessor(ProtectionTool)
access_casebrief_by_id = make_accessor(CaseBrief)
