"""What other apps ask the directory: who holds cross-border standing, and whom to contact.

``is_authorised_focal_point(user)`` is the input of the sharing policy's
``has_cross_border_standing`` (setting ``ENLACE_CROSS_BORDER_STANDING``): every audience beyond the
user's own country, and the exchange, need it. ``authorised_contacts_for(user, ...)`` proposes
recipients. ``standing_notice(user)`` says, for the menu banner, why an official has no standing.
"""

from __future__ import annotations

from django.db.models import F, Q
from django.utils import timezone

from .models import Contact


def in_force_q(today=None, prefix: str = "") -> Q:
    """Contacts authorised by their Cancillería and within their validity period (``prefix``: a relation)."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}status": Contact.Status.ACTIVE, f"{prefix}valid_from__lte": today,
                f"{prefix}valid_until__gte": today})


def is_authorised_focal_point(user) -> bool:
    """True only while ``user`` is linked to a directory entry that their own Cancillería authorised and is in force.

    All of these must hold, checked at the moment of the call (never remembered across requests,
    so a suspension, revocation, expiry or a change of who the entry designates acts on the next
    request):

    * the account is active and belongs to an institution;
    * a directory entry links to the account (``Contact.user``) with status ``active`` and
      ``valid_from <= today <= valid_until`` (the periodic task that marks expiries may not have run
      yet: the dates decide, not the task);
    * the entry is owned by an institution of the account's own country (an account moved to
      another country does not carry a foreign Cancillería's authorisation).

    Cost: one query, on the user's indexed entries (``Contact.user_id``) joined to the owner
    institution; ``sharing.policy`` memoises the answer for one request only. It asks about the
    user themself, so it reads through the account (``User``), not through another official's
    audience, and shows nothing of the entry.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active or user.institution_id is None:
        return False
    from enlace.accounts.models import User

    # One filter() call: every condition applies to the same entry.
    return User.objects.filter(
        in_force_q(prefix="directory_contacts__"), pk=user.pk, is_active=True,
        directory_contacts__owner_institution__country=F("institution__country")).exists()


def standing_notice(user) -> dict | None:
    """For a signed-in official without standing: why (the state of their latest entry), else ``None``.

    ``{"status": <Contact.Status or "none">, "date": <date or None>}``: the menu banner words it.
    Only officials who work with the network (directory readers, or anyone linked to an entry) are
    told; the auditor, for instance, has no use for standing. One query beyond the standing check.
    """
    from enlace.sharing.policy import has_cross_border_standing

    if not getattr(user, "is_authenticated", False) or user.institution_id is None:
        return None
    if has_cross_border_standing(user):
        return None
    from enlace.accounts.models import User

    latest = (User.objects.filter(pk=user.pk, directory_contacts__isnull=False)
              .order_by("-directory_contacts__updated_at")
              .values("directory_contacts__status", "directory_contacts__valid_until",
                      "directory_contacts__updated_at").first())
    if latest is None:
        if not user.has_perm("directory.view_contact"):
            return None
        return {"status": "none", "date": None}
    status = latest["directory_contacts__status"]
    if status == Contact.Status.ACTIVE:
        # Active but outside its dates: expired in fact, even before the clock marks it.
        status = Contact.Status.EXPIRED
        date = latest["directory_contacts__valid_until"]
    else:
        date = timezone.localdate(latest["directory_contacts__updated_at"])
    return {"status": status, "date": date}


def standing_banner(user) -> str | None:
    """The menu banner for an official without cross-border standing (translated), or ``None``."""
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    notice = standing_notice(user)
    if notice is None:
        return None
    date = date_format(notice["date"], "SHORT_DATE_FORMAT") if notice["date"] else ""
    why = {
        Contact.Status.REVOKED: _("La Cancillería revocó su autorización como punto focal el %(date)s."),
        Contact.Status.SUSPENDED: _("La Cancillería suspendió su autorización como punto focal el %(date)s."),
        Contact.Status.EXPIRED: _("Su autorización como punto focal venció el %(date)s."),
        Contact.Status.PROPOSED: _("Su entrada en el directorio espera la autorización de su Cancillería."),
    }.get(notice["status"], _("No tiene una entrada autorizada en el directorio de puntos focales."))
    return " ".join([
        _("Su autorización no está vigente: solo ve información de su país y no puede intercambiar con otros países."),
        why % {"date": date} if "%(date)s" in why else why,
        _("Para recuperar el acceso a la red, su Cancillería debe autorizarle."),
    ])


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
