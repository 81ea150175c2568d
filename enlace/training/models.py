"""Training and technical assistance (actions 1.7, 2.4, 4.7).

``TrainingRequest`` (a country asks; the ST and partners answer; the country follows up) and
``Event`` (a national or regional workshop) are protected records. The catalogue (``Course`` with
versioned ``CourseDocument``) is network reference material. Responses and registrations are
children read only through their accessed parent.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enlace.sharing.access import make_accessor
from enlace.sharing.models import ProtectedModel
from enlace.sharing.policy import OWNER_INSTITUTION, PARTIES, Rule
from enlace.sharing.querysets import ReferenceQuerySet


def _everyone_who_reads(prefix=""):
    return Q(**{f"{prefix}pk__isnull": False})


class TrainingRequest(ProtectedModel):
    """A request for training or technical assistance (topic, audience, dates) from one institution."""

    write_rules = {
        # Whoever reads the request and whose role may answer (the ST, partners through a group).
        "respond": Rule(who=(PARTIES,), permission="training.respond_trainingrequest"),
    }

    class Status(models.TextChoices):
        OPEN = "open", _("Abierta")
        PLANNED = "planned", _("Planificada")
        DONE = "done", _("Realizada")
        CLOSED = "closed", _("Cerrada sin realizar")

    topic = models.CharField(_("tema"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=12, choices=[("training", _("Capacitación")),
                                                               ("assistance", _("Asistencia técnica"))])
    audience = models.CharField(_("público destinatario"), max_length=300)
    preferred_from = models.DateField(_("desde"), null=True, blank=True)
    preferred_to = models.DateField(_("hasta"), null=True, blank=True)
    details = models.TextField(_("detalles"), max_length=4000, blank=True)
    status = models.CharField(_("estado"), max_length=8, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["-created_at"]
        permissions = [("respond_trainingrequest", "Can respond to training and technical assistance requests")]
        verbose_name = _("solicitud de capacitación o asistencia técnica")
        verbose_name_plural = _("solicitudes de capacitación o asistencia técnica")

    def __str__(self):
        return self.topic

    @classmethod
    def parties_q(cls, user, prefix=""):
        return _everyone_who_reads(prefix)


class TrainingResponse(models.Model):
    """An answer to a request (offer, plan, follow-up note) by the ST, a partner or the requester."""

    request = models.ForeignKey(TrainingRequest, on_delete=models.CASCADE, related_name="responses")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("respuesta"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


class Course(models.Model):
    """A course of the network's training catalogue: modules, trainers' team, materials."""

    title = models.CharField(_("título"), max_length=200)
    modules = models.TextField(_("módulos"), max_length=4000, blank=True)
    trainers = models.TextField(_("equipo de formadores"), max_length=2000, blank=True)
    audience = models.CharField(_("público destinatario"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        permissions = [("manage_course", "Can manage the training catalogue")]
        verbose_name = _("curso")
        verbose_name_plural = _("cursos")

    def __str__(self):
        return self.title


class CourseDocument(models.Model):
    """A manual or guide of a course; each upload of the same title is a new version (kept)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("título"), max_length=200)
    version = models.PositiveIntegerField(_("versión"))
    mime = models.CharField(max_length=100)
    stored = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        ordering = ["title", "-version"]
        constraints = [models.UniqueConstraint(fields=["course", "title", "version"], name="training_doc_version")]


class Event(ProtectedModel):
    """A national or regional workshop: authorised officials register, the organiser records attendance."""

    write_rules = {
        "register": Rule(who=(PARTIES,), permission="training.register_event"),
        "attendance": Rule(who=(OWNER_INSTITUTION,), permission="training.change_event"),
        "propose": Rule(who=(OWNER_INSTITUTION,), permission="training.change_event"),
    }

    class Scope(models.TextChoices):
        NATIONAL = "national", _("Nacional")
        REGIONAL = "regional", _("Regional")

    title = models.CharField(_("título"), max_length=200)
    scope = models.CharField(_("ámbito"), max_length=8, choices=Scope.choices)
    course = models.ForeignKey(Course, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name=_("curso"))
    starts_at = models.DateTimeField(_("inicio"))
    ends_at = models.DateTimeField(_("fin"))
    place = models.CharField(_("lugar"), max_length=200)
    description = models.TextField(_("descripción"), max_length=4000, blank=True)
    capacity = models.PositiveIntegerField(_("plazas"), default=30)
    materials_url = models.URLField(_("materiales"), blank=True, max_length=500)

    class Meta:
        ordering = ["starts_at"]
        permissions = [("register_event", "Can register for training events")]
        verbose_name = _("evento de capacitación")
        verbose_name_plural = _("eventos de capacitación")

    def __str__(self):
        return self.title

    @classmethod
    def parties_q(cls, user, prefix=""):
        return _everyone_who_reads(prefix)


class Registration(models.Model):
    """One official registered for one event; ``attended`` is set by the organiser."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    country = models.ForeignKey("core.Country", on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField(_("asistió"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="training_one_registration")]


access_trainingrequest_by_id = make_accessor(TrainingRequest)
access_event_by_id = make_accessor(Event)
