"""Background work (django-tasks, database backend; ``enlace db_worker`` runs it) and periodic tasks."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

try:  # Django 6 ships the tasks framework; on 5.2 the django-tasks backport provides it
    from django.tasks import task
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task

from . import actions
from .models import Report

log = logging.getLogger(__name__)


@task()
def build_report(report_id: int) -> str:
    """Generate a queued report: progress is written to the database as the job goes."""
    report = Report.objects.unrestricted(reason="report job").select_related("period", "created_by__institution").get(
        pk=report_id)
    if report.status == Report.Status.DONE:
        return "done"
    from .report import build

    user = report.created_by
    try:
        pdf, xlsx, inputs, digest = build(user, report.period, progress=lambda pct, step: actions.do_report_progress(
            report, progress=pct, step=str(step)), language=getattr(user, "preferred_language", "") or "es")
    except Exception as exc:  # the page must show "failed", not stay "running" forever
        log.exception("statistics report %s failed", report_id)
        actions.do_fail_report(report, error=type(exc).__name__)
        return "failed"
    actions.do_finish_report(report, pdf=pdf, xlsx=xlsx, inputs_digest=inputs, figures_digest=digest)
    return "done"


def mark_stale_reports() -> str:
    """Reports still queued or running after two hours (worker stopped, machine restarted) are marked failed."""
    cutoff = timezone.now() - datetime.timedelta(hours=2)
    stale = list(Report.objects.unrestricted(reason="periodic: stale report jobs").filter(
        status__in=[Report.Status.QUEUED, Report.Status.RUNNING], created_at__lt=cutoff))
    for report in stale:
        actions.do_fail_report(report, error="timeout")
    return f"{len(stale)} stale report(s)"
