"""Every list page and API list of the legislation capability costs the same number of queries with more rows."""

import datetime
import itertools

import pytest
from django.utils import timezone

from enlace.core.models import Country
from enlace.legislation import actions
from enlace.sharing.policy import Distribution
from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries

from .helpers import answers, st_user

pytestmark = pytest.mark.django_db

_seq = itertools.count(1)


@pytest.fixture
def st():
    return st_user()


@pytest.fixture
def members():
    return list(Country.objects.filter(kind=Country.Kind.MEMBER).exclude(code="GTM").order_by("code"))


@pytest.fixture
def focal_points(members):
    return {c.code: f.user(c.code, "focal_point") for c in members}


def validated_adder(st, members, focal_points, *, validate=True):
    """``add(n)``: a new round in which ``n`` countries send (and the ST validates) their questionnaire."""

    def add(n):
        countries = members[:n]
        rnd = actions.do_open_round(st, title=f"Ronda {next(_seq)}", countries=countries,
                                    deadline=timezone.localdate() + datetime.timedelta(days=10))
        for c in countries:
            fp = focal_points[c.code]
            sub = actions.do_start_submission(fp, rnd)
            actions.do_save_answers(fp, sub, answers(citation=f"Ley {c.code}, art. 1"), public_consent=True)
            actions.do_submit_submission(fp, sub)
            if validate:
                actions.do_validate_submission(st, sub)
        return rnd
    return add


def instruments_adder(focal_points):
    """``add(n)``: ``n`` network-shared instruments, each with two provisions mapped to requirements."""
    from enlace.legislation.models import Requirement

    reqs = list(Requirement.objects.order_by("order")[:2])
    fps = list(focal_points.values())

    def add(n):
        for i in range(n):
            fp = fps[i % len(fps)]
            inst = actions.do_create_instrument(fp, title=f"Ley {next(_seq)}", distribution=Distribution.NETWORK)
            for art in ("art. 1", "art. 2"):
                actions.do_create_provision(fp, inst, article=art, requirements=reqs)
    return add


def test_answers_api_at_a_page_of_100(st, members, focal_points):
    add = validated_adder(st, members, focal_points)
    add(1)  # 33 answers; three more questionnaires bring 99
    api = f.token_client(f.user("GTM", "analyst"))
    assert_constant_queries(api, "/api/v1/legislacion/respuestas/?limit=100", add, more=2)


def test_questionnaire_lists_and_round_pages(st, members, focal_points):
    add = validated_adder(st, members, focal_points)
    rnd = add(1)
    reader = f.user("GTM", "analyst")
    client, api = f.verified_client(reader), f.token_client(reader)
    assert_constant_queries(api, "/api/v1/legislacion/cuestionarios/?limit=100", add, more=3)
    assert_constant_queries(client, "/legislacion/cuestionarios/", add, more=3)
    assert_constant_queries(api, "/api/v1/legislacion/rondas/?limit=100", add, more=2)
    assert_constant_queries(client, "/legislacion/rondas/", add, more=2)

    def more_in_round(n):
        # The same round, more countries answering and more reminders already sent.
        rnd.countries.add(*members[1:1 + n])
        for c in members[1:1 + n]:
            fp = focal_points[c.code]
            if not actions.submitted_country_ids(rnd) & {c.pk}:
                sub = actions.do_start_submission(fp, rnd)
                actions.do_save_answers(fp, sub, answers(), public_consent=False)
                actions.do_submit_submission(fp, sub)
        actions.do_send_round_reminders(rnd, actor=st)

    assert_constant_queries(f.verified_client(st), f"/legislacion/rondas/{rnd.pk}/", more_in_round, more=4)


def test_matrix_indicators_and_exports(st, members, focal_points):
    add = validated_adder(st, members, focal_points)
    add(1)
    reader = f.user("GTM", "analyst")
    client, api = f.verified_client(reader), f.token_client(reader)
    for url in ("/legislacion/", "/legislacion/indicadores/", "/legislacion/matriz/xlsx/", "/legislacion/matriz/pdf/"):
        assert_constant_queries(client, url, add, more=3)
    assert_constant_queries(api, "/api/v1/legislacion/matriz/", add, more=3)


def test_public_matrix(st, members, focal_points):
    editor = f.user("CRM", "portal_editor")
    validate_and_publish = validated_adder(st, members, focal_points)

    def add(n):
        rnd = validate_and_publish(n)
        for sub in actions.Submission.objects.restrict(editor, "publish").filter(round=rnd):
            actions.do_publish_submission(editor, sub)

    add(1)
    from django.test import Client

    assert_constant_queries(Client(), "/legislacion/publica/", add, more=3)


def test_instrument_and_provision_lists(focal_points):
    add = instruments_adder(focal_points)
    add(1)
    reader = f.user("GTM", "analyst")
    client, api = f.verified_client(reader), f.token_client(reader)
    for url in ("/legislacion/instrumentos/", "/legislacion/disposiciones/", "/legislacion/instrumentos/exportar/"):
        assert_constant_queries(client, url, add, more=4)
    for url in ("/api/v1/legislacion/instrumentos/?limit=100", "/api/v1/legislacion/disposiciones/?limit=100"):
        assert_constant_queries(api, url, add, more=4)


def test_instrument_detail_lists_its_provisions(focal_points):
    fp = focal_points["HND"]
    inst = actions.do_create_instrument(fp, title="Código Penal", distribution=Distribution.NETWORK)

    def add(n):
        for _i in range(n):
            actions.do_create_provision(fp, inst, article=f"art. {next(_seq)}")

    add(1)
    assert_constant_queries(f.verified_client(f.user("GTM", "analyst")), f"/legislacion/instrumentos/{inst.pk}/", add)


def test_catalogue_lists():
    from enlace.legislation.models import Indicator, Requirement

    def add(n):
        # Reference data grows by catalogue: more requirements, each with an indicator.
        for _i in range(n):
            k = next(_seq)
            req = Requirement.objects.create(code=f"TIM-X{k}", protocol="TIM", article=f"X{k}", title_es="Requisito",
                                             title_en="Requirement", order=1000 + k)
            Indicator.objects.create(requirement=req, code=f"TIM-X{k}-i", kind="status", question_es="¿Sí?",
                                     question_en="Yes?", order=1000 + k)

    reader = f.user("GTM", "analyst")
    client, api = f.verified_client(reader), f.token_client(reader)
    assert_constant_queries(client, "/legislacion/catalogo/", add)
    assert_constant_queries(api, "/api/v1/legislacion/requisitos/?limit=500", add)
    assert_constant_queries(api, "/api/v1/legislacion/indicadores/?limit=500", add)
