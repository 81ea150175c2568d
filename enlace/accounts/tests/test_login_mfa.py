"""Login with password + TOTP, as an official meets it in the browser (HTTP level)."""

import base64
import datetime as dt

import pyotp
import pytest
import time_machine
from django.core import mail
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from enlace.audit.models import AuditEvent
from enlace.testing import factories as f


def _code(user, at=None):
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    totp = pyotp.TOTP(base64.b32encode(device.bin_key).decode())
    return totp.at(at) if at else totp.now()


def _password_step(client, user, password=f.PASSWORD, **extra):
    return client.post("/cuenta/entrar/", {"username": user.username, "password": password}, **extra)


@pytest.mark.django_db
def test_login_page_shows_the_system_use_notice_in_spanish():
    r = Client().get("/cuenta/entrar/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "Aviso de uso del sistema" in body and "Toda actividad queda registrada" in body
    assert '<html lang="es">' in body


@pytest.mark.django_db
def test_every_non_public_page_needs_login_then_mfa():
    user = f.user("GTM", "focal_point")
    c = Client()
    r = c.get("/inicio/")
    assert r.status_code == 302 and r["Location"].startswith("/cuenta/entrar/")
    r = _password_step(c, user)
    assert r.status_code == 302 and r["Location"].startswith("/cuenta/verificar/")
    # Password alone does not open anything.
    for path in ("/inicio/", "/cuenta/seguridad/", "/auditoria/", "/avisos/"):
        r = c.get(path)
        assert r.status_code == 302 and r["Location"].startswith("/cuenta/verificar/"), path
    r = c.post("/cuenta/verificar/", {"code": _code(user), "next": "/inicio/"})
    assert r.status_code == 302 and r["Location"] == "/inicio/"
    r = c.get("/inicio/")
    assert r.status_code == 200
    assert "Bienvenido/a" in r.content.decode()
    kinds = list(AuditEvent.objects.filter(actor=user).order_by("seq").values_list("kind", flat=True))
    assert "login" in kinds and "mfa_ok" in kinds


@pytest.mark.django_db
def test_wrong_password_is_refused_with_a_clear_message_and_audited():
    user = f.user("GTM", "focal_point")
    r = _password_step(Client(), user, password="no-es-la-clave")
    assert r.status_code == 200
    assert "Usuario o contraseña incorrectos" in r.content.decode()
    assert AuditEvent.objects.filter(kind="login_failed", actor_username=user.username).count() == 1


@pytest.mark.django_db
def test_wrong_and_replayed_totp_codes_are_refused():
    user = f.user("GTM", "focal_point")
    c = Client()
    _password_step(c, user)
    r = c.post("/cuenta/verificar/", {"code": "000000"})
    assert r.status_code == 400
    assert "Código incorrecto o ya utilizado" in r.content.decode()
    assert AuditEvent.objects.filter(kind="mfa_failed", actor=user).exists()
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    r = c.post("/cuenta/verificar/", {"code": "12ab56"})
    assert r.status_code == 400 and "solo contiene números" in r.content.decode()

    # A valid code works once; the same code in another session is a replay.
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    code = _code(user)
    assert c.post("/cuenta/verificar/", {"code": code}).status_code == 302
    other = Client()
    _password_step(other, user)
    r = other.post("/cuenta/verificar/", {"code": code})
    assert r.status_code == 400
    assert other.get("/inicio/").status_code == 302


@pytest.mark.django_db
def test_failed_logins_pause_only_that_username_from_that_address():
    user = f.user("GTM", "focal_point")
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        _password_step(attacker, user, password="adivinando", REMOTE_ADDR="203.0.113.9")
    r = _password_step(attacker, user, REMOTE_ADDR="203.0.113.9")  # even the right password
    assert r.status_code == 429
    assert "Demasiados intentos fallidos" in r.content.decode()
    assert AuditEvent.objects.filter(kind="locked_out").exists()
    # The real user, elsewhere, is not locked out by the attacker.
    r = _password_step(Client(), user, REMOTE_ADDR="198.51.100.7")
    assert r.status_code == 302 and r["Location"].startswith("/cuenta/verificar/")


@pytest.mark.django_db
def test_idle_session_expires_after_30_minutes_with_a_message():
    user = f.user("GTM", "focal_point")
    start = dt.datetime(2026, 5, 4, 15, 0, tzinfo=dt.timezone.utc)
    with time_machine.travel(start, tick=False) as traveller:
        c = Client()
        _password_step(c, user)
        c.post("/cuenta/verificar/", {"code": _code(user, start)})
        assert c.get("/inicio/").status_code == 200
        traveller.shift(dt.timedelta(minutes=29))
        assert c.get("/inicio/").status_code == 200
        traveller.shift(dt.timedelta(minutes=31))
        r = c.get("/inicio/", follow=True)
        assert "Su sesión expiró" in r.content.decode()
        assert r.redirect_chain[0][0].startswith("/cuenta/entrar/")
    assert AuditEvent.objects.filter(kind="session_expired", actor=user, detail__expired="idle").exists()


@pytest.mark.django_db
def test_session_ends_after_12_hours_even_when_active():
    user = f.user("GTM", "focal_point")
    start = dt.datetime(2026, 5, 4, 8, 0, tzinfo=dt.timezone.utc)
    with time_machine.travel(start, tick=False) as traveller:
        c = Client()
        _password_step(c, user)
        c.post("/cuenta/verificar/", {"code": _code(user, start)})
        for _ in range(24):  # active every 25 minutes for 10 hours
            traveller.shift(dt.timedelta(minutes=25))
            assert c.get("/inicio/").status_code == 200
        traveller.shift(dt.timedelta(hours=2, minutes=1))
        assert c.get("/inicio/").status_code == 302
    assert AuditEvent.objects.filter(kind="session_expired", actor=user, detail__expired="absolute").exists()


@pytest.mark.django_db
def test_deactivated_official_is_refused_on_the_next_request():
    from enlace.accounts.actions import do_deactivate_user

    user = f.user("HND", "focal_point")
    c = f.verified_client(user)
    api = f.token_client(user)
    assert c.get("/inicio/").status_code == 200
    assert api.get("/api/v1/me/").status_code == 200
    do_deactivate_user(None, user, reason="revocado por la Cancillería")
    assert c.get("/inicio/").status_code == 302
    assert api.get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_first_login_enrols_an_authenticator_app():
    user = f.user("PAN", "analyst", with_device=False)
    c = Client()
    r = _password_step(c, user)
    r = c.get("/inicio/")
    assert r.status_code == 302 and r["Location"] == "/cuenta/mfa/alta/"
    r = c.get("/cuenta/mfa/alta/")
    assert r.status_code == 200 and 'id="mfa-start"' in r.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()  # a GET never writes: the secret is made on POST
    r = c.post("/cuenta/mfa/alta/", {"start": "1"})
    assert r.status_code == 302 and r["Location"] == "/cuenta/mfa/alta/"
    r = c.get("/cuenta/mfa/alta/")
    assert r.status_code == 200 and "<svg" in r.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    r = c.post("/cuenta/mfa/alta/", {"code": "123456" if pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now() != "123456" else "654321"})
    assert r.status_code == 400 and "no coincide" in r.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    r = c.post("/cuenta/mfa/alta/", {"code": pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()})
    assert r.status_code == 302
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert c.get("/inicio/").status_code == 200


@pytest.mark.django_db
def test_a_user_with_a_device_cannot_enrol_a_new_one_with_the_password_alone():
    user = f.user("PAN", "analyst")
    c = Client()
    _password_step(c, user)
    r = c.get("/cuenta/mfa/alta/")
    assert r.status_code == 302 and r["Location"] == "/cuenta/verificar/"


@pytest.mark.django_db
def test_api_tokens_are_shown_once_expire_and_can_be_revoked():
    user = f.user("CRI", "focal_point")
    c = f.verified_client(user)
    r = c.post("/cuenta/seguridad/tokens/nuevo/", {"days": "7"})
    assert r.status_code == 302
    page = c.get("/cuenta/seguridad/").content.decode()
    token = page.split('id="new-token">')[1].split("<")[0]
    assert len(token) > 20
    assert token not in c.get("/cuenta/seguridad/").content.decode()  # shown once
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").json()["username"] == user.username
    with time_machine.travel(dt.timedelta(days=8)):
        assert api.get("/api/v1/me/").status_code == 401
    from knox.models import AuthToken

    assert not AuthToken.objects.filter(user=user).exists()  # the expired token is gone for good
    c.post("/cuenta/seguridad/tokens/nuevo/", {"days": "30"})
    token = c.get("/cuenta/seguridad/").content.decode().split('id="new-token">')[1].split("<")[0]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").status_code == 200
    key = AuthToken.objects.get(user=user).token_key
    assert c.post(f"/cuenta/seguridad/tokens/{key}/revocar/").status_code == 302
    assert api.get("/api/v1/me/").status_code == 401
    assert AuditEvent.objects.filter(kind="token", actor=user).count() == 3  # two created, one revoked


@pytest.mark.django_db
def test_create_token_command_prints_a_working_token():
    from io import StringIO

    from django.core.management import call_command
    from rest_framework.test import APIClient

    user = f.user("MEX", "analyst")
    out = StringIO()
    call_command("create-token", user.username, "--days", "1", stdout=out)
    token = out.getvalue().strip().splitlines()[-1]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").json()["country"] == "MEX"


@pytest.mark.django_db
def test_password_reset_sends_a_link_and_does_not_reveal_accounts():
    user = f.user("SLV", "focal_point")
    user.email = "enlace@example.org"
    user.save()
    c = Client()
    r = c.post("/cuenta/contrasena/restablecer/", {"email": "nadie@example.org"})
    assert r.status_code == 302 and len(mail.outbox) == 0
    r = c.post("/cuenta/contrasena/restablecer/", {"email": "enlace@example.org"})
    assert r.status_code == 302 and len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/cuenta/contrasena/restablecer/" in line)
    path = link.split("testserver", 1)[1]
    r = c.get(path, follow=True)
    assert r.status_code == 200
    form_url = r.redirect_chain[-1][0]
    r = c.post(form_url, {"new_password1": "password123", "new_password2": "password123"})
    assert r.status_code == 200 and "demasiado común" in r.content.decode()  # common/breached password refused
    r = c.post(form_url, {"new_password1": "Otra-Clave-Larga-2026!", "new_password2": "Otra-Clave-Larga-2026!"})
    assert r.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Otra-Clave-Larga-2026!")


@pytest.mark.django_db
def test_superuser_login_is_recorded_as_break_glass():
    user = f.user("CRM", "st", inst=f.institution("CRM"))
    user.is_superuser = True
    user.save()
    _password_step(Client(), user)
    assert AuditEvent.objects.filter(kind="break_glass", actor=user).exists()


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from enlace.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
