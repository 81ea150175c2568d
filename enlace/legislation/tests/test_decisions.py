"""Writes and decisions on legislation records from other countries, institutions and roles: 404, nothing changed.

Declared once on the models (``write_rules``): the owner institution edits instruments, provisions and its
questionnaire and sends it; the Cancillería of its country or the ST validates or returns it; the portal (ST)
publishes what the country authorised.
"""

import pytest

from enlace.audit.models import AuditEvent
from enlace.core.models import Institution
from enlace.legislation import actions
from enlace.legislation.models import Answer, Instrument, Provision, Submission
from enlace.sharing.policy import Distribution
from enlace.testing import factories as f

from .helpers import answers, open_round, post_data, st_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    st = st_user()
    return {
        "st": st,
        "round": open_round(st, ["GTM", "HND", "PAN"]),
        "owner": f.user("HND", "focal_point"),
        "hnd_cancilleria": f.user("HND", "cancilleria", inst=f.institution("HND", Institution.Type.FOREIGN_MINISTRY)),
        "hnd_other_institution": f.user("HND", "focal_point", inst=f.institution("HND", Institution.Type.MIGRATION)),
        "hnd_analyst": f.user("HND", "analyst"),
        "gtm_focal": f.user("GTM", "focal_point"),
        "gtm_cancilleria": f.user("GTM", "cancilleria", inst=f.institution("GTM", Institution.Type.FOREIGN_MINISTRY)),
        "editor": f.user("CRM", "portal_editor"),
    }


def _sub(pk):
    return Submission.objects.unrestricted(reason="test: compare before and after").get(pk=pk)


def snapshot(sub):
    s = _sub(sub.pk)
    ans = Answer.objects.unrestricted(reason="test").filter(submission=s).order_by("pk")
    return (s.status, s.distribution, s.public_consent, tuple((a.status, a.citation, a.distribution) for a in ans))


def submitted(world, public_consent=False):
    sub = actions.do_start_submission(world["owner"], world["round"])
    actions.do_save_answers(world["owner"], sub, answers(), public_consent=public_consent)
    return actions.do_submit_submission(world["owner"], sub)


def steps(sub):
    pk = sub.pk
    return {
        "edit": (f"/legislacion/cuestionarios/{pk}/editar/", post_data(answers(citation="Otra ley, art. 9"))),
        "submit": (f"/legislacion/cuestionarios/{pk}/enviar/", {}),
        "validate": (f"/legislacion/cuestionarios/{pk}/validar/", {}),
        "return": (f"/legislacion/cuestionarios/{pk}/devolver/", {"note": "Corregir"}),
        "publish": (f"/legislacion/cuestionarios/{pk}/publicar/", {}),
    }


@pytest.mark.parametrize("who", ["hnd_other_institution", "hnd_analyst", "gtm_focal", "gtm_cancilleria", "editor"])
def test_nobody_else_acts_on_a_submitted_questionnaire(world, who):
    sub = submitted(world)
    client = f.verified_client(world[who])
    before, events = snapshot(sub), AuditEvent.objects.filter(kind__in=["write", "sharing"]).count()
    for name, (url, data) in steps(sub).items():
        r = client.post(url, data)
        # The portal's publish step is the editor's decision: it is refused for the state (not validated), with
        # a message, not hidden.
        expected = 302 if (who, name) == ("editor", "publish") else 404
        assert r.status_code == expected, (who, name, r.status_code)
        assert snapshot(sub) == before, (who, name)
    assert AuditEvent.objects.filter(kind__in=["write", "sharing"]).count() == events


@pytest.mark.parametrize("validator", ["hnd_cancilleria", "st"])
def test_the_countrys_cancilleria_or_the_st_validates(world, validator):
    sub = submitted(world)
    client = f.verified_client(world[validator])
    page = client.get(f"/legislacion/cuestionarios/{sub.pk}/").content.decode()
    assert f"/legislacion/cuestionarios/{sub.pk}/validar/" in page
    # …but neither edits nor submits someone else's questionnaire.
    for name in ("edit", "submit"):
        url, data = steps(sub)[name]
        assert client.post(url, data).status_code == 404, name
    assert client.post(f"/legislacion/cuestionarios/{sub.pk}/validar/").status_code == 302
    validated = _sub(sub.pk)
    assert validated.status == "validated" and validated.distribution == Distribution.NETWORK
    assert set(Answer.objects.unrestricted(reason="test").filter(submission=sub)
               .values_list("distribution", flat=True)) == {Distribution.NETWORK}
    assert AuditEvent.objects.filter(object_type="legislation.submission", object_id=str(sub.pk),
                                     detail__do="do_validate_submission").count() == 1


