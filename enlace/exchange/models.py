"""Secure exchange: threads between an originating institution and recipient countries, their
messages, receipts, attachments and forwarding requests; joint MLA drafts and their versions.

Every row is a protected record owned by the institution that wrote it (threads: the originator).
Recipients see a thread because its sharing group holds their country; messages, receipts,
attachments and forward requests are children of the thread (``sharing_parent = "thread"``), so
they can never reach further than the thread does.

Who may take each step is declared here (``write_rules``) and decided by the sharing policy:

* the thread's **parties** (``Thread.parties_q``) are the originating institution and, once the
  thread is sent, the officials of every recipient country: they reply and attach;
* the **originator** (owner institution) edits and sends its drafts, discards them, closes the
  thread and decides forward requests;
* a **recipient** acts on its own country's ``Receipt`` (``Receipt.parties_q``): delivery,
  acknowledgement, the answer, and the request to forward;
* an MLA draft's **drafting parties** (``MlaDraft.parties_q``: the requesting institution and the
  requested country) add versions; the requesting institution records the formal status.

Sent messages, attachments, receipts, forward requests and MLA versions are never edited or
deleted by anyone (``Rule(who=())``). Anyone else gets 404 from the policy.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from django.db.models import Q

from enlace.sharing import policy
from enlace.sharing.access import make_accessor
from enlace.sharing.models import ProtectedModel
from enlace.sharing.policy import OWNER_INSTITUTION, PARTIES, Rule

from . import choices

# Every step of a thread needs the exchange permission (focal points and prosecutors hold it).
_STEP = "exchange.change_thread"
# Sent content is a record of what was said: nobody edits or deletes it afterwards.
_NOBODY = Rule(who=())
_IMMUTABLE = {"change": _NOBODY, "delete": _NOBODY}


def _country_id(user):
    institution = getattr(user, "institution", None)
    return institution.country_id if institution is not None else None


class Thread(ProtectedModel):
    """A request, answer, spontaneous information or alert from one institution to recipient countries.

    A draft is seen by its institution only; sending shares it with a sharing group of the
    recipient countries and the originator's country. Parties: the originator and the recipients.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Borrador")
        SENT = "sent", _("Enviado")
        DELIVERED = "delivered", _("Entregado")
        ACKNOWLEDGED = "acknowledged", _("Acuse de recibo")
        ANSWERED = "answered", _("Respondido")
        CLOSED = "closed", _("Cerrado")
        OVERDUE = "overdue", _("Vencido")

    kind = models.CharField(_("tipo"), max_length=24, choices=choices.KINDS)
    subject = models.CharField(_("asunto"), max_length=200)
    body = models.TextField(_("texto"), blank=True)
    details = models.JSONField(_("datos estructurados"), default=dict, blank=True)
    priority = models.CharField(_("prioridad"), max_length=8, choices=choices.PRIORITIES, default="normal")
    due_at = models.DateTimeField(_("plazo"), null=True, blank=True)
    status = models.CharField(_("estado"), max_length=12, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    source_grading = models.CharField(_("fiabilidad de la fuente"), max_length=1, choices=choices.SOURCE_GRADES,
                                      default="X")
    info_grading = models.CharField(_("valoración de la información"), max_length=1, choices=choices.INFO_GRADES,
                                    default="4")
    recipient_countries = models.ManyToManyField("core.Country", related_name="+", blank=True,
                                                 verbose_name=_("países destinatarios"))
    recipient_institutions = models.ManyToManyField("core.Institution", related_name="+", blank=True,
                                                    verbose_name=_("instituciones destinatarias"))
    recipient_users = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True,
                                             verbose_name=_("puntos focales destinatarios"))
    sent_at = models.DateTimeField(_("enviado el"), null=True, blank=True)
    closed_at = models.DateTimeField(_("cerrado el"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=80, blank=True, editable=False)
    case_reference = models.CharField(_("referencia del caso"), max_length=100, blank=True)

    personal_data = True
    write_rules = {
        "change": Rule(who=(OWNER_INSTITUTION,), permission=_STEP),          # edit / send a draft
        "delete": Rule(who=(OWNER_INSTITUTION,), permission="exchange.delete_thread"),  # discard a draft
        "close": Rule(who=(OWNER_INSTITUTION,), permission=_STEP),
        "reply": Rule(who=(PARTIES,), permission=_STEP),
        "attach": Rule(who=(PARTIES,), permission=_STEP),
    }

    class Meta:
        ordering = ["-sent_at", "-created_at", "-pk"]
        permissions = [("export_thread", "Can export exchange threads"),
                       ("view_responsiveness", "Can see the responsiveness dashboard")]
        constraints = [models.UniqueConstraint(fields=["created_by", "idempotency_key"],
                                               condition=~models.Q(idempotency_key=""),
                                               name="exchange_thread_idempotency")]
        verbose_name = _("hilo de intercambio")
        verbose_name_plural = _("hilos de intercambio")

    def __str__(self) -> str:
        return self.subject

    @classmethod
    def recipients_q(cls, user, prefix: str = "") -> Q:
        """Sent threads addressed to the user's country (a subquery: no join, no duplicate rows)."""
        addressed = cls.recipient_countries.through.objects.filter(country_id=_country_id(user)).values("thread_id")
        return Q(**{f"{prefix}pk__in": addressed}) & ~Q(**{f"{prefix}status": cls.Status.DRAFT})

    @classmethod
    def parties_q(cls, user, prefix: str = "") -> Q:
        """The thread's parties: the originating institution, and the recipient countries once it is sent."""
        originator = Q(**{f"{prefix}owner_institution": user.institution.pk})
        return originator | cls.recipients_q(user, prefix)

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.DRAFT, self.Status.CLOSED)

    def expects_answer(self) -> bool:
        return self.kind in choices.KINDS_EXPECTING_ANSWER


