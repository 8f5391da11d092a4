"""Run a WSGI app under gunicorn on a free loopback port, for the reliability tests and the
load benchmark (bench/signoff_load.py imports this file too, so there is one launcher).

gunicorn runs in its own session (process group), so a test can SIGKILL the arbiter and every
worker at once, the way a crashed or OOM-killed host would, and then start it again on the same
database.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the venv's bin/: gunicorn and flask live beside python


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """One gunicorn arbiter plus its workers; start(), kill() (SIGKILL, whole group), stop()."""

    def __init__(self, app: str, env: dict[str, str], log_path: Path, workers: int = 2,
                 port: int | None = None, health_path: str = "/healthz", extra_args: tuple = ()):
        self.app = app
        self.env = env
        self.log_path = log_path
        self.workers = workers
        self.port = port or free_port()
        self.health_path = health_path
        self.extra_args = list(extra_args)
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30.0) -> "Gunicorn":
        command = [str(BIN / "gunicorn"), "--workers", str(self.workers),
                   "--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "5",
                   *self.extra_args, self.app]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(command, cwd=REPO, env={**os.environ, **self.env},
                                         stdout=log, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + self.health_path, timeout=1) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer {self.health_path} within {timeout} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL the arbiter and every worker at once: no shutdown handlers run."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self._reap()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self._reap()

    def _reap(self) -> None:
        if self.proc is not None:
            self.proc.wait()
            try:  # workers orphaned by a killed arbiter are in the same group
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]

    def __enter__(self) -> "Gunicorn":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
