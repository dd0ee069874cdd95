"""One writer per index folder: an exclusive, non-blocking ``flock`` on ``index_dir/.ingest.lock``.

Why flock: the kernel releases it when the process dies (Ctrl-C, kill -9, crash), so a stale lock
can never block the next ingest, unlike a pid file. The pid is written into the file only to make
the "another ingest is running" message actionable.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from types import TracebackType

from index.errors import IndexLocked

LOCK_NAME = ".ingest.lock"


class IngestLock:
    """Context manager holding the index folder's writer lock; raises IndexLocked if it is taken."""

    def __init__(self, index_dir: Path) -> None:
        self.path = Path(index_dir) / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = ""
            with contextlib.suppress(OSError, ValueError):
                holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
            os.close(fd)
            who = f" (pid {holder})" if holder else ""
            raise IndexLocked(
                f"another ingest is running{who} on {self.path.parent}; wait for it to finish "
                "(the lock is released automatically when that process exits) and try again"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def __enter__(self) -> IngestLock:
        self.acquire()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
