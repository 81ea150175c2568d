"""API of agreements, joint teams and national coordination: the same actions and policy as the pages,
lists whose query count does not grow with rows, and the uniform error body for bad input."""

import pytest

from enlace.agreements.tests.helpers import agreement
from enlace.core.models import Institution
from enlace.teams.models import TeamMember
from enlace.teams.tests.helpers import team
from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries

from ..models import NationalMessage


@pytest.mark.django_db
def test_a_national_message_is_sent_and_answered_through_the_api_only_by_the_addressed_institution():
    liaison = f.institution("GTM", Institution.Type.PROSECUTION, name="Fiscalía Regional (enlace)")
    special = f.institution("GTM", Institution.Type.OTHER, name="Fiscalía contra la Trata")
    sender = f.token_client(f.user("GTM", "prosecutor", inst=liaison))
    r = sender.post("/api/v1/coordinacion/mensajes/enviar/", {"kind": "info_request", "subject": "Antecedentes",
                                                              "body": "¿Antecedentes?", "to_institution": special.pk},
                    format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["distribution"] == "country"
    # The sender cannot answer its own message; another country does not even see it.
    assert sender.post(f"/api/v1/coordinacion/mensajes/{pk}/respuesta/", {"answer": "x"},
                       format="json").status_code == 404
    assert f.token_client(f.user("HND", "prosecutor")).get(f"/api/v1/coordinacion/mensajes/{pk}/").status_code == 404
    addressed = f.token_client(f.user("GTM", "prosecutor", inst=special))
    r = addressed.post(f"/api/v1/coordinacion/mensajes/{pk}/respuesta/", {"answer": "Sin antecedentes."},
                       format="json")
    assert r.status_code == 200 and r.json()["status"] == "answered"
    bad = sender.post("/api/v1/coordinacion/mensajes/enviar/", {"kind": "nada", "subject": "", "body": "x"},
                      format="json")
    assert bad.status_code == 400 and set(bad.json()["error"]["fields"]) >= {"kind", "subject"}
    assert NationalMessage.objects.unrestricted(reason="test").count() == 1


@pytest.mark.django_db
def test_an_invitation_is_answered_through_the_api_by_the_invited_country_only():
    gtm, hnd, pan = f.user("GTM", "focal_point"), f.user("HND", "focal_point"), f.user("PAN", "focal_point")
    t = team(gtm, ("HND",))
    url = f"/api/v1/equipos/equipos/{t.pk}/respuesta/"
    assert f.token_client(pan).post(url, {"accept": True}, format="json").status_code == 404
    assert f.token_client(hnd).post(url, {"accept": "quizás"}, format="json").status_code == 400
    r = f.token_client(hnd).post(url, {"accept": True}, format="json")
    assert r.status_code == 200
    assert {"country": "HND", "status": "accepted"}.items() <= next(
        m for m in r.json()["members"] if m["country"] == "HND").items()
    assert TeamMember.objects.get(team=t, country__code="HND").status == "accepted"


@pytest.mark.django_db
def test_api_lists_of_agreements_teams_and_coordination_run_constant_queries():
    chancery, gtm = f.user("GTM", "cancilleria"), f.user("GTM", "focal_point")
    hnd = f.user("HND", "focal_point")
    liaison = f.institution("GTM", Institution.Type.PROSECUTION, name="Fiscalía Regional (enlace)")
    prosecutor = f.user("GTM", "prosecutor", inst=liaison)
    special = f.institution("GTM", Institution.Type.OTHER, name="Fiscalía contra la Trata")
    from ..actions import do_send_national_message

    cases = [
        (chancery, "/api/v1/acuerdos/acuerdos/",
         lambda n: [agreement(("GTM", "HND"), chancery=chancery, title=f"A{i}") for i in range(n)]),
        (gtm, "/api/v1/equipos/equipos/", lambda n: [team(gtm, ("HND", "SLV"), accept_by=[hnd]) for _ in range(n)]),
        (gtm, "/api/v1/equipos/entradas/", lambda n: [team(gtm, ("HND",), accept_by=[hnd]) for _ in range(n)]),
        (prosecutor, "/api/v1/coordinacion/mensajes/", lambda n: [do_send_national_message(prosecutor, {
            "kind": "info_request", "subject": f"S{i}", "body": "b", "to_institution": special.pk}) for i in range(n)]),
    ]
    for user, url, add in cases:
        client = f.token_client(user)
        add(1)
        assert client.get(url).status_code == 200
        assert_constant_queries(client, url, add, more=4)
        assert client.get(url).json()["count"] >= 5
