"""Every change to portal content: editors' drafts, proposals from the workspace, the ST's approval."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enlace.audit.log import log_event
from enlace.sharing.access import require
from enlace.sharing.policy import Distribution

from .anonymity import check_public_fields
from .caching import forget_version
from .models import PortalEntry

EDITABLE = ("kind", "title_es", "title_en", "summary_es", "summary_en", "body_es", "body_en", "link",
            "starts_at", "ends_at", "place", "country", "theme")
EDITOR_KINDS = {PortalEntry.Kind.NEWS, PortalEntry.Kind.AGREEMENT, PortalEntry.Kind.PUBLICATION,
                PortalEntry.Kind.CAMPAIGN, PortalEntry.Kind.EVENT}


def _public_fields(entry) -> dict:
    return {name: getattr(entry, name) or "" for name in
            ("title_es", "title_en", "summary_es", "summary_en", "body_es", "body_en", "place")}


@transaction.atomic
def do_create_portal_draft(user, data: dict) -> PortalEntry:
    """A portal editor writes a draft (news, agreement, publication, campaign, event); ST sees it on proposal."""
    if not user.has_perm("portal.add_portalentry") or user.institution_id is None:
        raise PermissionDenied(_("No tiene permiso para redactar contenidos del portal."))
    if data.get("kind") not in EDITOR_KINDS:
        raise ValidationError({"kind": _("Elija un tipo de contenido válido.")})
    entry = PortalEntry(owner_institution=user.institution, created_by=user,
                        **{k: v for k, v in data.items() if k in EDITABLE})
    entry.full_clean(exclude=["owner_institution", "created_by"])
    entry.save()
    log_event("write", user=user, obj=entry, after={"kind": entry.kind, "status": entry.status})
    return entry


@transaction.atomic
def do_edit_portal_entry(user, entry: PortalEntry, data: dict) -> PortalEntry:
    """The owner edits a draft or a proposal (a published entry is withdrawn first)."""
    entry = require(user, entry, "change")
    if entry.status == PortalEntry.Status.PUBLISHED:
        raise ValidationError({"status": _("Un contenido publicado no se edita: retírelo primero.")})
    for k, v in data.items():
        if k in EDITABLE and k != "kind":
            setattr(entry, k, v)
    entry.full_clean(exclude=["owner_institution", "created_by"])
    entry.save()
    log_event("write", user=user, obj=entry, after={"status": entry.status}, detail={"changed": sorted(data)})
    return entry


@transaction.atomic
def do_propose_portal_entry(user, entry: PortalEntry) -> PortalEntry:
    """The owner sends a draft to the ST: shared with the network so the ST can read and approve it."""
    entry = require(user, entry, "change")
    if entry.status not in (PortalEntry.Status.DRAFT, PortalEntry.Status.WITHDRAWN):
        raise ValidationError({"status": _("Este contenido ya fue enviado a la Secretaría Técnica.")})
    check_public_fields(_public_fields(entry))
    before = {"status": entry.status, "distribution": entry.distribution}
    entry.status, entry.distribution, entry.sharing_group = PortalEntry.Status.PROPOSED, Distribution.NETWORK, None
    entry.save()
    log_event("write", user=user, obj=entry, before=before, after={"status": entry.status,
                                                                     "distribution": entry.distribution})
    return entry


@transaction.atomic
def do_approve_portal_entry(user, entry: PortalEntry) -> PortalEntry:
    """The ST approves: the entry goes public through the publish step (one audit event: "published").

    Checked again here: a text with personal data is refused and nothing changes.
    """
    from enlace.sharing.actions import do_publish_record

    entry = require(user, entry, "approve")
    if entry.status != PortalEntry.Status.PROPOSED:
        raise ValidationError({"status": _("Este contenido no está pendiente de aprobación.")})
    check_public_fields(_public_fields(entry))
    entry.status, entry.published_at = PortalEntry.Status.PUBLISHED, timezone.now()
    do_publish_record(user, entry)
    forget_version()
    return entry


@transaction.atomic
def do_withdraw_portal_entry(user, entry: PortalEntry) -> PortalEntry:
    """The ST takes an entry off the portal at once (it stays visible to the network)."""
    entry = require(user, entry, "approve")
    before = {"status": entry.status, "distribution": entry.distribution}
    entry.status, entry.distribution, entry.sharing_group = PortalEntry.Status.WITHDRAWN, Distribution.NETWORK, None
    entry.save()
    log_event("sharing", user=user, obj=entry, before=before, after={"status": entry.status,
                                                                       "distribution": entry.distribution})
    forget_version()
    return entry


def upsert_projection(user, *, source, kind: str, fields: dict, names=()) -> PortalEntry:
    """Create or refresh the anonymised projection of ``source`` as a proposal (called inside the
    source app's ``do_propose_*`` action, which writes the audit event). Personal data is refused first."""
    check_public_fields({k: v for k, v in fields.items() if isinstance(v, str)}, names)
    label = source._meta.label_lower
    entry = PortalEntry.objects.unrestricted(reason="the projection of a record its owner proposes").filter(
        source_type=label, source_id=source.pk).first()
    if entry is not None and entry.status == PortalEntry.Status.PUBLISHED:
        raise ValidationError({"status": _("Ya está publicado en el portal.")})
    entry = entry or PortalEntry(source_type=label, source_id=source.pk, kind=kind,
                                 owner_institution=source.owner_institution, created_by=user)
    for k, v in fields.items():
        setattr(entry, k, v)
    entry.country = source.owner_institution.country
    entry.status, entry.distribution, entry.sharing_group = PortalEntry.Status.PROPOSED, Distribution.NETWORK, None
    entry.full_clean(exclude=["owner_institution", "created_by"])
    entry.save()
    return entry
