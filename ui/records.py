"""Opening the web app's records (feedback, refused questions, console sessions) from settings.

One place, so the server, the tests and any future worker open the database the same way: WAL file at
``ASSISTANT_DATABASE_PATH``, the legacy ``feedback.jsonl`` imported once, rows past the retention purged.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

from assistant.settings import Settings
from ui.feedback import FeedbackStore
from ui.refusals import RefusalLog
from ui.storage import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Records:
    db: Database
    feedback: FeedbackStore
    refusals: RefusalLog


def open_records(settings: Settings) -> Records:
    """The stores on ``settings.database_path``, after the one-time migration and a retention purge."""
    db = Database(settings.database_path)
    feedback = FeedbackStore(db)
    try:
        feedback.migrate_jsonl(settings.feedback_path)
    except (OSError, sqlite3.Error) as err:  # the old file is kept; the next start tries again
        log.error("could not migrate %s: %s", settings.feedback_path, err)
    db.purge(settings.retention_days)
    return Records(db=db, feedback=feedback, refusals=RefusalLog(db))
