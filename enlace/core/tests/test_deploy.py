"""The deployment files in ``deploy/`` agree with the application (issue 17)."""

import re
import shlex
from pathlib import Path

from django.conf import settings
from django.core.management import get_commands
from django.urls import resolve

DEPLOY = Path(settings.BASE_DIR) / "deploy"
NGINX = (DEPLOY / "nginx" / "enlace.conf").read_text()
UNITS = {p.name: p.read_text() for p in (DEPLOY / "systemd").iterdir()}
SIZES = {"k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}


def nginx_size(text):
    number, unit = re.fullmatch(r"(\d+)([kmg]?)", text.lower()).groups()
    return int(number) * SIZES.get(unit, 1)


def locations():
    """{path: body} of every nginx location block."""
    return {m.group(1): m.group(2) for m in re.finditer(r"location\s+(?:=\s+)?(\S+)\s*\{([^}]*)\}", NGINX)}


def exec_lines():
    for name, text in UNITS.items():
        for line in text.splitlines():
            if line.startswith(("ExecStart=", "ExecStartPre=")):
                yield name, line.split("=", 1)[1]


def test_body_limit_matches_the_application():
    limits = re.findall(r"client_max_body_size\s+(\S+);", NGINX)
    assert limits and all(nginx_size(x) == settings.ENLACE_MAX_REQUEST_BYTES for x in limits)
    env = (DEPLOY / "enlace.env.example").read_text()
    assert f"ENLACE_MAX_REQUEST_BYTES={settings.ENLACE_MAX_REQUEST_BYTES}" in env


def test_proxy_port_is_the_port_enlace_serve_listens_on():
    upstream_ports = set(re.findall(r"server\s+127\.0\.0\.1:(\d+);", NGINX))
    serve = [cmd for _name, cmd in exec_lines() if " serve " in cmd]
    assert len(serve) == 1
    args = shlex.split(serve[0])
    assert upstream_ports == {args[args.index("--port") + 1]} and args[args.index("--host") + 1] == "127.0.0.1"
    assert "--workers" in args


def test_every_command_the_units_run_exists():
    commands = get_commands()
    seen = set()
    for name, line in exec_lines():
        words = shlex.split(line)
        if words[0] == "/bin/sh":
            words = shlex.split(words[2])
        assert words[0].endswith("/bin/enlace"), name
        assert words[1] in commands, f"{name}: enlace {words[1]} does not exist"
        seen.add(words[1])
    assert {"serve", "worker", "enqueue", "backup", "migrate"} <= seen
    for timer in ("enlace-periodic.timer", "enlace-backup.timer"):
        assert timer.replace(".timer", ".service") in UNITS


def test_stream_is_unbuffered_and_health_is_public():
    blocks = locations()
    stream = [path for path, body in blocks.items() if "proxy_buffering off" in body]
    assert stream and all(resolve(path).url_name == "events" for path in stream)
    assert resolve("/salud/").url_name == "health" and "/salud/" in blocks
    # Every location goes to the application.
    assert all("proxy_pass http://enlace_app" in body for body in blocks.values())
    assert "proxy_set_header X-Request-ID $request_id" in NGINX
    assert "proxy_set_header X-Forwarded-Proto $scheme" in NGINX


def test_serve_sets_tcp_nodelay_on_every_connection(monkeypatch):
    """With several workers uvicorn's listening socket has protocol 0, so asyncio leaves Nagle on (issue 17)."""
    import socket
    from unittest import mock

    from django.core.management import call_command

    from enlace.core.server import NoDelayHTTPProtocol, set_nodelay

    listener = socket.socket(socket.AF_INET)  # as uvicorn binds it for --workers > 1
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname())
    accepted, _addr = listener.accept()
    try:
        assert accepted.proto == 0 and not accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        set_nodelay(mock.Mock(get_extra_info=lambda name: accepted if name == "socket" else None))
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        for s in (client, accepted, listener):
            s.close()
    with mock.patch("uvicorn.run") as run:
        call_command("serve", "--workers", "2", stdout=__import__("io").StringIO())
    assert run.call_args.kwargs["http"] is NoDelayHTTPProtocol and run.call_args.kwargs["workers"] == 2
