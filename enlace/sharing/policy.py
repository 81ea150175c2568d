"""The one sharing policy engine.

Every protected record has an owner institution (hence an owner country), a distribution and a
handling code. Who may do what is decided here and nowhere else:

* read actions (view, list, count, search, export, match): the user's institution/country must be
  in the record's audience, *and* in the audience of every ancestor record (a child can narrow,
  never widen, what its parent allows); the user's role must grant the model's read permission
  (export needs the export permission when the model declares one);
* write actions (change, delete, share, release): only the owner institution, with the model's
  change permission.

"Not found" and "not allowed" are indistinguishable to callers: both come back as an empty
queryset or a 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

READ_ACTIONS = frozenset({"view", "list", "count", "search", "export", "match"})
WRITE_ACTIONS = frozenset({"change", "delete", "share", "release"})
ACTIONS = READ_ACTIONS | WRITE_ACTIONS


class Distribution:
    """Audience levels, from narrowest to widest."""

    INSTITUTION = "institution"
    COUNTRY = "country"
    GROUP = "group"
    NETWORK = "network"
    PUBLIC = "public"

    CHOICES = [
        (INSTITUTION, _("Solo mi institución")),
        (COUNTRY, _("Mi país")),
        (GROUP, _("Países seleccionados (grupo de intercambio)")),
        (NETWORK, _("Todos los países miembros (red CRM)")),
        (PUBLIC, _("Público (solo por publicación en el portal)")),
    ]


def check_action(action: str) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown sharing action: {action!r}")


def _never(prefix: str = "") -> Q:
    return Q(**{f"{prefix}pk__in": []})


def _permission_for(model, action: str) -> str:
    meta = model._meta
    if action in WRITE_ACTIONS:
        return f"{meta.app_label}.change_{meta.model_name}"
    if action == "export":
        codename = f"export_{meta.model_name}"
        if any(code == codename for code, _label in meta.permissions):
            return f"{meta.app_label}.{codename}"
    return f"{meta.app_label}.view_{meta.model_name}"


def has_model_permission(user, model, action: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        # Anonymous visitors only ever read what was published.
        return action in READ_ACTIONS - {"match", "export"}
    if not user.is_active:
        return False
    return user.has_perm(_permission_for(model, action))


def audience_q(user, prefix: str = "") -> Q:
    """Q over one protected model (fields reached through ``prefix``) for a user's audience."""
    f = lambda name: f"{prefix}{name}"  # noqa: E731
    public = Q(**{f("distribution"): Distribution.PUBLIC})
    if not getattr(user, "is_authenticated", False):
        return public
    institution = getattr(user, "institution", None)
    if institution is None:
        return _never(prefix)
    country = institution.country
    from .models import SharingGroup  # local: models import this module

    q = public | Q(**{f("owner_institution"): institution.pk})
    q |= Q(**{f("distribution__in"): [Distribution.COUNTRY, Distribution.GROUP, Distribution.NETWORK],
              f("owner_institution__country"): country.pk})
    q |= Q(**{f("distribution"): Distribution.GROUP,
              f("sharing_group__in"): SharingGroup.objects.filter(countries=country.pk).values("pk")})
    if country.in_network:
        q |= Q(**{f("distribution"): Distribution.NETWORK})
    return q


def owner_q(user, prefix: str = "") -> Q:
    institution = getattr(user, "institution", None) if getattr(user, "is_authenticated", False) else None
    if institution is None:
        return _never(prefix)
    return Q(**{f"{prefix}owner_institution": institution.pk})


def permitted_q(user, model, action: str) -> Q:
    """The audience of the record intersected with the audience of each of its ancestors."""
    if action in WRITE_ACTIONS:
        return owner_q(user)
    q = audience_q(user)
    if model.personal_data:
        # Personal data is never public, whatever its distribution says.
        q &= ~Q(distribution=Distribution.PUBLIC)
    prefix = ""
    current = model
    while current.sharing_parent:
        prefix = f"{prefix}{current.sharing_parent}__"
        current = current._meta.get_field(current.sharing_parent).related_model
        q &= audience_q(user, prefix)
    return q


@dataclass(frozen=True)
class Audience:
    public: bool
    institution_id: int | None
    country_ids: frozenset[int]

    def within(self, other: "Audience") -> bool:
        """True when every reader of ``self`` is also a reader of ``other``."""
        if other.public:
            return True
        if self.public:
            return False
        if other.institution_id is not None:
            return self.institution_id == other.institution_id
        return self.country_ids <= other.country_ids


def audience_of(record) -> Audience:
    from enlace.core.models import Country

    owner_country = record.owner_institution.country_id
    d = record.distribution
    if d == Distribution.PUBLIC:
        return Audience(True, None, frozenset())
    if d == Distribution.INSTITUTION:
        return Audience(False, record.owner_institution_id, frozenset({owner_country}))
    if d == Distribution.COUNTRY:
        return Audience(False, None, frozenset({owner_country}))
    if d == Distribution.GROUP:
        ids = set(record.sharing_group.countries.values_list("pk", flat=True)) if record.sharing_group_id else set()
        return Audience(False, None, frozenset(ids | {owner_country}))
    if d == Distribution.NETWORK:
        ids = set(Country.objects.filter(in_network=True).values_list("pk", flat=True))
        return Audience(False, None, frozenset(ids | {owner_country}))
    raise ValueError(d)


def parent_of(record):
    name = type(record).sharing_parent
    return getattr(record, name) if name else None
