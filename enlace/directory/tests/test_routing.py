"""«¿A quién contacto?»: ranking by function and working hours, only authorised contacts."""

import datetime
import zoneinfo

import pytest

from enlace.core.models import Institution
from enlace.testing import factories as f

from .helpers import authorised, chancery, propose

pytestmark = pytest.mark.django_db
GT = zoneinfo.ZoneInfo("America/Guatemala")
# A Tuesday, 10:00 in Guatemala.
TUESDAY_10 = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=GT)


@pytest.fixture
def tuesday(time_machine):
    time_machine.move_to(TUESDAY_10, tick=False)
    return time_machine


@pytest.fixture
def guatemala(tuesday):
    ch = chancery("GTM")
    fis = f.institution("GTM", Institution.Type.PROSECUTION)
    police = f.institution("GTM", Institution.Type.POLICE)
    # The administrators need no entry of their own (it would be a candidate too).
    prosecutor_admin = f.user("GTM", "focal_point", inst=fis, authorised=False)
    police_admin = f.user("GTM", "focal_point", inst=police, authorised=False)
    mla_in_hours = authorised(prosecutor_admin, ch, last_name="FiscalHorario", areas=["prosecution"],
                              functions=["mla_central_authority"], hours_start=datetime.time(8),
                              hours_end=datetime.time(16))
    mla_night = authorised(prosecutor_admin, ch, last_name="FiscalNoche", areas=["prosecution"],
                           functions=["mla_central_authority"], hours_start=datetime.time(18),
                           hours_end=datetime.time(23))
    prosecutor_plain = authorised(prosecutor_admin, ch, last_name="FiscalSinFuncion", areas=["prosecution"],
                                  functions=[])
    police_247 = authorised(police_admin, ch, last_name="Policia247", areas=["intelligence", "investigation"],
                            functions=["contact_24_7", "information_exchange"])
    proposed_only = propose(prosecutor_admin, last_name="FiscalPropuesto", areas=["prosecution"],
                            functions=["mla_central_authority"])
    hnd_admin = f.user("HND", "focal_point", inst=f.institution("HND", Institution.Type.PROSECUTION), authorised=False)
    honduran = authorised(hnd_admin, chancery("HND"), last_name="FiscalHonduras", areas=["prosecution"],
                          functions=["mla_central_authority"])
    return {"in_hours": mla_in_hours, "night": mla_night, "plain": prosecutor_plain, "police": police_247,
            "proposed": proposed_only, "honduran": honduran}


def test_guatemala_mla_preconsultation_urgent_ranks_authorised_prosecutors_first(guatemala):
    caller = f.user("MEX", "prosecutor")
    r = f.token_client(caller).get("/api/v1/directory/routing/",
                                   {"country": "GTM", "need": "mla_preconsultation", "urgency": "urgent",
                                    "caller_tz": "America/Mexico_City"})
    assert r.status_code == 200, r.content
    names = [s["contact"]["last_name"] for s in r.json()]
    # MLA central-authority prosecutors first (the one at work now ahead), then the other prosecutor.
    assert names[:3] == ["FiscalHorario", "FiscalNoche", "FiscalSinFuncion"], names
    assert "FiscalPropuesto" not in names  # never authorised
    assert "FiscalHonduras" not in names  # another country
    assert "Policia247" not in names  # nothing to do with an MLA pre-consultation
    first = r.json()[0]
    assert first["in_hours"] is True and first["hours_for_caller"] == "08:00–16:00"

    # The same through the page a prosecutor uses.
    page = f.verified_client(caller).get("/directorio/a-quien-contacto/", {
        "country": "GTM", "need": "mla_preconsultation", "urgency": "urgent", "caller_tz": "America/Mexico_City"})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index("FiscalHorario") < html.index("FiscalNoche") < html.index("FiscalSinFuncion")
    assert "FiscalPropuesto" not in html


def test_working_hours_in_caller_zone_reorder_within_a_function(guatemala, tuesday):
    tuesday.move_to(datetime.datetime(2026, 3, 10, 21, 0, tzinfo=GT), tick=False)
    caller = f.user("USA", "focal_point")
    r = f.token_client(caller).get("/api/v1/directory/routing/", {
        "country": "GTM", "need": "mla_preconsultation", "urgency": "urgent", "caller_tz": "America/New_York"})
    names = [s["contact"]["last_name"] for s in r.json()]
    assert names[:2] == ["FiscalNoche", "FiscalHorario"]
    assert r.json()[0]["hours_for_caller"] == "20:00–01:00"


def test_network_information_prefers_police_liaison(guatemala):
    caller = f.user("HND", "focal_point")
    r = f.token_client(caller).get("/api/v1/directory/routing/", {"country": "GTM", "need": "network_info"})
    assert [s["contact"]["last_name"] for s in r.json()] == ["Policia247"]


def test_routing_bad_input_is_answered_not_500(guatemala):
    caller = f.user("HND", "focal_point")
    r = f.token_client(caller).get("/api/v1/directory/routing/", {"country": "GTM", "need": "magia",
                                                                  "caller_tz": "Marte/Olympus"})
    assert r.status_code == 400
    assert set(r.json()["error"]["fields"]) == {"need", "caller_tz"}
    page = f.verified_client(caller).get("/directorio/a-quien-contacto/", {"country": "GTM", "need": "network_info",
                                                                          "caller_tz": "Marte/Olympus"})
    assert page.status_code == 400
    assert "no es una zona horaria conocida" in page.content.decode()
