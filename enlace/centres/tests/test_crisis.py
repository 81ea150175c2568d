"""Crisis levels (3.9): a level change is recorded in the history and alerts the neighbouring
countries' centre coordinators through the secure exchange; the thresholds task warns the centre."""

from __future__ import annotations

import pytest

from enlace.centres.models import Centre, CrisisLevel
from enlace.exchange.models import Thread
from enlace.exchange.tests.helpers import focal
from enlace.notifications.models import Notification
from enlace.testing import factories as f

from .helpers import centre, entry

pytestmark = pytest.mark.django_db


def coordinator(code):
    return focal(code, "centre_manager", functions=["centre_coordinator"])


def test_level_3_in_guatemala_alerts_mexico_and_honduras_through_the_exchange():
    gtm, mex, hnd = coordinator("GTM"), coordinator("MEX"), coordinator("HND")
    pan = coordinator("PAN")  # not a neighbour of Guatemala
    c = centre(gtm, escalation_plan={"3": {"who": "Países vecinos", "what": "Suspender ingresos"}})
    r = f.verified_client(gtm).post(f"/centros/{c.pk}/crisis/", {"level": "3", "reason": "Sobrecupo del 130 %"})
    assert r.status_code == 302
    change = CrisisLevel.objects.restrict(gtm, "view").get(centre=c)
    assert (change.previous_level, change.level) == (1, 3) and change.alerted_countries == "HND,MEX"
    thread = Thread.objects.restrict(gtm, "view").get(pk=change.alert_thread_id)
    assert thread.kind == "alert" and thread.priority == "urgent"
    for user in (mex, hnd):
        page = f.verified_client(user).get("/intercambio/").content.decode()
        assert "Nivel de crisis 3 en" in page
        assert Notification.objects.filter(recipient=user, kind="exchange.thread").exists()
    assert "Nivel de crisis 3 en" not in f.verified_client(pan).get("/intercambio/").content.decode()
    detail = f.verified_client(gtm).get(f"/centros/{c.pk}/").content.decode()
    assert "Sobrecupo del 130 %" in detail and "HND,MEX" in detail
    assert Centre.objects.restrict(gtm, "view").get(pk=c.pk).crisis_level == 3


def test_bad_levels_are_refused_with_a_message_and_nothing_changes():
    gtm = coordinator("GTM")
    c = centre(gtm)
    api = f.token_client(gtm)
    for body in ({"level": 7, "reason": "x"}, {"level": 1, "reason": "ya está"}, {"level": 2, "reason": ""}):
        r = api.post(f"/api/v1/centros/centros/{c.pk}/crisis/", body, format="json")
        assert r.status_code == 400 and r.json()["error"]["status"] == 400, body
    assert not CrisisLevel.objects.restrict(gtm, "list").exists()
    hnd = coordinator("HND")
    r = f.token_client(hnd).post(f"/api/v1/centros/centros/{c.pk}/crisis/", {"level": 3, "reason": "x"},
                                 format="json")
    assert r.status_code == 404


def test_thresholds_task_warns_the_centre_and_computes_todays_figures():
    from enlace.centres.tasks import run_centre_tasks

    gtm = coordinator("GTM")
    c = centre(gtm, capacity=2)
    entry(gtm, c)
    entry(gtm, c)
    summary = run_centre_tasks()
    assert summary["threshold_warnings"] == 1 and summary["figure_sets"] >= 1
    assert Notification.objects.filter(recipient=gtm, kind="centres.threshold").exists()


def test_a_neighbour_learns_of_the_crisis_but_the_centre_name_only_where_the_centre_is_visible_to_it():
    """Issue 17 cleanup: the centre is shared with Mexico only (a sharing group): Mexico's alert names it,
    Honduras' alert says «un centro de Guatemala» with the level and occupancy, never the name or place."""
    from enlace.sharing.actions import do_create_sharing_group

    gtm, mex, hnd = coordinator("GTM"), coordinator("MEX"), coordinator("HND")
    group = do_create_sharing_group(gtm, name="GTM+MEX", countries=[f.country("MEX")])
    c = centre(gtm, distribution="group", sharing_group=group, name="Albergue Reservado Xq", place="Lugar Secreto Xq")
    r = f.verified_client(gtm).post(f"/centros/{c.pk}/crisis/", {"level": "3", "reason": "Sobrecupo"})
    assert r.status_code == 302
    change = CrisisLevel.objects.restrict(gtm, "view").get(centre=c)
    assert change.alerted_countries == "HND,MEX"

    def inbox(user):
        client = f.verified_client(user)
        threads = Thread.objects.restrict(user, "view").filter(kind="alert")
        pages = [client.get("/intercambio/").content.decode()]
        pages += [client.get(f"/intercambio/hilo/{t.pk}/").content.decode() for t in threads]
        texts = [n.title for n in Notification.objects.filter(recipient=user)]
        return " ".join(pages + texts), threads.count()

    mex_text, mex_threads = inbox(mex)
    assert mex_threads == 1 and "Albergue Reservado Xq" in mex_text and "Nivel de crisis 3 en" in mex_text
    hnd_text, hnd_threads = inbox(hnd)
    assert hnd_threads == 1 and "Nivel de crisis 3 en un centro de Guatemala" in hnd_text
    assert "Sobrecupo" in hnd_text
    assert "Albergue Reservado Xq" not in hnd_text and "Lugar Secreto Xq" not in hnd_text
    # Test of the test: Honduras cannot see the centre itself.
    assert f.verified_client(hnd).get(f"/centros/{c.pk}/").status_code == 404
