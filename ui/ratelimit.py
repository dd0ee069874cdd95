"""Admission control for the pipeline: a per-client token bucket and a bounded work queue.

Answering is CPU work on a small machine. Without limits, one client (or a burst from a portal) could
queue hundreds of requests and make everyone wait minutes. So: each client gets a token bucket
(``rate_per_minute`` sustained, the same number as burst), and at most ``max_concurrent`` answers run
while at most ``max_queue`` wait; anything beyond that is refused *at once* (HTTP 503) instead of hanging.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, Protocol, TypeVar

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

from assistant.errors import Overloaded
from ui.worker_priority import WorkerPriority

P = ParamSpec("P")
R = TypeVar("R")
log = logging.getLogger(__name__)


class RateLimited(Exception):
    """A client exceeded its request budget; ``retry_after`` is whole seconds until a token is back."""

    http_status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Bucket:
    """A client's tokens and when they were last counted (seconds of ``time.time()``)."""

    tokens: float
    updated: float


class BucketStore(Protocol):
    """Where buckets live. ``transact`` must be atomic per key: read, ``step``, write, with no other
    writer of that key in between (in this process and, for a shared store, in every process)."""

    def transact(self, key: str, step: Callable[[Bucket | None], Bucket]) -> None: ...


class MemoryBucketStore:
    """Buckets of one process (tests, a single server). Bounded: least recently seen keys go first, so a
    flood of rotating addresses cannot grow memory without limit."""

    def __init__(self, max_clients: int = 10_000) -> None:
        if max_clients < 1:
            raise ValueError("max_clients must be >= 1")
        self._max = max_clients
        self._buckets: OrderedDict[str, Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def transact(self, key: str, step: Callable[[Bucket | None], Bucket]) -> None:
        with self._lock:
            self._buckets[key] = step(self._buckets.pop(key, None))  # most recently seen last
            while len(self._buckets) > self._max:
                self._buckets.popitem(last=False)


class SqliteBucketStore:
    """Buckets in a SQLite file shared by every server process on the host (WAL mode).

    Why SQLite: several ``assistant serve`` processes behind one proxy must enforce *one* limit per
    client; with per-process memory a client got N times the limit. Each ``transact`` is one
    ``BEGIN IMMEDIATE`` transaction (the write lock is taken before reading, so two processes can never
    both spend the same token). ``synchronous=NORMAL`` in WAL mode commits without an fsync per request;
    losing the last moments of rate-limit state in a power cut is harmless. Keys are hashed by the
    limiter, so no client address is written in clear. Rows of buckets that have refilled completely
    are pruned now and then (they mean the same as no row).
    """

    def __init__(self, path: Path, *, busy_timeout_s: float = 2.0, prune_every: int = 1000) -> None:
        self.path = Path(path)
        self._busy_timeout_s = busy_timeout_s
        self._prune_every = max(1, prune_every)
        self._since_prune = 0
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():  # opened lazily, and again after a fork
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self._busy_timeout_s, isolation_level=None,
                                   check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("CREATE TABLE IF NOT EXISTS rate_buckets (key TEXT PRIMARY KEY, tokens REAL NOT NULL, "
                         "updated REAL NOT NULL) WITHOUT ROWID")
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    def transact(self, key: str, step: Callable[[Bucket | None], Bucket]) -> None:
        with self._lock:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                row = conn.execute("SELECT tokens, updated FROM rate_buckets WHERE key = ?", (key,)).fetchone()
                new = step(Bucket(float(row[0]), float(row[1])) if row else None)
                conn.execute("INSERT INTO rate_buckets (key, tokens, updated) VALUES (?, ?, ?) "
                             "ON CONFLICT(key) DO UPDATE SET tokens = excluded.tokens, updated = excluded.updated",
                             (key, new.tokens, new.updated))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            self._since_prune += 1
            if self._since_prune >= self._prune_every:
                self._since_prune = 0
                self._prune(conn)

    def _prune(self, conn: sqlite3.Connection) -> None:
        # A bucket untouched for an hour is full for any limit of at least one request a minute.
        conn.execute("DELETE FROM rate_buckets WHERE updated < ?", (time.time() - 3600,))

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


class TokenBucketLimiter:
    """Per-client token buckets: ``rate_per_minute`` sustained, the same number as burst.

    Thread-safe (the API's checks run in worker threads, the Gradio handlers in the event loop). The
    buckets live in ``store``: process memory by default, :class:`SqliteBucketStore` in the server so the
    limit holds across processes. A store that fails (disk full, locked for seconds) lets the request
    through with a warning: the rate limit protects capacity, it must not take the service down.
    """

    def __init__(self, rate_per_minute: int, *, burst: int | None = None, max_clients: int = 10_000,
                 clock: Callable[[], float] = time.time, store: BucketStore | None = None) -> None:
        if rate_per_minute < 0:
            raise ValueError("rate_per_minute must be >= 0 (0 disables the limit)")
        self.rate_per_minute = rate_per_minute
        self.capacity = float(burst if burst is not None else max(rate_per_minute, 1))
        self._per_second = rate_per_minute / 60.0
        self._clock = clock
        self._store: BucketStore = store if store is not None else MemoryBucketStore(max_clients)
        # Buckets of different policies never mix (two configurations sharing one state file).
        self._namespace = f"{self.capacity:g}/{rate_per_minute}/"

    @property
    def enabled(self) -> bool:
        return self.rate_per_minute > 0

    def _key(self, client: str) -> str:
        digest = hashlib.sha256(client.encode("utf-8", "replace")).hexdigest()[:32]
        return self._namespace + digest

    def acquire(self, client: str) -> None:
        """Take one token for ``client`` or raise :class:`RateLimited` with the wait in seconds."""
        if not self.enabled:
            return
        now = self._clock()
        missing = 0.0

        def step(old: Bucket | None) -> Bucket:
            nonlocal missing
            tokens = self.capacity if old is None else min(
                self.capacity, old.tokens + max(0.0, now - old.updated) * self._per_second)
            if tokens >= 1.0:
                missing = 0.0
                return Bucket(tokens - 1.0, now)
            missing = 1.0 - tokens
            return Bucket(tokens, now)

        try:
            self._store.transact(self._key(client), step)
        except sqlite3.Error as err:
            log.warning("rate-limit state unavailable (%s); request allowed", err)
            return
        if missing > 0:
            raise RateLimited(max(1, math.ceil(missing / self._per_second)))


class ConcurrencyGate:
    """At most ``max_concurrent`` holders; at most ``max_queue`` more waiting; the rest refused now.

    Waiting is also bounded in time (``queue_timeout_s``) so a stuck answer cannot hold the queue forever.
    Used from the event loop (async); the counters are only touched there, so no lock is needed.
    """

    def __init__(self, max_concurrent: int, max_queue: int, *, queue_timeout_s: float = 60.0,
                 worker_nice: int = 0) -> None:
        if max_concurrent < 1:
            raise ValueError("max_concurrent_requests must be >= 1")
        if max_queue < 0:
            raise ValueError("max_queue must be >= 0")
        self.max_concurrent = max_concurrent
        self.max_queue = max_queue
        self.queue_timeout_s = queue_timeout_s
        self._running = 0
        self._waiting = 0
        self._semaphore: anyio.Semaphore | None = None  # created lazily inside the running event loop
        self._priority = WorkerPriority(worker_nice)

    def in_worker(self, fn: Callable[P, R]) -> Callable[P, R]:
        """``fn`` as an admitted answer runs it in a worker thread: at the workers' lower CPU priority."""
        return self._priority.wrap(fn)

    @property
    def running(self) -> int:
        return self._running

    @property
    def waiting(self) -> int:
        return self._waiting

    def is_full(self) -> bool:
        """True when a new request would be refused right now (used before a stream starts)."""
        return self._running + self._waiting >= self.max_concurrent + self.max_queue

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the ``max_concurrent`` slots; raise :class:`Overloaded` when full or waited too long."""
        if self.is_full():
            raise Overloaded("busy: too many requests in flight")
        if self._semaphore is None:
            self._semaphore = anyio.Semaphore(self.max_concurrent)
        self._waiting += 1
        try:
            with anyio.fail_after(self.queue_timeout_s):
                await self._semaphore.acquire()
        except TimeoutError:
            raise Overloaded("busy: waited too long for a free worker") from None
        finally:
            self._waiting -= 1
        self._running += 1
        try:
            yield
        finally:
            self._running -= 1
            self._semaphore.release()


class AdmissionMiddleware:
    """Quick refusals at the ASGI edge, before a request's body is read or parsed.

    For a POST to a rate-limited path: 503 "busy" while the gate is full (chat paths only; no token is
    spent on a request the server could not take anyway), then 429 when the client's bucket is empty.
    Why here and not in the route: under overload every refusal must be quick (the load test asks for
    each 503 and 429 in under 200 ms), but the normal path first reads and validates the body, and each
    step waits its turn behind the answering threads. The chat routes keep their own gate check
    (``gate.slot``), so this only makes refusals earlier, never more frequent. ``refuse`` renders the
    error as the API's usual JSON error response; the client address is the one
    ``TrustedProxyMiddleware`` resolved.
    """

    def __init__(self, app: ASGIApp, *, gate: ConcurrencyGate, limiter: TokenBucketLimiter,
                 gated_paths: frozenset[str], limited_paths: frozenset[str],
                 refuse: Callable[[Exception], ASGIApp]) -> None:
        self.app = app
        self.gate = gate
        self.limiter = limiter
        self.gated_paths = gated_paths
        self.limited_paths = limited_paths | gated_paths
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") == "POST" and scope.get("path") in self.limited_paths:
            refusal: Exception | None = None
            if scope["path"] in self.gated_paths and self.gate.is_full():
                refusal = Overloaded("busy: too many requests in flight")
            else:
                client = scope.get("client")
                try:
                    # in the event loop, not a worker thread: one SQLite transaction (sub-millisecond) is
                    # cheaper than a thread hop, which under load waits behind the answering threads
                    self.limiter.acquire(client[0] if client else "unknown")
                except RateLimited as err:
                    refusal = err
            if refusal is not None:
                await self.refuse(refusal)(scope, receive, send)
                return
        await self.app(scope, receive, send)
