"""The one sharing policy engine: who may read, write and decide, for every protected record.

Every protected record has an owner institution (hence an owner country), a distribution and
handling codes. Who may do what is decided here and nowhere else:

* read actions (view, list, count, search, export, match): the user's institution/country must be
  in the record's audience, *and* in the audience of every ancestor record (a child can narrow,
  never widen, what its parent allows); the user's role must grant the model's read permission
  (export needs the export permission when the model declares one);
* cross-border: any part of an audience beyond the user's own country (a sharing group, the
  network) reaches the user only while their Cancillería's authorisation is in force
  (``has_cross_border_standing``). Models whose every read tells something about another
  country (hits, releases) set ``cross_border_always``;
* writes and decisions (change, delete, share, release, and any name a model declares in
  ``write_rules``, such as "authorise" or "validate"): the user must be able to read the record
  *and* belong to the rule's audience (owner institution by default; owner country, the
  Secretaría Técnica or the record's parties when the model declares so), with the rule's
  permission.

"Not found" and "not allowed" are indistinguishable to callers: both come back as an empty
queryset or a 404.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

READ_ACTIONS = frozenset({"view", "list", "count", "search", "export", "match"})
WRITE_ACTIONS = frozenset({"change", "delete", "share", "release"})
ACTIONS = READ_ACTIONS | WRITE_ACTIONS

# The Secretaría Técnica is one party of the network (a ``Country`` row with this code, kind
# "body", in_network). "Is this user the ST?" is answered by ``is_secretariat`` and nothing else.
SECRETARIAT_CODE = "CRM"

# Who a write rule admits.
OWNER_INSTITUTION = "owner_institution"
OWNER_COUNTRY = "owner_country"
SECRETARIAT = "secretariat"
PARTIES = "parties"  # the model's ``parties_q(user, prefix)``: e.g. originator and recipients


@dataclass(frozen=True)
class Rule:
    """Who may take a write action or a decision on a model's records.

    ``who``: any of OWNER_INSTITUTION, OWNER_COUNTRY, SECRETARIAT, PARTIES (OR-ed).
    ``permission``: the Django permission the role must grant (default ``app.change_<model>``).
    """

    who: tuple[str, ...] = (OWNER_INSTITUTION,)
    permission: str | None = None


DEFAULT_RULE = Rule()


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

    @classmethod
    def rank(cls, level: str) -> int:
        """Narrowest 0 .. widest 4 (a sharing group counts as wider than the country)."""
        return [code for code, _label in cls.CHOICES].index(level)


# --- actions -----------------------------------------------------------------------------------------

def rules_of(model) -> dict[str, Rule]:
    return getattr(model, "write_rules", None) or {}


def actions_of(model) -> frozenset[str]:
    """Every action name ``restrict()`` accepts for ``model``: reads, writes and declared decisions."""
    return ACTIONS | frozenset(rules_of(model))


def is_read(action: str) -> bool:
    return action in READ_ACTIONS


def check_action(action: str, model=None) -> None:
    """An action name nobody declared is a programming error, never silently a read."""
    allowed = actions_of(model) if model is not None else ACTIONS
    if action not in allowed:
        raise ValueError(f"unknown sharing action: {action!r}")


def rule_for(model, action: str) -> Rule:
    return rules_of(model).get(action, DEFAULT_RULE)


def _never(prefix: str = "") -> Q:
    return Q(**{f"{prefix}pk__in": []})


def _permission_for(model, action: str) -> str:
    meta = model._meta
    if not is_read(action):
        return rule_for(model, action).permission or f"{meta.app_label}.change_{meta.model_name}"
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


# --- who the user is ---------------------------------------------------------------------------------

def user_country(user):
    institution = getattr(user, "institution", None) if getattr(user, "is_authenticated", False) else None
    return institution.country if institution is not None else None


def is_secretariat(user) -> bool:
    """True for officials of the Secretaría Técnica (the CRM party). The one notion of "ST"."""
    country = user_country(user)
    return country is not None and country.code == SECRETARIAT_CODE


# Per-request memo of cross-border standing (user pk -> bool), set by ``StandingCacheMiddleware``.
# Outside a request (tasks, tests calling the policy directly) every question is asked afresh, so a
# revocation takes effect on the very next call; long-lived streams ask with ``fresh=True``.
_standing_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("enlace_standing_memo", default=None)


def has_cross_border_standing(user, *, fresh: bool = False) -> bool:
    """True while the user's Cancillería authorisation is in force (the directory decides).

    Anything beyond the user's own country reaches them only with this standing.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    memo = None if fresh else _standing_memo.get()
    if memo is not None and user.pk in memo:
        return memo[user.pk]
    check = import_string(getattr(settings, "ENLACE_CROSS_BORDER_STANDING",
                                  "enlace.directory.policy.is_authorised_focal_point"))
    value = bool(check(user))
    if memo is not None:
        memo[user.pk] = value
    return value


