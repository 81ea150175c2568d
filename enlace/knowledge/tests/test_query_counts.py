"""Every list page and API list of the knowledge base costs the same number of queries with more rows."""

import datetime
import itertools

import pytest
from django.utils import timezone

from enlace.core.models import Institution
from enlace.knowledge.actions import do_create_round, do_save_report, do_submit_report, do_validate_report
from enlace.knowledge.models import (ActionLink, Axis, Meeting, PlanAction, Recommendation, ReportingRound, SearchEntry,
                                     Tagging, Theme)
from enlace.testing import factories as f
from enlace.testing.querycount import assert_constant_queries

pytestmark = pytest.mark.django_db

_seq = itertools.count(1)


def more_recommendations(n):
    """Recommendations with a sub-item, a theme, a link and a search entry each (as the import makes them)."""
    meeting = Meeting.objects.get(group="tim", ordinal=1)
    theme = Theme.objects.first()
    action = PlanAction.objects.filter(axis__document__code="plan-2019").first()
    for _i in range(n):
        k = next(_seq)
        rec = Recommendation.objects.create(meeting=meeting, number=900 + k, key=f"TIM-I-{900 + k}", text="Texto",
                                            order=90000 + k)
        child = Recommendation.objects.create(meeting=meeting, parent=rec, number=900 + k, letter="a",
                                              key=f"TIM-I-{900 + k}-a", text="Apartado", order=90000 + k)
        Tagging.objects.create(theme=theme, recommendation=rec, score=1)
        ActionLink.objects.create(recommendation=rec, action=action, score=1)
        for r in (rec, child):
            SearchEntry.objects.create(kind=SearchEntry.Kind.RECOMMENDATION, key=r.key, title=r.key, text=r.text,
                                       group="tim", meeting=1, year=meeting.year, recommendation=r)


def more_actions(n):
    """Final plan actions with a theme, a linked recommendation, a draft predecessor and a search entry."""
    axis = Axis.objects.get(document__code="plan-2019", number=1)
    draft_axis = Axis.objects.get(document__code="plan-2018", number=1)
    theme = Theme.objects.first()
    rec = Recommendation.objects.filter(parent__isnull=True).first()
    for _i in range(n):
        k = next(_seq)
        action = PlanAction.objects.create(axis=axis, number=900 + k, key=f"1.{900 + k}", text="Acción")
        PlanAction.objects.create(axis=draft_axis, number=900 + k, key=f"2018-1.{900 + k}", text="Borrador",
                                  successor=action)
        Tagging.objects.create(theme=theme, action=action, score=1)
        ActionLink.objects.create(recommendation=rec, action=action, score=1)
        SearchEntry.objects.create(kind=SearchEntry.Kind.ACTION, key=action.key, title=action.key, text=action.text,
                                   group="plan", axis=1, action=action)


@pytest.fixture
def hnd(db):
    focal = f.user("HND", "focal_point")
    cancilleria = f.user("HND", "cancilleria", inst=f.institution("HND", Institution.Type.FOREIGN_MINISTRY))
    return focal, cancilleria


def reports_adder(focal, cancilleria, *, validate=True):
    """Validated, network-shared reports of Honduras on further plan actions (and more rounds)."""
    keys = iter([a.key for a in PlanAction.objects.filter(axis__document__code="plan-2019", withdrawn=False)
                 .order_by("axis__number", "number")])
    st = f.user("CRM", "st")
    today = timezone.localdate()

    def add(n):
        rnd = do_create_round(st, title=f"Ronda {next(_seq)}", period=f"P{next(_seq)}",
                              opens_on=today - datetime.timedelta(days=1), deadline=today + datetime.timedelta(days=5))
        for _i in range(n):
            action = PlanAction.objects.get(axis__document__code="plan-2019", key=next(keys))
            report = do_save_report(focal, round=rnd, action=action, status="in_progress", narrative="Avance",
                                    distribution="network")
            do_submit_report(focal, report)
            if validate:
                do_validate_report(cancilleria, report, approve=True)
    return add


def test_recommendations_api_list():
    api = f.token_client(f.user("PAN", "analyst"))
    assert_constant_queries(api, "/api/v1/recommendations/?group=tim&meeting=1&limit=100", more_recommendations)


def test_plan_actions_api_list():
    api = f.token_client(f.user("PAN", "analyst"))
    assert_constant_queries(api, "/api/v1/plan/actions/?axis=1&limit=100", more_actions)


def test_search_page_and_recommendations_export():
    client = f.verified_client(f.user("PAN", "analyst"))
    assert_constant_queries(client, "/conocimiento/buscar/?grupo=tim&reunion=1", more_recommendations)
    assert_constant_queries(client, "/conocimiento/recomendaciones/exportar/?grupo=tim&reunion=1",
                            more_recommendations)


def test_plan_pages_and_export():
    client = f.verified_client(f.user("PAN", "analyst"))
    for url in ("/conocimiento/", "/conocimiento/plan/", "/conocimiento/plan/exportar/"):
        assert_constant_queries(client, url, more_actions)


def test_proposals_page():
    client = f.verified_client(f.user("CRM", "st"))
    assert_constant_queries(client, "/conocimiento/propuestas/", more_recommendations)
    assert_constant_queries(client, "/conocimiento/propuestas/?tipo=vinculos", more_recommendations)


def test_reports_page_api_and_exports(hnd):
    focal, cancilleria = hnd
    add = reports_adder(focal, cancilleria)
    add(2)
    reader = f.user("GTM", "focal_point")
    client, api = f.verified_client(reader), f.token_client(reader)
    assert_constant_queries(client, "/conocimiento/reportes/", add, more=5)
    assert_constant_queries(api, "/api/v1/implementation-reports/?limit=100", add, more=5)
    for url in ("/conocimiento/tablero/", "/conocimiento/reportes/exportar/", "/conocimiento/tablero/informe.pdf"):
        assert_constant_queries(client, url, add, more=5)


def test_reports_on_an_action_and_a_recommendation(hnd):
    focal, cancilleria = hnd
    st = f.user("CRM", "st")
    today = timezone.localdate()
    rec = Recommendation.objects.get(key="TIM-II-15")
    action = PlanAction.objects.get(axis__document__code="plan-2019", key="1.4")

    def add(n):
        for _i in range(n):
            rnd = do_create_round(st, title="Ronda", period=f"Q{next(_seq)}", opens_on=today,
                                  deadline=today + datetime.timedelta(days=5))
            do_save_report(focal, round=rnd, action=action, status="implemented", narrative="x", distribution="network")
            do_save_report(focal, round=rnd, recommendation=rec, status="implemented", narrative="x",
                           distribution="network")

    client = f.verified_client(f.user("GTM", "focal_point"))
    assert_constant_queries(client, "/conocimiento/plan/acciones/1.4/", add)
    assert_constant_queries(client, "/conocimiento/r/TIM-II-15/", add)


def test_rounds_page(hnd):
    focal, cancilleria = hnd
    add = reports_adder(focal, cancilleria, validate=False)
    add(1)  # with no round at all, the per-round prefetches would not even run
    client = f.verified_client(f.user("CRM", "st"))
    assert_constant_queries(client, "/conocimiento/rondas/", add)
    assert ReportingRound.objects.count() >= 2
