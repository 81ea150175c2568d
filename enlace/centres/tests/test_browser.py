"""Binational communication in real time (3.9, fn 20): a crisis level 3 set in a Guatemalan centre
reaches the open inboxes of Mexico's and Honduras's centre coordinators without reloading.

The stream needs the real ASGI server: uvicorn in a child process against the test data, as in the
exchange's own browser test.
"""

import base64

import pyotp
import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from enlace.exchange import liveserver
from enlace.exchange.tests.helpers import focal
from enlace.testing.factories import PASSWORD

from .helpers import centre


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
def test_crisis_level_3_in_guatemala_reaches_mexico_and_honduras_inboxes_live(browser):
    gtm, mex, hnd = (focal(code, "centre_manager", functions=["centre_coordinator"]) for code in ("GTM", "MEX", "HND"))
    c = centre(gtm, name="Albergue Tecún Umán")
    server = liveserver.start(liveserver.database_url_for_current_test_db())
    try:
        inboxes = []
        for user in (mex, hnd):
            page = _login(browser, server.url, user)
            page.goto(f"{server.url}/intercambio/")
            page.wait_for_selector("#stream-state[data-live='1']", state="attached", timeout=10000)
            page.evaluate("window.__sinRecargar = 'sí'")
            assert page.locator("text=Nivel de crisis 3 en Albergue Tecún Umán").count() == 0
            inboxes.append(page)

        manager = _login(browser, server.url, gtm)
        manager.goto(f"{server.url}/centros/{c.pk}/")
        manager.select_option("#id_level", "3")
        manager.fill("#id_reason", "Sobrecupo: 160 personas para 100 plazas")
        manager.click("button[name=set_level]")
        manager.click("dialog#confirm-dialog[open] #confirm-ok")  # a level change asks first (data-confirm)
        manager.wait_for_selector("#crisis-level.crisis-3")

        for page in inboxes:
            row = page.locator("#inbox-rows tr:has-text('Nivel de crisis 3 en Albergue Tecún Umán')")
            row.wait_for(timeout=8000)
            assert "Urgente" in row.inner_text()
            assert page.evaluate("window.__sinRecargar") == "sí", "the inbox page was reloaded"
    finally:
        server.stop()
        from django.db import connections

        connections.close_all()
