"""Latency of requests on a reused keep-alive connection vs a new connection, by server mode (issue 17).

    .venv/bin/python bench/keepalive/run.py [--requests 60]

Starts each server on a free port (SQLite under a temporary ENLACE_VAR_DIR, migrated once), sends
sequential GET /salud/ and prints the median and p90 in ms. Modes:
  uvicorn-w1   python -m uvicorn enlace.asgi:application --workers 1  (asyncio binds: TCP_NODELAY set)
  uvicorn-w2   python -m uvicorn enlace.asgi:application --workers 2  (uvicorn binds a proto-0 socket)
  enlace-w2    enlace serve --workers 2                               (sets TCP_NODELAY per connection)
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(port, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/salud/")
            c.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"server on {port} did not start")


def measure(port, n, reuse):
    times = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for _ in range(n):
        if not reuse:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        t = time.perf_counter()
        conn.request("GET", "/salud/")
        conn.getresponse().read()
        times.append((time.perf_counter() - t) * 1000)
        if not reuse:
            conn.close()
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=60)
    args = ap.parse_args()
    var = tempfile.mkdtemp(prefix="enlace-keepalive-")
    env = {**os.environ, "ENLACE_VAR_DIR": var, "DJANGO_SETTINGS_MODULE": "enlace.settings.base"}
    env.pop("DATABASE_URL", None)
    subprocess.run([PY, "-m", "enlace.cli", "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
    modes = {
        "uvicorn-w1": [PY, "-m", "uvicorn", "enlace.asgi:application", "--workers", "1", "--no-access-log"],
        "uvicorn-w2": [PY, "-m", "uvicorn", "enlace.asgi:application", "--workers", "2", "--no-access-log"],
        "enlace-w2": [PY, "-m", "enlace.cli", "serve", "--workers", "2"],
    }
    print(f"{'mode':<12} {'reused p50':>11} {'reused p90':>11} {'new p50':>9} {'new p90':>9}   (ms, GET /salud/, "
          f"{args.requests} sequential requests)")
    for name, cmd in modes.items():
        port = free_port()
        proc = subprocess.Popen([*cmd, "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait(port)
            measure(port, 10, True)  # warm both workers
            reused = measure(port, args.requests, True)
            new = measure(port, args.requests, False)
            print(f"{name:<12} {reused[0]:>11.1f} {reused[1]:>11.1f} {new[0]:>9.1f} {new[1]:>9.1f}")
        finally:
            proc.terminate()
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
