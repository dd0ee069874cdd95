"""The Chroma server goes away under a running assistant, then comes back.

Real parts end to end: ``chroma run --path DIR --port P`` (chromadb's own server CLI) in a subprocess,
an index ingested into it (the real embedder), ``Settings(chroma_host=..., chroma_port=...)``, and the
real app under uvicorn. While Chroma is down, users get HTTP 503 JSON whose message says what to do
(start the Chroma server / fix ASSISTANT_CHROMA_HOST) — quickly, not a hang and not a 500. When it is
back, the same server process answers again, with no restart.
(tests/index/test_store.py covers the store object itself; this covers what users see.)
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from reliability.live_server import ChromaProcess, ThreadServer, free_port

from assistant.composition import build_index_parts, build_pipeline, ingest, open_reader

QUESTION = "Tính đến quý I/2025, tỉnh Bình Định có bao nhiêu dịch vụ công trực tuyến toàn trình?"
DOC = "000_fa699dd7983e293e.txt"  # the Bình Định report


@pytest.fixture
def chroma(tmp_path: Path) -> Iterator[ChromaProcess]:
    if not ChromaProcess.available():
        pytest.skip("the `chroma` CLI (chromadb) is not installed")
    server = ChromaProcess(tmp_path / "chroma-data", free_port())
    server.start()
    yield server
    server.stop()


def _ask(base: str, path: str = "/api/chat") -> tuple[httpx.Response, float]:
    t0 = time.perf_counter()
    r = httpx.post(base + path, json={"question": QUESTION}, timeout=120)
    return r, time.perf_counter() - t0


@pytest.mark.slow
def test_chroma_outage_gives_actionable_503_then_recovers_without_restart(
    chroma: ChromaProcess, tmp_path: Path, embedder: Any, fresh_settings: Any, corpus_dir: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(corpus_dir / DOC, corpus / DOC)
    settings = fresh_settings(tmp_path / "index", corpus_dir=corpus, chroma_host="127.0.0.1",
                              chroma_port=chroma.port, feedback_path=tmp_path / "fb.jsonl",
                              rate_limit_per_minute=10_000)
    parts = build_index_parts(settings, embedder=embedder)
    report = ingest(settings, [corpus], parts=parts)
    assert not report.failed and report.chunks_total > 0
    reader = open_reader(settings, parts=parts)
    from ui.app import create_app

    server = ThreadServer(create_app(settings, build_pipeline(settings, reader=reader), index=reader,
                                     with_ui=False))
    try:
        ok, _ = _ask(server.base_url)
        assert ok.status_code == 200 and "1.230" in ok.json()["answer"], ok.text[:300]

        chroma.stop()
        for path in ("/api/chat", "/api/chat"):  # twice: the second call must not hang on a dead connection
            r, secs = _ask(server.base_url, path)
            print(f"\nchroma down: {path} -> {r.status_code} in {secs:.2f}s")
            assert r.status_code == 503, (r.status_code, r.text[:400])
            err = r.json()["error"]
            assert err["code"] == "store_unavailable"
            text = err["message"] + " " + err["message_en"]
            assert f"127.0.0.1:{chroma.port}" in text and ("chroma run" in text or "ASSISTANT_CHROMA" in text), text
            assert "Traceback" not in r.text
            assert secs < 30, secs
        s = httpx.post(server.base_url + "/api/chat/stream", json={"question": QUESTION}, timeout=120)
        if s.status_code == 200:  # the stream had started: the error comes in-band
            events = [b for b in s.text.split("\n\n") if b.startswith("event: error")]
            assert events, s.text[:400]
            data = json.loads(events[0].split("data: ", 1)[1])
            assert data["status"] == 503 and data["code"] == "store_unavailable"
        else:
            assert s.status_code == 503

        chroma.start()  # same data folder, same port
        deadline = time.monotonic() + 60
        while True:
            r, _ = _ask(server.base_url)
            if r.status_code == 200 or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert r.status_code == 200, r.text[:300]
        assert "1.230" in r.json()["answer"] and r.json()["citations"]
    finally:
        server.stop()
