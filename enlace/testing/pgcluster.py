"""pytest plugin: run the suite against a real PostgreSQL that the tests start themselves.

Active when ``ENLACE_TEST_DB=postgresql``. Loaded with ``-p`` (see pyproject), so the cluster is up
and ``DATABASE_URL`` points at it before pytest-django imports the settings. The cluster is
throw-away: ``initdb`` in a temporary directory, loopback only, fsync off (tests, not durability).
PostgreSQL refuses to run as root, so as root the server runs as the unprivileged ``postgres``
account that Debian's package creates.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile

import pytest

_state: dict = {}


def _bindir() -> str:
    explicit = os.environ.get("ENLACE_PG_BINDIR")
    if explicit:
        return explicit
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    for path in reversed(candidates):
        if os.path.exists(os.path.join(path, "initdb")):
            return path
    found = shutil.which("initdb")
    if found:
        return os.path.dirname(found)
    raise RuntimeError("PostgreSQL server binaries not found: install them (make test does it with apt).")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], as_user: str | None) -> None:
    if as_user:
        cmd = ["runuser", "-u", as_user, "--", *cmd]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def start(durable: bool = False) -> str:
    """Start a throw-away cluster; ``durable`` keeps PostgreSQL's crash-safe defaults (benchmarks, issue 17)."""
    bindir = _bindir()
    as_user = "postgres" if os.geteuid() == 0 else None
    base = tempfile.mkdtemp(prefix="enlace-pg-")
    if as_user:
        pw = pwd.getpwnam(as_user)
        os.chown(base, pw.pw_uid, pw.pw_gid)
    data = os.path.join(base, "data")
    port = _free_port()
    _run([f"{bindir}/initdb", "-D", data, "-U", "enlace", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"], as_user)
    safety = ("-c fsync=on -c synchronous_commit=on -c full_page_writes=on" if durable else
              "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
    opts = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 {safety} -c max_connections=200"
    _run([f"{bindir}/pg_ctl", "-D", data, "-o", opts, "-l", os.path.join(base, "server.log"), "-w", "-t", "60", "start"],
         as_user)
    _state.update(base=base, data=data, bindir=bindir, as_user=as_user, port=port)
    atexit.register(stop)
    version = subprocess.run([f"{bindir}/postgres", "--version"], capture_output=True, text=True).stdout.strip()
    _state["version"] = version
    return f"postgresql://enlace@127.0.0.1:{port}/enlace"


def stop() -> None:
    if not _state.get("data"):
        return
    try:
        _run([f"{_state['bindir']}/pg_ctl", "-D", _state["data"], "-m", "immediate", "stop"], _state["as_user"])
    except subprocess.CalledProcessError:
        pass
    shutil.rmtree(_state["base"], ignore_errors=True)
    _state.clear()


if os.environ.get("ENLACE_TEST_DB") == "postgresql" and "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = start()


def _describe() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        return f"PostgreSQL ({_state.get('version', 'server')}, started by the tests on 127.0.0.1:{_state.get('port', '?')})"
    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version} (embedded default)"
    return connection.vendor


def pytest_report_header(config):
    try:
        return f"Enlace test database / base de datos de prueba: {_describe()}"
    except Exception:  # settings not configured yet
        return None


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter, exitstatus, config):
    terminalreporter.write_line(f"Enlace test database / base de datos de prueba: {_describe()}")
