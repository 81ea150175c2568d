"""Start the real ASGI server (uvicorn) in a child process, for browser tests and the benchmark.

pytest-django's ``live_server`` is a threaded WSGI server: fine for pages, not for a long-lived
event stream. Real-time delivery is tested against what production runs: ``uvicorn
enlace.asgi:application``, on loopback, against a given database.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, proc: subprocess.Popen, url: str, log_path: str):
        self.proc, self.url, self.log_path = proc, url, log_path

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        _wait_for_other_sessions_to_close()

    def log(self) -> str:
        try:
            return Path(self.log_path).read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _wait_for_other_sessions_to_close(timeout: float = 10) -> None:
    """PostgreSQL ends a dead client's backend asynchronously; wait so the test database can be dropped."""
    try:
        from django.db import connection

        if connection.vendor != "postgresql":
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                               "AND pid <> pg_backend_pid()")
                if cursor.fetchone()[0] == 0:
                    return
            time.sleep(0.1)
    except Exception:  # noqa: BLE001 - outside Django (the benchmark's parent) there is nothing to wait for
        return


def start(database_url: str, *, settings: str = "enlace.settings.test", workers: int = 1, extra_env=None,
          timeout: float = 60) -> Server:
    port = free_port()
    env = dict(os.environ)
    env.update({"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": settings, "PYTHONUNBUFFERED": "1"})
    env.pop("ENLACE_TEST_DB", None)
    env.update(extra_env or {})
    log = tempfile.NamedTemporaryFile(prefix="enlace-uvicorn-", suffix=".log", delete=False)
    cmd = [sys.executable, "-m", "uvicorn", "enlace.asgi:application", "--host", "127.0.0.1", "--port", str(port),
           "--log-level", "warning", "--workers", str(workers), "--no-access-log"]
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            cwd=str(Path(__file__).resolve().parent.parent.parent))
    server = Server(proc, f"http://127.0.0.1:{port}", log.name)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"uvicorn exited early:\n{server.log()}")
        try:
            with urllib.request.urlopen(f"{server.url}/cuenta/entrar/", timeout=2) as r:
                if r.status == 200:
                    return server
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"uvicorn did not answer within {timeout}s:\n{server.log()}")


def database_url_for_current_test_db() -> str:
    """A URL another process can open to reach the data of the running test database.

    PostgreSQL: the test database itself. SQLite: the test database is in memory, so it is copied
    (with SQLite's online backup) to a temporary file that the child process opens.
    """
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "postgresql":
        host = s.get("HOST") or "127.0.0.1"
        auth = s.get("USER") or ""
        if s.get("PASSWORD"):
            auth += f":{s['PASSWORD']}"
        return f"postgresql://{auth}@{host}:{s.get('PORT') or 5432}/{s['NAME']}"
    connection.ensure_connection()
    fd, path = tempfile.mkstemp(prefix="enlace-exchange-", suffix=".sqlite3")
    os.close(fd)
    import sqlite3

    dst = sqlite3.connect(path)
    try:
        connection.connection.backup(dst)
    finally:
        dst.close()
    return f"sqlite:///{path}"
