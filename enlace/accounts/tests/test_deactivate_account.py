"""«Desactivar cuenta» for the country's administrator (Cancillería; the ST for its party): audited,
ends sessions and tokens at once like a revocation, only within the administrator's own country."""

import pytest

from enlace.accounts.models import User
from enlace.audit.models import AuditEvent
from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db


def test_the_cancilleria_deactivates_an_official_whose_sessions_and_tokens_end_at_once():
    admin = f.user("GTM", "cancilleria")
    official = f.user("GTM", "focal_point")
    browser, api = f.verified_client(official), f.token_client(official)
    assert browser.get("/casos/").status_code == 200 and api.get("/api/v1/cases/").status_code == 200
    client = f.verified_client(admin)
    page = client.get("/cuenta/cuentas/").content.decode()
    assert official.username in page and "Desactivar cuenta" in page and "data-confirm=" in page
    assert "Punto focal" in page  # role names, never codes
    r = client.post(f"/cuenta/cuentas/{official.pk}/desactivar/")
    assert r.status_code == 302 and r["Location"] == "/cuenta/cuentas/"
    assert "desactivada: 1 sesiones y 1 tokens" in client.get("/cuenta/cuentas/").content.decode()
    assert not User.objects.get(pk=official.pk).is_active
    assert api.get("/api/v1/cases/").status_code == 401
    after = browser.get("/casos/")
    assert after.status_code == 302 and "/cuenta/entrar/" in after["Location"]
    assert "El administrador de su país desactivó su cuenta" in browser.get(after["Location"]).content.decode()
    event = AuditEvent.objects.filter(kind="permission", object_id=str(official.pk)).latest("pk")
    assert event.detail["do"] == "do_deactivate_account" and event.after == {"active": False}
    # Twice: a clear message, nothing else happens.
    r = client.post(f"/cuenta/cuentas/{official.pk}/desactivar/", follow=True)
    assert "La cuenta ya está desactivada." in r.content.decode()


def test_other_countries_other_roles_and_ones_own_account_are_404():
    admin = f.user("GTM", "cancilleria")
    official = f.user("GTM", "focal_point")
    foreign = f.user("HND", "focal_point")
    client = f.verified_client(admin)
    assert foreign.username not in client.get("/cuenta/cuentas/").content.decode()
    assert client.post(f"/cuenta/cuentas/{foreign.pk}/desactivar/").status_code == 404
    assert client.post(f"/cuenta/cuentas/{admin.pk}/desactivar/").status_code == 404
    assert client.post("/cuenta/cuentas/999999/desactivar/").status_code == 404
    assert client.get(f"/cuenta/cuentas/{official.pk}/desactivar/").status_code == 405
    peer = f.verified_client(f.user("GTM", "focal_point"))
    assert peer.get("/cuenta/cuentas/").status_code == 404
    assert peer.post(f"/cuenta/cuentas/{official.pk}/desactivar/").status_code == 404
    assert f.verified_client(f.user("HND", "cancilleria")).post(
        f"/cuenta/cuentas/{official.pk}/desactivar/").status_code == 404
    assert User.objects.filter(pk__in=[official.pk, foreign.pk, admin.pk], is_active=True).count() == 3


def test_the_accounts_page_runs_a_constant_number_of_queries():
    admin = f.user("GTM", "cancilleria")

    def more(n):
        for _ in range(n):
            f.user("GTM", "analyst")

    more(1)
    assert_constant_queries(f.verified_client(admin), "/cuenta/cuentas/", more, more=3)
