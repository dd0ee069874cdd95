"""Helpers shared by the security and reliability tests: real servers on free loopback ports.

* ``ThreadServer``: an app (``ui.server.create_app``) under a real uvicorn in a background thread.
* ``ServeProcess``: the real ``assistant serve`` command in a subprocess (own interpreter, own logging),
  used where process boundaries matter (ingest in another process, logs of the real edge, load tests).

Imported as ``reliability.live_server`` (tests/ is on sys.path through tests/conftest.py).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
PORTAL_ORIGIN = "http://127.0.0.1:9"  # an allowlisted portal origin in tests (nothing listens there)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ThreadServer:
    """``app`` served by uvicorn on 127.0.0.1 in a daemon thread; ``stop()`` shuts it down."""

    def __init__(self, app: Any, port: int | None = None, *, log_level: str = "warning") -> None:
        import uvicorn

        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                     log_level=log_level, lifespan="on",
                                                     timeout_keep_alive=75))  # > httpx's 5 s pool expiry
        self._thread = threading.Thread(target=self._server.run, name=f"uvicorn-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)


def subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
                "PYTHONUNBUFFERED": "1", "GRADIO_ANALYTICS_ENABLED": "False"})
    # No settings leak in from the developer's shell: each test says what it wants.
    for key in list(env):
        if key.startswith("ASSISTANT_"):
            del env[key]
    env.update(extra)
    return env


def assistant_cmd(*args: str) -> list[str]:
    """``assistant ARGS`` through this interpreter (the console script may not be on PATH in CI)."""
    return [sys.executable, "-m", "ui.cli", *args]


class ServeProcess:
    """``assistant serve --index DIR --port P`` in a subprocess; stderr (the logs) goes to ``log_path``."""

    def __init__(self, index_dir: Path, log_path: Path, *, port: int | None = None,
                 env: dict[str, str] | None = None, startup_s: float = 240.0) -> None:
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            assistant_cmd("serve", "--index", str(index_dir), "--host", "127.0.0.1", "--port", str(self.port)),
            cwd=PROJECT_ROOT, stdout=self._log, stderr=subprocess.STDOUT,
            # own rate-limit state unless the test shares one on purpose (never the developer's var/)
            env=subprocess_env(**{"ASSISTANT_STATE_DB": str(log_path.with_suffix(".state.sqlite3")), **(env or {})}),
        )
        deadline = time.monotonic() + startup_s
        while True:
            if self.proc.poll() is not None:
                self._log.close()
                raise RuntimeError(f"assistant serve exited with {self.proc.returncode}:\n{self.logs()[-3000:]}")
            try:
                if httpx.get(self.base_url + "/api/health", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"assistant serve not healthy after {startup_s}s:\n{self.logs()[-3000:]}")
            time.sleep(0.5)

    def logs(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if not self._log.closed:
            self._log.close()


class ChromaProcess:
    """``chroma run --path DIR --port P`` (chromadb's own server CLI) in a subprocess, restartable on the same data."""

    def __init__(self, path: Path, port: int) -> None:
        self.path, self.port = path, port
        self.proc: subprocess.Popen[bytes] | None = None

    @staticmethod
    def available() -> bool:
        return bool(shutil.which("chroma") or (Path(sys.executable).parent / "chroma").exists())

    def start(self) -> None:
        chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
        self.proc = subprocess.Popen([chroma, "run", "--path", str(self.path), "--host", "127.0.0.1",
                                      "--port", str(self.port)], env=subprocess_env(),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/api/v2/heartbeat", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.3)
        self.stop()
        pytest.fail("`chroma run` did not come up within 60 s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def chromium_browser() -> Iterator[Any]:
    """A real headless Debian Chromium driven by playwright (skips the test when Chromium is missing)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium): browser tests need a real Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()
