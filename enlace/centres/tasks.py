"""Periodic work (``enlace run-periodic``): today's figures from the register, crisis thresholds; and the
figures import, a task on the database queue (``enlace worker``) whose progress and outcome are stored in
``jobs.Progress`` for the page and the API to poll (issue 17)."""

from __future__ import annotations

import logging
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

try:  # Django 6 ships the tasks framework; on 5.2 the django-tasks backport provides it
    from django.tasks import task
except ImportError:  # pragma: no cover - depends on the Django version
    from django_tasks import task

from enlace.jobs import actions as jobs

from . import actions, importing
from .models import Centre

log = logging.getLogger(__name__)
KEY_PREFIX = "centres.figures:"


def run_centre_tasks() -> dict:
    """Compute today's occupancy figures for every registered centre, and tell each centre's
    institution when the thresholds call for a higher crisis level than the one set."""
    from enlace.notifications.actions import do_notify

    sets = actions.do_compute_figures(timezone.localdate())
    flagged = 0
    for centre in Centre.objects.unrestricted(reason="crisis thresholds check").filter(active=True).select_related(
            "owner_institution"):
        level = actions.suggested_level(centre)
        if level > centre.crisis_level:
            flagged += 1
            managers = [u for u in centre.owner_institution.users.filter(is_active=True)
                        if u.has_perm("centres.change_crisislevel")]
            do_notify(managers, kind="centres.threshold",
                      title=_("%(centre)s supera los umbrales del nivel de crisis %(level)s")
                      % {"centre": centre.name, "level": level}, link=f"/centros/{centre.pk}/", email=False)
    return {"figure_sets": len(sets), "threshold_warnings": flagged}


def progress_key(token: str) -> str:
    return f"{KEY_PREFIX}{token}"


def queue_figures_import(user, upload, distribution: str) -> str:
    """Check the file's size and kind now, store it encrypted and queue its import; returns the token
    that names its progress (readable only by ``user``)."""
    from enlace.core.uploads import store_encrypted

    if not user.has_perm("centres.add_figureset"):
        raise ValidationError(_("No tiene permiso para importar cifras."))
    importing.check_upload(upload)
    rel, _digest, _size = store_encrypted(upload)
    token = uuid.uuid4().hex
    key = progress_key(token)
    args = (key, rel, user.pk, distribution, (upload.name or "")[:200], translation.get_language() or "es")
    # One transaction: the worker sees the task only with its progress row (see cases.tasks.queue_import);
    # the row is written first so that the immediate backend (tests) finishes it in place.
    with transaction.atomic():
        jobs.queue_progress(key, user_id=user.pk)
        result = run_figures_import.enqueue(*args)
        if result.status == "READY":
            jobs.queue_progress(key, task_id=result.id, user_id=user.pk)
    return token


@task()
def run_figures_import(key: str, stored_path: str, user_id: int, distribution: str, file_name: str,
                       language: str) -> str:
    """Read and check every line of the file, then import all of it or nothing (``do_import_figures``).

    Idempotent: a finished import is left alone; a retry after a dead worker starts again from the file
    (the action is one transaction). Errors are kept, in the language of the official who sent the file."""
    from django.contrib.auth import get_user_model

    from enlace.core.uploads import delete_stored, read_decrypted
    from enlace.jobs.models import Progress

    if Progress.objects.filter(key=key, state__in=[Progress.State.DONE, Progress.State.FAILED]).exists():
        return "already finished"
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        jobs.finish_progress(key, state="failed", result={"errors": []})
        delete_stored(stored_path)
        return "gone"
    jobs.report_progress(key, state="running", done=0, attempt=True)
    with translation.override(language):
        try:
            rows = importing.parse_bytes(read_decrypted(stored_path),
                                         progress=lambda done: jobs.report_progress(key, done=done))
            sets = actions.do_import_figures(user, rows, distribution=distribution, file_name=file_name)
        except ValidationError as exc:
            log.info("figures import %s refused", key)
            jobs.finish_progress(key, state="failed", result={"errors": [str(m) for m in exc.messages[:300]]})
            delete_stored(stored_path)
            return "failed"
        except Exception:
            jobs.finish_progress(key, state="failed", result={"errors": [_("Error interno: no se importó nada.")]})
            delete_stored(stored_path)
            raise
    jobs.finish_progress(key, state="done", done=len(rows), total=len(rows),
                         result={"sets": len(sets), "ids": [fs.pk for fs in sets][:500]})
    delete_stored(stored_path)
    return "done"
