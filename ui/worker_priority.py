"""Answering threads run at a lower CPU priority than the event loop that admits and refuses requests.

Why: on a small machine the answering threads (pure Python plus the embedding engine's OpenMP threads)
keep every core busy under load. The event loop that accepts connections and sends the quick
"busy" (503) and "slow down" (429) replies then waits its turn behind them, and a refusal that should
take milliseconds takes hundreds. Linux lets a process *lower* the priority of one of its own threads
(``setpriority`` on the thread id) without privileges, so each worker thread raises its own nice value
once, the first time it answers; the event loop keeps the default and is scheduled first. Elsewhere (or
with ``worker_nice`` 0) this is a no-op.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


class WorkerPriority:
    """Wraps calls made in worker threads so that each such thread first lowers its own priority."""

    def __init__(self, nice: int) -> None:
        if not 0 <= nice <= 19:
            raise ValueError("worker_nice must be between 0 and 19")
        self.nice = nice
        self._done = threading.local()

    def _lower_this_thread(self) -> None:
        if self.nice == 0 or getattr(self._done, "flag", False):
            return
        self._done.flag = True
        setpriority = getattr(os, "setpriority", None)
        if setpriority is None:  # pragma: no cover - not on this platform
            return
        try:
            current = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
            setpriority(os.PRIO_PROCESS, threading.get_native_id(), min(19, max(current, self.nice)))
        except OSError as err:  # pragma: no cover - a sandbox may refuse; answering still works
            log.warning("could not lower the answering thread's priority: %s", err)

    def wrap(self, fn: Callable[P, R]) -> Callable[P, R]:
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            self._lower_this_thread()
            return fn(*args, **kwargs)
        return call


__all__ = ["WorkerPriority"]
