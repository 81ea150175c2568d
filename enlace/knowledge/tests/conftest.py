"""The knowledge texts are imported once per test session (and again after a live-server flush)."""

import pytest


@pytest.fixture(scope="session")
def _knowledge_imported(django_db_setup, django_db_blocker):
    from enlace.knowledge.actions import do_import_knowledge

    with django_db_blocker.unblock():
        do_import_knowledge()


@pytest.fixture(autouse=True)
def knowledge_data(request, _knowledge_imported, _reference_data):
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db", "live_server"} & set(
        request.fixturenames)
    if not uses_db:
        return
    from enlace.knowledge.actions import do_import_knowledge, rebuild_search_entries
    from enlace.knowledge.models import PlanAction

    if not PlanAction.objects.exists():
        do_import_knowledge()
    elif "live_server" in request.fixturenames:
        rebuild_search_entries()


@pytest.fixture
def open_round(db):
    import datetime

    from django.utils import timezone

    from enlace.knowledge.models import ReportingRound

    today = timezone.localdate()
    return ReportingRound.objects.create(title="Ronda de prueba", period="2025",
                                         opens_on=today - datetime.timedelta(days=5),
                                         deadline=today + datetime.timedelta(days=10))
