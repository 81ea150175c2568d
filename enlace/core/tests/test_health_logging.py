"""Health endpoint and structured logs (issue 17)."""

import datetime
import io
import json
import logging
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from enlace.core import health
from enlace.core.jsonlog import JSONFormatter, RequestIdFilter
from enlace.jobs import actions as jobs
from enlace.jobs.models import WorkerHeartbeat
from enlace.testing import factories as f

pytestmark = pytest.mark.django_db


def test_health_is_public_json_and_reports_the_worker():
    r = Client().get("/salud/")
    assert r.status_code == 200 and r["Content-Type"] == "application/json"
    assert r.json() == {"status": "degraded", "database": "ok", "migrations": "ok",
                        "worker": {"status": "none", "heartbeat_age_seconds": None}}
    assert settings.SECRET_KEY not in r.content.decode() and "private" not in r.content.decode()

    jobs.beat("w1", timezone.now())
    body = Client().get("/salud/").json()
    assert body["status"] == "ok" and body["worker"]["status"] == "ok" and body["worker"]["heartbeat_age_seconds"] < 60

    WorkerHeartbeat.objects.update(beat_at=timezone.now() - datetime.timedelta(minutes=10))
    body = Client().get("/salud/").json()
    assert body["status"] == "degraded" and body["worker"]["status"] == "stale"
    assert Client().post("/salud/").status_code == 405


def test_health_fails_when_the_database_is_gone_or_migrations_are_pending(monkeypatch):
    with mock.patch.object(health, "check_database", return_value=False):
        r = Client().get("/salud/")
    assert r.status_code == 503 and r.json()["database"] == "unreachable"

    monkeypatch.setattr(health, "_migrations_ok", False)
    with mock.patch("django.db.migrations.executor.MigrationExecutor.migration_plan", return_value=["pending"]):
        r = Client().get("/salud/")
    assert r.status_code == 503 and r.json()["migrations"] == "pending"


@pytest.fixture
def log_lines():
    """What the configured JSON handler writes, captured (same formatter and filter as the settings)."""
    config = settings.LOGGING
    assert config["handlers"]["console"]["formatter"] == "json"
    assert config["loggers"]["django.request"]["handlers"] == ["console"]
    assert "enlace.core.jsonlog.RequestLogMiddleware" == settings.MIDDLEWARE[0]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    handler.addFilter(RequestIdFilter())
    loggers = [logging.getLogger("enlace.request"), logging.getLogger("django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger in loggers:
        logger.removeHandler(handler)


def test_one_json_line_per_request_with_its_id(log_lines):
    r = Client().get("/salud/")
    lines = [x for x in log_lines() if x["message"] == "request"]
    assert len(lines) == 1 and lines[0]["request_id"] == r["X-Request-ID"] and len(r["X-Request-ID"]) == 32
    assert lines[0]["path"] == "/salud/" and lines[0]["status"] == 200 and lines[0]["method"] == "GET"
    # A proxy's id is kept (so nginx and the application log the same id); a hostile one is replaced.
    assert Client().get("/salud/", HTTP_X_REQUEST_ID="abc123def456")["X-Request-ID"] == "abc123def456"
    assert Client().get("/salud/", HTTP_X_REQUEST_ID="x\ny")["X-Request-ID"] != "x\ny"


@override_settings(ROOT_URLCONF="enlace.core.tests.boom_urls", DEBUG=False)
def test_uncaught_exception_is_logged_with_traceback_and_request_id(log_lines):
    client = f.verified_client(f.user("GTM", "focal_point"))
    client.raise_request_exception = False
    r = client.get("/prueba/falla/")
    request_id = r["X-Request-ID"]
    page = r.content.decode()
    assert r.status_code == 500 and "Error interno" in page and request_id in page and "boom" not in page
    errors = [x for x in log_lines() if x["level"] == "ERROR"]
    assert len(errors) == 1 and errors[0]["request_id"] == request_id and errors[0]["logger"] == "django.request"
    assert "RuntimeError: boom for the log test" in errors[0]["exception"] and "Traceback" in errors[0]["exception"]
    # The English page says the same.
    r = client.get("/prueba/falla/", HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    r = client.get("/prueba/falla/")
    assert "Internal error" in r.content.decode() and r["X-Request-ID"] in r.content.decode()


@override_settings(ROOT_URLCONF="enlace.core.tests.boom_urls", DEBUG=False)
def test_database_gone_gives_a_503_page_that_needs_no_database(log_lines):
    client = f.verified_client(f.user("GTM", "focal_point"))
    client.raise_request_exception = False
    r = client.get("/prueba/sin-base/")
    page = r.content.decode()
    assert r.status_code == 503 and "Servicio no disponible" in page and r["X-Request-ID"] in page
    assert r["Retry-After"] == "30" and "127.0.0.1" not in page
    errors = [x for x in log_lines() if x["level"] == "ERROR"]
    assert errors and errors[0]["request_id"] == r["X-Request-ID"] and "OperationalError" in errors[0]["exception"]
