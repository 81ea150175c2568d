"""Worker liveness and the requeue of tasks whose worker died.

django-tasks' database backend marks a task RUNNING when a worker claims it and never looks at it
again: a worker killed mid-task (OOM, power cut, ``kill -9``) leaves it RUNNING forever. Each
``enlace worker`` writes a heartbeat every ``HEARTBEAT_SECONDS``; a RUNNING task whose last worker
has not beaten for ``STALE_SECONDS`` is put back in the queue (at most ``MAX_ATTEMPTS`` claims,
then it is marked failed). The task's own writes were one transaction, rolled back by the database
when the process died, so the retry starts from a clean state (tasks are idempotent: an import
already done is not done twice).
"""

from __future__ import annotations

import datetime
import logging
import os

from django.conf import settings
from django.utils import timezone

log = logging.getLogger("enlace.jobs")

HEARTBEAT_SECONDS = 10
MAX_ATTEMPTS = 3


def stale_seconds() -> int:
    value = getattr(settings, "ENLACE_WORKER_STALE_SECONDS", None)
    return int(os.environ.get("ENLACE_WORKER_STALE_SECONDS", 120) if value is None else value)


def heartbeat_age_seconds() -> float | None:
    """Age of the freshest worker heartbeat (None when no worker ever beat)."""
    from .models import WorkerHeartbeat

    latest = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
    return None if latest is None else max(0.0, (timezone.now() - latest).total_seconds())


def requeue_abandoned() -> str:
    """Put back in the queue the RUNNING tasks whose worker stopped beating (periodic, idempotent)."""
    from django_tasks_db.models import DBTaskResult

    from .actions import prune_heartbeats, requeue_task
    from .models import WorkerHeartbeat

    cutoff = timezone.now() - datetime.timedelta(seconds=stale_seconds())
    alive = set(WorkerHeartbeat.objects.filter(beat_at__gte=cutoff).values_list("worker_id", flat=True))
    requeued = failed = 0
    for task in DBTaskResult.objects.filter(status="RUNNING", started_at__lt=cutoff):
        if task.worker_ids and task.worker_ids[-1] in alive:
            continue
        changed = requeue_task(task, max_attempts=MAX_ATTEMPTS)
        requeued += changed == "READY"
        failed += changed == "FAILED"
    prune_heartbeats(timezone.now() - datetime.timedelta(days=1))
    if requeued or failed:
        log.warning("requeued %s abandoned task(s), gave up on %s", requeued, failed)
    return f"{requeued} requeued, {failed} failed"
