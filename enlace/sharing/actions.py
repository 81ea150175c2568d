"""Changing who sees a record. Only the owner institution may; every change is audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from enlace.audit.log import log_event

from . import onward
from .models import SharingGroup
from .policy import Distribution

SHARING_FIELDS = ("distribution", "sharing_group_id", "handling_intelligence_only", "handling_no_judicial_use",
                  "handling_no_onward_sharing", "handling_other")


def sharing_snapshot(record) -> dict:
    return {f: getattr(record, f) for f in SHARING_FIELDS}


def _check_owner(user, record) -> None:
    # Re-read through the policy so a stale object cannot smuggle a write past it. Not allowed
    # answers like not found (404), as everywhere else.
    if not type(record).objects.restrict(user, "share").filter(pk=record.pk).exists():
        raise Http404


def check_onward_sharing(record, distribution: str, sharing_group) -> None:
    """The early check of the re-share actions (before anything changes): the one rule of
    ``sharing.onward``, asked about the record's current audience."""
    current = record.sharing_group if record.distribution == Distribution.GROUP and record.sharing_group_id else None
    onward.check(record.distribution, current, distribution, sharing_group)


@transaction.atomic
def do_change_sharing(user, record, *, distribution: str, sharing_group: SharingGroup | None = None,
                      handling: dict | None = None):
    """Set distribution and handling codes. ``public`` is refused here: it needs the publish step."""
    _check_owner(user, record)
    if distribution == Distribution.PUBLIC:
        raise ValidationError({"distribution": _("Para hacer público un registro use el paso de publicación del portal.")})
    record.check_sharing_change(user, distribution)
    check_onward_sharing(record, distribution, sharing_group)
    before = sharing_snapshot(record)
    record.distribution = distribution
    record.sharing_group = sharing_group
    for key, value in (handling or {}).items():
        if key not in SHARING_FIELDS or key in ("distribution", "sharing_group_id"):
            raise ValueError(key)
        setattr(record, key, value)
    record.clean_sharing()
    record.save()
    log_event("sharing", user=user, obj=record, before=before, after=sharing_snapshot(record))
    return record


@transaction.atomic
def do_publish_record(user, record):
    """The publish step: a portal editor or the ST makes a non-personal record public."""
    if not user.has_perm("sharing.publish_records"):
        raise PermissionDenied(_("No tiene permiso para publicar en el portal."))
    if getattr(type(record), "personal_data", False):
        raise ValidationError({"distribution": _("Los datos personales nunca pueden ser públicos.")})
    if not getattr(type(record), "publishable", False):
        raise ValidationError({"distribution": _("Este tipo de registro no se publica en el portal.")})
    before = sharing_snapshot(record)
    record.distribution = Distribution.PUBLIC
    record.sharing_group = None
    record.clean_sharing()
    record.save()
    log_event("sharing", user=user, obj=record, before=before, after=sharing_snapshot(record), detail={"published": True})
    return record


@transaction.atomic
def do_create_sharing_group(user, *, name: str, countries) -> SharingGroup:
    """A set of countries owned by the user's institution, to share records with ("selected countries")."""
    if user.institution_id is None:
        raise PermissionDenied(_("Su cuenta no pertenece a ninguna institución."))
    group = SharingGroup.objects.create(name=name, owner_institution=user.institution)
    group.countries.set(countries)
    log_event("sharing", user=user, obj=group, after={"countries": sorted(c.code for c in group.countries.all())})
    return group


@transaction.atomic
def do_set_sharing_group_countries(user, group: SharingGroup, countries) -> SharingGroup:
    """Change which countries a group reaches; only its owner institution may (others: 404)."""
    if group.owner_institution_id != user.institution_id:
        raise Http404
    before = sorted(c.code for c in group.countries.all())
    group.countries.set(countries)
    log_event("sharing", user=user, obj=group, before={"countries": before},
              after={"countries": sorted(c.code for c in group.countries.all())})
    return group
