"""After a hit: the request's state and history, the reply deadline (shown on both sides, escalated
when late by the periodic task), the role-conflict review before any release, and a hit page that
tells the truth (calibrated probability, translated explanations, labelled released fields, the
saved verdict preselected). Hits are recorded directly (the engine is tested on its own)."""

import datetime as dt
import io
import re
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from enlace.cases import actions as cases
from enlace.matching.actions import do_record_hit
from enlace.matching.models import HitNotice, ReleasedRecord
from enlace.notifications.models import Notification
from enlace.sharing.policy import Distribution
from enlace.testing import factories as f

pytestmark = pytest.mark.django_db


def _person(user, role, tag):
    case = cases.do_create_case(user, title=f"Caso {tag}", case_type="smuggling", distribution=Distribution.COUNTRY)
    return cases.do_add_entity(user, case, schema="Person", role=role, given_names=f"Marcador{tag}", surname_1="Quispe",
                               surname_2="Mamani", dob=dt.date(1979, 1, 2), nationality="GTM", sex="M")


def _hit(role_g="suspect", role_m="suspect", probability=0.99, explanation=None):
    gtm, mex = f.user("GTM", "focal_point"), f.user("MEX", "focal_point")
    tag = uuid.uuid4().hex[:6]
    pg, pm = _person(gtm, role_g, tag), _person(mex, role_m, tag)
    do_record_hit(pg, pg.to_match_record(), pm, pm.to_match_record(), probability,
                  explanation or {"given_names": "exact", "surname_1": "exact or sounds the same", "dob": "day/month swapped"})
    notices = HitNotice.objects.unrestricted(reason="test")
    return gtm, mex, notices.get(own_person=pg), notices.get(own_person=pm)


def test_after_asking_the_page_shows_the_pending_request_with_history_and_no_second_form():
    gtm, mex, g_notice, m_notice = _hit()
    mc = f.verified_client(mex)
    assert "Enviar solicitud" in mc.get(f"/coincidencias/{m_notice.pk}/").content.decode()
    assert mc.post(f"/coincidencias/{m_notice.pk}/solicitar-datos/",
                   {"purpose": "Investigación conjunta de la red"}).status_code == 302
    page = mc.get(f"/coincidencias/{m_notice.pk}/").content.decode()
    assert "Solicitud enviada el" in page and "pendiente de respuesta de Guatemala" in page
    assert "Enviar solicitud" not in page and "Historial" in page and "Solicitud de datos enviada" in page
    assert re.search(r"quedan (1 día|2 días|47 horas)", page)
    # The other side sees the request, its deadline and its own history line.
    g_page = f.verified_client(gtm).get(f"/coincidencias/{g_notice.pk}/").content.decode()
    assert "pidió los datos de su registro" in g_page and "Solicitud de datos recibida" in g_page
    assert "Plazo para responder" in g_page
    # Asking twice through the API is refused with a clear message (the page no longer offers it).
    api = f.token_client(mex).post(f"/api/v1/hits/{m_notice.pk}/request-release/",
                                   {"purpose": "Investigación conjunta de la red"}, format="json")
    assert api.status_code == 400 and "Ya hay una solicitud" in str(api.json())
    # After the answer, both sides show it in their history.
    f.verified_client(gtm).post(f"/coincidencias/{g_notice.pk}/decidir/", {"decision": "decline"})
    page = mc.get(f"/coincidencias/{m_notice.pk}/").content.decode()
    assert "Guatemala denegó la solicitud." in page and "Solicitud denegada" in page
    assert "Enviar solicitud" in page  # after a refusal a new request may be sent


def test_a_late_answer_is_escalated_once_by_the_periodic_task():
    gtm, mex, g_notice, m_notice = _hit()
    f.verified_client(mex).post(f"/coincidencias/{m_notice.pk}/solicitar-datos/",
                                {"purpose": "Investigación conjunta de la red"})
    HitNotice.objects.unrestricted(reason="test").filter(pk__in=[g_notice.pk, m_notice.pk]).update(
        reply_due_at=timezone.now() - dt.timedelta(hours=1))
    before = Notification.objects.count()
    call_command("run-periodic", stdout=io.StringIO())
    g_notice.refresh_from_db()
    m_notice.refresh_from_db()
    assert g_notice.escalated_at and m_notice.escalated_at
    titles = list(Notification.objects.order_by("-pk").values_list("recipient__username", "title")[:5])
    assert Notification.objects.count() > before
    assert any(u == gtm.username and "Plazo vencido" in t for u, t in titles)
    assert any(u == mex.username and "no respondió a tiempo" in t for u, t in titles)
    count = Notification.objects.count()
    call_command("run-periodic", stdout=io.StringIO())
    assert Notification.objects.count() == count  # once
    for user, notice in ((gtm, g_notice), (mex, m_notice)):
        page = f.verified_client(user).get(f"/coincidencias/{notice.pk}/").content.decode()
        assert "vencido hace" in page and "escalada por vencimiento del plazo" in page


