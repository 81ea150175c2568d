"""Test helpers shared by every app: officials of given countries/roles, MFA-verified clients."""

from __future__ import annotations

import datetime
import itertools

from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from enlace.accounts.actions import do_create_api_token, do_create_user
from enlace.core.models import Country, Institution

_seq = itertools.count(1)
PASSWORD = "Prueba-Segura-2026"


def country(code: str) -> Country:
    return Country.objects.get(code=code)


def institution(code: str, type: str = Institution.Type.POLICE, name: str | None = None) -> Institution:
    inst, _ = Institution.objects.get_or_create(country=country(code), name=name or f"{type} {code}",
                                                defaults={"type": type, "acronym": f"{type[:3].upper()}-{code}"})
    return inst


def user(code: str = "GTM", role: str = "focal_point", *, inst: Institution | None = None,
         username: str | None = None, with_device: bool = True, authorised: bool = True):
    """An active official of ``code`` with ``role`` (a role code from accounts.roles).

    ``authorised``: the official also has an in-force directory entry authorised by their
    Cancillería, i.e. cross-border standing (most tests read across borders). Pass ``False`` for
    an official who may only see their own country.
    """
    inst = inst or institution(code)
    u = do_create_user(None, username=username or f"{role}.{code.lower()}.{next(_seq)}", institution=inst,
                       roles=[role] if role else [], password=PASSWORD, first_name=role, last_name=code)
    if with_device:
        TOTPDevice.objects.create(user=u, name="test", confirmed=True)
    if authorised:
        authorise(u)
    return u


def authorise(u, *, days: int = 365):
    """Give ``u`` an in-force, authorised directory entry (test shortcut for propose + authorise)."""
    from enlace.directory.models import Contact
    from enlace.sharing.policy import Distribution

    today = timezone.localdate()
    return Contact.objects.create(
        owner_institution=u.institution, distribution=Distribution.NETWORK, first_name=u.first_name or "Test",
        last_name=u.last_name or "Official", normalized_name=f"{u.first_name} {u.last_name}".upper(),
        position="Funcionario de prueba", email=f"{u.username}@test.invalid", phone="+50222000000",
        timezone=u.institution.country.timezone or "UTC", user=u, status=Contact.Status.ACTIVE,
        valid_from=today - datetime.timedelta(days=1), valid_until=today + datetime.timedelta(days=days))


def verified_client(u) -> Client:
    """A browser session that passed password and TOTP."""
    c = Client()
    c.force_login(u)
    device = TOTPDevice.objects.filter(user=u, confirmed=True).first() or TOTPDevice.objects.create(
        user=u, name="test", confirmed=True)
    session = c.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return c


def token_client(u) -> APIClient:
    _instance, token = do_create_api_token(u, days=1)
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return c
