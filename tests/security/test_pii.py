"""Personal data (CCCD/CMND numbers, phone numbers, e-mails) typed by users never reaches logs, the
feedback file or the index.

Through real parts: the real server app under uvicorn with its access log (caplog), the real
``assistant serve`` subprocess (its own stderr logs), the real feedback store, the real pipeline and index.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from reliability.live_server import ThreadServer

from assistant.composition import build_pipeline
from assistant.pii import PersonalDataFilter, install_log_masking, mask_personal_data, uninstall_log_masking
from assistant.settings import Settings

CCCD, CMND, PHONE, PHONE_INTL, EMAIL = "031415926535", "271828459", "0917263548", "+84 983 746 152", \
    "nguyen.van.an.h8@example.com"
SECRETS = (CCCD, CMND, PHONE, "983 746 152", "983746152", EMAIL, "nguyen.van.an.h8", "983%20746%20152", "746%20152")
PII_QUESTION = (f"CCCD của tôi là {CCCD}, CMND cũ {CMND}, số điện thoại {PHONE} hoặc {PHONE_INTL}, "
                f"email {EMAIL}: làm sao kích hoạt VNeID mức 2?")


@pytest.mark.parametrize(("text", "masked"), [
    (f"số CCCD {CCCD}.", "số CCCD [CCCD]."),
    ("CCCD 001 099 012 345 nhé", "CCCD [CCCD] nhé"),
    ("cccd:001.099.012.345", "cccd:[CCCD]"),
    (f"CMND {CMND}", "CMND [CMND]"),
    ("CMND 123 456 789", "CMND [CMND]"),
    (f"gọi {PHONE}", "gọi [SĐT]"),
    ("gọi 0912 345 678 hoặc 0912.345.678 hoặc 0912-345-678", "gọi [SĐT] hoặc [SĐT] hoặc [SĐT]"),
    ("+84912345678 / +84 91 234 5678 / 84912345678", "[SĐT] / [SĐT] / [SĐT]"),
    ("máy bàn 024 3823 4567", "máy bàn [SĐT]"),
    (f"Mail: {EMAIL}, a_b-c+d@sub.gov.vn", "Mail: [EMAIL], [EMAIL]"),
    ("English: my ID is 079203001234 and phone 0389999999", "English: my ID is [CCCD] and phone [SĐT]"),
])
def test_masks_vietnamese_personal_data(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize("text", [
    "Tính đến quý I/2025, toàn tỉnh có 1.230 dịch vụ công trực tuyến toàn trình (chiếm 66%)",
    "tỷ lệ 98,81%; 728.400 tài khoản; năm 2021-2025; Quyết định 06/QĐ-TTg ngày 6/1/2022",
    "12.345.678 hồ sơ; mã 2025-06-30; 1900 1234 (tổng đài)",
    # a corpus file name carries a hex hash whose digit runs have an ID's length: logs must keep it
    "+ 001_34f654742855b43a.txt",
    "chunk a0ff83433cb52b61, doc 34f654742855b43a, build 0912345678abc",
])
def test_statistics_dates_and_decision_numbers_are_untouched(text: str) -> None:
    assert mask_personal_data(text) == text


def test_corpus_figures_survive_masking(corpus_index: Any) -> None:
    """Masking is for what users type; run on the whole corpus it must leave the reported figures alone."""
    changed = 0
    for meta in corpus_index.reader.documents():
        text = corpus_index.reader.document_text(meta.source)
        masked = mask_personal_data(text)
        changed += text != masked
        assert "1.230" not in text or "1.230" in masked
    assert changed <= 1, "masking rewrote statistics in the corpus"


def test_filter_masks_message_args_and_tracebacks() -> None:
    rec = logging.LogRecord("x", logging.ERROR, __file__, 1, "question=%s turn=%r n=%d", (PII_QUESTION,
                            {"content": f"mail {EMAIL}"}, 5), None)
    try:
        raise ValueError(f"bad phone {PHONE}")
    except ValueError:
        import sys

        rec.exc_info = sys.exc_info()
    assert PersonalDataFilter().filter(rec) is True
    rendered = logging.Formatter().format(rec)
    assert not [s for s in SECRETS if s in rendered], rendered
    assert "[CCCD]" in rendered and "[EMAIL]" in rendered and "n=5" in rendered


@pytest.fixture
def app_server(corpus_index: Any, tmp_path: Path) -> Iterator[tuple[ThreadServer, Settings]]:
    from ui.app import create_app

    settings = corpus_index.settings.model_copy(update={
        "feedback_path": tmp_path / "var" / "feedback.jsonl", "database_path": tmp_path / "var" / "assistant.db",
        "state_db": tmp_path / "var" / "state.sqlite3", "rate_limit_per_minute": 10_000})
    pipeline = build_pipeline(settings, reader=corpus_index.reader)
    server = ThreadServer(create_app(settings, pipeline, index=corpus_index.reader, with_ui=False), log_level="info")
    yield server, settings
    server.stop()


def test_logs_of_the_real_server_are_masked(app_server: tuple[ThreadServer, Settings],
                                            caplog: pytest.LogCaptureFixture) -> None:
    server, settings = app_server
    install_log_masking()  # what the edges (CLI main, run_server) do at startup
    access = logging.getLogger("uvicorn.access")
    access.addHandler(caplog.handler)  # uvicorn's access logger does not propagate to the root
    try:
        with caplog.at_level(logging.DEBUG):
            base = server.base_url
            httpx.get(f"{base}/api/health?cccd={CCCD}&email={EMAIL}&phone={PHONE}", timeout=30)
            httpx.get(f"{base}/api/health?q=+84%20983%20746%20152&cccd=cccd{CCCD}", timeout=30)
            httpx.get(f"{base}/widget/chat?title=Hỏi%20{PHONE}", timeout=30)
            httpx.post(f"{base}/api/chat", json={"question": PII_QUESTION}, timeout=120)
            httpx.post(f"{base}/api/chat/stream", json={"question": PII_QUESTION,
                                                         "history": [{"role": "user", "content": PII_QUESTION}]},
                       timeout=120)
            httpx.post(f"{base}/api/chat", json={"question": PII_QUESTION + "\x00"}, timeout=30)
            httpx.post(f"{base}/api/feedback", json={"question": PII_QUESTION, "answer": "…", "rating": "down",
                                                     "comment": f"gọi lại {PHONE}",
                                                     "retrieved": ["000_fa699dd7983e293e.txt#3", PII_QUESTION]},
                       timeout=30)
            logging.getLogger("assistant.pipeline").info("a record carrying %s", PII_QUESTION)
    finally:
        access.removeHandler(caplog.handler)
        uninstall_log_masking()  # leave the rest of the test session's logging as it was
    text = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    assert "GET /api/health" in text, "the access log was not captured: the check would be vacuous"
    assert "[CCCD]" in text and "[SĐT]" in text and "[EMAIL]" in text
    leaked = [s for s in SECRETS if s in text]
    assert not leaked, leaked
    # everything on disk (the feedback database with every field, incl. retrieved; the rate-limit state): masked
    raw = _stored_text(settings.database_path.parent)
    assert "[CCCD]" in raw and "000_fa699dd7983e293e.txt#3" in raw, "the feedback was not stored: vacuous check"
    assert not [s for s in SECRETS if s in raw], [s for s in SECRETS if s in raw]


def _stored_text(folder: Path) -> str:
    """Every byte written under ``folder`` (SQLite files with their WAL, JSON Lines), as text."""
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.mark.slow
def test_logs_of_assistant_serve_are_masked(served: Any) -> None:
    base = served.base_url
    httpx.get(f"{base}/api/health?cccd={CCCD}&email={EMAIL}", timeout=30)
    httpx.get(f"{base}/api/health?q=+84%20983%20746%20152", timeout=30)
    httpx.get(f"{base}/widget/chat?title={PHONE}", timeout=30)
    httpx.post(f"{base}/api/chat", json={"question": PII_QUESTION}, timeout=120)
    r = httpx.post(f"{base}/api/feedback", json={"question": PII_QUESTION, "answer": "x", "rating": "up"}, timeout=30)
    assert r.status_code == 201
    logs = served.logs()
    assert "/api/health?cccd=[CCCD]" in logs, logs[-2000:]
    assert not [s for s in SECRETS if s in logs], logs[-2000:]
    assert "/api/health?q=[SĐT]" in logs, logs[-2000:]
    stored = _stored_text(Path(served.feedback_path).parent)
    assert "[CCCD]" in stored and not [s for s in SECRETS if s in stored]


def _fingerprint(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".ingest.lock"}


def test_questions_never_reach_the_index_and_feedback_lives_outside_it(corpus_index: Any, tmp_path: Path) -> None:
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    for s in (defaults, corpus_index.settings):
        fb = Path(s.feedback_path).resolve()
        for folder in (Path(s.corpus_dir).resolve(), Path(s.index_dir).resolve()):
            assert folder not in fb.parents, f"feedback file {fb} is inside {folder}: it could get indexed"
    index_dir = Path(corpus_index.index_dir)
    before = _fingerprint(index_dir)
    pipeline = build_pipeline(corpus_index.settings, reader=corpus_index.reader)
    for q in (PII_QUESTION, f"Tôi tên An, email {EMAIL}, Bình Định có bao nhiêu dịch vụ công trực tuyến?"):
        pipeline.ask(q)
    after = _fingerprint(index_dir)
    assert before == after, "answering a question modified the index"
    blob = b"".join(p.read_bytes() for p in index_dir.rglob("*") if p.is_file())
    assert not [s for s in SECRETS if s.encode() in blob]
    assert not [s for s in SECRETS if s.encode("utf-16-le") in blob]
