"""What every exchange action shares: the exchange gate, a child's sharing, audiences and links.

No writes here: every state change is a ``do_*`` in the domain modules of this package.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from enlace.accounts.models import User
from enlace.core.models import Country
from enlace.directory.policy import authorised_contacts_for
from enlace.sharing.policy import Distribution, has_cross_border_standing

HANDLING_FIELDS = ("handling_intelligence_only", "handling_no_judicial_use", "handling_no_onward_sharing",
                   "handling_other")


def can_exchange(user, *, fresh: bool = False) -> bool:
    """Send and receive: the exchange permission *and* cross-border standing (an authorised, in-force
    directory entry). The policy already demands standing for anything beyond the user's country;
    this gate keeps the exchange closed as a whole to those without it (defence in depth).
    ``fresh``: ask the directory again even within a request (long-lived streams)."""
    return (getattr(user, "is_authenticated", False) and user.is_active and user.institution_id is not None
            and user.has_perm("exchange.change_thread") and has_cross_border_standing(user, fresh=fresh))


def require_exchange(user) -> None:
    if not can_exchange(user):
        raise PermissionDenied(_("Solo los puntos focales autorizados por su Cancillería y vigentes pueden usar el "
                                 "intercambio seguro."))


def child_sharing(parent) -> dict:
    """A child record is shared exactly as its parent is now: never wider, and still valid after the
    owner narrowed the parent (a narrowed draft or thread can still take versions and replies)."""
    distribution = parent.distribution
    if distribution == Distribution.PUBLIC:  # personal data is never public; keep to the owner
        distribution = Distribution.INSTITUTION
    group = parent.sharing_group if distribution == Distribution.GROUP else None
    return {"distribution": distribution, "sharing_group": group}


def audience_country_ids(thread) -> list[int]:
    """Countries whose officials may read the thread (who the live stream tells about it)."""
    ids = {thread.owner_institution.country_id}
    if thread.distribution == Distribution.GROUP and thread.sharing_group_id:
        ids |= set(thread.sharing_group.countries.values_list("pk", flat=True))
    elif thread.distribution == Distribution.NETWORK:
        ids |= set(Country.objects.filter(in_network=True).values_list("pk", flat=True))
    return sorted(ids)


def thread_link(thread) -> str:
    return reverse("exchange:thread", args=[thread.pk])


def recipients_to_notify(thread, countries) -> list[User]:
    """The addressed focal points; when none was chosen in a country, every authorised focal point of it."""
    chosen = list(thread.recipient_users.filter(is_active=True).select_related("institution"))
    chosen_countries = {u.institution.country_id for u in chosen if u.institution_id}
    ids = {u.pk for u in chosen}
    others = [c for c in countries if c.pk not in chosen_countries]
    if others and thread.created_by is not None:
        contacts = authorised_contacts_for(thread.created_by).filter(
            user__isnull=False, owner_institution__country__in=[c.pk for c in others])
        ids |= set(contacts.values_list("user_id", flat=True))
    # One query for "active and allowed to read threads" instead of a permission lookup per official.
    return list(User.objects.filter(pk__in=ids, is_active=True, groups__permissions__content_type__app_label="exchange",
                                    groups__permissions__codename="view_thread").distinct())


def clean_key(idempotency_key) -> str:
    return str(idempotency_key or "").strip()[:80]


def already_sent(model, user, key: str):
    """What this official already created with this idempotency key (a double click, a resent form), marked
    ``replayed`` so the page can say it was not duplicated; ``None`` when it is new."""
    if not key:
        return None
    existing = model.objects.restrict(user, "view").filter(created_by=user, idempotency_key=key).first()
    if existing is not None:
        existing.replayed = True
    return existing


def save_once(obj, model, user, key: str):
    """Save a new row carrying ``key``; if a concurrent twin with the same key won the race, return that one
    (marked ``replayed``) instead of failing. Returns ``None`` when this row was saved."""
    obj.idempotency_key = key
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        twin = already_sent(model, user, key)
        if twin is None:
            raise
        return twin
    return None
