"""Bad input: clear translated messages, nothing lost."""

import pytest

from enlace.legislation import actions
from enlace.legislation.models import Answer, Instrument, Provision, Submission
from enlace.testing import factories as f

from .helpers import answers, open_round, post_data, st_user, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    st = st_user()
    fp = f.user("GTM", "focal_point")
    rnd = open_round(st, ["GTM", "HND"])
    sub = actions.do_start_submission(fp, rnd)
    actions.do_save_answers(fp, sub, answers(tim=(4, 8), citation="Decreto 95-98, art. 103"))
    return st, fp, rnd, sub


def test_minimum_penalty_above_maximum_is_refused_and_what_was_typed_is_kept(draft):
    _st, fp, _rnd, sub = draft
    data = answers(tim=(12, 6), citation="Nueva cita tecleada, art. 7")
    r = f.verified_client(fp).post(f"/legislacion/cuestionarios/{sub.pk}/editar/", post_data(data))
    assert r.status_code == 400
    page = r.content.decode()
    assert "La pena mínima de tráfico ilícito de migrantes (12 años) no puede ser mayor que la máxima (6 años)." in page
    assert 'name="years-TIM-pena-min" value="12"' in page and 'value="Nueva cita tecleada, art. 7"' in page
    # Nothing was saved: the previous draft is intact.
    assert sub.answers.get(indicator__code="TIM-pena-min").years == 4
    assert not sub.answers.filter(citation__startswith="Nueva cita").exists()
    # In English too.
    r = f.verified_client(fp).post(f"/legislacion/cuestionarios/{sub.pk}/editar/", post_data(data),
                                   HTTP_ACCEPT_LANGUAGE="en")
    assert "cannot be higher than the maximum" in r.content.decode()


def test_non_numeric_years_are_refused_with_a_message(draft):
    _st, fp, _rnd, sub = draft
    data = answers()
    data["TDP-pena-max"]["years"] = "quince"
    r = f.verified_client(fp).post(f"/legislacion/cuestionarios/{sub.pk}/editar/", post_data(data))
    assert r.status_code == 400
    assert "escriba un número de años" in r.content.decode()
    assert 'value="quince"' in r.content.decode()


def test_provision_without_citation_is_refused_and_nothing_is_lost():
    fp = f.user("GTM", "focal_point")
    inst = actions.do_create_instrument(fp, title="Código Penal")
    client = f.verified_client(fp)
    r = client.post(f"/legislacion/instrumentos/{inst.pk}/disposiciones/nueva/",
                    {"article": "  ", "text": "Comete el delito de tráfico ilícito quien…"})
    assert r.status_code == 400
    page = r.content.decode()
    assert "una disposición sin cita no puede aparecer en la matriz" in page
    assert "Comete el delito de tráfico ilícito quien…" in page
    assert not Provision.objects.restrict(fp, "view").exists()
    r = client.post(f"/legislacion/instrumentos/{inst.pk}/disposiciones/nueva/",
                    {"article": "art. 103", "text": "Comete el delito…"})
    assert r.status_code == 302
    assert Provision.objects.restrict(fp, "view").get().citation == "Código Penal, art. 103"


def test_yes_without_cited_provision_cannot_be_submitted(draft):
    _st, fp, _rnd, sub = draft
    data = answers(citation="")
    r = f.verified_client(fp).post(f"/legislacion/cuestionarios/{sub.pk}/editar/", post_data(data, then="submit"),
                                   follow=True)
    page = r.content.decode()
    assert "Borrador guardado, pero aún no se puede enviar" in page
    assert "debe citar la disposición que la sustenta" in page
    sub.refresh_from_db()
    assert sub.status == Submission.Status.DRAFT