class Message(ProtectedModel):
    """A reply in a thread. ``is_answer`` marks the substantive answer to the request."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages", verbose_name=_("hilo"))
    body = models.TextField(_("texto"))
    is_answer = models.BooleanField(_("es la respuesta"), default=False)
    idempotency_key = models.CharField(max_length=80, blank=True, editable=False)

    sharing_parent = "thread"
    personal_data = True
    write_rules = _IMMUTABLE

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["created_by", "idempotency_key"],
                                               condition=~models.Q(idempotency_key=""),
                                               name="exchange_message_idempotency")]
        verbose_name = _("mensaje")
        verbose_name_plural = _("mensajes")

    def __str__(self) -> str:
        return f"{self.thread_id} · {self.created_at:%Y-%m-%d %H:%M}"

    @classmethod
    def parties_q(cls, user, prefix: str = "") -> Q:
        """The parties of the message's thread."""
        return Thread.parties_q(user, f"{prefix}thread__")


class Receipt(ProtectedModel):
    """Where a thread stands for one recipient country: delivery, acknowledgement, answer, escalation.

    Owned by the originator (it is the originator's record of delivery). The recipient country's
    officials are its parties: delivery, acknowledgement, the answer and the request to forward
    are their decisions on their own country's receipt; the originator cannot take them.
    """

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("hilo"))
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("país"))
    delivered_at = models.DateTimeField(_("entregado el"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acuse el"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("acusado por"))
    answered_at = models.DateTimeField(_("respondido el"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("vencido el"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalado el"), null=True, blank=True)

    sharing_parent = "thread"
    write_rules = {
        **_IMMUTABLE,
        "share": Rule(who=(OWNER_INSTITUTION,), permission=_STEP),  # the originator may narrow it
        "deliver": Rule(who=(PARTIES,), permission=_STEP),
        "acknowledge": Rule(who=(PARTIES,), permission=_STEP),
        "answer": Rule(who=(PARTIES,), permission=_STEP),
        "request_forward": Rule(who=(PARTIES,), permission=_STEP),
    }

    class Meta:
        ordering = ["country__name_es"]
        constraints = [models.UniqueConstraint(fields=["thread", "country"], name="exchange_receipt_unique")]
        verbose_name = _("acuse por país")
        verbose_name_plural = _("acuses por país")

    def __str__(self) -> str:
        return f"{self.thread_id} → {self.country_id}"

    @classmethod
    def parties_q(cls, user, prefix: str = "") -> Q:
        """Officials of the receipt's recipient country, once the thread is sent."""
        return Q(**{f"{prefix}country": _country_id(user)}) & ~Q(**{f"{prefix}thread__status": Thread.Status.DRAFT})


class MetricQuerySet(models.QuerySet):
    """Response times are statistics about the network: only those granted the dashboard read them."""

    def restrict(self, user, action: str = "view"):
        policy.check_action(action)
        if action in policy.WRITE_ACTIONS or not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if not user.has_perm("exchange.view_responsiveness"):
            return self.none()
        return self.all()


class ResponseMetric(models.Model):
    """What the ST's responsiveness dashboard counts: times only, no content, no origin, no thread.

    One row per (thread, recipient country), written by the exchange actions. The dashboard shows
    medians per recipient country; it never links back to a thread.
    """

    receipt = models.OneToOneField(Receipt, on_delete=models.SET_NULL, null=True, related_name="metric",
                                   editable=False)
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+", verbose_name=_("país"))
    kind = models.CharField(_("tipo"), max_length=24, choices=choices.KINDS)
    priority = models.CharField(_("prioridad"), max_length=8, choices=choices.PRIORITIES)
    sent_at = models.DateTimeField(_("enviado el"))
    acknowledged_at = models.DateTimeField(_("acuse el"), null=True, blank=True)
    answered_at = models.DateTimeField(_("respondido el"), null=True, blank=True)
    overdue = models.BooleanField(_("vencido"), default=False)

    objects = MetricQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("métrica de respuesta")
        verbose_name_plural = _("métricas de respuesta")


class Attachment(ProtectedModel):
    """A file added to a thread (or to one of its messages), stored encrypted; read only through the policy."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("hilo"))
    message = models.ForeignKey(Message, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments",
                                verbose_name=_("mensaje"))
    filename = models.CharField(_("nombre del archivo"), max_length=200)
    mime = models.CharField(_("tipo"), max_length=120)
    size = models.PositiveIntegerField(_("tamaño (bytes)"))
    sha256 = models.CharField(max_length=64)
    stored_path = models.CharField(max_length=300, editable=False)

    sharing_parent = "thread"
    personal_data = True
    write_rules = _IMMUTABLE

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("adjunto")
        verbose_name_plural = _("adjuntos")

    def __str__(self) -> str:
        return self.filename

    @classmethod
    def parties_q(cls, user, prefix: str = "") -> Q:
        """The parties of the attachment's thread."""
        return Thread.parties_q(user, f"{prefix}thread__")


class ForwardRequest(ProtectedModel):
    """A recipient asks the originator for consent to pass a thread on to another country.

    Owned by the thread's originator (who alone may decide), created by the requesting official.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pendiente")
        APPROVED = "approved", _("Aprobada")
        REFUSED = "refused", _("Denegada")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="forward_requests",
                               verbose_name=_("hilo"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("solicitado por"))
    target_country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("país al que se quiere transmitir"))
    reason = models.CharField(_("motivo"), max_length=500)
    status = models.CharField(_("estado"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decidido por"))
    decided_at = models.DateTimeField(_("decidido el"), null=True, blank=True)
    # A double click sends once: the same key from the same official returns the first one.
    idempotency_key = models.CharField(max_length=80, blank=True, editable=False)

    sharing_parent = "thread"
    write_rules = {**_IMMUTABLE,
                   "decide": Rule(who=(OWNER_INSTITUTION,), permission="exchange.change_forwardrequest")}

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["created_by", "idempotency_key"], condition=~models.Q(idempotency_key=""),
                                       name="exchange_forwardrequest_idempotency")]
        verbose_name = _("solicitud de reenvío")
        verbose_name_plural = _("solicitudes de reenvío")

    def __str__(self) -> str:
        return f"{self.thread_id} → {self.target_country_id}"

    @classmethod
    def parties_q(cls, user, prefix: str = "") -> Q:
        """The parties of the thread the request is about."""
        return Thread.parties_q(user, f"{prefix}thread__")


class MlaDraft(ProtectedModel):
    """A mutual legal assistance request prepared jointly by the requesting and requested prosecutors.

    Owned by the requesting institution. Its drafting parties (``parties_q``) are the requesting
    institution and the requested country: both add versions; only the requesting institution
    records where the formal request stands.
    """

    class FormalStatus(models.TextChoices):
        DRAFTING = "drafting", _("En redacción conjunta")
        READY = "ready", _("Lista para el canal formal")
        SENT = "sent", _("Enviada por el canal formal")
        RECEIVED = "received", _("Recibida por la autoridad central requerida")
        IN_EXECUTION = "in_execution", _("En ejecución")
        EXECUTED = "executed", _("Ejecutada")
        REFUSED = "refused", _("Denegada")
        WITHDRAWN = "withdrawn", _("Retirada")

    title = models.CharField(_("título"), max_length=200)
    requested_country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+",
                                          verbose_name=_("país requerido"))
    thread = models.ForeignKey(Thread, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("consulta previa"))
    formal_status = models.CharField(_("estado de la solicitud formal"), max_length=14,
                                     choices=FormalStatus.choices, default=FormalStatus.DRAFTING)
    formal_reference = models.CharField(_("referencia formal"), max_length=100, blank=True)
    formal_status_at = models.DateTimeField(_("estado actualizado el"), null=True, blank=True)
    # A double click sends once: the same key from the same official returns the first one.
    idempotency_key = models.CharField(max_length=80, blank=True, editable=False)

    personal_data = True
    write_rules = {
        "version": Rule(who=(PARTIES,), permission="exchange.change_mladraft"),
        "formal_status": Rule(who=(OWNER_INSTITUTION,), permission="exchange.change_mladraft"),
    }

    class Meta:
        ordering = ["-updated_at", "-pk"]
        permissions = [("export_mladraft", "Can export MLA drafts")]
        constraints = [models.UniqueConstraint(fields=["created_by", "idempotency_key"], condition=~models.Q(idempotency_key=""),
                                       name="exchange_mladraft_idempotency")]
        verbose_name = _("borrador de asistencia jurídica recíproca")
        verbose_name_plural = _("borradores de asistencia jurídica recíproca")

    def __str__(self) -> str:
        return self.title

    @classmethod
    def parties_q(cls, user, prefix: str = "") -> Q:
        """The drafting parties: the requesting institution (the owner) and the requested country's officials."""
        return (Q(**{f"{prefix}owner_institution": user.institution.pk})
                | Q(**{f"{prefix}requested_country": _country_id(user)}))


class MlaVersion(ProtectedModel):
    """One saved version of the draft's text (structured fields + checklist), by either side."""

    draft = models.ForeignKey(MlaDraft, on_delete=models.CASCADE, related_name="versions", verbose_name=_("borrador"))
    number = models.PositiveIntegerField(_("versión"))
    content = models.JSONField(_("contenido"), default=dict)
    checklist = models.JSONField(_("lista de verificación"), default=list, blank=True)
    note = models.CharField(_("nota de la versión"), max_length=300, blank=True)
    # A double click sends once: the same key from the same official returns the first one.
    idempotency_key = models.CharField(max_length=80, blank=True, editable=False)

    sharing_parent = "draft"
    personal_data = True
    write_rules = _IMMUTABLE

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="exchange_mlaversion_unique"),
                       models.UniqueConstraint(fields=["created_by", "idempotency_key"], condition=~models.Q(idempotency_key=""),
                                               name="exchange_mlaversion_idempotency")]
        verbose_name = _("versión del borrador")
        verbose_name_plural = _("versiones del borrador")

    def __str__(self) -> str:
        return f"v{self.number}"

    @classmethod
    def parties_q(cls, user, prefix: str = "") -> Q:
        """The drafting parties of the version's draft."""
        return MlaDraft.parties_q(user, f"{prefix}draft__")


access_thread_by_id = make_accessor(Thread)
access_message_by_id = make_accessor(Message)
access_attachment_by_id = make_accessor(Attachment)
access_forwardrequest_by_id = make_accessor(ForwardRequest)
access_mladraft_by_id = make_accessor(MlaDraft)
access_mlaversion_by_id = make_accessor(MlaVersion)
