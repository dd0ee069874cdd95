"""The web app's own database: one SQLite file for feedback, refused questions and console sessions.

Why SQLite via the standard library: one file an operator can back up (``sqlite3 db ".backup x"``), no
server to run, and WAL mode lets several ``assistant serve`` processes read while one writes. Every write
is a short ``BEGIN IMMEDIATE`` transaction and every connection waits (``busy_timeout``) instead of
failing when another process holds the write lock, so concurrent writers queue rather than lose rows.
Connections are per thread (sqlite3 objects must not cross threads) and per process (never inherited
across ``fork``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')),
    retrieved TEXT NOT NULL DEFAULT '[]',
    sources TEXT NOT NULL DEFAULT '[]',
    comment TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL DEFAULT 'api'
);
CREATE INDEX IF NOT EXISTS feedback_ts ON feedback (ts);
CREATE TABLE IF NOT EXISTS refusals (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts TEXT NOT NULL,
    question TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL DEFAULT 'api'
);
CREATE INDEX IF NOT EXISTS refusals_ts ON refusals (ts);
CREATE TABLE IF NOT EXISTS admin_sessions (
    token_hash TEXT PRIMARY KEY,
    csrf TEXT NOT NULL,
    expires REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failures_client ON login_failures (client, at);
"""

# Tables with a ``ts`` column that the retention setting applies to.
RETAINED_TABLES: tuple[str, ...] = ("feedback", "refusals")


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Database:
    """A SQLite file opened in WAL mode; ``write()`` for transactions, ``query()`` for reads."""

    def __init__(self, path: Path, *, busy_timeout_ms: int = 15_000) -> None:
        if path.exists() and path.is_dir():
            raise ValueError(f"database path {path} is a folder; set ASSISTANT_DATABASE_PATH to a file")
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._schema_lock = threading.Lock()
        self._schema_ready = False

    # --- connections ------------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None and getattr(self._local, "pid", None) == os.getpid():
            return conn
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, timeout=self.busy_timeout_ms / 1000, isolation_level=None,
                               check_same_thread=True)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
        self._retry(lambda: conn.execute("PRAGMA journal_mode = WAL"))
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable across app crashes
        conn.execute("PRAGMA foreign_keys = ON")
        self._local.conn, self._local.pid = conn, os.getpid()
        self._ensure_schema(conn)
        return conn

    def _retry(self, fn: Any, attempts: int = 50) -> Any:
        """Run ``fn``, retrying while another process holds a lock SQLite does not wait on itself
        (switching to WAL, creating the schema)."""
        for i in range(attempts):
            try:
                return fn()
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) and "busy" not in str(err) or i == attempts - 1:
                    raise
                time.sleep(0.05 + 0.01 * i)
        return None

    def _ensure_schema(self, conn: sqlite3.Connection) -> None:
        with self._schema_lock:
            if self._schema_ready:
                return

            def create() -> None:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    for stmt in _SCHEMA.split(";"):
                        if stmt.strip():
                            conn.execute(stmt)
                    conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)",
                                 (str(SCHEMA_VERSION),))
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise

            self._retry(create)
            self._schema_ready = True

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # --- use --------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction (``BEGIN IMMEDIATE``: takes the write lock up front, so two
        processes never deadlock upgrading read locks); committed on success, rolled back on error."""
        conn = self._connection()
        self._retry(lambda: conn.execute("BEGIN IMMEDIATE"))
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return list(self._connection().execute(sql, tuple(params)).fetchall())

    def get_meta(self, key: str) -> str | None:
        rows = self.query("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0]["value"]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def purge(self, retention_days: int, *, now: datetime | None = None) -> int:
        """Delete feedback and refusals older than ``retention_days`` (0 = keep forever); rows removed."""
        if retention_days <= 0:
            return 0
        cutoff = ((now or datetime.now(UTC)) - timedelta(days=retention_days)).isoformat(timespec="seconds")
        removed = 0
        with self.write() as conn:
            for table in RETAINED_TABLES:
                removed += conn.execute(f"DELETE FROM {table} WHERE ts < ?", (cutoff,)).rowcount
            conn.execute("DELETE FROM admin_sessions WHERE expires < ?", (time.time(),))
            conn.execute("DELETE FROM login_failures WHERE at < ?", (time.time() - 86_400,))
        if removed:
            log.info("retention: purged %d rows older than %d days", removed, retention_days)
        return removed
