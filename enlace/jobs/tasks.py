"""Platform-wide background tasks: the periodic functions the apps declare, and the batch match-all.

Queued by ``enlace enqueue periodic`` (the systemd timer) and ``enlace enqueue match-all``; run by
``enlace worker``. Each periodic function is a task of its own, so one that fails (or whose worker
dies) is retried or reported without holding back the others. Every function is idempotent.
"""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.utils.module_loading import import_string

try:  # Django 6 ships the tasks framework; on 5.2 the django-tasks backport provides it
    from django.tasks import task
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task

from . import actions


def periodic_functions() -> list[str]:
    return [dotted for config in apps.get_app_configs() for dotted in getattr(config, "periodic_tasks", [])]


@task()
def run_periodic_function(dotted: str) -> str:
    """Run one declared periodic function (reminders, expiries, overdue detection…)."""
    if dotted not in periodic_functions():  # only what an app declared, never an arbitrary path
        return "unknown"
    key = f"periodic:{dotted}"[:100]
    actions.report_progress(key, state="running", attempt=True)
    try:
        result = str(import_string(dotted)())
    except Exception:
        actions.finish_progress(key, state="failed")
        raise
    actions.finish_progress(key, state="done")
    return result[:500]


@task()
def match_all() -> dict:
    """The batch reconciliation of every matchable person (``enlace match-all``), in the worker."""
    from enlace.matching.reconcile import reconcile_all

    key = "matching.match-all"
    actions.report_progress(key, state="running", attempt=True)
    try:
        stats = reconcile_all()
    except Exception:
        actions.finish_progress(key, state="failed")
        raise
    actions.finish_progress(key, state="done")
    return {k: v for k, v in stats.items() if isinstance(v, (int, float, str))}


def _queue(key: str, task, *args) -> None:
    # One transaction: the worker sees the task only with its progress row (see cases.tasks.queue_import).
    with transaction.atomic():
        result = task.enqueue(*args)
        if result.status == "READY":  # the immediate backend (tests) already ran it
            actions.queue_progress(key, task_id=result.id)


def queue_periodic() -> int:
    for dotted in periodic_functions():
        _queue(f"periodic:{dotted}"[:100], run_periodic_function, dotted)
    return len(periodic_functions())


def queue_match_all() -> None:
    _queue("matching.match-all", match_all)
