"""Browser: searching with HTMX and reading the heat map (Debian Chromium through Playwright)."""

import datetime

import pytest
from django.utils import timezone

from enlace.core.models import Institution
from enlace.testing import factories as f


@pytest.mark.browser
def test_search_and_heat_map_in_a_browser(live_server, login_browser):
    from enlace.knowledge.actions import do_save_report, do_submit_report, do_validate_report, resolve_action
    from enlace.knowledge.models import ReportingRound

    focal = f.user("HND", "focal_point")
    cancilleria = f.user("HND", "cancilleria", inst=f.institution("HND", Institution.Type.FOREIGN_MINISTRY))
    today = timezone.localdate()
    rnd = ReportingRound.objects.create(title="Ronda", period="2025", opens_on=today,
                                        deadline=today + datetime.timedelta(days=5))
    report = do_save_report(focal, round=rnd, action=resolve_action("1.4"), status="implemented",
                            narrative="Directorio actualizado", distribution="network")
    do_submit_report(focal, report)
    do_validate_report(cancilleria, report)

    page = login_browser(f.user("MEX", "analyst"))
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_server.url}/conocimiento/buscar/")
    page.fill("#id_q", "ENTREGAS VIGILADAS")
    page.click("form.k-search button[type=submit]")
    page.wait_for_selector(".k-result mark")
    first = page.locator(".k-result h3 a").first
    assert first.inner_text().startswith("TIM-II-15")
    assert "vigilada" in page.locator(".k-result mark").nth(1).inner_text()
    assert "q=ENTREGAS" in page.url  # hx-push-url keeps the search shareable
    first.click()
    page.wait_for_url("**/conocimiento/r/TIM-II-15/")
    assert "entrega vigilada" in page.locator("blockquote").inner_text()

    page.goto(f"{live_server.url}/conocimiento/tablero/")
    cell = page.locator('td[data-country="HND"][data-action="1.4"]')
    assert "hm-implemented" in cell.get_attribute("class")
    assert "Implementada" in cell.inner_text() or cell.locator("a").inner_text().strip().startswith("I")
    assert "hm-none" in page.locator('td[data-country="MEX"][data-action="1.4"]').get_attribute("class")
    page.wait_for_function("document.querySelector('#k-trend') && document.querySelector('#k-trend').width > 0")
    assert not [e for e in errors if "Content Security Policy" in e], errors
