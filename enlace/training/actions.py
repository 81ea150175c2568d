"""Every change to training requests, the catalogue, events, registrations and attendance."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from enlace.audit.log import log_event
from enlace.core.uploads import store_encrypted, validate_upload
from enlace.portal.models import PortalEntry
from enlace.sharing.access import require
from enlace.sharing.policy import Distribution, has_cross_border_standing

from .models import Course, CourseDocument, Event, Registration, TrainingRequest, TrainingResponse

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024


def _own(user, perm):
    if not user.has_perm(perm) or user.institution_id is None:
        raise PermissionDenied(_("No tiene permiso para registrar esto."))


@transaction.atomic
def do_create_training_request(user, data: dict, *, distribution: str = Distribution.NETWORK, sharing_group=None):
    """A country asks for training or technical assistance (shared with the network so the ST can answer)."""
    _own(user, "training.add_trainingrequest")
    req = TrainingRequest(owner_institution=user.institution, created_by=user, distribution=distribution,
                          sharing_group=sharing_group, **data)
    if req.preferred_from and req.preferred_to and req.preferred_to < req.preferred_from:
        raise ValidationError({"preferred_to": _("La fecha final no puede ser anterior a la inicial.")})
    req.clean_sharing()
    req.full_clean(exclude=["owner_institution", "created_by", "sharing_group"])
    req.save()
    log_event("write", user=user, obj=req, after={"distribution": req.distribution, "status": req.status})
    return req


@transaction.atomic
def do_respond_training_request(user, req: TrainingRequest, *, text: str) -> TrainingResponse:
    """The ST or a partner answers (offer, plan); the request moves to "planned"."""
    req = require(user, req, "respond")
    if not (text or "").strip():
        raise ValidationError({"text": _("Escriba la respuesta.")})
    resp = TrainingResponse.objects.create(request=req, author=user, country=user.institution.country,
                                           text=text.strip()[:4000])
    before = req.status
    if req.status == TrainingRequest.Status.OPEN:
        req.status = TrainingRequest.Status.PLANNED
        req.save(update_fields=["status", "updated_at"])
    log_event("write", user=user, obj=req, before={"status": before}, after={"status": req.status},
              detail={"response": resp.pk})
    return resp


@transaction.atomic
def do_follow_up_training_request(user, req: TrainingRequest, *, status: str, note: str = "") -> TrainingRequest:
    """The requesting institution records the follow-up (done, closed…), optionally with a note."""
    req = require(user, req, "change")
    if status not in TrainingRequest.Status.values:
        raise ValidationError({"status": _("Elija un estado válido.")})
    before = req.status
    req.status = status
    req.save(update_fields=["status", "updated_at"])
    if note.strip():
        TrainingResponse.objects.create(request=req, author=user, country=user.institution.country, text=note.strip()[:4000])
    log_event("write", user=user, obj=req, before={"status": before}, after={"status": status})
    return req


@transaction.atomic
def do_create_course(user, data: dict) -> Course:
    """The ST adds a course to the network's catalogue."""
    if not user.has_perm("training.manage_course"):
        raise PermissionDenied(_("No tiene permiso para gestionar el catálogo."))
    course = Course(**data)
    course.full_clean()
    course.save()
    log_event("write", user=user, obj=course)
    return course


@transaction.atomic
def do_add_course_document(user, course: Course, *, title: str, upload) -> CourseDocument:
    """A manual or guide; the same title again is the next version (earlier versions are kept)."""
    if not user.has_perm("training.manage_course"):
        raise PermissionDenied(_("No tiene permiso para gestionar el catálogo."))
    try:
        mime = validate_upload(upload, kinds=("pdf", "office", "text"), max_bytes=MAX_DOCUMENT_BYTES)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    last = CourseDocument.objects.filter(course=course, title=title).aggregate(v=Max("version"))["v"] or 0
    rel, digest, size = store_encrypted(upload)
    doc = CourseDocument.objects.create(course=course, title=title, version=last + 1, mime=mime, stored=rel,
                                        sha256=digest, size=size, uploaded_by=user)
    log_event("write", user=user, obj=course, detail={"document": doc.pk, "version": doc.version})
    return doc


@transaction.atomic
def do_create_event(user, data: dict, *, distribution: str = Distribution.INSTITUTION, sharing_group=None) -> Event:
    """A national or regional event organised by the user's institution."""
    _own(user, "training.add_event")
    event = Event(owner_institution=user.institution, created_by=user, distribution=distribution,
                  sharing_group=sharing_group, **data)
    if event.starts_at and event.ends_at and event.ends_at < event.starts_at:
        raise ValidationError({"ends_at": _("El fin no puede ser anterior al inicio.")})
    event.clean_sharing()
    event.full_clean(exclude=["owner_institution", "created_by", "sharing_group"])
    event.save()
    log_event("write", user=user, obj=event, after={"distribution": event.distribution, "scope": event.scope})
    return event


@transaction.atomic
def do_register_for_event(user, event: Event) -> Registration:
    """An official whose Cancillería authorisation is in force registers (once; within capacity)."""
    event = require(user, event, "register")
    if not has_cross_border_standing(user):
        raise ValidationError({"event": _("Solo pueden inscribirse funcionarios autorizados por su Cancillería.")})
    regs = Registration.objects.filter(event=event)
    if regs.filter(user=user).exists():
        raise ValidationError({"event": _("Ya está inscrito en este evento.")})
    if regs.count() >= event.capacity:
        raise ValidationError({"event": _("No quedan plazas en este evento.")})
    reg = Registration.objects.create(event=event, user=user, country=user.institution.country)
    log_event("write", user=user, obj=event, detail={"registration": reg.pk})
    return reg


@transaction.atomic
def do_record_attendance(user, event: Event, attended_ids) -> int:
    """The organiser marks who attended (the rest: not attended). Returns how many attended."""
    event = require(user, event, "attendance")
    ids = {int(i) for i in attended_ids if str(i).isdigit()}
    regs = Registration.objects.filter(event=event)
    regs.update(attended=False)
    n = regs.filter(pk__in=ids).update(attended=True)
    log_event("write", user=user, obj=event, detail={"attended": n})
    return n


@transaction.atomic
def do_propose_event(user, event: Event, data: dict) -> PortalEntry:
    """The organiser proposes the event for the portal's calendar (no participant ever goes with it)."""
    from enlace.portal.actions import upsert_projection

    event = require(user, event, "propose")
    fields = {k: data.get(k, "") for k in ("title_es", "title_en", "summary_es", "summary_en")}
    fields.update(starts_at=event.starts_at, ends_at=event.ends_at, place=event.place, link=event.materials_url)
    entry = upsert_projection(user, source=event, kind=PortalEntry.Kind.EVENT, fields=fields)
    log_event("write", user=user, obj=event, detail={"proposed": True, "entry": entry.pk})
    return entry
