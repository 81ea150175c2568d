"""The matrix page in a real browser: HTMX filters and the penalties chart."""

import pytest

from enlace.legislation.models import Indicator
from enlace.testing import factories as f

from .helpers import open_round, validated


@pytest.mark.browser
def test_matrix_page_filters_and_penalties_chart(live_server, login_browser):
    from playwright.sync_api import expect

    from enlace.legislation.actions import do_load_catalogue

    do_load_catalogue()
    assert Indicator.objects.exists()
    st = f.user("CRM", "st")
    rnd = open_round(st, ["GTM", "HND"])
    validated(f.user("GTM", "focal_point"), rnd, st, tim=(5, 8), citation="Decreto 95-98, art. 103")
    validated(f.user("HND", "focal_point"), rnd, st, tim=(6, 12), citation="Código Penal HND, art. 219")
    page = login_browser(f.user("PAN", "analyst"))
    page.goto(f"{live_server.url}/legislacion/")
    assert page.locator("#matrix-table th[scope=col]").filter(has_text="Honduras").count() == 1
    assert page.locator("td.leg-cell.lv-met").first.is_visible()
    # The penalties chart is drawn (Chart.js on the canvas) with one bar group per country.
    page.wait_for_selector("canvas#penalties-TIM[data-rendered='2']")
    # HTMX filter: choosing a protocol swaps the matrix without reloading the page.
    page.evaluate("window.__marker = 1")
    page.select_option("#id_protocol", "TDP")
    expect(page.locator("tr[data-indicator='TIM-3-def']")).to_have_count(0)
    assert page.locator("tr[data-indicator='TDP-3-def']").count() == 1
    assert page.evaluate("window.__marker") == 1  # same page: swapped, not reloaded
    assert "protocol=TDP" in page.url
    page.wait_for_selector("canvas#penalties-TDP[data-rendered='2']")
    # Then one indicator: a single row, with the cited provisions.
    page.select_option("#id_protocol", "TIM")
    page.wait_for_selector("tr[data-indicator='TIM-3-def']")
    page.select_option("#id_indicator", "TIM-6.1.a-tipo")
    expect(page.locator("tr[data-indicator]")).to_have_count(1)
    row = page.locator("tr[data-indicator='TIM-6.1.a-tipo']")
    assert "Decreto 95-98, art. 103" in row.inner_text() and "Código Penal HND, art. 219" in row.inner_text()
