"""Progress of background tasks and liveness of the workers that run them.

Both are system bookkeeping, not records of the platform: they hold counts, states and ids only
(never personal data), so they are not protected models and their writes are not audited.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Progress(models.Model):
    """How far one background task got, readable by every server process (no per-process cache).

    ``key`` names what the task works on (``cases.import:42``); pages poll it. It is written from a
    connection of its own, so a count is visible while the task's own transaction is still open.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("En cola")
        RUNNING = "running", _("En curso")
        DONE = "done", _("Terminado")
        FAILED = "failed", _("Con errores")

    key = models.CharField(max_length=100, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The queued task (django-tasks result id): when its worker dies too often, the bar shows "failed".
    task_id = models.CharField(max_length=64, blank=True, db_index=True)
    # Who queued it, when only they may read it (a progress without a record of its own, e.g. the
    # centres figures import): an id, not a foreign key — bookkeeping that outlives nobody's account.
    user_id = models.PositiveIntegerField(null=True, blank=True)
    # The task's outcome for its page (counts, ids and line-level messages; never personal data).
    result = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("avance de un trabajo")
        verbose_name_plural = _("avances de trabajos")

    def __str__(self) -> str:
        return f"{self.key}: {self.done}/{self.total} ({self.state})"


class WorkerHeartbeat(models.Model):
    """The last sign of life of one ``enlace worker`` process (health endpoint, abandoned-task requeue)."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("latido de un proceso de trabajos")
        verbose_name_plural = _("latidos de procesos de trabajos")

    def __str__(self) -> str:
        return f"{self.worker_id}@{self.hostname}:{self.pid}"
