"""The record of questions the assistant did not answer: what feeds the unanswered-questions report.

Recorded at the edges (the API routes and the chat UI, where an Answer is handed to a person), not inside
``assistant/``: answering stays a pure function of the question and the documents, and only the surfaces
know the channel. The question is masked (``assistant.pii``) before it is written.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

from assistant.pii import mask_personal_data
from assistant.types import Answer
from ui.storage import Database, utc_now_iso

log = logging.getLogger(__name__)

MAX_QUESTION = 2_000


@dataclass(frozen=True)
class Refusal:
    question: str
    reason: str
    channel: str
    timestamp: str
    id: int = 0


def refusal_reason(answer: Answer) -> str:
    """Why an answer was a refusal, from the pipeline's diagnostics ("not_in_documents" when unsaid)."""
    meta = answer.meta or {}
    for key in ("refusal", "guard", "reason"):
        value = meta.get(key)
        if value and value != "ok":
            return str(value)[:80]
    return "not_in_documents"


class RefusalLog:
    """Stores refused questions (question, time, reason, channel) in ``db``."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, question: str, reason: str, channel: str, *, timestamp: str = "") -> Refusal:
        rec = Refusal(question=mask_personal_data(question.strip()[:MAX_QUESTION]),
                      reason=mask_personal_data(reason[:80]), channel=channel[:20],
                      timestamp=timestamp or utc_now_iso())
        with self.db.write() as conn:
            cur = conn.execute("INSERT INTO refusals (ts, question, reason, channel) VALUES (?, ?, ?, ?)",
                               (rec.timestamp, rec.question, rec.reason, rec.channel))
        return Refusal(rec.question, rec.reason, rec.channel, rec.timestamp, int(cur.lastrowid or 0))

    def record_answer(self, question: str, answer: Answer, channel: str) -> None:
        """Record ``answer`` if it is a refusal; never raises (the citizen's answer matters more)."""
        if not answer.refused:
            return
        try:
            self.record(question, refusal_reason(answer), channel)
        except (sqlite3.Error, OSError) as err:
            log.warning("could not record a refused question: %s", err)

    def read_all(self, since: str = "") -> list[Refusal]:
        rows = self.db.query("SELECT * FROM refusals WHERE ts >= ? ORDER BY id", (since,))
        return [Refusal(r["question"], r["reason"], r["channel"], r["ts"], int(r["id"])) for r in rows]
