"""What other apps ask the directory: who holds exchange rights.

The exchange app calls ``is_authorised_focal_point(user)`` before letting an official send or
receive, and ``authorised_contacts_for(user, ...)`` to propose recipients.
"""

from __future__ import annotations

from django.utils import timezone

from .models import Contact


def in_force_q(today=None):
    from django.db.models import Q

    today = today or timezone.localdate()
    return Q(status=Contact.Status.ACTIVE, valid_from__lte=today, valid_until__gte=today)


def is_authorised_focal_point(user) -> bool:
    """True only for an active official linked to a contact that its Cancillería authorised and is in force."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    # The user's own standing, not a read of someone else's record: no policy filter needed.
    return Contact.objects.filter(in_force_q(), user=user).exists()


def authorised_contacts_for(user, *, country=None, function: str | None = None, area: str | None = None):
    """Authorised, in-force contacts that ``user`` may see (through the sharing policy)."""
    qs = Contact.objects.restrict(user, "list").filter(in_force_q()).select_related("owner_institution__country")
    if country is not None:
        code = getattr(country, "code", country)
        qs = qs.filter(owner_institution__country__code=code)
    if function:
        qs = qs.filter(functions__contains=f",{function},")
    if area:
        qs = qs.filter(areas__contains=f",{area},")
    return qs
