"""The import API queues the same task as the page (issue 17): 202 and a progress URL to poll; an
invalid file still answers 400 at once with line and column, and nothing is imported."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from enlace.cases.models import Entity, ImportBatch
from enlace.testing import factories as f

from .helpers import make_case
from .test_import import GOOD

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _post(api, case, content, **extra):
    return api.post("/api/v1/case-imports/", {"case": case.pk, "file": SimpleUploadedFile("p.csv", content.encode()),
                                              **extra}, format="multipart")


@pytest.mark.django_db(transaction=True)
def test_api_run_answers_202_and_the_worker_imports_while_the_client_polls():
    owner = f.user("GTM", "focal_point")
    case = make_case(owner)
    api = f.token_client(owner)
    with override_settings(TASKS=DB_TASKS):
        r = _post(api, case, GOOD, run="true")
        assert r.status_code == 202, r.content
        body = r.json()
        assert body["status"] == "uploaded" and body["progress"]["state"] == "queued"
        assert body["progress"]["total"] == 3 and body["url"].endswith(f"/api/v1/case-imports/{body['id']}/")
        # Nothing imported in the request: the task waits for a worker.
        assert not Entity.objects.restrict(owner, "view").filter(case=case).exists()
        assert DBTaskResult.objects.filter(status="READY").count() == 1
        progress = api.get(body["progress_url"])
        assert progress.status_code == 200 and progress.json()["state"] == "queued"
        # Another country's official learns nothing, not even that the batch exists.
        assert f.token_client(f.user("HND", "focal_point")).get(body["progress_url"]).status_code == 404
        call_command("worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    done = api.get(body["progress_url"]).json()
    assert done["state"] == "done" and done["done"] == 3 and done["status"] == "imported", done
    assert Entity.objects.restrict(owner, "view").filter(case=case, schema="Person").count() == 3
    assert api.get(body["url"]).json()["status"] == "imported"
    # Running it again is refused with the uniform body (it was imported once).
    again = api.post(f"/api/v1/case-imports/{body['id']}/run/", {}, format="json")
    assert again.status_code == 400 and "error" in again.json()


@pytest.mark.django_db
def test_api_invalid_file_answers_400_at_once_with_line_and_column_and_queues_nothing():
    owner = f.user("GTM", "focal_point")
    case = make_case(owner)
    api = f.token_client(owner)
    bad = "nombres,primer_apellido,funcion\nAna,López,sospechosa\nLuis,Pérez,jefa\n"
    with override_settings(TASKS=DB_TASKS):
        r = _post(api, case, bad, run="true")
        assert not DBTaskResult.objects.exists()
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["lines"] == [{"line": 3, "column": "funcion", "letter": "C", "message": error["lines"][0]["message"]}]
    assert "jefa" in error["lines"][0]["message"] and error["fields"]["file"][0].startswith("línea 3")
    batch = ImportBatch.objects.restrict(owner, "view").get(pk=error["batch"])
    assert batch.status == "failed" and not Entity.objects.restrict(owner, "view").filter(case=case).exists()
    # A mapping that names no column of the file: 400, uniform body, nothing queued.
    ok = _post(api, case, GOOD).json()
    r = api.post(f"/api/v1/case-imports/{ok['id']}/run/", {"mapping": {"surname_1": "no_such"}}, format="json")
    assert r.status_code == 400 and r.json()["error"]["fields"]["non_field_errors"]
