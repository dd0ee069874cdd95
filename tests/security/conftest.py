"""Fixtures of the security tests: the real ``assistant serve`` in a subprocess over a copy of the session index."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from reliability.live_server import PORTAL_ORIGIN as ALLOWED_ORIGIN
from reliability.live_server import ServeProcess


@pytest.fixture(scope="session")
def served(corpus_index: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    """``assistant serve`` exactly as deployed (CLI edge, its logging, uvicorn access log), on a free port."""
    root = tmp_path_factory.mktemp("served")
    index_dir = root / "index"
    shutil.copytree(corpus_index.index_dir, index_dir, ignore=shutil.ignore_patterns(".ingest.lock"))
    env = {"ASSISTANT_ALLOWED_ORIGINS": ALLOWED_ORIGIN, "ASSISTANT_FEEDBACK_PATH": str(root / "feedback.jsonl"),
           "ASSISTANT_DATABASE_PATH": str(root / "assistant.db"), "ASSISTANT_STATE_DB": str(root / "state.sqlite3"),
           "ASSISTANT_LOG_LEVEL": "INFO", "ASSISTANT_RATE_LIMIT_PER_MINUTE": "10000",
           "ASSISTANT_CORPUS_DIR": str(corpus_index.settings.corpus_dir)}
    proc = ServeProcess(index_dir, root / "serve.log", env=env)
    proc.feedback_path = root / "feedback.jsonl"  # type: ignore[attr-defined]
    yield proc
    proc.stop()
