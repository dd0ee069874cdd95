"""LLM backend down / slow / stalling / garbage / erroring, seen from where users are: the HTTP API.

tests/assistant/test_llm_pipeline.py (H5) covers the pipeline object for a slow follow-up and HTTP 500.
This file goes through the real server (uvicorn on a free port, ``/api/chat`` and the SSE stream) with
``Settings`` pointing at the real fake OpenAI-compatible server, one fresh pipeline per fault (the
adapter's cooldown must not hide a fault from the next scenario). For each fault the user gets the
extractive answer with verbatim citations, and the LLM costs at most ``llm_timeout_s + 1 s`` on top of
what the extractive answer itself takes (measured right before, on the same machine).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fakes.openai_server import FakeOpenAIServer, Reply, closed_port_url
from reliability.live_server import ThreadServer

from assistant.composition import build_pipeline

TIMEOUT_S = 1.5
QUESTION = "Tính đến quý I/2025, tỉnh Bình Định có bao nhiêu dịch vụ công trực tuyến toàn trình?"
FACT = "1.230"

FAULTS: dict[str, Reply | None] = {
    "down": None,  # nothing listens on the port
    "slow": Reply(text=f"Bình Định có {FACT} dịch vụ [1].", delay_s=TIMEOUT_S + 4),
    "stall_midway": Reply(text=f"Bình Định có {FACT} dịch vụ công trực tuyến toàn trình [1] " * 3,
                          stall_after=3, stall_s=TIMEOUT_S + 4),
    "garbage": Reply(raw=b"\x00\xffthis is not json{{{"),
    "html_error_page": Reply(raw=b"<html><body>502 Bad Gateway</body></html>"),
    "http_500": Reply(status=500),
    "http_429": Reply(status=429),
    "http_503": Reply(status=503),
    "empty": Reply(text=""),
    "no_citation": Reply(text="Bình Định có rất nhiều dịch vụ công."),
    "out_of_range_citation": Reply(text=f"Bình Định có {FACT} dịch vụ [42]."),
}


@pytest.fixture(scope="module")
def fake_llm() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture(scope="module")
def baseline_s(corpus_index: Any) -> float:
    """How long the extractive answer alone takes here (warm), so the LLM's share can be isolated."""
    pipeline = build_pipeline(corpus_index.settings, reader=corpus_index.reader)
    pipeline.ask(QUESTION)
    runs = []
    for _ in range(2):
        t0 = time.perf_counter()
        pipeline.ask(QUESTION)
        runs.append(time.perf_counter() - t0)
    return max(runs)


def _serve(corpus_index: Any, base_url: str, tmp: Any) -> ThreadServer:
    from ui.app import create_app

    settings = corpus_index.settings.model_copy(update={
        "llm_base_url": base_url, "llm_model": "fake-model", "llm_timeout_s": TIMEOUT_S,
        "feedback_path": tmp / "feedback.jsonl", "rate_limit_per_minute": 10_000})
    pipeline = build_pipeline(settings, reader=corpus_index.reader)
    return ThreadServer(create_app(settings, pipeline, index=corpus_index.reader, with_ui=False))


def _check_extractive(answer: dict[str, Any], reader: Any) -> None:
    assert not answer["refused"] and FACT in answer["answer"], answer["answer"]
    assert answer["meta"]["answerer"] == "extractive", answer["meta"]
    assert answer["citations"]
    for c in answer["citations"]:
        assert reader.document_text(c["source"])[c["start"]:c["end"]] == c["quote"]


def _sse(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in text.split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in lines:
            events.append((lines["event"], json.loads(lines.get("data", "{}"))))
    return events


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_llm_fault_gives_the_extractive_answer_in_time_over_http(
    fault: str, corpus_index: Any, fake_llm: FakeOpenAIServer, baseline_s: float, tmp_path: Any
) -> None:
    reply = FAULTS[fault]
    if reply is not None:
        fake_llm.script(reply)
    base_url = closed_port_url() if reply is None else fake_llm.base_url
    server = _serve(corpus_index, base_url, tmp_path)
    try:
        budget = TIMEOUT_S + 1.0 + baseline_s
        t0 = time.perf_counter()
        r = httpx.post(server.base_url + "/api/chat", json={"question": QUESTION}, timeout=60)
        chat_s = time.perf_counter() - t0
        assert r.status_code == 200, r.text[:300]
        _check_extractive(r.json(), corpus_index.reader)
        assert r.json()["meta"].get("llm_fallback"), r.json()["meta"]

        if reply is not None:
            fake_llm.script(reply)  # same fault again for the stream (cooldown may skip the call: fine)
        t0 = time.perf_counter()
        s = httpx.post(server.base_url + "/api/chat/stream", json={"question": QUESTION}, timeout=60)
        stream_s = time.perf_counter() - t0
        events = _sse(s.text)
        kinds = [k for k, _ in events]
        assert kinds[-2:] == ["answer", "done"] and "error" not in kinds, kinds
        _check_extractive(events[-2][1], corpus_index.reader)
        health = httpx.get(server.base_url + "/api/health", timeout=30)
        assert health.status_code == 200
    finally:
        server.stop()
    print(f"\nLLM {fault}: /api/chat {chat_s:.2f}s, stream {stream_s:.2f}s "
          f"(budget {budget:.2f}s = timeout {TIMEOUT_S}s + 1s + extractive {baseline_s:.2f}s)")
    assert chat_s < budget and stream_s < budget, (chat_s, stream_s, budget)
