"""Every change to accounts, roles, MFA devices and API tokens goes through here, audited."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from enlace.audit.log import log_event
from enlace.core import timefmt

from .models import User
from .roles import ROLES, declared_permissions


@transaction.atomic
def do_create_user(actor, *, username: str, institution, roles: list[str], password: str | None = None,
                   first_name: str = "", last_name: str = "", email: str = "", position: str = "") -> User:
    """Create an official of ``institution`` with ``roles`` (codes of ``accounts.roles.ROLES``)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    user = User(username=username, institution=institution, first_name=first_name, last_name=last_name,
                email=email, position=position,
                time_zone=timefmt.zone_for_country(institution.country if institution else None))
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.groups.set(Group.objects.filter(name__in=roles))
    log_event("permission", user=actor, obj=user, after={"institution": institution.pk if institution else None,
                                                         "roles": sorted(roles), "active": True})
    return user


@transaction.atomic
def do_set_user_roles(actor, user: User, roles: list[str]) -> None:
    """Replace the user's roles (role groups)."""
    before = sorted(user.groups.values_list("name", flat=True))
    user.groups.set(Group.objects.filter(name__in=roles))
    log_event("permission", user=actor, obj=user, before={"roles": before}, after={"roles": sorted(roles)})


@transaction.atomic
def do_deactivate_user(actor, user: User, reason: str = "") -> None:
    """Ends the user's access: sessions stop authenticating and tokens are deleted at once."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    log_event("permission", user=actor, obj=user, before={"active": True}, after={"active": False},
              detail={"reason": reason, "tokens_deleted": deleted})


def may_deactivate(actor, user: User) -> bool:
    """The country's administrator (``accounts.deactivate_user``) acts on the accounts of their own
    country (the ST: of its own party), never on their own account."""
    return bool(actor.has_perm("accounts.deactivate_user") and actor.institution_id and user.institution_id
                and user.pk != actor.pk and user.institution.country_id == actor.institution.country_id)


@transaction.atomic
def do_deactivate_account(actor, user: User) -> dict:
    """The country's administrator deactivates an official's account: it can no longer sign in, and its
    browser sessions and API tokens end at once, as a revocation in the directory does (the login page
    tells the official why). Another country's account, or one's own, answers as not found (404)."""
    from django.core.exceptions import ValidationError
    from django.http import Http404
    from django.utils.translation import gettext as _

    from .models import EndedSession

    if not may_deactivate(actor, user):
        raise Http404
    if not user.is_active:
        raise ValidationError(_("La cuenta ya está desactivada."))
    user.is_active = False
    user.save(update_fields=["is_active"])
    counts = end_sessions(user, reason=EndedSession.Reason.DEACTIVATED)
    log_event("permission", user=actor, obj=user, before={"active": True}, after={"active": False}, detail=counts)
    return counts


@transaction.atomic
def do_set_time_zone(user: User, name: str) -> None:
    """The official chooses the zone their pages, PDFs and exports show times in (an IANA name)."""
    if not timefmt.is_valid_zone(name):
        raise ValueError(f"unknown time zone: {name!r}")
    before = user.time_zone
    user.time_zone = name
    user.save(update_fields=["time_zone"])
    log_event("write", user=user, obj=user, before={"time_zone": before}, after={"time_zone": name})


@transaction.atomic
def do_create_api_token(user: User, *, days: int = 90, actor=None) -> tuple[AuthToken, str]:
    """A new API token for ``user``, expiring after ``days``; the clear token is returned once, stored hashed."""
    instance, token = AuthToken.objects.create(user=user, expiry=timedelta(days=days))
    log_event("token", user=actor or user, obj=user, object_repr=f"token {instance.token_key}",
              after={"token_key": instance.token_key, "expiry": instance.expiry.isoformat()})
    return instance, token


@transaction.atomic
def do_revoke_api_token(user: User, token_key: str) -> bool:
    """The user revokes one of their own tokens; False when there is no such token."""
    deleted, _ = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    if deleted:
        log_event("token", user=user, obj=user, object_repr=f"token {token_key}",
                  before={"token_key": token_key}, after=None, detail={"revoked": True})
    return bool(deleted)


@transaction.atomic
def do_start_totp_enrolment(user: User, name: str = "") -> TOTPDevice:
    """A new, unconfirmed authenticator for the user (any earlier unconfirmed one is discarded)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name=name or "Autenticador", confirmed=False)
    log_event("device", user=user, obj=user, detail={"enrolment_started": device.pk})
    return device


