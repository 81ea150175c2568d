"""Imports as background tasks through the database backend and ``enlace worker`` (issue 17).

The other import tests run the task inline (immediate backend); these go through the queue: the page
shows the queued state and polls the progress stored in the database, a worker runs it, and a worker
killed half-way through an import leaves nothing written and the task is run again to the end.
"""

import os
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from enlace.cases.models import Entity, ImportBatch
from enlace.cases.tests.helpers import make_case
from enlace.jobs.models import Progress, WorkerHeartbeat
from enlace.jobs.worker import requeue_abandoned
from enlace.testing import factories as f

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
HEADER = "nombres;primer_apellido;sexo;fecha_nacimiento;nacionalidad;funcion\n"


def csv_rows(n):
    return (HEADER + "".join(f"Persona{i};Apellido{i};F;1990-01-0{1 + i % 9};GTM;testigo\n" for i in range(n))).encode()


def queue_import(client, case, content):
    client.post(f"/casos/{case.pk}/importar/", {"file": SimpleUploadedFile("lista.csv", content)})
    batch = ImportBatch.objects.unrestricted(reason="test").get(case=case)
    page = client.post(f"/casos/importaciones/{batch.pk}/", {f"map_{k}": v for k, v in batch.mapping.items()},
                       follow=True)
    return batch, page


def run_worker():
    call_command("worker", batch=True, max_tasks=1, startup_delay=False, reload=False, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_import_runs_in_the_worker_and_the_page_polls_the_database():
    with override_settings(TASKS=DB_TASKS):
        owner = f.user("GTM", "focal_point")
        case = make_case(owner)
        client = f.verified_client(owner)
        batch, page = queue_import(client, case, csv_rows(3))
        html = page.content.decode()
        assert "Importación en cola" in html and 'hx-trigger="every 1s"' in html
        batch.refresh_from_db()
        assert batch.status == "uploaded" and Entity.objects.unrestricted(reason="test").filter(case=case).count() == 0
        poll = client.get(f"/casos/importaciones/{batch.pk}/progreso/", HTTP_HX_REQUEST="true")
        assert "Importación en cola" in poll.content.decode() and "HX-Refresh" not in poll

        run_worker()
        batch.refresh_from_db()
        assert batch.status == "imported" and batch.imported_count == 3
        progress = Progress.objects.get(key=f"cases.import:{batch.pk}")
        assert (progress.state, progress.done, progress.total, progress.attempts) == ("done", 3, 3, 1)
        poll = client.get(f"/casos/importaciones/{batch.pk}/progreso/", HTTP_HX_REQUEST="true")
        assert poll["HX-Refresh"] == "true"
        assert "Importación completa" in client.get(f"/casos/importaciones/{batch.pk}/").content.decode()
        # A clean stop removes the worker's heartbeat.
        assert not WorkerHeartbeat.objects.exists()


# Runs one worker in another process that dies (no cleanup, no commit) after 50 rows were written.
DYING_WORKER = """
import os
import django
django.setup()
from enlace.cases import importing
_report = importing.set_progress
def dying(pk, done, total):
    _report(pk, done, total)
    if done >= 50:
        os._exit(9)
importing.set_progress = dying
from django.core.management import call_command
call_command("worker", batch=True, max_tasks=1, startup_delay=False, reload=False, verbosity=0)
"""


def database_url():
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgresql://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_nothing_and_the_task_is_retried():
    with override_settings(TASKS=DB_TASKS):
        owner = f.user("GTM", "focal_point")
        case = make_case(owner)
        batch, _page = queue_import(f.verified_client(owner), case, csv_rows(60))
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "enlace.settings.base", "DATABASE_URL": database_url()}
        died = subprocess.run([sys.executable, "-c", DYING_WORKER], env=env, capture_output=True, text=True,
                              timeout=120)
        assert died.returncode == 9, died.stderr[-2000:]

        entities = Entity.objects.unrestricted(reason="test").filter(case=case)
        batch.refresh_from_db()
        task = DBTaskResult.objects.get()
        assert entities.count() == 0 and batch.status == "uploaded" and task.status == "RUNNING"

        with override_settings(ENLACE_WORKER_STALE_SECONDS=3600):
            assert requeue_abandoned() == "0 requeued, 0 failed"  # not stale yet: left alone
        with override_settings(ENLACE_WORKER_STALE_SECONDS=0):
            assert requeue_abandoned() == "1 requeued, 0 failed"
        run_worker()
        batch.refresh_from_db()
        task.refresh_from_db()
        assert batch.status == "imported" and batch.imported_count == 60 and entities.count() == 60
        assert task.status == "SUCCESSFUL" and len(task.worker_ids) == 2
        assert Progress.objects.get(key=f"cases.import:{batch.pk}").attempts == 2


@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_keeps_dying_is_given_up_and_the_page_says_so():
    from django.utils import timezone

    with override_settings(TASKS=DB_TASKS):
        owner = f.user("GTM", "focal_point")
        client = f.verified_client(owner)
        batch, _page = queue_import(client, make_case(owner), csv_rows(2))
        task = DBTaskResult.objects.get()
        assert Progress.objects.get(key=f"cases.import:{batch.pk}").task_id == str(task.pk)
        DBTaskResult.objects.filter(pk=task.pk).update(status="RUNNING", started_at=timezone.now(),
                                                       worker_ids=["dead1", "dead2", "dead3"])
        with override_settings(ENLACE_WORKER_STALE_SECONDS=0):
            assert requeue_abandoned() == "0 requeued, 1 failed"
        task.refresh_from_db()
        assert task.status == "FAILED" and task.exception_class_path == "enlace.jobs.WorkerLost"
        assert Progress.objects.get(key=f"cases.import:{batch.pk}").state == "failed"
        poll = client.get(f"/casos/importaciones/{batch.pk}/progreso/", HTTP_HX_REQUEST="true")
        assert poll["HX-Refresh"] == "true"  # the page stops polling and offers the import again
        batch.refresh_from_db()
        assert batch.status == "uploaded" and "Validar e importar" in client.get(
            f"/casos/importaciones/{batch.pk}/").content.decode()
