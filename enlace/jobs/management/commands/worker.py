"""``enlace worker``: django-tasks' database worker with a heartbeat and the requeue of abandoned tasks."""

from __future__ import annotations

import threading
import time

from django.db import close_old_connections, connection
from django.utils import timezone
from django_tasks_db.management.commands import db_worker

from enlace.jobs import worker as liveness


class Worker(db_worker.Worker):
    """Beats every few seconds from a thread of its own, and requeues dead workers' tasks when idle."""

    def run(self) -> None:
        from enlace.jobs.warmup import warm_up

        warm_up(database=True)  # before the first task: no cold start for the first hit check
        connection.close()
        started = timezone.now()
        stop = threading.Event()
        beater = threading.Thread(target=self._beat, args=(started, stop), name="enlace-heartbeat", daemon=True)
        self._beat_once(started)
        beater.start()
        self._last_requeue = 0.0
        try:
            super().run()
        finally:
            stop.set()
            beater.join(timeout=2)
            from enlace.jobs.actions import forget_worker

            try:
                forget_worker(self.worker_id)
            except Exception:  # noqa: BLE001 - a database gone at shutdown must not hide the real exit reason
                pass

    def run_task(self, db_task_result) -> None:
        super().run_task(db_task_result)
        self._maybe_requeue()

    def _maybe_requeue(self) -> None:
        now = time.monotonic()
        if now - self._last_requeue >= liveness.HEARTBEAT_SECONDS:
            self._last_requeue = now
            try:
                liveness.requeue_abandoned()
            except Exception:  # noqa: BLE001 - e.g. SQLite busy: try again on the next round
                db_worker.logger.exception("requeue of abandoned tasks failed")

    def _beat_once(self, started) -> None:
        from enlace.jobs.actions import beat

        try:
            beat(self.worker_id, started)
        except Exception:  # noqa: BLE001 - a missed beat is retried; the worker keeps working
            db_worker.logger.warning("heartbeat not written", exc_info=True)
        finally:
            connection.close()

    def _beat(self, started, stop: threading.Event) -> None:
        while not stop.wait(liveness.HEARTBEAT_SECONDS):
            close_old_connections()
            self._beat_once(started)
            if not self.running_task:
                self._maybe_requeue()
                connection.close()


class Command(db_worker.Command):
    help = ("Run background tasks (imports, matching, reports, reminders) from the database queue, with a "
            "heartbeat and the requeue of tasks whose worker died.")

    def handle(self, *args, **options):
        original = db_worker.Worker
        db_worker.Worker = Worker  # the parent's handle() builds the worker by this name
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original
