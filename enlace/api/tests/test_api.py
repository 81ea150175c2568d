"""The REST API skeleton through HTTP: auth, uniform errors, schema, docs, reference endpoints."""

import pytest
from rest_framework.test import APIClient

from enlace.audit.models import AuditEvent
from enlace.testing import factories as f


@pytest.mark.django_db
def test_anonymous_gets_401_with_the_uniform_error_body_in_spanish():
    r = APIClient().get("/api/v1/me/")
    assert r.status_code == 401
    assert r["WWW-Authenticate"] == "Token"
    err = r.json()["error"]
    assert err["status"] == 401 and "autenticación" in err["message"]


@pytest.mark.django_db
def test_errors_speak_english_when_asked():
    r = APIClient().get("/api/v1/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Authentication" in r.json()["error"]["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["Token", "Token abc", "Token " + "x" * 200, "Token a b c", "Bearer zzz"])
def test_malformed_tokens_are_refused_and_audited(header):
    before = AuditEvent.objects.count()
    r = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=header)
    assert r.status_code == 401
    assert r.json()["error"]["status"] == 401
    if header.startswith("Token "):
        assert AuditEvent.objects.filter(seq__gt=before, kind="token_failed").exists()


@pytest.mark.django_db
def test_me_countries_and_institutions():
    user = f.user("HND", "focal_point")
    api = f.token_client(user)
    me = api.get("/api/v1/me/").json()
    assert me["country"] == "HND" and me["roles"] == ["focal_point"]
    countries = api.get("/api/v1/countries/").json()
    assert len([c for c in countries if c["kind"] == "member"]) == 11
    assert {c["code"] for c in countries} >= {"GTM", "HND", "CRM", "IOM", "UNODC", "UNHCR"}
    assert api.get("/api/v1/countries/GTM/").json()["name"] == "Guatemala"
    insts = api.get("/api/v1/institutions/", {"country__code": "HND"}).json()
    assert insts["count"] >= 1 and all(i["country"] == "HND" for i in insts["results"])
    assert api.get("/api/v1/countries/XXX/").status_code == 404


@pytest.mark.django_db
def test_session_without_second_factor_is_not_enough_for_the_api():
    from django.test import Client

    user = f.user("HND", "focal_point")
    c = Client()
    c.force_login(user)
    assert c.get("/api/v1/me/").status_code == 401
    assert f.verified_client(user).get("/api/v1/me/").status_code == 200


@pytest.mark.django_db
def test_openapi_schema_and_local_docs():
    api = f.token_client(f.user("GTM", "analyst"))
    r = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert r.status_code == 200
    schema = r.json()
    assert schema["openapi"].startswith("3.") and "/api/v1/me/" in schema["paths"]
    c = f.verified_client(f.user("GTM", "analyst"))
    r = c.get("/api/v1/docs/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "swagger" in html.lower()
    assert "cdn" not in html.lower() and "https://" not in html
    # The page's language is declared and nothing inline is left for the CSP to refuse.
    assert '<html lang="es">' in html and "<style>" not in html and "<script>" not in html
    script = c.get(r.content.decode().split('<script src="')[-1].split('"')[0])
    assert script.status_code == 200 and b'"validatorUrl": null' in script.content


@pytest.mark.django_db
def test_not_found_and_not_allowed_look_the_same():
    from enlace.sharing.tests.testapp.actions import do_create_dossier

    owner = f.user("GTM", "focal_point")
    hidden = do_create_dossier(owner, title="Interno", distribution="country")
    api = f.token_client(f.user("PAN", "focal_point"))
    a = api.get(f"/api/v1/test-dossiers/{hidden.pk}/")
    b = api.get("/api/v1/test-dossiers/999999/")
    assert a.status_code == b.status_code == 404
    assert a.json() == b.json()
