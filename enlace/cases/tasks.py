"""Background work of the cases app (django-tasks; ``enlace worker`` runs it, tests run it inline).

An import runs in the worker, not in the request: the page polls its progress from the database
(``jobs.Progress``), so every server process sees the same bar. The import itself stays one
transaction (``do_run_import``): a worker killed half-way leaves nothing behind, and the task,
put back in the queue by ``enlace worker``, runs it again from the start.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction

try:  # Django 6 ships the tasks framework; on 5.2 the django-tasks backport provides it
    from django.tasks import task
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task

from enlace.jobs import actions as jobs

from . import importing
from .models import ImportBatch

log = logging.getLogger(__name__)


def queue_import(user, batch: ImportBatch) -> None:
    """Queue the import of ``batch`` as ``user`` (the task re-checks the user's right to change it)."""
    # One transaction: a worker sees the task only once its progress row exists (else a fast worker's final
    # state could be overwritten by "queued").
    with transaction.atomic():
        result = run_import.enqueue(batch.pk, user.pk)
        # Under the immediate backend (tests) the task already ran and wrote its final state.
        if result.status == "READY":
            jobs.queue_progress(importing.progress_key(batch.pk), total=batch.total_rows, task_id=result.id)


@task()
def run_import(batch_id: int, user_id: int) -> str:
    """Import one batch as the official who asked for it; idempotent (a finished batch is left alone)."""
    from django.contrib.auth import get_user_model

    from . import actions

    key = importing.progress_key(batch_id)
    batch = ImportBatch.objects.unrestricted(reason="import task").filter(pk=batch_id).first()
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if batch is None or user is None:
        jobs.finish_progress(key, state="failed")
        return "gone"
    if batch.status == ImportBatch.Status.IMPORTED:
        jobs.finish_progress(key, state="done", done=batch.total_rows)
        return "already imported"
    jobs.report_progress(key, state="running", done=0, attempt=True)
    try:
        batch = actions.do_run_import(user, batch, progress=lambda done, total: importing.set_progress(
            batch_id, done, total))
    except (ValidationError, ImportBatch.DoesNotExist) as exc:  # gone, or no longer the user's to change
        log.info("import %s not run: %s", batch_id, type(exc).__name__)
        jobs.finish_progress(key, state="failed")
        return "refused"
    except Exception:
        # E.g. a hook run after the commit failed: the page shows what the database holds, and the
        # task is recorded failed with its traceback.
        batch.refresh_from_db()
        jobs.finish_progress(key, state="done" if batch.status == ImportBatch.Status.IMPORTED else "failed",
                             done=batch.total_rows)
        raise
    failed = batch.status == ImportBatch.Status.FAILED
    jobs.finish_progress(key, state="failed" if failed else "done", done=batch.total_rows)
    return batch.status
