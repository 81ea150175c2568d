"""Fixtures for the whole suite. App tests use enlace.testing.factories for users and clients."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Countries, observer bodies and roles exist in every test, as after `make run`."""
    from enlace.core.reference import load_reference

    with django_db_blocker.unblock():
        load_reference()


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests (live server) flush the database: put the reference data back."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db", "live_server"} & set(
        request.fixturenames)
    if not uses_db:
        yield
        return
    transactional = bool({"live_server", "transactional_db"} & set(request.fixturenames)) or getattr(
        request.node.get_closest_marker("django_db"), "kwargs", {}).get("transaction", False)
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.db import connection

    from enlace.audit import triggers
    from enlace.core.models import Country
    from enlace.core.reference import load_reference

    if transactional:
        triggers.install(connection)
    if not Country.objects.exists():
        load_reference()
    yield
    if transactional:
        # The flush that follows a transactional test must empty the append-only audit table.
        triggers.remove(connection)


@pytest.fixture
def browser():
    """Debian's Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("ENLACE_CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(executable):
        pytest.fail(f"Chromium not found at {executable}: `make test` installs Debian's chromium package.")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def login_browser(live_server, browser):
    """Log an official in through the real login + TOTP pages; returns a Playwright page."""
    import pyotp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from enlace.testing.factories import PASSWORD

    def _login(user, context=None):
        ctx = context or browser.new_context(locale="es-ES")
        page = ctx.new_page()
        page.goto(f"{live_server.url}/cuenta/entrar/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        import base64

        code = pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now()
        page.fill("#id_code", code)
        page.click("main button[type=submit]")
        return page

    return _login


def pytest_collection_modifyitems(config, items):
    """Every test that drives Chromium carries the ``browser`` marker, however it gets the browser
    (directly or through ``login_browser``), so `make test` can run the browser suite once, on
    PostgreSQL: the pages are the same on both databases, and CI must stay under 30 minutes."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
