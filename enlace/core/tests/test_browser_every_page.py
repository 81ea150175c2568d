"""Every page of the menu of every demo role, in Spanish and English, at 1366 px and 390 px: zero axe
violations (WCAG 2.1 A/AA), no sideways page scroll on the phone, one menu line on the desktop, one entry
marked as the current page (issue 15).

The roles and their officials come from the demo data (``enlace load-demo``) and the pages from the menu as
the browser shows it, so a new role, app or menu entry is covered without touching this file (plus, once
each, the pages the home page's cards lead to; the API docs are drf-spectacular's own page, left out). To keep the
suite fast the desktop width is checked in Spanish only (the layout does not depend on the language there
beyond the menu, which is checked in both), the phone width in both languages; a page whose main content
is identical to one already checked for another role (same language) is not checked again (its header and
menu are, on that role's other pages).
"""

import base64
import io
import re
import time

import pyotp
import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from enlace.accounts.models import User
from enlace.core.demo import DEMO_PASSWORD, load_core_demo, run_demo_loaders
from enlace.testing import factories as f
from enlace.testing.axe import content_key, horizontal_overflow, install, page_problems, settle, violations

# A whole-application crawl: `make test` runs it once, in the PostgreSQL pass (see the Makefile).
pytestmark = pytest.mark.whole_app

DESKTOP, PHONE = 1366, 390
HOME_COUNTRY = "GTM"  # one official per role; members from Guatemala, network roles from the ST-CRM


def _one_official_per_role() -> dict[str, User]:
    chosen = {}
    demo = User.objects.filter(email__endswith="@demo.crm.invalid").select_related("institution__country")
    for user in sorted(demo, key=lambda u: (u.institution.country.code != HOME_COUNTRY, u.username)):
        for role in sorted(user.role_codes()):
            chosen.setdefault(role, user)
    return chosen


