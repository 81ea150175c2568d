"""Every change to good practices, protection instruments and case briefs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enlace.audit.log import log_event
from enlace.core.uploads import store_encrypted, validate_upload
from enlace.portal.anonymity import names_in
from enlace.portal.models import PortalEntry
from enlace.sharing.access import require
from enlace.sharing.policy import Distribution

from .models import CaseBrief, Practice, PracticeAttachment, PracticeFeedback, ProtectionTool

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
ATTACHMENT_KINDS = ("pdf", "image", "office", "text")


def _new(model, user, data: dict, *, distribution: str, sharing_group=None, m2m=()):
    if not user.has_perm(f"practices.add_{model._meta.model_name}") or user.institution_id is None:
        raise PermissionDenied(_("No tiene permiso para registrar esto."))
    related = {k: data.pop(k) for k in list(data) if k in m2m}
    record = model(owner_institution=user.institution, created_by=user, distribution=distribution,
                   sharing_group=sharing_group, **data)
    record.clean_sharing()
    record.full_clean(exclude=["owner_institution", "created_by", "sharing_group"])
    record.save()
    for k, values in related.items():
        getattr(record, k).set(values)
    return record


@transaction.atomic
def do_create_practice(user, data: dict, *, distribution: str = Distribution.INSTITUTION, sharing_group=None):
    """A good practice of the user's institution (deny by default: institution only)."""
    practice = _new(Practice, user, dict(data), distribution=distribution, sharing_group=sharing_group,
                    m2m=("plan_actions", "recommendations"))
    log_event("write", user=user, obj=practice, after={"distribution": practice.distribution})
    return practice


@transaction.atomic
def do_edit_practice(user, practice: Practice, data: dict) -> Practice:
    """The owner institution edits its practice."""
    practice = require(user, practice, "change")
    related = {k: data.pop(k) for k in list(data) if k in ("plan_actions", "recommendations")}
    for k, v in data.items():
        setattr(practice, k, v)
    practice.full_clean(exclude=["owner_institution", "created_by", "sharing_group"])
    practice.save()
    for k, values in related.items():
        getattr(practice, k).set(values)
    log_event("write", user=user, obj=practice, detail={"changed": sorted([*data, *related])})
    return practice


@transaction.atomic
def do_add_practice_feedback(user, practice: Practice, *, text: str = "", endorse: bool = False):
    """A comment and/or an endorsement by an official who may read the practice."""
    practice = require(user, practice, "comment")
    text = (text or "").strip()
    if not text and not endorse:
        raise ValidationError({"text": _("Escriba un comentario o marque el respaldo.")})
    if endorse and practice.owner_institution.country_id == user.institution.country_id:
        raise ValidationError({"endorse": _("Solo otros países pueden respaldar una práctica.")})
    fb = PracticeFeedback.objects.create(practice=practice, author=user, country=user.institution.country,
                                         text=text[:4000], endorse=endorse)
    log_event("write", user=user, obj=practice, detail={"feedback": fb.pk, "endorse": endorse})
    return fb


@transaction.atomic
def do_attach_practice_file(user, practice: Practice, upload) -> PracticeAttachment:
    """Attach a file to a practice: type checked by content, size limited, stored encrypted."""
    practice = require(user, practice, "change")
    try:
        mime = validate_upload(upload, kinds=ATTACHMENT_KINDS, max_bytes=MAX_ATTACHMENT_BYTES)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    rel, digest, size = store_encrypted(upload)
    att = PracticeAttachment.objects.create(practice=practice, name=(upload.name or "archivo")[:200], mime=mime,
                                            stored=rel, sha256=digest, size=size, uploaded_by=user)
    log_event("write", user=user, obj=practice, detail={"attachment": att.pk, "size": size})
    return att


def _projection_fields(data: dict) -> dict:
    return {"title_es": data.get("title_es", ""), "title_en": data.get("title_en", ""),
            "summary_es": data.get("summary_es", ""), "summary_en": data.get("summary_en", "")}


