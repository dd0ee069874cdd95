"""Admission control for the pipeline: a per-client token bucket and a bounded work queue.

Answering is CPU work on a small machine. Without limits, one client (or a burst from a portal) could
queue hundreds of requests and make everyone wait minutes. So: each client gets a token bucket
(``rate_per_minute`` sustained, the same number as burst), and at most ``max_concurrent`` answers run
while at most ``max_queue`` wait; anything beyond that is refused *at once* (HTTP 503) instead of hanging.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import anyio

from assistant.errors import Overloaded


class RateLimited(Exception):
    """A client exceeded its request budget; ``retry_after`` is whole seconds until a token is back."""

    http_status = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited, retry after {retry_after}s")
        self.retry_after = retry_after


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucketLimiter:
    """Per-client token buckets, thread-safe (the Gradio handlers run in worker threads).

    The client table is bounded (least recently seen clients are forgotten first), so a flood of
    spoofed or rotating addresses cannot grow memory without limit.
    """

    def __init__(self, rate_per_minute: int, *, burst: int | None = None, max_clients: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate_per_minute < 0:
            raise ValueError("rate_per_minute must be >= 0 (0 disables the limit)")
        if max_clients < 1:
            raise ValueError("max_clients must be >= 1")
        self.rate_per_minute = rate_per_minute
        self.capacity = float(burst if burst is not None else max(rate_per_minute, 1))
        self._per_second = rate_per_minute / 60.0
        self._max_clients = max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.rate_per_minute > 0

    def acquire(self, client: str) -> None:
        """Take one token for ``client`` or raise :class:`RateLimited` with the wait in seconds."""
        if not self.enabled:
            return
        now = self._clock()
        with self._lock:
            bucket = self._buckets.pop(client, None)
            if bucket is None:
                bucket = _Bucket(tokens=self.capacity, updated=now)
            else:
                bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self._per_second)
                bucket.updated = now
            self._buckets[client] = bucket  # most recently seen last
            while len(self._buckets) > self._max_clients:
                self._buckets.popitem(last=False)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return
            missing = 1.0 - bucket.tokens
        raise RateLimited(max(1, math.ceil(missing / self._per_second)))


class ConcurrencyGate:
    """At most ``max_concurrent`` holders; at most ``max_queue`` more waiting; the rest refused now.

    Waiting is also bounded in time (``queue_timeout_s``) so a stuck answer cannot hold the queue forever.
    Used from the event loop (async); the counters are only touched there, so no lock is needed.
    """

    def __init__(self, max_concurrent: int, max_queue: int, *, queue_timeout_s: float = 60.0) -> None:
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
