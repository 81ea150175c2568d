"""National coordination: who answers what inside a country, and the messages routed by that protocol."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enlace.exchange import choices as exchange_choices
from enlace.sharing.models import ProtectedModel
from enlace.sharing.policy import Distribution, OWNER_COUNTRY, OWNER_INSTITUTION, PARTIES, Rule


class NationalRoute(ProtectedModel):
    """One line of a country's own protocol: a message of ``kind`` from an institution of ``from_type``
    is answered by ``answered_by`` (e.g. a regional liaison prosecutor → the specialised prosecution office;
    migration ↔ police ↔ prosecution). Kept by the country's Cancillería (or any institution it delegates)."""

    kind = models.CharField(_("tipo de mensaje"), max_length=30, choices=exchange_choices.KINDS)
    from_type = models.CharField(_("institución que pregunta (tipo)"), max_length=20)
    answered_by = models.ForeignKey("core.Institution", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("responde"))

    write_rules = {"change": Rule(who=(OWNER_COUNTRY,), permission="coordination.change_nationalroute")}
    widest_distribution = Distribution.COUNTRY  # a country's own protocol never leaves it

    class Meta:
        ordering = ["kind", "from_type"]
        verbose_name = _("regla del protocolo nacional")
        verbose_name_plural = _("protocolo nacional")

    def __str__(self) -> str:
        return f"{self.kind}/{self.from_type}"


class NationalMessage(ProtectedModel):
    """A message between two institutions of the same country, with the exchange's message types,
    priorities, deadlines and audit. Seen in the country; answered by the addressed institution."""

    class Status(models.TextChoices):
        SENT = "sent", _("Enviado")
        ACKNOWLEDGED = "acknowledged", _("Acusado")
        ANSWERED = "answered", _("Respondido")

    kind = models.CharField(_("tipo"), max_length=30, choices=exchange_choices.KINDS)
    priority = models.CharField(_("prioridad"), max_length=10, choices=exchange_choices.PRIORITIES, default="normal")
    subject = models.CharField(_("asunto"), max_length=200)
    body = models.TextField(_("texto"))
    to_institution = models.ForeignKey("core.Institution", on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("institución destinataria"))
    routed_by_protocol = models.BooleanField(_("según el protocolo nacional"), default=False)
    status = models.CharField(_("estado"), max_length=14, choices=Status.choices, default=Status.SENT, db_index=True)
    due_at = models.DateTimeField(_("plazo"))
    overdue_at = models.DateTimeField(_("vencido"), null=True, blank=True)
    answer = models.TextField(_("respuesta"), blank=True)
    answered_at = models.DateTimeField(_("respondido"), null=True, blank=True)

    widest_distribution = Distribution.COUNTRY  # national coordination: no path widens it beyond the country
    write_rules = {
        "change": Rule(who=(OWNER_INSTITUTION,), permission="coordination.change_nationalmessage"),
        "answer": Rule(who=(PARTIES,), permission="coordination.answer_nationalmessage"),
    }

    class Meta:
        ordering = ["-created_at"]
        permissions = [("answer_nationalmessage", "Can acknowledge and answer national coordination messages")]
        verbose_name = _("mensaje de coordinación nacional")
        verbose_name_plural = _("mensajes de coordinación nacional")

    def __str__(self) -> str:
        return self.subject

    @classmethod
    def parties_q(cls, user, prefix: str = "") -> Q:
        """The addressed institution answers."""
        return Q(**{f"{prefix}to_institution": getattr(user, "institution_id", None) or 0})