def _login(browser, base, user):
    context = browser.new_context(locale="es-ES", viewport={"width": DESKTOP, "height": 900})
    install(context)
    page = context.new_page()
    page.goto(f"{base}/cuenta/entrar/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    page.fill("#id_code", pyotp.TOTP(base64.b32encode(device.bin_key).decode()).now())
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/cuenta/" not in url)
    return page


def _menu_links(page) -> list[str]:
    return page.eval_on_selector_all("nav.main-nav a[href]", "els => els.map(e => e.getAttribute('href'))")


def _menu_problems(page, url: str, in_menu: bool = True) -> list[str]:
    """At most one entry is the current page, the right one when the page is itself a menu entry; the
    menu bar is one line at desktop width."""
    found = []
    current = page.eval_on_selector_all("nav.main-nav a[aria-current=page]",
                                        "els => els.map(e => e.getAttribute('href'))")
    path = page.evaluate("location.pathname")
    if len(current) > 1 or (in_menu and path == url and current != [url]):
        found.append(f"current entry on {path}: {current}")
    if page.viewport_size["width"] >= DESKTOP:
        tops = page.eval_on_selector_all("#main-nav-list > li",
                                         "els => els.map(e => Math.round(e.getBoundingClientRect().top))")
        if len(set(tops)) > 1:
            found.append(f"menu wraps at {DESKTOP} px (rows at {sorted(set(tops))})")
    return found


def _check_menu_widgets(page) -> None:
    """The "Menú" button (phone) and "Más" (desktop) are buttons that open and close from the keyboard."""
    page.set_viewport_size({"width": PHONE, "height": 900})
    settle(page)
    toggle = page.locator(".nav-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert toggle.get_attribute("aria-controls") == "main-nav-list"
    assert not page.locator("#main-nav-list").is_visible()
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator("#main-nav-list a").last.is_visible()  # the "Más" entries follow the others
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false" and not page.locator("#main-nav-list").is_visible()
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    settle(page)
    assert not toggle.is_visible() and page.locator("#main-nav-list").is_visible()
    more = page.locator(".nav-more-button")
    if more.count():
        assert not page.locator("#nav-more-list").is_visible()
        more.focus()
        page.keyboard.press("Space")
        assert more.get_attribute("aria-expanded") == "true" and page.locator("#nav-more-list").is_visible()
        page.keyboard.press("Tab")
        page.keyboard.press("Escape")
        assert more.get_attribute("aria-expanded") == "false"
        assert page.evaluate("document.activeElement.classList.contains('nav-more-button')")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_menu_page_of_every_demo_role_is_accessible_and_fits_a_phone(live_server, browser):
    load_core_demo()
    run_demo_loaders(io.StringIO())
    base = live_server.url
    officials = _one_official_per_role()
    assert {"focal_point", "prosecutor", "st", "auditor"} <= set(officials), officials
    problems, visited, checked, seen, cards_seen, started = [], 0, 0, set(), set(), time.monotonic()
    for role, user in officials.items():
        page = _login(browser, base, user)
        links = _menu_links(page)
        assert len(links) >= 3, (role, links)
        # The home page's cards lead to pages outside the menu (the plan's heat map, the route map...):
        # each such page once, for the first role that has it, in Spanish.
        hrefs = page.eval_on_selector_all("main .cards a[href^='/']", "els => els.map(e => e.getAttribute('href'))")
        cards = [u for u in dict.fromkeys(hrefs)
                 if u not in links and u not in cards_seen and not u.startswith("/api/")]
        cards_seen.update(cards)
        _check_menu_widgets(page)
        for lang in ("es", "en"):
            page.context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
            for url in links + (cards if lang == "es" else []):
                page.set_viewport_size({"width": DESKTOP, "height": 900})
                response = page.goto(base + url)
                visited += 1
                where = f"{role} ({user.username}) {lang} {url}"
                if response is None or response.status >= 400:
                    problems.append(f"{where}: HTTP {response and response.status}")
                    continue
                problems += [f"{where}: {p}" for p in _menu_problems(page, url, url in links)]
                key = (lang, content_key(page))
                if key in seen:
                    continue
                seen.add(key)
                checked += 1
                for width in ((DESKTOP, PHONE) if lang == "es" else (PHONE,)):
                    found = page_problems(page, width, overflow=True)  # no sideways scroll at either width
                    if found:
                        problems.append(f"{where} at {width} px: {found}")
        page.context.close()
    elapsed = time.monotonic() - started
    summary = f"{visited} pages visited, {checked} checked with axe, in {elapsed:.0f} s"
    print(summary)
    assert not problems, f"{len(problems)} problems ({summary}):\n" + "\n".join(problems)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_page_checks_catch_a_planted_overflow_and_a_planted_violation(live_server, browser):
    """The checks of the crawl above can fail: a 900 px block at 390 px and an image without text."""
    page = browser.new_context(locale="es-ES").new_page()
    page.goto(f"{live_server.url}/publico/es/")
    assert page_problems(page, PHONE) == {}
    # Styles set through the DOM (the CSP refuses inline style attributes in markup, not the CSSOM).
    page.evaluate("""() => { const d = document.createElement('div'); d.id = 'planted'; d.style.width = '900px';
                              d.textContent = 'x'; document.querySelector('main').appendChild(d); }""")
    found = page_problems(page, PHONE)
    assert found["overflow"]["width"] >= 900 and any("div#planted" in c for c in found["overflow"]["culprits"])
    assert "axe" not in found
    # The same block inside a scrolling box no longer scrolls the page.
    page.evaluate("""() => { const w = document.createElement('div'); w.style.overflowX = 'auto';
                              const d = document.getElementById('planted'); d.replaceWith(w); w.appendChild(d); }""")
    assert horizontal_overflow(page) is None
    page.evaluate("""() => document.querySelector('main').insertAdjacentHTML('beforeend',
                      '<img src="/static/enlace/logo.svg">')""")
    assert "image-alt" in {v["id"] for v in violations(page)}
    assert [v["id"] for v in page_problems(page, DESKTOP)["axe"]] == ["image-alt"]


@pytest.mark.django_db
@pytest.mark.parametrize("path, expected", [
    ("/inicio/", "/inicio/"), ("/conocimiento/", "/conocimiento/"),  # both used to be marked on /conocimiento/
    ("/directorio/a-quien-contacto/", "/directorio/a-quien-contacto/"), ("/directorio/", "/directorio/"),
    ("/intercambio/asistencia-juridica/", "/intercambio/asistencia-juridica/"), ("/intercambio/", "/intercambio/"),
    ("/cuenta/seguridad/", "/cuenta/seguridad/")])
def test_the_menu_marks_exactly_one_current_entry(path, expected):
    html = f.verified_client(f.user("GTM", "prosecutor")).get(path).content.decode()
    nav = html[html.index('class="main-nav"'):html.index("</nav>")]
    assert re.findall(r'href="([^"]+)" aria-current="page"', nav) == [expected]
    assert nav.count("<li>") >= 10 and 'aria-controls="nav-more-list"' in nav  # prosecutors get a "Más"
