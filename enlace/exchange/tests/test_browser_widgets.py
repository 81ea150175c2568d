"""In a real browser: recipients chosen with the keyboard alone (no Ctrl-click), the recipient's
acknowledgement reaching the sender's open thread without a reload, and closing asking first."""

import pytest

from enlace.exchange import liveserver

from .helpers import focal
from .test_browser import _login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_keyboard_recipients_live_acknowledgement_and_confirmed_close(browser):
    cri, pan, _mex = focal("CRI"), focal("PAN"), focal("MEX")
    server = liveserver.start(liveserver.database_url_for_current_test_db())
    try:
        sender = _login(browser, server.url, cri)
        sender.goto(f"{server.url}/intercambio/nuevo/")
        sender.select_option("#id_kind", "info_request")
        sender.fill("#id_subject", "Contenedor en Puerto Cortés")
        sender.fill("#id_body", "Pedimos confirmar el manifiesto.")

        # The searchable chooser: focus it from the label's field with Tab, type, Enter — twice.
        control = sender.locator("#id_recipient_countries-ts-control")
        control.wait_for(state="visible", timeout=10000)
        sender.focus("#id_subject")
        for _ in range(5):
            sender.keyboard.press("Tab")
            if sender.evaluate("document.activeElement.id") == "id_recipient_countries-ts-control":
                break
        assert sender.evaluate("document.activeElement.id") == "id_recipient_countries-ts-control"
        sender.keyboard.type("Pana")
        sender.wait_for_selector(".ts-dropdown .option.active:has-text('Panamá')")
        sender.keyboard.press("Enter")
        sender.keyboard.type("Mex")  # without the accent, as typed in a hurry
        sender.wait_for_selector(".ts-dropdown .option.active:has-text('México')")
        sender.keyboard.press("Enter")
        chosen = sender.eval_on_selector("#id_recipient_countries",
                                         "s => Array.from(s.selectedOptions).map(o => o.value).sort()")
        assert chosen == ["MEX", "PAN"]
        # The own country is not among the choices; Backspace removes the last chip.
        sender.keyboard.type("Costa")
        assert sender.locator(".ts-dropdown .option:has-text('Costa Rica')").count() == 0
        sender.keyboard.press("Escape")
        for _ in range(5):
            sender.keyboard.press("Backspace")
        chosen = sender.eval_on_selector("#id_recipient_countries", "s => Array.from(s.selectedOptions).length")
        assert chosen < 2
        sender.keyboard.type("Pana")
        sender.wait_for_selector(".ts-dropdown .option.active:has-text('Panamá')")
        sender.keyboard.press("Enter")
        # A double click on "Enviar" sends one message.
        sender.dblclick("button[name=send]")
        sender.wait_for_selector("h1:has-text('Contenedor en Puerto Cortés')")
        # (On SQLite the server runs on a copy of the test database: count through the pages.)
        check = sender.context.new_page()
        check.goto(f"{server.url}/intercambio/")
        assert check.locator("#inbox-rows tr:has-text('Contenedor en Puerto Cortés')").count() == 1
        check.close()
        sender.wait_for_selector("#stream-state[data-live='1'], #thread-receipts", state="attached")
        sender.evaluate("window.__sinRecargar = 'sí'")

        # Panamá acknowledges: the sender's open page shows it without a reload.
        recipient = _login(browser, server.url, pan)
        recipient.goto(sender.url)
        recipient.click("#ack-button")
        recipient.wait_for_selector("text=Acuse de recibo registrado")
        row = sender.locator("#thread-receipts tr:has-text('Panamá') td:nth-child(3)")
        for _ in range(100):
            if row.inner_text().strip() not in ("", "—"):
                break
            sender.wait_for_timeout(100)
        assert row.inner_text().strip() not in ("", "—"), "the acknowledgement did not reach the sender live"
        assert sender.evaluate("window.__sinRecargar") == "sí", "the sender's page was reloaded"

        # Closing asks first: Cancel keeps it open, confirming closes it.
        sender.click("button:has-text('Cerrar el hilo')")
        dialog = sender.locator("dialog#confirm-dialog[open]")
        dialog.wait_for()
        assert "Cerrar el hilo" in dialog.inner_text() or "Nadie podrá responder" in dialog.inner_text()
        sender.keyboard.press("Escape")
        assert sender.locator("dialog#confirm-dialog[open]").count() == 0
        assert sender.locator("text=Hilo cerrado.").count() == 0
        sender.click("button:has-text('Cerrar el hilo')")
        sender.click("#confirm-ok")
        sender.wait_for_selector("text=Hilo cerrado.")
        assert sender.locator("button:has-text('Cerrar el hilo')").count() == 0
    finally:
        server.stop()
        from django.db import connections

        connections.close_all()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_choosers_dates_and_confirmations_pass_axe(live_server, login_browser):
    from enlace.directory.tests.helpers import authorised, chancery
    from enlace.testing import factories as f
    from enlace.testing.axe import assert_accessible, violations

    from .helpers import send

    cri, _pan = focal("CRI"), focal("PAN")
    page = login_browser(cri)
    # The compose page with its searchable choosers enhanced, at 1366 px and 390 px.
    page.goto(f"{live_server.url}/intercambio/nuevo/")
    page.wait_for_selector("#id_recipient_countries-ts-control")
    assert_accessible(page)
    # A single searchable choice that starts empty (routing: the country used to be preselected).
    page.goto(f"{live_server.url}/directorio/a-quien-contacto/")
    page.wait_for_selector("#id_country-ts-control")
    assert page.eval_on_selector("#id_country", "s => s.value") == ""
    assert_accessible(page)
    # A thread with the confirmation dialog open.
    thread = send(cri, ["PAN"])
    page.goto(f"{live_server.url}/intercambio/hilo/{thread.pk}/")
    page.click("button:has-text('Cerrar el hilo')")
    page.wait_for_selector("dialog#confirm-dialog[open]")
    assert page.evaluate("document.activeElement.id") == "confirm-cancel"  # the safe choice has the focus
    assert violations(page) == []

    # A Cancillería's card: date fields typed in the page's order, the revoke button that asks first.
    hnd_chancery = chancery("HND")
    contact = authorised(f.user("HND", "focal_point"), hnd_chancery)
    card = login_browser(hnd_chancery)
    card.goto(f"{live_server.url}/directorio/contacto/{contact.pk}/")
    card.fill("#revoke-form textarea[name=reason]", "Cambio de funciones")
    card.click("#revoke-button")
    card.wait_for_selector("dialog#confirm-dialog[open]")
    assert violations(card) == []
    card.click("#confirm-ok")
    card.wait_for_selector("text=Autorización revocada")
    assert_accessible(card, f"{live_server.url}/directorio/contacto/{contact.pk}/")