def test_answer_to_a_closed_round_is_refused_and_the_draft_is_kept(draft):
    st, fp, rnd, sub = draft
    f.verified_client(st).post(f"/legislacion/rondas/{rnd.pk}/cerrar/")
    rnd.refresh_from_db()
    assert not rnd.is_open
    data = answers(tim=(5, 9), citation="Tecleado tras el cierre, art. 1")
    r = f.verified_client(fp).post(f"/legislacion/cuestionarios/{sub.pk}/editar/", post_data(data))
    assert r.status_code == 400
    page = r.content.decode()
    assert "está cerrada: ya no se aceptan respuestas" in page and "Su borrador anterior se conservó" in page
    assert 'value="Tecleado tras el cierre, art. 1"' in page  # what was typed is still on screen
    assert sub.answers.get(indicator__code="TIM-pena-max").years == 8
    assert sub.answers.filter(citation="Decreto 95-98, art. 103").exists()
    # Sending is refused the same way.
    r = f.verified_client(fp).post(f"/legislacion/cuestionarios/{sub.pk}/enviar/", follow=True)
    assert "está cerrada" in r.content.decode()
    sub.refresh_from_db()
    assert sub.status == Submission.Status.DRAFT


def test_validation_by_another_countrys_cancilleria_is_refused_with_404(draft):
    st, fp, rnd, sub = draft
    actions.do_submit_submission(fp, sub)
    other = f.user("HND", "cancilleria", inst=f.institution("HND", "foreign_ministry"))
    r = f.verified_client(other).post(f"/legislacion/cuestionarios/{sub.pk}/validar/")
    assert r.status_code == 404
    assert "no está disponible para su cuenta" in r.content.decode()
    sub.refresh_from_db()
    assert sub.status == Submission.Status.SUBMITTED and sub.distribution == "group"
    # Even once the record is visible to it (validated, shared with the network), it cannot act on it.
    own = f.user("GTM", "cancilleria", inst=f.institution("GTM", "foreign_ministry"))
    r = f.verified_client(own).post(f"/legislacion/cuestionarios/{sub.pk}/validar/", follow=True)
    assert "ya aparecen en la matriz" in r.content.decode()
    sub.refresh_from_db()
    assert sub.status == Submission.Status.VALIDATED and sub.validated_by == own
    assert set(Answer.objects.filter(submission=sub).values_list("distribution", flat=True)) == {"network"}
    r = f.verified_client(other).post(f"/legislacion/cuestionarios/{sub.pk}/devolver/", {"note": "x"})
    assert r.status_code == 404


def test_focal_point_cannot_validate_its_own_questionnaire(draft):
    _st, fp, _rnd, sub = draft
    actions.do_submit_submission(fp, sub)
    assert f.verified_client(fp).post(f"/legislacion/cuestionarios/{sub.pk}/validar/").status_code == 404
    sub.refresh_from_db()
    assert sub.status == Submission.Status.SUBMITTED


def test_return_needs_a_note_and_sends_back_a_draft(draft):
    st, fp, _rnd, sub = draft
    actions.do_submit_submission(fp, sub)
    client = f.verified_client(st)
    r = client.post(f"/legislacion/cuestionarios/{sub.pk}/devolver/", {"note": ""}, follow=True)
    assert "Explique qué debe corregirse." in r.content.decode()
    client.post(f"/legislacion/cuestionarios/{sub.pk}/devolver/", {"note": "Falta citar el art. 6.3"})
    sub.refresh_from_db()
    assert sub.status == Submission.Status.DRAFT and sub.distribution == "country"
    assert "Falta citar el art. 6.3" in f.verified_client(fp).get(f"/legislacion/cuestionarios/{sub.pk}/").content.decode()


def test_opening_a_round_without_countries_keeps_the_form():
    st = st_user()
    r = f.verified_client(st).post("/legislacion/rondas/nueva/", {"title": "Ronda sin países", "deadline": "2026-09-01"})
    assert r.status_code == 400
    assert 'value="Ronda sin países"' in r.content.decode()
    # Only the ST opens rounds.
    assert f.verified_client(f.user("GTM", "focal_point")).get("/legislacion/rondas/nueva/").status_code == 403


def test_bad_filters_and_unknown_ids_never_500():
    fp = f.user("GTM", "focal_point")
    client = f.verified_client(fp)
    assert client.get("/legislacion/?protocol=XX&round=abc&indicator=%3Cscript%3E").status_code == 200
    assert client.get("/legislacion/cuestionarios/999999/").status_code == 404
    assert client.get("/legislacion/rondas/999999/").status_code == 404
    assert client.get("/legislacion/indicadores/ZZZ/").status_code == 404
    assert client.post("/legislacion/instrumentos/nuevo/", {"title": "", "kind": "law", "distribution": "network"}).status_code == 200
    assert not Instrument.objects.restrict(fp, "view").exists()
