"""National coordination: the country's protocol routes a regional liaison prosecutor's request to the
specialised prosecution office; same types and deadlines as the exchange; only the addressed institution
answers; other countries never see it; bad input; contracts; query counts."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from enlace.core.models import Institution
from enlace.sharing.policy import Distribution
from enlace.sharing.testing import ProtectedModelContract
from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries

from ..actions import (do_answer_national_message, do_flag_national_overdue, do_send_national_message,
                       do_set_national_route)
from ..models import NationalMessage, NationalRoute


def _offices():
    liaison = f.institution("GTM", Institution.Type.PROSECUTION, name="Fiscalía Regional de Petén (enlace)")
    special = f.institution("GTM", Institution.Type.OTHER, name="Fiscalía contra la Trata de Personas")
    return liaison, special


def _send(user, to=None, **extra):
    data = {"kind": "info_request", "priority": "urgent", "subject": extra.pop("subject", "Consulta-zk"),
            "body": "¿Antecedentes del conductor?", **extra}
    if to is not None:
        data["to_institution"] = str(to.pk)
    return do_send_national_message(user, data)


@pytest.mark.django_db
def test_the_protocol_routes_and_only_the_addressed_institution_answers():
    liaison, special = _offices()
    chancery = f.user("GTM", "cancilleria")
    r = f.verified_client(chancery).post("/coordinacion/protocolo/", {"kind": "info_request", "from_type": "prosecution",
                                                                      "answered_by": special.pk})
    assert r.status_code == 302
    sender = f.user("GTM", "prosecutor", inst=liaison)
    answerer = f.user("GTM", "prosecutor", inst=special)
    r = f.verified_client(sender).post("/coordinacion/", {"kind": "info_request", "priority": "urgent",
                                                           "subject": "Conductor de Petén", "body": "¿Antecedentes?"})
    assert r.status_code == 302
    m = NationalMessage.objects.restrict(sender, "view").get(subject="Conductor de Petén")
    assert m.to_institution_id == special.pk and m.routed_by_protocol
    assert datetime.timedelta(hours=7) < m.due_at - timezone.now() <= datetime.timedelta(hours=8)  # exchange's urgent
    # The sender cannot answer its own message; another country cannot even see it.
    assert f.verified_client(sender).post(f"/coordinacion/{m.pk}/responder/", {"answer": "x"}).status_code == 404
    assert f.verified_client(f.user("HND", "prosecutor")).get(f"/coordinacion/{m.pk}/").status_code == 404
    assert f.verified_client(answerer).post(f"/coordinacion/{m.pk}/responder/", {"answer": "Sin antecedentes."}).status_code == 302
    m.refresh_from_db()
    assert m.status == "answered"


@pytest.mark.django_db
def test_bad_input_and_no_protocol_line():
    liaison, special = _offices()
    sender = f.verified_client(f.user("GTM", "prosecutor", inst=liaison))
    hnd = f.institution("HND", Institution.Type.POLICE)
    cases = [
        ({"kind": "info_request"}, "no dice quién responde"),
        ({"kind": "nada", "to_institution": special.pk}, "Elija el tipo de mensaje"),
        ({"kind": "info_request", "to_institution": hnd.pk}, "de su propio país"),
        ({"kind": "info_request", "to_institution": liaison.pk}, "es la suya"),
        ({"kind": "info_request", "to_institution": special.pk, "subject": ""}, "Indique el asunto"),
    ]
    for extra, message in cases:
        r = sender.post("/coordinacion/", {"subject": "S", "body": "B", **extra})
        assert r.status_code == 400, extra
        assert message in r.content.decode(), (extra, message)
    assert NationalMessage.objects.unrestricted(reason="test: nothing created").count() == 0
    assert f.verified_client(f.user("GTM", "prosecutor")).post("/coordinacion/protocolo/", {}).status_code == 404


@pytest.mark.django_db
def test_overdue_like_the_exchange():
    liaison, special = _offices()
    m = _send(f.user("GTM", "prosecutor", inst=liaison), to=special)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=9)):
        assert do_flag_national_overdue() == {"overdue": 1}
    m.refresh_from_db()
    assert m.overdue_at is not None


@pytest.mark.django_db
def test_inbox_runs_constant_queries():
    liaison, special = _offices()
    sender = f.user("GTM", "prosecutor", inst=liaison)
    assert_constant_queries(f.verified_client(sender), "/coordinacion/",
                            lambda n: [_send(sender, to=special, subject=f"S{i}") for i in range(n)])


class TestNationalMessageContract(ProtectedModelContract):
    api_list_url = "/api/v1/coordinacion/mensajes/"

    def api_detail_url(self, record):
        return f"/api/v1/coordinacion/mensajes/{record.pk}/"

    model = NationalMessage
    owner_role = "prosecutor"
    reader_role = "prosecutor"
    list_url = "/coordinacion/"

    def make_record(self, owner, distribution, sharing_group=None):
        other = f.institution(owner.institution.country.code, Institution.Type.MIGRATION, name="Migración destino")
        m = _send(owner, to=other, subject=f"Nacional-{NationalMessage.objects.unrestricted(reason='n').count()}-zk")
        if distribution != Distribution.COUNTRY:
            from enlace.sharing.actions import do_change_sharing

            m = do_change_sharing(owner, m, distribution=distribution, sharing_group=sharing_group)
        return m

    def marker(self, record):
        return record.subject

    def detail_url(self, record):
        return f"/coordinacion/{record.pk}/"

    def decisions(self, record):
        return [("answer", lambda u, m: do_answer_national_message(u, m, answer="ok"),
                 lambda owner: f.user(owner.institution.country.code, "prosecutor",
                                      inst=Institution.objects.get(name="Migración destino")))]


class TestNationalRouteContract(ProtectedModelContract):
    # The list's marker is an HTML row: the API list is covered by the detail URL and the query-count test.

    def api_detail_url(self, record):
        return f"/api/v1/coordinacion/protocolo/{record.pk}/"

    model = NationalRoute
    owner_role = "cancilleria"
    list_url = "/coordinacion/protocolo/"
    test_other_institution = False  # the rule admits the owner's whole country (its protocol)

    def make_record(self, owner, distribution, sharing_group=None):
        target = f.institution(owner.institution.country.code, Institution.Type.PROSECUTION, name="Fiscalía destino")
        kinds = ["info_request", "spontaneous", "alert", "mla_preconsultation", "return_coordination",
                 "consular_notification"]
        n = NationalRoute.objects.unrestricted(reason="test: next kind").count()
        route = do_set_national_route(owner, kind=kinds[n % 6], from_type=["police", "migration"][n // 6 % 2],
                                      answered_by=target)
        if distribution != Distribution.COUNTRY:
            from enlace.sharing.actions import do_change_sharing

            route = do_change_sharing(owner, route, distribution=distribution, sharing_group=sharing_group)
        return route

    def marker(self, record):
        return f"<td>{record.get_kind_display()}</td><td>{record.from_type}</td>"


@pytest.mark.django_db
def test_a_national_message_can_never_be_widened_beyond_the_country():
    """National coordination stays national whoever owns it and whatever path re-shares it."""
    from django.core.exceptions import ValidationError

    from enlace.sharing.actions import do_change_sharing, do_create_sharing_group

    liaison, special = _offices()
    sender = f.user("GTM", "prosecutor", inst=liaison)
    message = _send(sender, to=special)
    group = do_create_sharing_group(sender, name="GTM+HND", countries=[f.country("HND")])
    for kwargs in ({"distribution": "network"}, {"distribution": "group", "sharing_group": group}):
        with pytest.raises(ValidationError) as exc:
            do_change_sharing(sender, NationalMessage.objects.restrict(sender, "view").get(pk=message.pk), **kwargs)
        assert "no puede compartirse más allá de: Mi país" in str(exc.value)
    assert NationalMessage.objects.unrestricted(reason="test").get(pk=message.pk).distribution == "country"
    hnd = f.user("HND", "prosecutor")
    assert f.verified_client(hnd).get(f"/coordinacion/{message.pk}/").status_code == 404
