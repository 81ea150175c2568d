"""A Guatemalan focal point logs in with password + TOTP in a real Chromium, sees the Spanish home
page, and the language switch shows English."""

import pytest

from enlace.testing import factories as f


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_focal_point_logs_in_with_totp_and_switches_to_english(live_server, login_browser, tmp_path):
    user = f.user("GTM", "focal_point", username="enlace.gtm")
    page = login_browser(user)
    assert page.url.endswith("/inicio/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert "Bienvenido/a" in page.inner_text("h1")
    assert page.get_by_role("button", name="Cerrar sesión").is_visible()
    page.screenshot(path=str(tmp_path / "inicio-es.png"))

    page.select_option("#lang-select", "en")  # auto-submits; the button is there without JavaScript
    page.wait_for_load_state("load")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert "Welcome" in page.inner_text("h1")
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert page.get_by_role("navigation", name="Main menu").is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_wrong_code_keeps_the_user_on_the_verification_page(live_server, browser):
    user = f.user("GTM", "focal_point")
    page = browser.new_context(locale="es-GT").new_page()
    page.goto(f"{live_server.url}/inicio/")
    assert "/cuenta/entrar/" in page.url
    page.fill("#id_username", user.username)
    page.fill("#id_password", f.PASSWORD)
    page.click("main button[type=submit]")
    page.fill("#id_code", "000000")
    page.click("main button[type=submit]")
    assert "/cuenta/verificar/" in page.url
    assert "Código incorrecto" in page.inner_text("main")
