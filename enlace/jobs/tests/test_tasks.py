"""Periodic functions and match-all as tasks on the database queue (issue 17)."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from enlace.jobs.models import Progress
from enlace.jobs.tasks import periodic_functions

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_periodic_functions_are_queued_and_run_by_the_worker():
    declared = periodic_functions()
    assert "enlace.jobs.worker.requeue_abandoned" in declared
    with override_settings(TASKS=DB_TASKS):
        call_command("enqueue", "periodic", stdout=io.StringIO())
        assert DBTaskResult.objects.filter(status="READY").count() == len(declared)
        assert set(Progress.objects.values_list("state", flat=True)) == {"queued"}
        call_command("worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    results = {r.args_kwargs["args"][0]: r.status for r in DBTaskResult.objects.all()}
    assert results == {dotted: "SUCCESSFUL" for dotted in declared}
    assert set(Progress.objects.values_list("state", flat=True)) == {"done"}
    assert Progress.objects.filter(key="periodic:enlace.jobs.worker.requeue_abandoned", attempts=1).exists()


@pytest.mark.django_db
def test_match_all_runs_as_a_task():
    call_command("enqueue", "match-all", stdout=io.StringIO())  # immediate backend in the tests: runs inline
    progress = Progress.objects.get(key="matching.match-all")
    assert progress.state == "done"
