"""``/salud/``: is this process able to serve? Public (no login, no MFA), answers JSON, holds no secret.

- ``database``: a ``SELECT 1`` on the default database;
- ``migrations``: every migration of the code is applied (checked once per process while pending);
- ``worker``: age in seconds of the freshest ``enlace worker`` heartbeat.

Status 200 with ``"status": "ok"``; 200 with ``"degraded"`` when no worker beat within
``ENLACE_WORKER_STALE_SECONDS`` (the pages work, background tasks wait); 503 with ``"error"``
when the database is unreachable or migrations are pending (the proxy takes the process out).
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

_migrations_ok = False  # once applied, they stay applied for the life of this process


def check_database() -> bool:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0] == 1
    except DatabaseError:
        return False


def check_migrations() -> bool:
    global _migrations_ok
    if _migrations_ok:
        return True
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    _migrations_ok = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrations_ok


@never_cache
@require_GET
def health(request):
    from enlace.jobs.worker import heartbeat_age_seconds, stale_seconds

    body = {"status": "ok", "database": "ok", "migrations": "ok", "worker": {"status": "ok"}}
    if not check_database():
        body.update(status="error", database="unreachable", migrations="unknown", worker={"status": "unknown"})
        return JsonResponse(body, status=503)
    try:
        migrated = check_migrations()
    except DatabaseError:
        migrated = False
    if not migrated:
        body.update(status="error", migrations="pending")
    try:
        age = heartbeat_age_seconds()
    except DatabaseError:  # e.g. the jobs table itself is not migrated yet
        age = None
    if age is None:
        body["worker"] = {"status": "none", "heartbeat_age_seconds": None}
    else:
        body["worker"] = {"status": "ok" if age <= stale_seconds() else "stale",
                          "heartbeat_age_seconds": round(age, 1)}
    if body["worker"]["status"] != "ok" and body["status"] == "ok":
        body["status"] = "degraded"
    return JsonResponse(body, status=503 if body["status"] == "error" else 200)