def test_a_validated_questionnaire_is_published_by_the_portal_only_with_consent(world):
    sub = submitted(world, public_consent=True)
    actions.do_validate_submission(world["hnd_cancilleria"], sub)
    for who in ("owner", "hnd_cancilleria", "gtm_focal"):
        assert f.verified_client(world[who]).post(f"/legislacion/cuestionarios/{sub.pk}/publicar/").status_code == 404
    client = f.verified_client(world["editor"])
    events = AuditEvent.objects.filter(kind__in=["write", "sharing"]).count()
    assert client.post(f"/legislacion/cuestionarios/{sub.pk}/publicar/").status_code == 302
    assert _sub(sub.pk).distribution == Distribution.PUBLIC
    assert set(Answer.objects.unrestricted(reason="test").filter(submission=sub)
               .values_list("distribution", flat=True)) == {Distribution.PUBLIC}
    # One publish step, one event.
    assert AuditEvent.objects.filter(kind__in=["write", "sharing"]).count() == events + 1


@pytest.mark.parametrize("who", ["hnd_other_institution", "hnd_analyst", "gtm_focal", "gtm_cancilleria", "st"])
def test_instruments_and_provisions_are_edited_by_their_institution_only(world, who):
    owner = world["owner"]
    inst = actions.do_create_instrument(owner, title="Código Penal", distribution=Distribution.NETWORK)
    prov = actions.do_create_provision(owner, inst, article="art. 1")
    client = f.verified_client(world[who])
    assert client.get(f"/legislacion/instrumentos/{inst.pk}/").status_code == 200
    assert client.get(f"/legislacion/instrumentos/{inst.pk}/editar/").status_code == 404
    assert client.post(f"/legislacion/instrumentos/{inst.pk}/editar/", {"kind": "law", "title": "X"}).status_code == 404
    assert client.post(f"/legislacion/instrumentos/{inst.pk}/disposiciones/nueva/",
                       {"article": "art. 2"}).status_code == 404
    assert client.post(f"/legislacion/disposiciones/{prov.pk}/editar/", {"article": "art. 9"}).status_code == 404
    assert Instrument.objects.unrestricted(reason="test").get(pk=inst.pk).title == "Código Penal"
    assert list(Provision.objects.unrestricted(reason="test").filter(instrument=inst).values_list(
        "article", flat=True)) == ["art. 1"]


def test_opening_an_edit_form_logs_nothing(world):
    owner = world["owner"]
    inst = actions.do_create_instrument(owner, title="Código Penal", distribution=Distribution.COUNTRY)
    sub = actions.do_start_submission(owner, world["round"])
    client = f.verified_client(owner)
    events = AuditEvent.objects.filter(kind__in=["write", "sharing"]).count()
    for url in (f"/legislacion/instrumentos/{inst.pk}/editar/", f"/legislacion/cuestionarios/{sub.pk}/editar/"):
        assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(kind__in=["write", "sharing"]).count() == events


def test_who_has_sent_is_cross_border_news(world):
    """An official without a Cancillería authorisation in force sees only their own country's progress."""
    submitted(world)  # Honduras has sent
    rnd = world["round"]
    html = f.verified_client(f.user("GTM", "focal_point")).get(f"/legislacion/rondas/{rnd.pk}/").content.decode()
    assert "Enviado" in html.split('id="round-progress"')[1].split("<td>Honduras</td>")[1].split("</tr>")[0]
    local = f.verified_client(f.user("GTM", "focal_point", authorised=False))
    table = local.get(f"/legislacion/rondas/{rnd.pk}/").content.decode().split('id="round-progress"')[1]
    row = table.split("<td>Honduras</td>")[1].split("</tr>")[0]
    assert "Enviado" not in row and "Pendiente" not in row and "—" in row
    own = table.split("<td>Guatemala</td>")[1].split("</tr>")[0]
    assert "Pendiente de envío" in own