def test_a_role_conflict_blocks_the_release_until_both_sides_reviewed_it():
    gtm, mex, g_notice, m_notice = _hit(role_g="trafficking_victim", role_m="suspect")
    assert g_notice.role_conflict and m_notice.role_conflict
    gc, mc = f.verified_client(gtm), f.verified_client(mex)
    for client, notice in ((gc, g_notice), (mc, m_notice)):
        page = client.get(f"/coincidencias/{notice.pk}/").content.decode()
        assert "La función de esta persona difiere entre los dos países" in page
    # The other side's role is not told: only that it differs.
    assert "Persona sospechosa" not in gc.get(f"/coincidencias/{g_notice.pk}/").content.decode()
    mc.post(f"/coincidencias/{m_notice.pk}/solicitar-datos/", {"purpose": "Investigación conjunta de la red"})
    r = gc.post(f"/coincidencias/{g_notice.pk}/decidir/", {"decision": "approve"}, follow=True)
    assert "ambos deben revisarla" in r.content.decode()
    assert not ReleasedRecord.objects.unrestricted(reason="test").exists()
    # Mexico cannot review Guatemala's side; each side reviews its own.
    assert mc.post(f"/coincidencias/{g_notice.pk}/revisar-funcion/").status_code == 404
    assert gc.post(f"/coincidencias/{g_notice.pk}/revisar-funcion/").status_code == 302
    r = f.token_client(gtm).post(f"/api/v1/hits/{g_notice.pk}/decide-release/", {"approve": True}, format="json")
    assert r.status_code == 400  # Mexico has not reviewed yet
    r = f.token_client(mex).post(f"/api/v1/hits/{m_notice.pk}/review-role/", format="json")
    assert r.status_code == 200 and r.json()["role_reviewed_at"]
    assert "revisó la función" in "".join(Notification.objects.filter(recipient=gtm).values_list("title", flat=True))
    assert gc.post(f"/coincidencias/{g_notice.pk}/decidir/", {"decision": "approve"}).status_code == 302
    assert ReleasedRecord.objects.restrict(mex, "view").count() == 1


def test_the_hit_page_tells_the_truth_in_spanish_and_english():
    gtm, mex, g_notice, m_notice = _hit(probability=0.99996)
    mc, gc = f.verified_client(mex), f.verified_client(gtm)
    page = mc.get(f"/coincidencias/{m_notice.pk}/").content.decode()
    assert "100 %" not in page and "99,9 %" in page  # day and month swapped: never "100 %"
    assert "coincide con día y mes invertidos" in page and "coincide exactamente o suena igual" in page
    for english in ("exact or sounds the same", "day/month swapped", "sounds the same"):
        assert english not in page
    mc.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page_en = mc.get(f"/coincidencias/{m_notice.pk}/").content.decode()
    assert "matches with day and month swapped" in page_en and "99.9 %" in page_en
    assert "coincide con" not in page_en and "Probabilidad" not in page_en
    # The saved verdict is preselected.
    gc.post(f"/coincidencias/{g_notice.pk}/revisar/", {"verdict": "unsure", "note": "faltan datos"})
    page = gc.get(f"/coincidencias/{g_notice.pk}/").content.decode()
    checked = re.search(r'<input[^>]*value="unsure"[^>]*>', page).group(0)
    assert "checked" in checked and "faltan datos" in page
    assert "checked" not in re.search(r'<input[^>]*value="same"[^>]*>', page).group(0)
    # Released fields carry labels, never field names.
    mc.post(f"/coincidencias/{m_notice.pk}/solicitar-datos/", {"purpose": "Investigación conjunta de la red"})
    gc.post(f"/coincidencias/{g_notice.pk}/decidir/", {"decision": "approve"})
    mc.post("/i18n/setlang/", {"language": "es", "next": "/"})
    page = mc.get(f"/coincidencias/{m_notice.pk}/").content.decode()
    assert "Nombres" in page and "Fecha de nacimiento" in page and "Institución que comparte" in page
    for raw in ("given_names", "surname_1", ">dob<", ">owner<", ">case<"):
        assert raw not in page


def test_a_double_submitted_request_is_sent_once_and_the_second_says_why():
    gtm, mex, g_notice, m_notice = _hit()
    mc = f.verified_client(mex)
    data = {"purpose": "Investigación conjunta de la red"}
    assert mc.post(f"/coincidencias/{m_notice.pk}/solicitar-datos/", data).status_code == 302
    r = mc.post(f"/coincidencias/{m_notice.pk}/solicitar-datos/", data)
    assert r.status_code == 400 and "Ya hay una solicitud en curso" in r.content.decode()
    g_notice.refresh_from_db()
    assert [h["event"] for h in g_notice.history] == ["request_received"]
    assert Notification.objects.filter(recipient=gtm, title__contains="pide los datos").count() == 1
