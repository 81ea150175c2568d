"""Rounds: reminders exactly to the late country, validated-only matrix, drafts never leave the country."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from enlace.legislation import actions
from enlace.legislation.models import Answer, Reminder, Submission
from enlace.notifications.models import Notification
from enlace.testing import factories as f

from .helpers import answers, open_round, post_data, st_user, submit, validated

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    st = st_user()
    people = {}
    for code in ("GTM", "HND", "PAN"):
        people[code] = {"fp": f.user(code, "focal_point"),
                        "canc": f.user(code, "cancilleria", inst=f.institution(code, "foreign_ministry"))}
    return st, people


def test_round_with_three_countries_one_late_only_that_country_is_reminded(world):
    st, people = world
    client = f.verified_client(st)
    deadline = timezone.localdate() + datetime.timedelta(days=5)
    r = client.post("/legislacion/rondas/nueva/", {"title": "Ronda 2026", "deadline": deadline.isoformat(),
                                                   "countries": [f.country(c).pk for c in ("GTM", "HND", "PAN")]})
    assert r.status_code == 302
    rnd = actions.Round.objects.get(title="Ronda 2026")
    # Guatemala and Honduras send on time, through their questionnaire page; Panamá does not.
    for code in ("GTM", "HND"):
        fp_client = f.verified_client(people[code]["fp"])
        r = fp_client.post(f"/legislacion/rondas/{rnd.pk}/responder/")
        sub = Submission.objects.get(round=rnd, country__code=code)
        assert r["Location"] == f"/legislacion/cuestionarios/{sub.pk}/editar/"
        r = fp_client.post(f"/legislacion/cuestionarios/{sub.pk}/editar/", post_data(answers(), then="submit"))
        assert r.status_code == 302
        sub.refresh_from_db()
        assert sub.status == Submission.Status.SUBMITTED
    Notification.objects.all().delete()
    mail.outbox.clear()

    # Before the deadline the periodic task reminds nobody.
    call_command("run-periodic")
    assert not Notification.objects.filter(kind="legislation_reminder").exists()

    with time_machine.travel(timezone.now() + datetime.timedelta(days=7)):
        call_command("run-periodic")
        reminded = set(Notification.objects.filter(kind="legislation_reminder")
                       .values_list("recipient__institution__country__code", flat=True))
        assert reminded == {"PAN"}
        pan_users = {people["PAN"]["fp"].pk, people["PAN"]["canc"].pk}
        assert set(Notification.objects.filter(kind="legislation_reminder").values_list("recipient", flat=True)) == pan_users
        # Idempotent: a second run the same day and the ST's button add nothing.
        call_command("run-periodic")
        client = f.verified_client(st)  # a fresh session: a week-old one has expired
        r = client.post(f"/legislacion/rondas/{rnd.pk}/recordar/", follow=True)
        assert "No se envió ningún recordatorio" in r.content.decode()
        assert Notification.objects.filter(kind="legislation_reminder").count() == 2
        assert Reminder.objects.filter(round=rnd).count() == 1
        # The round page shows Panamá as late.
        page = client.get(f"/legislacion/rondas/{rnd.pk}/").content.decode()
        assert "Atrasado" in page
    # E-mail copies went to Panamá's officials only, without content beyond title and link.
    emailed = {m.to[0] for m in mail.outbox}
    assert emailed == {people["PAN"]["fp"].email, people["PAN"]["canc"].email} - {""}


def test_st_button_reminds_pending_countries_before_the_deadline(world):
    st, people = world
    rnd = open_round(st, ["GTM", "HND", "PAN"])
    submit(people["GTM"]["fp"], rnd)
    Notification.objects.all().delete()
    r = f.verified_client(st).post(f"/legislacion/rondas/{rnd.pk}/recordar/", follow=True)
    assert "Recordatorio enviado a" in r.content.decode()
    reminded = set(Notification.objects.filter(kind="legislation_reminder")
                   .values_list("recipient__institution__country__code", flat=True))
    assert reminded == {"HND", "PAN"}
    # Only the ST may press it.
    r = f.verified_client(people["PAN"]["fp"]).post(f"/legislacion/rondas/{rnd.pk}/recordar/")
    assert r.status_code == 403


def test_matrix_shows_validated_answers_only_and_drafts_never_reach_other_countries(world):
    st, people = world
    rnd = open_round(st, ["GTM", "HND", "PAN"])
    validated(people["GTM"]["fp"], rnd, people["GTM"]["canc"], citation="Decreto 95-98, art. 103")
    hnd = submit(people["HND"]["fp"], rnd, citation="Código Penal HND, art. 219")  # sent, not validated
    pan = actions.do_start_submission(people["PAN"]["fp"], rnd)  # a draft
    actions.do_save_answers(people["PAN"]["fp"], pan, answers(citation="Ley PAN borrador, art. 9"))

    for viewer in (people["GTM"]["fp"], people["HND"]["fp"], people["PAN"]["fp"], st):
        page = f.verified_client(viewer).get("/legislacion/").content.decode()
        assert "Decreto 95-98, art. 103" in page
        assert "Código Penal HND" not in page and "Ley PAN borrador" not in page

    # The draft: Panamá's own officials see it; other countries and the ST get 404, in pages and API.
    assert f.verified_client(people["PAN"]["canc"]).get(f"/legislacion/cuestionarios/{pan.pk}/").status_code == 200
    for other in (people["GTM"]["fp"], people["HND"]["canc"], st):
        assert f.verified_client(other).get(f"/legislacion/cuestionarios/{pan.pk}/").status_code == 404
        api = f.token_client(other)
        assert api.get(f"/api/v1/legislacion/cuestionarios/{pan.pk}/").status_code == 404
        assert "Ley PAN borrador" not in api.get("/api/v1/legislacion/respuestas/?limit=500").content.decode()
    # Sent for validation: the ST sees it (to validate it), other countries still do not.
    assert f.verified_client(st).get(f"/legislacion/cuestionarios/{hnd.pk}/").status_code == 200
    assert f.verified_client(people["GTM"]["canc"]).get(f"/legislacion/cuestionarios/{hnd.pk}/").status_code == 404

    # The ST validates Honduras: now it is in everyone's matrix, as is the API matrix.
    r = f.verified_client(st).post(f"/legislacion/cuestionarios/{hnd.pk}/validar/")
    assert r.status_code == 302
    page = f.verified_client(people["PAN"]["fp"]).get("/legislacion/").content.decode()
    assert "Código Penal HND, art. 219" in page
    data = f.token_client(people["PAN"]["fp"]).get("/api/v1/legislacion/matriz/").json()
    assert data["countries"] == ["GTM", "HND"] or set(data["countries"]) == {"GTM", "HND"}
    row = next(r for r in data["rows"] if r["indicator"] == "TIM-6.1.a-tipo")
    assert row["cells"]["HND"] == {"level": "met", "text": "Cumple", "citation": "Código Penal HND, art. 219"}


def test_questionnaire_is_prefilled_from_the_previous_validated_round(world):
    st, people = world
    old = open_round(st, ["GTM"], title="Ronda 2025")
    validated(people["GTM"]["fp"], old, people["GTM"]["canc"], tim=(3, 7), citation="Ley 2025, art. 1")
    actions.do_close_round(st, old)
    new = open_round(st, ["GTM"], title="Ronda 2026")
    client = f.verified_client(people["GTM"]["fp"])
    r = client.post(f"/legislacion/rondas/{new.pk}/responder/", follow=True)
    page = r.content.decode()
    assert 'value="Ley 2025, art. 1"' in page and 'name="years-TIM-pena-max" value="7"' in page
    sub = Submission.objects.get(round=new)
    assert sub.status == Submission.Status.DRAFT and sub.distribution == "country"
    assert sub.answers.get(indicator__code="TIM-pena-min").years == 3


def test_history_of_rounds_is_kept_and_comparable(world):
    st, people = world
    old = open_round(st, ["GTM", "HND"], title="Ronda 2025")
    validated(people["GTM"]["fp"], old, people["GTM"]["canc"], status="no", citation="")
    actions.do_close_round(st, old)
    new = open_round(st, ["GTM"], title="Ronda 2026")
    sub = actions.do_start_submission(people["GTM"]["fp"], new)
    actions.do_save_answers(people["GTM"]["fp"], sub, answers(status="yes"))
    actions.do_submit_submission(people["GTM"]["fp"], sub)
    actions.do_validate_submission(st, sub)
    page = f.verified_client(people["HND"]["fp"]).get("/legislacion/indicadores/").content.decode()
    assert "Ronda 2025" in page and "Ronda 2026" in page
    history = page.split('id="round-history"')[1].split("</table>")[0]
    assert "<td>Ronda 2025</td><td>1</td><td>0,0 %</td>" in history.replace("\n", "")
    assert "<td>Ronda 2026</td><td>1</td><td>100,0 %</td>" in history.replace("\n", "")
    # The matrix of the older round still shows the older answers.
    page = f.verified_client(people["HND"]["fp"]).get(f"/legislacion/?round={old.pk}&indicator=TIM-6.1.a-tipo").content.decode()
    assert "No cumple" in page and "✔" not in page.split('id="matrix-table"')[1].split("</table>")[0]
