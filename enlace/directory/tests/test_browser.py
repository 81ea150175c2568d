"""In a real browser: search the directory, open a contact card, export."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from enlace.core.models import Institution
from enlace.testing import factories as f

from .helpers import authorised, chancery


@pytest.mark.browser
def test_search_contact_card_and_export(live_server, login_browser):
    ch = chancery("GTM")
    admin = f.user("GTM", "focal_point", inst=f.institution("GTM", Institution.Type.PROSECUTION))
    authorised(admin, ch, first_name="Ana Lucía", last_name="Morales", functions=["mla_central_authority"],
               areas=["prosecution"])
    authorised(admin, ch, first_name="Héctor", last_name="Cifuentes")
    reader = f.user("HND", "prosecutor")

    page = login_browser(reader)
    page.goto(f"{live_server.url}/directorio/")
    page.fill("#id_q", "Morales")
    # HTMX updates the results as one types; the submit button works without JavaScript too.
    expect(page.locator("#results")).not_to_contain_text("Cifuentes")
    expect(page.locator("#results")).to_contain_text("Morales")
    page.select_option("#id_function", "mla_central_authority")
    expect(page).to_have_url(re.compile(r"function=mla_central_authority"))
    # Let in-flight HTMX requests finish: the in-memory SQLite test database serialises writers.
    page.wait_for_timeout(1000)
    page.click("#results >> text=Ana Lucía Morales")
    page.wait_for_selector("#contact-name")
    assert page.inner_text("#contact-name") == "Ana Lucía Morales"
    assert "Activo" in page.inner_text("#contact-status")

    page.goto(f"{live_server.url}/directorio/?q=Morales")
    with page.expect_download() as info:
        page.click("#export-xlsx")
    path = info.value.path()
    rows = list(load_workbook(io.BytesIO(open(path, "rb").read())).active.iter_rows(values_only=True))
    flat = " ".join(str(v) for r in rows for v in r if v)
    assert "Morales" in flat and "Cifuentes" not in flat
