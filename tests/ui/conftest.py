"""Fixtures for the web tests: the real pipeline behind real uvicorn servers, portal pages on other
ports, and a real headless Chromium.

Servers run in background threads on free ports (uvicorn.Server), one per configuration, and stop at
the end of the session. Screenshots go to ``test-artifacts/`` (gitignored).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from reliability.live_server import chromium_browser

from assistant.settings import PROJECT_ROOT, Settings

ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RunningServer:
    base_url: str
    settings: Settings
    app: Any
    stop: Callable[[], None]


@pytest.fixture(scope="session")
def ui_pipeline(corpus_index: Any) -> Any:
    """The REAL answer pipeline on the session's index (tests/conftest.py), extractive: no LLM configured."""
    from assistant.composition import build_pipeline

    return build_pipeline(_base_settings(corpus_index, Path("/nonexistent/feedback.jsonl")),
                          reader=corpus_index.reader)


def _base_settings(corpus_index: Any, feedback_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = corpus_index.settings.model_dump()
    values.update({"llm_base_url": "", "llm_model": "", "feedback_path": feedback_path,
                   "database_path": feedback_path.parent / "assistant.db",
                   "upload_dir": feedback_path.parent / "uploads",
                   "rate_limit_per_minute": 10_000, "max_concurrent_requests": 4, "max_queue": 32,
                   "allowed_origins": ""})
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session")
def start_server(ui_pipeline: Any, corpus_index: Any,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., RunningServer]]:
    """Factory: ``start_server(**settings_overrides)`` -> a running server (stopped at session end)."""
    import uvicorn

    from ui.app import create_app

    running: list[tuple[uvicorn.Server, threading.Thread]] = []

    def start(*, with_ui: bool = True, pipeline: Any = None, index: Any = "shared", **overrides: Any) -> RunningServer:
        fb = tmp_path_factory.mktemp("feedback") / "feedback.jsonl"
        port = overrides.pop("port", None) or free_port()
        settings = _base_settings(corpus_index, fb, port=port, **overrides)
        reader = corpus_index.reader if index == "shared" else index
        app = create_app(settings, pipeline or ui_pipeline, index=reader, with_ui=with_ui)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                               lifespan="on"))
        thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
        thread.start()
        deadline = time.monotonic() + 60
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start on port {port}")
            time.sleep(0.05)
        running.append((server, thread))

        def stop() -> None:
            server.should_exit = True
            thread.join(timeout=10)

        return RunningServer(f"http://127.0.0.1:{port}", settings, app, stop)

    yield start
    for server, _thread in running:
        server.should_exit = True
    for _, thread in running:
        thread.join(timeout=10)


@dataclass
class Portals:
    allowed_origin: str
    other_origin: str
    directory: Path

    def page(self, origin: str, name: str, html: str) -> str:
        (self.directory / name).write_text(html, encoding="utf-8")
        return f"{origin}/{name}"


def _serve_dir(directory: Path, port: int) -> http.server.ThreadingHTTPServer:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.fixture(scope="session")
def portals(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portals]:
    """Two tiny static "portal" sites on other ports: one allowlisted, one not."""
    directory = tmp_path_factory.mktemp("portal")
    allowed, other = _serve_dir(directory, free_port()), _serve_dir(directory, free_port())
    yield Portals(f"http://127.0.0.1:{allowed.server_address[1]}",
                  f"http://127.0.0.1:{other.server_address[1]}", directory)
    allowed.shutdown()
    other.shutdown()


@pytest.fixture(scope="session")
def server(start_server: Callable[..., RunningServer], portals: Portals) -> RunningServer:
    """The main server: full app (UI + API + widget), the allowed portal in the allowlist."""
    return start_server(allowed_origins=portals.allowed_origin)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    yield from chromium_browser()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    dialogs: list[str] = []
    pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    pg.dialogs = dialogs  # type: ignore[attr-defined]
    yield pg
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def docs_screenshot() -> Callable[[Path, str], None]:
    """``docs_screenshot(src, name)`` refreshes docs/screenshots/<name> when UPDATE_SCREENSHOTS=1."""
    import os

    def copy(src: Path, name: str) -> None:
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            dest = PROJECT_ROOT / "docs" / "screenshots" / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)

    return copy
