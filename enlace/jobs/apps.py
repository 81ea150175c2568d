from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Background work bookkeeping: task progress in the database and worker heartbeats (issue 17)."""

    name = "enlace.jobs"
    label = "jobs"
    verbose_name = _("Trabajos en segundo plano")
    default_auto_field = "django.db.models.BigAutoField"
    periodic_tasks = ["enlace.jobs.worker.requeue_abandoned"]

    def ready(self):
        # Only in the processes that asked for it (``enlace serve`` workers): see ``jobs/warmup.py``.
        from . import warmup

        if warmup.requested():
            warmup.warm_up()
