"""Thumbs up/down feedback in the database, with personal data masked before anything is written.

Feedback is how operators find bad answers, so each row keeps the question, the answer, the sources it
cited and the retrieved ids together. Citizens often paste their ID card (CCCD 12 digits / CMND 9
digits), phone number or e-mail into a question; every free-text field goes through
``assistant.pii.mask_personal_data`` first, so none of it reaches disk.

Before the database, feedback was appended to ``var/feedback.jsonl``; :meth:`FeedbackStore.migrate_jsonl`
imports such a file once (recorded in the database's ``meta`` table) when the server starts.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from assistant.pii import mask_personal_data
from ui.storage import Database, utc_now_iso

__all__ = ["FeedbackFilter", "FeedbackRecord", "FeedbackStore", "mask_personal_data"]

log = logging.getLogger(__name__)

Rating = Literal["up", "down"]
CHANNELS = ("api", "ui", "widget")

MAX_TEXT = 20_000
MAX_COMMENT = 2_000
MAX_IDS = 100


@dataclass(frozen=True)
class FeedbackRecord:
    """One rating of one answer, as stored (already masked)."""

    question: str
    answer: str
    rating: Rating
    retrieved: tuple[str, ...] = ()
    comment: str = ""
    channel: str = "api"  # "api", "ui" or "widget": where the rating came from
    timestamp: str = ""
    sources: tuple[str, ...] = ()  # what the answer cited, as a person reads it ("Luật Cư trú, Điều 30")
    id: int = 0


@dataclass(frozen=True)
class FeedbackFilter:
    """What the console's feedback page asks for; empty fields match everything."""

    rating: str = ""  # "up" / "down"
    channel: str = ""
    text: str = ""  # substring of the question, answer or comment
    since: str = ""  # ISO date "YYYY-MM-DD"
    limit: int = 500


def _row(r: sqlite3.Row) -> FeedbackRecord:
    return FeedbackRecord(question=r["question"], answer=r["answer"], rating=r["rating"],
                          retrieved=tuple(json.loads(r["retrieved"] or "[]")), comment=r["comment"],
                          channel=r["channel"], timestamp=r["ts"], sources=tuple(json.loads(r["sources"] or "[]")),
                          id=int(r["id"]))


def masked_record(*, question: str, answer: str, rating: str, retrieved: Sequence[str] = (),
                  comment: str = "", channel: str = "api", sources: Sequence[str] = (),
                  timestamp: str = "") -> FeedbackRecord:
    """The record as it may be stored: every text field masked, lengths and values bounded."""
    if rating not in ("up", "down"):
        raise ValueError(f"rating must be 'up' or 'down', not {rating!r}")
    return FeedbackRecord(
        question=mask_personal_data(question[:MAX_TEXT]),
        answer=mask_personal_data(answer[:MAX_TEXT]),
        rating=rating,  # type: ignore[arg-type]
        retrieved=tuple(mask_personal_data(str(r)[:300]) for r in list(retrieved)[:MAX_IDS]),
        comment=mask_personal_data(comment.strip()[:MAX_COMMENT]),
        channel=channel if channel in CHANNELS else "api",
        timestamp=timestamp or utc_now_iso(),
        sources=tuple(mask_personal_data(str(s)[:300]) for s in list(sources)[:MAX_IDS]),
    )


def _insert(conn: sqlite3.Connection, record: FeedbackRecord) -> int:
    cur = conn.execute(
        "INSERT INTO feedback (ts, question, answer, rating, retrieved, sources, comment, channel) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (record.timestamp, record.question, record.answer, record.rating,
         json.dumps(list(record.retrieved), ensure_ascii=False),
         json.dumps(list(record.sources), ensure_ascii=False), record.comment, record.channel))
    return int(cur.lastrowid or 0)


class FeedbackStore:
    """Masks, validates and stores :class:`FeedbackRecord` rows in ``db``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, *, question: str, answer: str, rating: str, retrieved: Sequence[str] = (),
            comment: str = "", channel: str = "api", sources: Sequence[str] = (),
            timestamp: str = "") -> FeedbackRecord:
        """Mask, validate and insert one record; returns what was stored."""
        record = masked_record(question=question, answer=answer, rating=rating, retrieved=retrieved,
                               comment=comment, channel=channel, sources=sources, timestamp=timestamp)
        with self.db.write() as conn:
            rid = _insert(conn, record)
        log.info("feedback stored: rating=%s channel=%s", record.rating, record.channel)
        return replace(record, id=rid)

    def read_all(self) -> list[FeedbackRecord]:
        """Every stored record, oldest first (for reports and tests)."""
        return [_row(r) for r in self.db.query("SELECT * FROM feedback ORDER BY id")]

    def search(self, f: FeedbackFilter) -> list[FeedbackRecord]:
        """Newest first, filtered as the console asks."""
        where: list[str] = []
        params: list[Any] = []
        if f.rating in ("up", "down"):
            where.append("rating = ?")
            params.append(f.rating)
        if f.channel in CHANNELS:
            where.append("channel = ?")
            params.append(f.channel)
        if f.text.strip():
            like = "%" + f.text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append("(question LIKE ? ESCAPE '\\' OR answer LIKE ? ESCAPE '\\' OR comment LIKE ? ESCAPE '\\')")
            params += [like, like, like]
        if f.since.strip():
            where.append("ts >= ?")
            params.append(f.since.strip())
        sql = "SELECT * FROM feedback" + (" WHERE " + " AND ".join(where) if where else "")
        sql += " ORDER BY id DESC LIMIT ?"
        params.append(max(1, min(f.limit, 100_000)))
        return [_row(r) for r in self.db.query(sql, params)]

    def migrate_jsonl(self, path: Path) -> int:
        """Import a legacy ``feedback.jsonl`` once; returns how many records were imported now.

        The file is left in place (an operator may keep it as a backup); a ``meta`` row remembers that it
        was imported, so a restart never duplicates it. Unreadable lines are skipped with a warning.
        """
        key = f"migrated:{Path(path).resolve()}"
        if not path.is_file() or self.db.get_meta(key):
            return 0
        records: list[FeedbackRecord] = []
        for i, raw in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if not raw.strip():
                continue
            try:
                d = json.loads(raw)
                records.append(masked_record(
                    question=str(d["question"]), answer=str(d["answer"]), rating=str(d["rating"]),
                    retrieved=[str(x) for x in d.get("retrieved", ())], comment=str(d.get("comment", "")),
                    channel=str(d.get("channel", "api")), timestamp=str(d.get("timestamp", ""))))
            except (ValueError, TypeError, KeyError, AttributeError) as err:
                log.warning("feedback line %d of %s unreadable: %s", i, path, err)
        # One transaction: two processes starting together import the file exactly once.
        with self.db.write() as conn:
            if conn.execute("SELECT 1 FROM meta WHERE key = ?", (key,)).fetchone():
                return 0
            for rec in records:
                _insert(conn, rec)
            conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, utc_now_iso()))
        log.info("migrated %d feedback records from %s into %s", len(records), path, self.db.path)
        return len(records)
