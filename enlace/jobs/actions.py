"""Writes of the jobs bookkeeping (task progress, worker heartbeats).

These are not ``do_*`` actions and write no audit event on purpose: they are counters and
timestamps of the machinery (no personal data, no decision of anybody), written every few
seconds; auditing them would flood the hash chain. Every record the tasks themselves change
still goes through the owning app's audited ``do_*`` actions.

Progress is written through a connection of its own (``_side``): a task's records are written
in one transaction (an import is all or nothing), and a count written inside it would be
invisible to the page until the end. The side connection commits each count at once. It never
waits: on PostgreSQL a short lock timeout, on SQLite (one writer at a time, so the import's
transaction holds the file) a zero busy timeout; a count that cannot be written is skipped.
"""

from __future__ import annotations

import os
import socket
import threading

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.utils import timezone

from .models import Progress, WorkerHeartbeat

_local = threading.local()


def _side():
    """A connection of this thread apart from Django's (same database, autocommit)."""
    conn = getattr(_local, "conn", None)
    main = connections[DEFAULT_DB_ALIAS]
    if conn is not None and conn.settings_dict.get("NAME") == main.settings_dict.get("NAME"):
        return conn
    settings_dict = {**main.settings_dict, "OPTIONS": dict(main.settings_dict.get("OPTIONS") or {})}
    if main.vendor == "sqlite":
        settings_dict["OPTIONS"]["timeout"] = 0
        settings_dict["OPTIONS"].pop("transaction_mode", None)
    conn = type(main)(settings_dict, alias="jobs_side")
    if main.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")
    _local.conn = conn
    return conn


def close_side() -> None:
    conn = getattr(_local, "conn", None)
    if conn is not None:
        conn.close()
        _local.conn = None


def queue_progress(key: str, total: int = 0, task_id: str = "", user_id: int | None = None) -> Progress:
    """A task was queued (written in the caller's transaction, with the task row itself)."""
    defaults = {"state": Progress.State.QUEUED, "done": 0, "total": total, "task_id": str(task_id)}
    if user_id is not None:
        defaults["user_id"] = user_id
    progress, _created = Progress.objects.update_or_create(key=key, defaults=defaults)
    return progress


def report_progress(key: str, *, done: int | None = None, total: int | None = None, state: str | None = None,
                    attempt: bool = False) -> bool:
    """Write a count now, visible to every process; ``False`` when it could not be written (skipped)."""
    sets, params = ["updated_at = %s"], [timezone.now()]
    for column, value in (("done", done), ("total", total), ("state", state)):
        if value is not None:
            sets.append(f"{column} = %s")
            params.append(value)
    if attempt:
        sets.append("attempts = attempts + 1")
    table = Progress._meta.db_table
    try:
        conn = _side()
        with conn.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {', '.join(sets)} WHERE key = %s", [*params, key])  # noqa: S608
            return cursor.rowcount > 0
    except DatabaseError:
        close_side()
        return False


def finish_progress(key: str, *, state: str, done: int | None = None, total: int | None = None,
                    result: dict | None = None) -> None:
    """The final state, written on the ordinary connection after the task's transaction committed."""
    values = {"state": state, "updated_at": timezone.now()}
    if result is not None:
        values["result"] = result
    if done is not None:
        values["done"] = done
    if total is not None:
        values["total"] = total
    if not Progress.objects.filter(key=key).update(**values):
        Progress.objects.create(key=key, **values)
    close_side()  # the task is over: its side connection is not kept open between tasks


def beat(worker_id: str, started_at) -> None:
    """Record that this worker is alive (its own thread, its own connection)."""
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(beat_at=now)
    if not updated:
        WorkerHeartbeat.objects.create(worker_id=worker_id, hostname=socket.gethostname()[:255], pid=os.getpid(),
                                       started_at=started_at, beat_at=now)


def forget_worker(worker_id: str) -> None:
    """A worker that stops cleanly removes its heartbeat (so health does not wait for it)."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def prune_heartbeats(before) -> int:
    return WorkerHeartbeat.objects.filter(beat_at__lt=before).delete()[0]


def requeue_task(task, *, max_attempts: int) -> str:
    """Put a task whose worker died back in the queue, or give up after ``max_attempts`` claims."""
    from django_tasks_db.models import DBTaskResult

    if len(task.worker_ids) >= max_attempts:
        values = {"status": "FAILED", "finished_at": timezone.now(), "exception_class_path": "enlace.jobs.WorkerLost",
                  "traceback": f"worker lost {len(task.worker_ids)} times: {', '.join(task.worker_ids)}"}
    else:
        values = {"status": "READY", "started_at": None}
    # Conditional on the state read by the caller: two requeuers never both act on one task.
    changed = DBTaskResult.objects.filter(pk=task.pk, status="RUNNING", started_at=task.started_at).update(**values)
    if changed and values["status"] == "FAILED":
        Progress.objects.filter(task_id=str(task.pk)).update(state=Progress.State.FAILED, updated_at=timezone.now())
    return values["status"]