@transaction.atomic
def do_confirm_totp_device(user: User, device: TOTPDevice) -> None:
    """The user proved the authenticator works: it becomes a second factor."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    log_event("device", user=user, obj=user, after={"device": device.pk, "name": device.name, "confirmed": True})


@transaction.atomic
def do_remove_totp_device(user: User, device: TOTPDevice) -> None:
    """The user removes one of their authenticators (the view keeps at least one)."""
    log_event("device", user=user, obj=user, before={"device": device.pk, "name": device.name}, after=None)
    device.delete()


def session_key_hash(session_key: str) -> str:
    """What ``EndedSession`` stores of a session key: a SHA-256, never the key."""
    import hashlib

    return hashlib.sha256(session_key.encode()).hexdigest()


def end_sessions(user: User, *, reason: str, decided_on=None) -> dict:
    """Delete ``user``'s API tokens and browser sessions, and remember why for the login page.

    Not an action of its own: the decision that ends the access (e.g. a revocation in the
    directory) calls this inside its transaction and writes the one audit event, with these counts.
    """
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from .models import EndedSession

    now = timezone.now()
    decided_on = decided_on or timezone.localdate()
    tokens, _unused = AuthToken.objects.filter(user=user).delete()
    ended = []
    for session in Session.objects.filter(expire_date__gt=now).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            ended.append(session.session_key)
    Session.objects.filter(session_key__in=ended).delete()
    EndedSession.objects.bulk_create(
        [EndedSession(key_hash=session_key_hash(key), user=user, reason=reason, decided_on=decided_on, ended_at=now)
         for key in ended], ignore_conflicts=True)
    # No browser still carries a cookie older than the session lifetime: older notices are useless.
    EndedSession.objects.filter(ended_at__lt=now - timedelta(seconds=settings.SESSION_COOKIE_AGE)).delete()
    return {"tokens_deleted": tokens, "sessions_ended": len(ended)}


@transaction.atomic
def do_sync_roles() -> dict[str, int]:
    """Create the role groups and give each exactly the permissions the apps declare (``role_permissions``).

    Run by ``enlace load-reference``. Logs one ``permission`` event naming the roles whose
    permissions changed, and none when nothing changed.
    """
    counts, changed = {}, []
    for role, perms in declared_permissions().items():
        group, created = Group.objects.get_or_create(name=role)
        objs = []
        for dotted in sorted(perms):
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is None:
                raise LookupError(f"role {role!r} declares permission {dotted!r}, which does not exist "
                                  f"(is the app migrated and the codename right?)")
            objs.append(perm)
        if created or set(group.permissions.values_list("pk", flat=True)) != {p.pk for p in objs}:
            group.permissions.set(objs)
            changed.append(role)
        counts[role] = len(objs)
    if changed:
        log_event("permission", object_type="auth.group", detail={"changed": sorted(changed),
                                                                  "count": sum(counts.values())})
    return counts


@transaction.atomic
def do_provision_totp_device(actor, user: User, name: str = "Demo") -> TOTPDevice:
    """A confirmed authenticator created by an administrator's tooling (demo accounts, provisioning).

    Idempotent: an account that already has a confirmed device keeps it and nothing is logged.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        return device
    device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
    log_event("device", user=actor, obj=user, after={"device": device.pk, "confirmed": True},
              detail={"provisioned": True})
    return device
