"""Three browsers: Guatemala creates a joint team and invites Honduras and El Salvador; both accept; Guatemala
shares a case with its person; Honduras reads it; Guatemala opens the team thread; El Salvador has it open
and sees Honduras's message arrive without reloading; Guatemala closes the team and it is gone for the others.

The thread is the exchange's, whose live stream needs the real ASGI server (started in a child process)."""

import datetime

import pytest
from django.conf import settings

from enlace.cases.tests.helpers import add_person, make_case
from enlace.exchange import liveserver
from enlace.exchange.tests.helpers import focal
from enlace.exchange.tests.test_browser import _login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_three_countries_work_a_case_in_a_joint_team(browser):
    gtm, hnd, slv = focal("GTM"), focal("HND"), focal("SLV")
    case = make_case(gtm, title="Caso camiones refrigerados Petén", distribution="institution")
    add_person(gtm, case, given_names="Anselmo", surname_1="Quiñónez")
    server = liveserver.start(liveserver.database_url_for_current_test_db(), settings=settings.SETTINGS_MODULE)
    try:
        g = _login(browser, server.url, gtm)
        g.goto(f"{server.url}/equipos/nuevo/")
        g.fill("#id_name", "ECI Petén–Tenosique")
        g.fill("#id_purpose", "Identificar a los organizadores de la red.")
        today = datetime.date.today()
        g.fill("#id_starts_on", today.isoformat())
        g.fill("#id_ends_on", (today + datetime.timedelta(days=90)).isoformat())
        g.select_option("#id_countries", ["HND", "SLV"])
        g.click("main form button[type=submit]")
        g.wait_for_selector("h1:has-text('ECI Petén–Tenosique')")
        team_url = g.url

        for user in (hnd, slv):
            p = _login(browser, server.url, user)
            p.goto(f"{server.url}/equipos/")
            p.click("a:has-text('ECI Petén–Tenosique')")
            # Invited, not yet a member: the workspace is not shown.
            assert p.locator("#team-shared").count() == 0
            p.click("button:has-text('Aceptar la invitación')")
            p.wait_for_selector(f"#team-members li[data-country='{user.institution.country.code}']:has-text('Aceptó')")
            if user is hnd:
                h = p
            else:
                s = p

        g.goto(team_url)
        g.select_option("#id_case", str(case.pk))
        g.click("button[name=share]")
        g.wait_for_selector("#team-shared li:has-text('Caso camiones refrigerados Petén')")

        h.goto(team_url)
        assert "Caso camiones refrigerados Petén" in h.inner_text("#team-shared")
        h.goto(f"{server.url}/casos/{case.pk}/")
        h.wait_for_selector("text=Quiñónez")

        g.goto(team_url)
        g.fill("#id_body", "Abrimos el hilo del equipo: compartan registros de salida.")
        g.click("button[name=start_thread]")
        g.wait_for_selector("#team-thread")
        thread_url = server.url + g.get_attribute("#team-thread", "href")

        s.goto(thread_url)
        s.wait_for_selector("body[data-stream-open='1']", state="attached", timeout=10000)
        s.evaluate("window.__sinRecargar = 'sí'")
        h.goto(thread_url)
        h.fill("#id_body", "Honduras: el conductor salió por Corinto el día 12.")
        h.click("button:has-text('Enviar respuesta')")
        s.locator("#thread-messages :text('salió por Corinto')").wait_for(timeout=8000)
        assert s.evaluate("window.__sinRecargar") == "sí", "the thread page was reloaded"

        g.goto(team_url)
        g.click("button[name=close]")
        g.click("dialog#confirm-dialog[open] #confirm-ok")  # closing a team asks first (data-confirm)
        g.wait_for_selector("#team-status:has-text('Cerrado')")
        assert h.goto(team_url).status == 404
        assert h.goto(f"{server.url}/casos/{case.pk}/").status == 404
        assert g.goto(f"{server.url}/casos/{case.pk}/").status == 200  # nothing of the owner's is lost
    finally:
        server.stop()
        from django.db import connections

        connections.close_all()
