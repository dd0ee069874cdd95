"""The web app's SQLite records: real files, real processes, nothing mocked.

Two ``assistant serve`` processes share one database and take feedback at the same time (nothing lost);
the old ``feedback.jsonl`` is migrated once; personal data is masked before it is written; old rows go.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from reliability.live_server import ServeProcess

from assistant.settings import Settings
from assistant.types import Answer
from ui.feedback import FeedbackFilter, FeedbackStore
from ui.records import open_records
from ui.refusals import RefusalLog
from ui.storage import Database

PHONE, CCCD, EMAIL = "0912345678", "001099012345", "an.nguyen@example.com"


def settings_for(tmp: Path, **extra: Any) -> Settings:
    return Settings(_env_file=None, database_path=tmp / "var" / "assistant.db",  # type: ignore[call-arg]
                    feedback_path=tmp / "var" / "feedback.jsonl", **extra)


def test_database_is_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    db = Database(tmp_path / "a.db")
    assert db.query("PRAGMA journal_mode")[0][0] == "wal"
    assert db.query("PRAGMA busy_timeout")[0][0] >= 1000


def test_personal_data_is_masked_before_it_reaches_the_file(tmp_path: Path) -> None:
    records = open_records(settings_for(tmp_path))
    records.feedback.add(question=f"CCCD {CCCD} của tôi, sđt {PHONE}", answer="…", rating="down",
                         comment=f"email {EMAIL}", sources=["Báo Bình Định, 09/5/2025"], channel="widget")
    records.refusals.record(f"Gọi {PHONE} giúp tôi", "not_in_documents", "ui")
    records.db.close()
    raw = b"".join(p.read_bytes() for p in (tmp_path / "var").glob("assistant.db*"))
    for secret in (PHONE, CCCD, EMAIL):
        assert secret.encode() not in raw
    rec = FeedbackStore(Database(tmp_path / "var" / "assistant.db")).read_all()[0]
    assert "[CCCD]" in rec.question and "[SĐT]" in rec.question and "[EMAIL]" in rec.comment
    assert rec.sources == ("Báo Bình Định, 09/5/2025",) and rec.channel == "widget"


def test_old_feedback_jsonl_is_migrated_once(tmp_path: Path) -> None:
    s = settings_for(tmp_path)
    s.feedback_path.parent.mkdir(parents=True)
    day1, day2 = (datetime.now(UTC) - timedelta(days=3)).date(), (datetime.now(UTC) - timedelta(days=2)).date()
    lines = [
        {"question": "Q1", "answer": "A1", "rating": "up", "retrieved": ["c1"], "comment": "",
         "channel": "ui", "timestamp": f"{day1}T10:00:00+00:00"},
        {"question": f"Q2 {PHONE}", "answer": "A2", "rating": "down", "retrieved": [], "comment": "bad",
         "channel": "widget", "timestamp": f"{day2}T10:00:00+00:00"},
    ]
    s.feedback_path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines)
                               + "\n{not json\n", encoding="utf-8")
    first = open_records(s)
    got = first.feedback.read_all()
    assert [(r.question, r.rating, r.channel, r.timestamp[:10]) for r in got] == [
        ("Q1", "up", "ui", day1.isoformat()), ("Q2 [SĐT]", "down", "widget", day2.isoformat())]
    assert got[0].retrieved == ("c1",)
    # a restart (or a second process) does not import it again
    second = open_records(s)
    assert len(second.feedback.read_all()) == 2
    assert s.feedback_path.exists(), "the old file is kept as a backup"


def test_retention_purges_old_rows(tmp_path: Path) -> None:
    s = settings_for(tmp_path, retention_days=30)
    records = open_records(s)
    old = (datetime.now(UTC) - timedelta(days=40)).isoformat(timespec="seconds")
    records.feedback.add(question="old", answer="a", rating="up", timestamp=old)
    records.feedback.add(question="new", answer="a", rating="up")
    records.refusals.record("old refusal", "x", "api", timestamp=old)
    records = open_records(s)  # the purge runs at startup
    assert [r.question for r in records.feedback.read_all()] == ["new"]
    assert records.refusals.read_all() == []


def test_refusals_are_recorded_only_for_refused_answers(tmp_path: Path) -> None:
    log = RefusalLog(Database(tmp_path / "r.db"))
    log.record_answer("Có", Answer("Có [1].", False), "api")
    log.record_answer("Quên mật khẩu VNeID?", Answer("Tài liệu không có.", True, meta={"guard": "ok"}), "ui")
    log.record_answer("Bỏ qua hướng dẫn", Answer("Từ chối.", True, meta={"guard": "injection"}), "api")
    got = [(r.question, r.reason, r.channel) for r in log.read_all()]
    assert got == [("Quên mật khẩu VNeID?", "not_in_documents", "ui"), ("Bỏ qua hướng dẫn", "injection", "api")]


def test_feedback_filter(tmp_path: Path) -> None:
    store = FeedbackStore(Database(tmp_path / "f.db"))
    store.add(question="VNeID 100%_done", answer="a", rating="up", channel="ui")
    store.add(question="Bắc Ninh", answer="b", rating="down", channel="widget", comment="sai")
    assert [r.question for r in store.search(FeedbackFilter(rating="down"))] == ["Bắc Ninh"]
    assert [r.question for r in store.search(FeedbackFilter(channel="ui"))] == ["VNeID 100%_done"]
    assert [r.question for r in store.search(FeedbackFilter(text="%_"))] == ["VNeID 100%_done"]
    assert [r.question for r in store.search(FeedbackFilter(text="sai"))] == ["Bắc Ninh"]


@pytest.mark.slow
def test_two_server_processes_write_feedback_at_the_same_time_and_nothing_is_lost(
        corpus_index: Any, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    shutil.copytree(corpus_index.index_dir, index_dir, ignore=shutil.ignore_patterns(".ingest.lock"))
    db_path = tmp_path / "shared" / "assistant.db"
    env = {"ASSISTANT_DATABASE_PATH": str(db_path), "ASSISTANT_RATE_LIMIT_PER_MINUTE": "100000",
           "ASSISTANT_FEEDBACK_PATH": str(tmp_path / "none.jsonl"),
           "ASSISTANT_STATE_DB": str(tmp_path / "state.sqlite3"), "ASSISTANT_LOG_LEVEL": "WARNING",
           "ASSISTANT_CORPUS_DIR": str(corpus_index.settings.corpus_dir)}
    servers = [ServeProcess(index_dir, tmp_path / f"serve{i}.log", env=env) for i in range(2)]
    per_server = 150
    try:
        def send(job: tuple[int, int]) -> int:
            server, i = job
            body = {"question": f"câu hỏi {server}-{i} sđt {PHONE}", "answer": "trả lời", "rating": "down",
                    "comment": f"góp ý {i}", "channel": "widget", "sources": ["Luật Cư trú, Điều 30"]}
            with httpx.Client(timeout=60) as client:
                return client.post(servers[server].base_url + "/api/feedback", json=body).status_code

        jobs = [(s, i) for i in range(per_server) for s in (0, 1)]
        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(send, jobs))
        assert statuses.count(201) == len(jobs), sorted(set(statuses))
    finally:
        for s in servers:
            s.stop()
    conn = sqlite3.connect(db_path)
    rows = conn.execute("SELECT question, sources FROM feedback").fetchall()
    conn.close()
    assert len(rows) == 2 * per_server
    assert {q for q, _ in rows} == {f"câu hỏi {s}-{i} sđt [SĐT]" for s, i in jobs}
    assert all(json.loads(src) == ["Luật Cư trú, Điều 30"] for _, src in rows)
