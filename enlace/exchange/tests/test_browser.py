"""Two browsers: Costa Rica sends, Panamá has the inbox open and sees the message arrive without reloading.

The stream needs the real ASGI server, so the test starts uvicorn in a child process against the
test data (the PostgreSQL test database itself; on SQLite a copy of the in-memory test database).
"""

import base64

import pyotp
import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from enlace.exchange import liveserver
from enlace.testing.factories import PASSWORD

from .helpers import focal


def _login(browser, base_url, user):
    page = browser.new_context(locale="es-ES").new_page()
    page.goto(f"{base_url}/cuenta/entrar/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    page.fill("#id_code", pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now())
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/cuenta/" not in url)
    return page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_panama_sees_the_costa_rican_request_arrive_without_reload(browser):
    cri, pan = focal("CRI"), focal("PAN")
    server = liveserver.start(liveserver.database_url_for_current_test_db())
    try:
        inbox = _login(browser, server.url, pan)
        inbox.goto(f"{server.url}/intercambio/")
        inbox.wait_for_selector("#stream-state[data-live='1']", state="attached", timeout=10000)
        inbox.evaluate("window.__sinRecargar = 'sí'")
        assert inbox.locator("text=Lancha interceptada en Golfito").count() == 0

        sender = _login(browser, server.url, cri)
        sender.goto(f"{server.url}/intercambio/nuevo/")
        sender.select_option("#id_kind", "info_request")
        sender.fill("#id_subject", "Lancha interceptada en Golfito")
        sender.select_option("#id_recipient_countries", ["PAN"])
        sender.select_option("#id_priority", "urgent")
        sender.fill("#id_body", "Solicitamos antecedentes del capitán.")
        sender.click("button[name=send]")
        sender.wait_for_selector("h1:has-text('Lancha interceptada en Golfito')")

        row = inbox.locator("#inbox-rows tr:has-text('Lancha interceptada en Golfito')")
        row.wait_for(timeout=5000)
        assert "Urgente" in row.inner_text()
        assert inbox.evaluate("window.__sinRecargar") == "sí", "the inbox page was reloaded"

        # Panamá opens it: the page posts the delivery receipt (reading itself writes nothing), and the
        # sender sees "Entregado" on the next load.
        row.locator("a").click()
        inbox.wait_for_selector("h1:has-text('Lancha interceptada en Golfito')")
        for _ in range(50):
            sender.reload()
            if sender.inner_text("#thread-status") == "Entregado":
                break
            sender.wait_for_timeout(100)
        assert sender.inner_text("#thread-status") == "Entregado"
    finally:
        server.stop()
        # Playwright's sync API runs an event loop, so Django opened this test's connection in its own context:
        # close it here, or PostgreSQL cannot drop the test database at the end of the session.
        from django.db import connections

        connections.close_all()