class StandingCacheMiddleware:
    """Ask the directory once per request, not once per query; never across requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _standing_memo.set({})
        try:
            return self.get_response(request)
        finally:
            _standing_memo.reset(token)


# --- audiences ---------------------------------------------------------------------------------------

def audience_q(user, prefix: str = "") -> Q:
    """Q over one protected model (fields reached through ``prefix``) for a user's read audience."""
    f = lambda name: f"{prefix}{name}"  # noqa: E731
    public = Q(**{f("distribution"): Distribution.PUBLIC})
    if not getattr(user, "is_authenticated", False):
        return public
    institution = getattr(user, "institution", None)
    if institution is None:
        return _never(prefix)
    country = institution.country
    from .models import SharingGroupCountry  # local: models import this module

    q = public | Q(**{f("owner_institution"): institution.pk})
    # Own country: no authorisation needed to see what one's own country shares.
    q |= Q(**{f("distribution__in"): [Distribution.COUNTRY, Distribution.GROUP, Distribution.NETWORK],
              f("owner_institution__country"): country.pk})
    if has_cross_border_standing(user):
        # The group clause probes the group-country table's unique index (group, country) for the
        # row's own group, only on rows distributed to a group (issue 17). ``IN (the groups of my
        # country)`` built a hash of every such group (17 000 with one group per exchange thread,
        # 70 ms, once per table and parallel worker) and hid the list-order indexes from the planner
        # (1.3 s for a page of entities; 10 ms with the probe). The redundant ``>=`` keeps
        # PostgreSQL from turning the probe back into that hash (an EXISTS correlated only by
        # equality is converted to a hashed IN).
        # A group of an agreement or a team counts only while it is not suspended or expired (a
        # join on the group's primary key inside the same probe, still no scan).
        from django.db.models import Exists, OuterRef
        from django.utils import timezone

        group = OuterRef(f("sharing_group_id"))
        live = SharingGroupCountry.objects.filter(
            sharinggroup_id=group, sharinggroup_id__gte=group, country=country.pk, sharinggroup__suspended=False,
        ).filter(Q(sharinggroup__active_until__isnull=True) | Q(sharinggroup__active_until__gt=timezone.now()))
        q |= Q(Q(**{f("distribution"): Distribution.GROUP}), Exists(live))
        if country.in_network:
            q |= Q(**{f("distribution"): Distribution.NETWORK})
    return q


def read_q(user, model) -> Q:
    """The audience of the record intersected with the audience of each of its ancestors."""
    if getattr(model, "cross_border_always", False) and not has_cross_border_standing(user):
        return _never()
    q = audience_q(user)
    if model.personal_data:
        # Personal data is never public, whatever its distribution says.
        q &= ~Q(distribution=Distribution.PUBLIC)
    return q & _ancestors_q(user, model)


def _ancestors_q(user, model, prefix: str = "") -> Q:
    """The audience of every ancestor of ``model`` (reached through ``prefix``).

    ``sharing_parent_optional = True``: a row without a parent is bounded by its own audience only.
    """
    if not model.sharing_parent:
        return Q()
    name = model.sharing_parent
    parent_prefix = f"{prefix}{name}__"
    q = audience_q(user, parent_prefix) & _ancestors_q(user, model._meta.get_field(name).related_model, parent_prefix)
    if getattr(model, "sharing_parent_optional", False):
        q = Q(**{f"{prefix}{name}__isnull": True}) | q
    return q


def rule_q(user, model, rule: Rule) -> Q:
    """Records on which ``user`` belongs to the rule's audience (not yet intersected with reads)."""
    institution = getattr(user, "institution", None) if getattr(user, "is_authenticated", False) else None
    if institution is None:
        return _never()
    q = _never()
    for who in rule.who:
        if who == OWNER_INSTITUTION:
            q |= Q(owner_institution=institution.pk)
        elif who == OWNER_COUNTRY:
            q |= Q(owner_institution__country=institution.country_id)
        elif who == SECRETARIAT:
            if is_secretariat(user):
                q |= ~_never()
        elif who == PARTIES:
            q |= model.parties_q(user)
        else:
            raise ValueError(f"unknown rule audience: {who!r}")
    return q


def permitted_q(user, model, action: str) -> Q:
    """Everything ``user`` may ``action`` on ``model``: a read audience, or a read and a rule."""
    q = read_q(user, model)
    if is_read(action):
        return q
    return q & rule_q(user, model, rule_for(model, action))


def can(user, record, action: str) -> bool:
    """One record, one action: for templates and actions that need a yes/no (one query)."""
    return type(record).objects.restrict(user, action).filter(pk=record.pk).exists()


# --- audiences as values (for "a child narrows, never widens") ---------------------------------------

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