@transaction.atomic
def do_propose_practice(user, practice: Practice, data: dict) -> PortalEntry:
    """The owner proposes an anonymised version for the portal; the ST approves it (portal queue).

    Refused, with nothing saved, when the public text carries an e-mail, a phone or a contact's name.
    """
    from enlace.portal.actions import upsert_projection

    practice = require(user, practice, "propose")
    fields = _projection_fields(data)
    fields["theme"] = practice.theme
    entry = upsert_projection(user, source=practice, kind=PortalEntry.Kind.PRACTICE, fields=fields,
                              names=names_in(practice.contacts))
    log_event("write", user=user, obj=practice, detail={"proposed": True, "entry": entry.pk})
    return entry


@transaction.atomic
def do_create_tool(user, data: dict, *, distribution: str = Distribution.INSTITUTION, sharing_group=None):
    """A protocol, guide, tool or standard of the user's institution on the protection map."""
    tool = _new(ProtectionTool, user, dict(data), distribution=distribution, sharing_group=sharing_group,
                m2m=("practices",))
    log_event("write", user=user, obj=tool, after={"distribution": tool.distribution, "level": tool.level})
    return tool


@transaction.atomic
def do_edit_tool(user, tool: ProtectionTool, data: dict) -> ProtectionTool:
    """The owner institution edits an instrument of the map."""
    tool = require(user, tool, "change")
    for k, v in data.items():
        if k != "practices":
            setattr(tool, k, v)
    tool.full_clean(exclude=["owner_institution", "created_by", "sharing_group"])
    tool.save()
    log_event("write", user=user, obj=tool, detail={"changed": sorted(data)})
    return tool


@transaction.atomic
def do_create_case_brief(user, data: dict, *, distribution: str = Distribution.INSTITUTION, sharing_group=None):
    """A case-law brief of the user's institution."""
    brief = _new(CaseBrief, user, dict(data), distribution=distribution, sharing_group=sharing_group)
    log_event("write", user=user, obj=brief, after={"distribution": brief.distribution, "offence": brief.offence})
    return brief


@transaction.atomic
def do_edit_case_brief(user, brief: CaseBrief, data: dict) -> CaseBrief:
    """The owner institution edits a case brief (e.g. empties ``persons_named`` before proposing it)."""
    brief = require(user, brief, "change")
    for k, v in data.items():
        setattr(brief, k, v)
    brief.full_clean(exclude=["owner_institution", "created_by", "sharing_group"])
    brief.save()
    log_event("write", user=user, obj=brief, detail={"changed": sorted(data)})
    return brief


@transaction.atomic
def do_propose_case_brief(user, brief: CaseBrief, data: dict) -> PortalEntry:
    """The owner proposes the brief for the portal: only with ``persons_named`` empty and a clean text."""
    from enlace.portal.actions import upsert_projection

    brief = require(user, brief, "propose")
    if brief.persons_named.strip():
        raise ValidationError({"persons_named": _(
            "El caso tiene datos personales en «personas mencionadas». Vacíe ese campo antes de proponer la publicación.")})
    fields = _projection_fields(data)
    # Record content, not interface text: written in both languages whatever the official's language.
    facts = {"court": brief.court, "date": brief.decided_on.isoformat(), "outcome": brief.outcome,
             "art": brief.articles or "—"}
    fields["body_es"] = "Tribunal: {court}. Fecha: {date}. Resultado: {outcome}. Artículos: {art}.".format(**facts)
    fields["body_en"] = "Court: {court}. Date: {date}. Outcome: {outcome}. Articles: {art}.".format(**facts)
    fields["link"] = brief.judgement_url
    entry = upsert_projection(user, source=brief, kind=PortalEntry.Kind.CASE, fields=fields)
    log_event("write", user=user, obj=brief, detail={"proposed": True, "entry": entry.pk})
    return entry
