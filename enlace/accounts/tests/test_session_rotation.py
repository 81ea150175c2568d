"""The session id changes when the second factor is verified (no session fixation, issue 16)."""

import base64

import pyotp
import pytest
from django.conf import settings
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from enlace.testing import factories as f


def _code(user):
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()


@pytest.mark.django_db
def test_the_session_id_changes_at_the_second_factor_and_the_old_one_opens_nothing():
    user = f.user("GTM", "focal_point")
    c = Client()
    r = c.post("/cuenta/entrar/", {"username": user.username, "password": f.PASSWORD})
    assert r.status_code == 302 and r["Location"].startswith("/cuenta/verificar/")
    after_password = c.cookies[settings.SESSION_COOKIE_NAME].value

    r = c.post("/cuenta/verificar/", {"code": _code(user), "next": "/inicio/"})
    assert r.status_code == 302 and r["Location"] == "/inicio/"
    after_mfa = c.cookies[settings.SESSION_COOKIE_NAME].value
    assert after_mfa and after_mfa != after_password
    assert c.get("/inicio/").status_code == 200

    # Whoever held the id from before the second factor holds nothing now.
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = after_password
    r = stale.get("/inicio/")
    assert r.status_code == 302 and r["Location"].startswith("/cuenta/entrar/")
    assert stale.get("/api/v1/me/").status_code == 401


@pytest.mark.django_db
def test_the_session_id_changes_when_the_first_device_is_enrolled():
    user = f.user("GTM", "focal_point", with_device=False)
    c = Client()
    c.post("/cuenta/entrar/", {"username": user.username, "password": f.PASSWORD})
    c.post("/cuenta/mfa/alta/", {"start": "1"})  # the secret is made on POST (a GET never writes)
    assert c.get("/cuenta/mfa/alta/").status_code == 200
    before = c.cookies[settings.SESSION_COOKIE_NAME].value
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()
    r = c.post("/cuenta/mfa/alta/", {"code": code})
    assert r.status_code == 302
    after = c.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert c.get("/inicio/").status_code == 200
