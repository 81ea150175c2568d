"""The figures import runs as a task with its progress and outcome in the database (issue 17): the page
and the API answer at once, poll, and show the lines and columns of a bad file; only the sender sees it."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from enlace.centres.models import FigureSet
from enlace.testing import factories as f

from .helpers import manager
from .test_import_and_pages import upload

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _rows(day=None):
    day = (day or timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    return [("Albergue Belén", day, 80, "GTM", "M", "adult", "", 14), ("Albergue Belén", day, 80, "SLV", "F", "child",
                                                                        "refugee", 3)]


@pytest.mark.django_db(transaction=True)
def test_page_and_api_queue_the_import_poll_it_and_the_worker_imports():
    user = manager("HND")
    client, api = f.verified_client(user), f.token_client(user)
    other = f.verified_client(manager("HND"))
    with override_settings(TASKS=DB_TASKS):
        r = client.post("/centros/cifras/importar/", {"file": upload(_rows()), "distribution": "network"})
        assert r.status_code == 302 and r["Location"].startswith("/centros/cifras/importar/"), r.content[:300]
        status_url = r["Location"]
        page = client.get(status_url).content.decode()
        assert "Importación en cola" in page and 'hx-get="%s"' % status_url in page
        assert other.get(status_url).status_code == 404  # a colleague does not see another's import
        r = api.post("/api/v1/centros/cifras/importar/", {"file": upload(_rows(timezone.localdate()))},
                     format="multipart")
        assert r.status_code == 202, r.content
        assert r.json()["state"] == "queued" and r["Location"] == r.json()["progress_url"]
        assert not FigureSet.objects.restrict(user, "list").exists()  # nothing imported in the requests
        assert DBTaskResult.objects.filter(status="READY").count() == 2
        call_command("worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert FigureSet.objects.restrict(user, "list").count() == 2
    done = api.get(r.json()["progress_url"]).json()
    assert done["state"] == "done" and done["sets"] == 1 and done["errors"] == [], done
    poll = client.get(status_url, HTTP_HX_REQUEST="true")
    assert poll["HX-Refresh"] == "true"
    assert "Importada 1 serie de cifras" in client.get(status_url).content.decode()


@pytest.mark.django_db
def test_api_bad_lines_fail_with_line_and_column_and_bad_files_answer_400():
    user = manager("GTM")
    api = f.token_client(user)
    bad = [("", "2999-01-01", 50, "XXQ", "Z", "adult", "", 0)]
    r = api.post("/api/v1/centros/cifras/importar/", {"file": upload(bad), "distribution": "country"},
                 format="multipart")
    assert r.status_code == 202  # the tests' immediate backend ran it: the outcome is already there
    body = api.get(r.json()["progress_url"]).json()
    assert body["state"] == "failed" and body["sets"] == 0
    for text in ("línea 2, columna «centre»", "línea 2, columna «date»", "línea 2, columna «nationality»",
                 "línea 2, columna «count»"):
        assert any(e.startswith(text) for e in body["errors"]), (text, body["errors"])
    assert not FigureSet.objects.restrict(user, "list").exists()
    # Another official, even of the same institution, gets 404 for this progress.
    assert f.token_client(manager("GTM")).get(r.json()["progress_url"]).status_code == 404
    r = api.post("/api/v1/centros/cifras/importar/", {"file": upload(bad), "distribution": "public"},
                 format="multipart")
    assert r.status_code == 400 and "distribution" in r.json()["error"]["fields"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = api.post("/api/v1/centros/cifras/importar/", {"file": SimpleUploadedFile("x.xlsx", b"not a sheet")},
                 format="multipart")
    assert r.status_code == 400 and r.json()["error"]["fields"]["file"]
    assert f.token_client(f.user("GTM", "focal_point")).post("/api/v1/centros/cifras/importar/", {},
                                                              format="multipart").status_code == 404
