"""Joint drafting of mutual legal assistance (MLA) requests between prosecutors before the formal channel.

The requesting prosecutor opens a draft shared with the requested country; both drafting parties
add versions (``MlaDraft`` "version"); the requesting institution records the formal status
("formal_status"). Opening a draft addressed to another country needs cross-border standing.
"""

from __future__ import annotations

import difflib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from enlace.accounts.models import User
from enlace.audit.log import log_event
from enlace.core.models import Country
from enlace.notifications.actions import do_notify
from enlace.sharing.access import require
from enlace.sharing.models import SharingGroup
from enlace.sharing.policy import Distribution, has_cross_border_standing

from .. import choices
from ..models import MlaDraft, MlaVersion, Thread
from .common import already_sent, child_sharing, clean_key, save_once


def can_draft_mla(user) -> bool:
    """The role drafts MLA requests (prosecutors) and the user holds cross-border standing."""
    return (getattr(user, "is_authenticated", False) and user.is_active and user.institution_id is not None
            and user.has_perm("exchange.change_mladraft") and has_cross_border_standing(user))


def clean_mla_content(data: dict) -> dict:
    out = {name: str(data.get(name) or "").strip()[:20000] for name, _l in choices.MLA_FIELDS}
    code = str(data.get("legal_basis_code") or "")
    if code and code not in dict(choices.LEGAL_BASES):
        raise ValidationError({"legal_basis_code": _("Base jurídica desconocida.")})
    out["legal_basis_code"] = code
    return out


def mla_text(content: dict) -> str:
    lines = []
    for name, label in choices.MLA_FIELDS:
        lines.append(f"## {label}")
        if name == "legal_basis" and content.get("legal_basis_code"):
            lines.append(choices.label(choices.LEGAL_BASES, content["legal_basis_code"]))
        lines.extend((content.get(name) or "").splitlines() or [""])
        lines.append("")
    return "\n".join(lines)


def mla_diff_html(old: MlaVersion, new: MlaVersion) -> str:
    return difflib.HtmlDiff(wrapcolumn=70).make_table(
        mla_text(old.content).splitlines(), mla_text(new.content).splitlines(),
        fromdesc=f"v{old.number}", todesc=f"v{new.number}", context=True, numlines=2)


@transaction.atomic
def do_create_mla_draft(user, *, title: str, requested_country, content: dict | None = None,
                        thread: Thread | None = None, idempotency_key: str = "") -> MlaDraft:
    """The requesting prosecutor opens a joint draft (version 1) shared with the requested country only.

    The same idempotency key from the same prosecutor returns the first draft (``replayed``).
    """
    if not can_draft_mla(user):
        raise PermissionDenied(_("Solo los fiscales autorizados por su Cancillería y vigentes redactan solicitudes "
                                 "de asistencia jurídica recíproca."))
    key = clean_key(idempotency_key)
    existing = already_sent(MlaDraft, user, key)
    if existing is not None:
        return existing
    errors = {}
    title = " ".join(str(title or "").split())[:200]
    if not title:
        errors["title"] = [_("Indique un título.")]
    code = getattr(requested_country, "code", requested_country)
    country = Country.objects.restrict(user, "view").filter(code=str(code or "").upper()).first()
    if country is None or country.kind != Country.Kind.MEMBER or country.pk == user.institution.country_id:
        errors["requested_country"] = [_("Elija el país requerido (otro país miembro).")]
    try:
        clean = clean_mla_content(content or {})
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if thread is not None:
        thread = require(user, thread, "view")
    draft = MlaDraft(title=title, requested_country=country, thread=thread, owner_institution=user.institution,
                     created_by=user, formal_status=MlaDraft.FormalStatus.DRAFTING)
    twin = save_once(draft, MlaDraft, user, key)
    if twin is not None:
        return twin
    group = SharingGroup.objects.create(name=f"AJR n.º {draft.pk}", owner_institution=user.institution)
    group.countries.set([country, user.institution.country])
    draft.distribution, draft.sharing_group = Distribution.GROUP, group
    draft.clean_sharing()
    draft.save()
    version = _version(user, draft, clean, [], _("Versión inicial"), number=1)
    log_event("write", user=user, obj=draft, after={"countries": [country.code], "number": version.number,
                                                    "distribution": draft.distribution},
              detail={"action": "create_mla_draft", "version_id": version.pk})
    return draft


def _version(user, draft, content, checklist, note, *, number, key="") -> MlaVersion:
    """A new version, shared exactly as the draft is now (so a draft its owner narrowed still takes versions)."""
    version = MlaVersion(draft=draft, number=number, content=content, checklist=checklist,
                         note=str(note or "")[:300], owner_institution=user.institution, created_by=user,
                         **child_sharing(draft))
    version.clean_sharing()
    if key:
        return save_once(version, MlaVersion, user, key) or version
    version.save()
    return version


@transaction.atomic
def do_save_mla_version(user, draft: MlaDraft, *, content: dict, checklist=None, note: str = "",
                        idempotency_key: str = "") -> MlaVersion:
    """Either drafting party saves a new version; the previous ones stay for the differences.

    The same idempotency key from the same official returns the first version (``replayed``).
    """
    draft = require(user, draft, "version")
    key = clean_key(idempotency_key)
    existing = already_sent(MlaVersion, user, key)
    if existing is not None:
        return existing
    if not can_draft_mla(user):
        # Writing to a draft the other country reads is cross-border: it needs standing now.
        raise PermissionDenied(_("Solo los fiscales autorizados por su Cancillería y vigentes redactan solicitudes "
                                 "de asistencia jurídica recíproca."))
    if draft.formal_status != MlaDraft.FormalStatus.DRAFTING:
        raise ValidationError(_("El borrador ya salió de la redacción conjunta; no admite nuevas versiones."))
    clean = clean_mla_content(content)
    codes = {i["code"] for i in choices.mla_checklist(draft.requested_country.code)}
    checked = [c for c in (checklist or []) if c in codes]
    # Every party that may version the draft reads all its versions (they share the draft's audience).
    last = MlaVersion.objects.restrict(user, "view").filter(draft=draft).order_by("-number").first()
    version = _version(user, draft, clean, checked, note, number=(last.number + 1) if last else 1, key=key)
    if getattr(version, "replayed", False):
        return version
    draft.save(update_fields=["updated_at"])
    log_event("write", user=user, obj=version, after={"draft_id": draft.pk, "number": version.number,
                                                      "ids": checked}, detail={"action": "mla_version"})
    owner_country = draft.owner_institution.country_id
    other = draft.requested_country_id if user.institution.country_id == owner_country else owner_country
    notify = list(User.objects.filter(is_active=True, institution__country=other, groups__name="prosecutor"))
    do_notify(notify, kind="exchange.mla", title=_("Enlace: nueva versión de un borrador de asistencia jurídica"),
              link=reverse("exchange:mla_detail", args=[draft.pk]), actor=user)
    return version


@transaction.atomic
def do_set_mla_formal_status(user, draft: MlaDraft, *, status: str, reference: str = "") -> MlaDraft:
    """After drafting: the requesting institution records where the formal request stands."""
    fresh = require(user, draft, "formal_status")
    if status not in MlaDraft.FormalStatus.values:
        raise ValidationError({"formal_status": _("Estado desconocido.")})
    before = {"status": fresh.formal_status}
    fresh.formal_status = status
    fresh.formal_reference = str(reference or fresh.formal_reference)[:100]
    fresh.formal_status_at = timezone.now()
    fresh.save()
    log_event("write", user=user, obj=fresh, before=before, after={"status": fresh.formal_status},
              detail={"action": "mla_formal_status"})
    return fresh
