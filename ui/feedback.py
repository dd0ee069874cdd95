"""Append-only JSON Lines store for thumbs up/down feedback, with personal data masked before writing.

Feedback is how we find bad answers, so it keeps the question, the answer and the retrieved ids together.
Citizens often paste their ID card (CCCD 12 digits / CMND 9 digits), phone number or e-mail into a question;
those must never reach disk, so every free-text field is masked first. Lines are only ever appended
(one ``write`` per record under a lock), so a crash can at worst lose the line being written.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from assistant.pii import mask_personal_data

__all__ = ["FeedbackRecord", "FeedbackStore", "mask_personal_data"]

log = logging.getLogger(__name__)

Rating = Literal["up", "down"]

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
    timestamp: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def to_json(self) -> str:
        d = asdict(self)
        d["retrieved"] = list(self.retrieved)
        return json.dumps(d, ensure_ascii=False)


class FeedbackStore:
    """Appends masked :class:`FeedbackRecord` lines to ``path`` (created with its folder on first write)."""

    def __init__(self, path: Path) -> None:
        if path.exists() and path.is_dir():
            raise ValueError(f"feedback path {path} is a folder; set ASSISTANT_FEEDBACK_PATH to a file")
        self.path = path
        self._lock = threading.Lock()

    def add(self, *, question: str, answer: str, rating: str, retrieved: Sequence[str] = (),
            comment: str = "", channel: str = "api") -> FeedbackRecord:
        """Mask, validate and append one record; returns what was stored."""
        if rating not in ("up", "down"):
            raise ValueError(f"rating must be 'up' or 'down', not {rating!r}")
        record = FeedbackRecord(
            question=mask_personal_data(question[:MAX_TEXT]),
            answer=mask_personal_data(answer[:MAX_TEXT]),
            rating=rating,  # type: ignore[arg-type]
            retrieved=tuple(str(r)[:300] for r in list(retrieved)[:MAX_IDS]),
            comment=mask_personal_data(comment.strip()[:MAX_COMMENT]),
            channel=channel if channel in ("api", "ui", "widget") else "api",
        )
        line = record.to_json() + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(line)
        log.info("feedback stored: rating=%s channel=%s", record.rating, record.channel)
        return record

    def read_all(self) -> list[FeedbackRecord]:
        """Every stored record (for reports and tests); unreadable lines are skipped with a warning."""
        if not self.path.exists():
            return []
        out: list[FeedbackRecord] = []
        for i, raw in enumerate(self.path.read_text(encoding="utf-8").splitlines(), 1):
            if not raw.strip():
                continue
            try:
                d = json.loads(raw)
                d["retrieved"] = tuple(d.get("retrieved", ()))
                out.append(FeedbackRecord(**d))
            except (ValueError, TypeError) as err:
                log.warning("feedback line %d of %s unreadable: %s", i, self.path, err)
        return out
