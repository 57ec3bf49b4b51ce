"""What the HTTP benchmarks share: gunicorn started as it is deployed, on a free loopback
port, a keep-alive client, and percentiles.

Used by `bench_http.py` (live validation) and `bench_load.py` (concurrent writes).
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
HOST = "127.0.0.1"
WORKERS = 2
READY_TIMEOUT = 60.0
REQUEST_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def server_env(database_url: str) -> dict[str, str]:
    """The environment of a production-like server (no debug) on `database_url`."""
    env = dict(os.environ)
    env.update(
        DJANGO_SECRET_KEY="bench",
        DJANGO_DEBUG="0",
        DJANGO_ALLOWED_HOSTS=f"{HOST},localhost",
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="scpstudio.settings",
        # The load comes from one address, far past the per-address API rate: a benchmark
        # measures the work, not the throttle's refusals.
        DJANGO_API_RATE_ANON="off",
        DJANGO_API_RATE_USER="off",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    """Run `manage.py ARGS` in the server's environment; its standard output."""
    done = subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return done.stdout


def start_server(
    env: dict[str, str], port: int, log: Path, access_log: Path
) -> subprocess.Popen[bytes]:
    manage(env, "migrate", "--noinput", "-v", "0")
    with log.open("wb") as out:
        return subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "scpstudio.wsgi",
                "-w",
                str(WORKERS),
                "-b",
                f"{HOST}:{port}",
                # Time spent in the worker, apart from waiting in the accept queue.
                "--access-logfile",
                str(access_log),
                "--access-logformat",
                "%(m)s %(U)s %(s)s %(D)s",
                # each worker's garbage collector passes, in files beside the log
                "-c",
                str(ROOT / "tests" / "bench" / "gc_probe.py"),
            ],
            cwd=ROOT,
            env={**env, "SCP_BENCH_GC_DIR": str(log.parent)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def wait_ready(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {server.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            try:
                conn.request("GET", "/editor/")
                if conn.getresponse().status == 200:
                    return
            finally:
                conn.close()
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer within {READY_TIMEOUT:.0f} s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)


class Collector:
    """The workers' garbage collector passes (`gc_probe`), read since the last reading."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.read_up_to: dict[Path, int] = {}

    def passes(self) -> list[tuple[int, float]]:
        """(generation, milliseconds) of each pass since the last call."""
        found = []
        for path in sorted(self.folder.glob("gc-*.log")):
            with path.open("rb") as log:
                log.seek(self.read_up_to.get(path, 0))
                lines = log.read().decode().splitlines()
                self.read_up_to[path] = log.tell()
            found += [(int(g), float(ms)) for g, ms in (line.split() for line in lines)]
        return found

    def summary(self, requests: int) -> str:
        """The passes since the last reading, per request and the full ones' longest."""
        passes = self.passes()
        full = [ms for generation, ms in passes if generation == 2]
        per_request = sum(ms for _, ms in passes) / max(requests, 1)
        return f"{per_request:6.2f} {len(full):>5} {max(full, default=0.0):7.1f}"


COLLECTOR_COLUMNS = f"{'gc ms/req':>9} {'full':>5} {'longest':>7}"


class Client:
    """One keep-alive connection; reopened when the server closes it (sync workers do)."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)

    def send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Any:
        try:
            self.conn.request(method, path, body, headers)
            response = self.conn.getresponse()
            response.body = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            raise
        if response.will_close:
            self.conn.close()
        return response

    def post_json(self, path: str, body: bytes) -> Any:
        return self.send("POST", path, body, {"Content-Type": "application/json"})

    def close(self) -> None:
        self.conn.close()


def ms(sorted_seconds: list[float], q: float) -> float:
    """The q-quantile of sorted durations in seconds, in milliseconds (nan when none)."""
    if not sorted_seconds:
        return float("nan")
    if q == 0.50:
        return statistics.median(sorted_seconds) * 1000
    index = min(len(sorted_seconds) - 1, max(0, round(q * len(sorted_seconds)) - 1))
    return sorted_seconds[index] * 1000
