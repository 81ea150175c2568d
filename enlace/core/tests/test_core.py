"""Base UI, reference and demo data, bad input, security settings, no remote assets."""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from enlace.accounts.models import User
from enlace.audit.models import AuditEvent
from enlace.core.models import Country
from enlace.testing import factories as f

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_reference_data_has_the_eleven_members_and_the_observers():
    members = Country.objects.filter(kind="member")
    assert sorted(members.values_list("code", flat=True)) == sorted(
        ["BLZ", "CAN", "CRI", "SLV", "GTM", "HND", "MEX", "NIC", "PAN", "DOM", "USA"])
    assert Country.objects.get(code="DOM").name_en == "Dominican Republic"
    assert set(Country.objects.filter(kind="observer").values_list("code", flat=True)) == {"CRM", "IOM", "UNODC", "UNHCR"}


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_follows_the_username_convention():
    call_command("load-demo", stdout=StringIO())
    n = User.objects.count()
    call_command("load-demo", stdout=StringIO())
    assert User.objects.count() == n
    for code in ["blz", "can", "cri", "slv", "gtm", "hnd", "mex", "nic", "pan", "dom", "usa"]:
        for prefix, role in [("cancilleria", "cancilleria"), ("enlace", "focal_point"), ("fiscal", "prosecutor"),
                             ("analista", "analyst")]:
            user = User.objects.get(username=f"{prefix}.{code}")
            assert user.has_role(role) and user.institution.country.code == code.upper()
    assert User.objects.get(username="st.crm").has_role("st")
    assert User.objects.get(username="auditor.crm").has_role("auditor")
    out = StringIO()
    call_command("demo-accounts", "--only", "enlace.gtm", stdout=out)
    line = next(line for line in out.getvalue().splitlines() if line.startswith("enlace.gtm"))
    assert re.search(r"\b[A-Z2-7]{32}\b", line) and re.search(r"\b\d{6}\b", line)


@pytest.mark.django_db
def test_unknown_language_gets_a_clear_400_and_an_audit_event():
    c = f.verified_client(f.user("GTM", "focal_point"))
    r = c.post("/i18n/setlang/", {"language": "xx", "next": "/inicio/"})
    assert r.status_code == 400
    assert "Idioma no disponible" in r.content.decode()
    assert AuditEvent.objects.filter(kind="bad_request", detail__reason="unknown_language").exists()


@pytest.mark.django_db
def test_language_switch_gives_a_complete_english_page():
    c = f.verified_client(f.user("GTM", "focal_point"))
    assert "Bienvenido/a" in c.get("/inicio/").content.decode()
    r = c.post("/i18n/setlang/", {"language": "en", "next": "/inicio/"})
    assert r.status_code == 302
    body = c.get("/inicio/").content.decode()
    assert '<html lang="en">' in body and "Welcome" in body and "Sign out" in body
    assert "Bienvenido" not in body and "Cerrar sesión" not in body


@pytest.mark.django_db
def test_oversized_request_bodies_are_refused_before_reading(settings):
    settings.ENLACE_MAX_REQUEST_BYTES = 1024
    c = f.verified_client(f.user("GTM", "focal_point"))
    r = c.post("/cuenta/seguridad/tokens/nuevo/", {"days": "7", "pad": "x" * 5000})
    assert r.status_code == 413 and "demasiado grande" in r.content.decode()
    api = f.token_client(f.user("GTM", "focal_point"))
    r = api.post("/api/v1/me/", {"pad": "x" * 5000}, format="json")
    assert r.status_code == 413 and r.json()["error"]["code"] == "request_too_large"
    assert AuditEvent.objects.filter(kind="bad_request", detail__reason="too_large").count() == 2


@pytest.mark.django_db
def test_missing_pages_and_bad_input_never_give_a_500():
    c = f.verified_client(f.user("GTM", "focal_point"))
    r = c.get("/no-existe/")
    assert r.status_code == 404 and "No encontrado" in r.content.decode()
    r = c.get("/prueba-expedientes/expedientes/abc/")
    assert r.status_code == 404
    r = c.get("/auditoria/?since=not-a-date")
    assert r.status_code in (200, 403)
    anon = Client()
    assert anon.get("/cuenta/verificar/").status_code == 302
    r = anon.post("/cuenta/entrar/", {"username": "x" * 10000, "password": "y"})
    assert r.status_code == 200


@pytest.mark.django_db
def test_security_headers_on_every_page():
    r = Client().get("/cuenta/entrar/")
    csp = r["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert r["X-Frame-Options"] == "DENY"
    assert r["Referrer-Policy"] == "same-origin"
    assert r["X-Content-Type-Options"] == "nosniff"


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = {**os.environ, "SECRET_KEY": "x" * 64 + "Zq9!", "DATABASE_URL": "postgresql://enlace@127.0.0.1:5/enlace",
           "ALLOWED_HOSTS": "enlace.example.org", "ENLACE_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the test suite for Playwright, never in deployment
    r = subprocess.run([sys.executable, "-m", "enlace.cli", "check", "--deploy", "--fail-level", "WARNING",
                        "--settings=enlace.settings.production"], env=env, capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


def test_production_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DJANGO_SETTINGS_MODULE")}
    env.update(DATABASE_URL="postgresql://enlace@127.0.0.1:5/enlace", ALLOWED_HOSTS="x", ENLACE_VAR_DIR=str(tmp_path))
    r = subprocess.run([sys.executable, "-m", "enlace.cli", "check", "--settings=enlace.settings.production"],
                       env=env, capture_output=True, text=True, cwd=ROOT)
    assert r.returncode != 0 and "SECRET_KEY" in r.stderr


REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""" + r"|@import\s+url\(\s*['\"]?https?://|url\(\s*['\"]?https?://")


def test_no_template_or_stylesheet_loads_anything_from_the_internet():
    offenders = []
    for path in (ROOT / "enlace").rglob("*"):
        if path.suffix in {".html", ".css"} and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            for m in REMOTE.finditer(text):
                offenders.append(f"{path.relative_to(ROOT)}: {text[m.start():m.start() + 60]!r}")
    assert not offenders, offenders
