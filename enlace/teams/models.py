"""Joint investigation teams: members, workspace (shared records, tasks, documents, notes), thread."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enlace.sharing.models import ProtectedModel, SharingGroup
from enlace.sharing.policy import OWNER_INSTITUTION, PARTIES, Rule, user_country


class JointTeam(ProtectedModel):
    """A team created by one country and joined by the invited countries that accept.

    Two groups: ``sharing_group`` (this record's audience: the creator's country and every invited or
    accepted country, so invitees can read what they are asked to join) and ``workspace_group``
    (source "team": the creator's country and the accepted members only), the audience of everything
    in the workspace. Leaving removes a country from both; closing suspends the workspace group.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Abierto")
        CLOSED = "closed", _("Cerrado")

    name = models.CharField(_("nombre"), max_length=200)
    purpose = models.TextField(_("finalidad"))
    agreement = models.ForeignKey("agreements.Agreement", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("acuerdo"))
    purpose_code = models.CharField(_("fin del acuerdo"), max_length=30, blank=True)
    starts_on = models.DateField(_("desde"))
    ends_on = models.DateField(_("hasta"))
    status = models.CharField(_("estado"), max_length=8, choices=Status.choices, default=Status.OPEN, db_index=True)
    workspace_group = models.OneToOneField(SharingGroup, on_delete=models.PROTECT, related_name="team",
                                           verbose_name=_("grupo del espacio de trabajo"))
    thread = models.ForeignKey("exchange.Thread", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("hilo"))

    write_rules = {
        "change": Rule(who=(OWNER_INSTITUTION,), permission="teams.change_jointteam"),
        "accept": Rule(who=(PARTIES,), permission="teams.accept_jointteam"),
    }

    class Meta:
        ordering = ["-created_at"]
        permissions = [("accept_jointteam", "Can accept or decline an invitation to a joint team")]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="team_ends_after_start")]
        verbose_name = _("equipo conjunto de investigación")
        verbose_name_plural = _("equipos conjuntos de investigación")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def parties_q(cls, user, prefix: str = "") -> Q:
        """Teams to which the user's country is invited (a subquery: no repeated rows)."""
        country = user_country(user)
        if country is None:
            return Q(**{f"{prefix}pk__in": []})
        invited = TeamMember.objects.filter(country=country.pk, status=TeamMember.Status.INVITED).values("team_id")
        return Q(**{f"{prefix}pk__in": invited})


class TeamMember(models.Model):
    """One country's membership of a team (reference-like: codes and states only, no content).
    Read only after the team itself was read through the policy."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invitado")
        ACCEPTED = "accepted", _("Aceptó")
        DECLINED = "declined", _("Declinó")
        LEFT = "left", _("Se retiró")

    team = models.ForeignKey(JointTeam, on_delete=models.CASCADE, related_name="members")
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    decided_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["country__code"]
        constraints = [models.UniqueConstraint(fields=["team", "country"], name="team_member_once")]
        verbose_name = _("miembro del equipo")
        verbose_name_plural = _("miembros del equipo")

    def __str__(self) -> str:
        return f"{self.country.code} ({self.status})"


class TeamEntry(ProtectedModel):
    """One item of a team's workspace and timeline: a shared record, a task with a deadline, a document
    (a file and/or a note) or a membership event. Shared with the workspace group (accepted members); owned by the
    institution that added it. A shared record stays owned by its country: the entry only points to it."""

    class Kind(models.TextChoices):
        SHARED = "shared", _("Registro compartido")
        TASK = "task", _("Tarea")
        DOCUMENT = "document", _("Documento")
        EVENT = "event", _("Evento")

    team = models.ForeignKey(JointTeam, on_delete=models.CASCADE, related_name="+", verbose_name=_("equipo"))
    kind = models.CharField(_("tipo"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("título"), max_length=200)
    body = models.TextField(_("texto"), blank=True)
    record_type = models.CharField(_("tipo de registro"), max_length=100, blank=True)
    record_id = models.PositiveBigIntegerField(_("registro"), null=True, blank=True)
    due_on = models.DateField(_("plazo"), null=True, blank=True)
    done = models.BooleanField(_("hecha"), default=False)
    # A document entry may carry a file (stored encrypted); its reads are audited like any record's,
    # which is what the workspace's "who saw what" shows.
    filename = models.CharField(_("archivo"), max_length=200, blank=True)
    mime = models.CharField(max_length=120, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    stored_path = models.CharField(max_length=300, blank=True, editable=False)

    sharing_parent = "team"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("entrada del equipo")
        verbose_name_plural = _("entradas del equipo")

    def __str__(self) -> str:
        return self.title
