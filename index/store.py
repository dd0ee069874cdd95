"""The vector store: Chroma, embedded (persistent folder) or as a server; the ONLY chromadb import.

Why it is thin: the manifest (index.manifest) is the source of truth for *which* chunks exist; Chroma
only maps chunk id -> vector. So this module offers id-level operations and converts Chroma's result
dicts into plain tuples here, nowhere else. We always pass our own vectors (``embedding_function=None``)
so Chroma never downloads or runs its default model, and the embedder's name/dim are stamped on the
collection so vectors from two models can never be mixed.
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from index.errors import IndexingError, StoreUnavailable
from index.types import Chunk

log = logging.getLogger(__name__)

T = TypeVar("T")
_PAGE = 5000
_COLLECTION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,510}[A-Za-z0-9]$")


class ChromaStore:
    """Chunk id -> vector, cosine space. Give either ``persist_dir`` or ``host`` (server mode)."""

    def __init__(
        self,
        *,
        collection: str,
        embedder_name: str,
        dim: int,
        persist_dir: Path | None = None,
        host: str = "",
        port: int = 8000,
        ssl: bool = False,
    ) -> None:
        if (persist_dir is None) == (not host):
            raise ValueError("ChromaStore needs exactly one of persist_dir or host")
        if not _COLLECTION_NAME.match(collection):
            raise IndexingError(
                f"invalid collection name {collection!r} (ASSISTANT_COLLECTION): use 3-512 characters "
                "from a-z A-Z 0-9 . _ -, starting and ending with a letter or digit"
            )
        if dim <= 0:
            raise ValueError("dim must be positive")
        self.collection_name = collection
        self.embedder_name = embedder_name
        self.dim = dim
        self._persist_dir = Path(persist_dir) if persist_dir is not None else None
        self._host, self._port, self._ssl = host, port, ssl
        self._client: Any = None
        self._coll: Any = None
        self._lock = threading.RLock()

    # --- connection -----------------------------------------------------------------------------

    @property
    def where(self) -> str:
        """Human-readable location for messages."""
        if self._persist_dir is not None:
            return str(self._persist_dir)
        return f"{'https' if self._ssl else 'http'}://{self._host}:{self._port}"

    def _connect(self) -> Any:
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        cs = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
        if self._persist_dir is not None:
            self._persist_dir.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(path=str(self._persist_dir), settings=cs)
        return chromadb.HttpClient(host=self._host, port=self._port, ssl=self._ssl, settings=cs)

    def _collection(self) -> Any:
        """Connect lazily (and again after a failure), and check the collection's embedder stamp."""
        with self._lock:
            if self._coll is not None:
                return self._coll
            self._client = self._connect()
            coll = self._client.get_or_create_collection(
                name=self.collection_name,
                embedding_function=None,
                metadata={"hnsw:space": "cosine", "embedder": self.embedder_name, "dim": self.dim},
            )
            meta = coll.metadata or {}
            if meta.get("embedder") != self.embedder_name or int(meta.get("dim", -1)) != self.dim:
                raise IndexingError(
                    f"the vector collection {self.collection_name!r} at {self.where} was built with embedding "
                    f"model {meta.get('embedder')!r} (dim {meta.get('dim')}), not {self.embedder_name!r} "
                    f"(dim {self.dim}). Vectors of different models cannot be mixed: ingest into a new "
                    "index folder (--index DIR) or another collection, or delete the old index first."
                )
            self._coll = coll
            return coll

    def _call(self, what: str, fn: Callable[[Any], T]) -> T:
        """Run ``fn(collection)``; connection problems become StoreUnavailable and force a reconnect.

        Calls are serialised per store: Chroma clients are not reliably thread-safe, and ``refresh``
        must never close a client under a query that is still running.
        """
        with self._lock:
            try:
                return fn(self._collection())
            except IndexingError:
                raise
            except Exception as err:
                if not self._looks_like_connection_error(err):
                    raise
                self._forget()
                raise StoreUnavailable(
                    f"the vector store at {self.where} is unreachable ({what}: {type(err).__name__}: {err}). "
                    + ("Start the Chroma server (e.g. `chroma run --host "
                       f"{self._host} --port {self._port} --path DIR`) or fix ASSISTANT_CHROMA_HOST/PORT."
                       if self._host else "Check that the index folder is readable and not corrupted.")
                ) from err

    def _looks_like_connection_error(self, err: Exception) -> bool:
        """Transport failures (refused, reset, timeout, DNS) as opposed to bad requests."""
        if isinstance(err, OSError | ConnectionError | TimeoutError):
            return True
        try:
            import httpx

            if isinstance(err, httpx.TransportError):
                return True
        except ImportError:  # pragma: no cover - httpx ships with chromadb
            pass
        text = str(err).lower()
        return bool(self._host) and any(w in text for w in ("connect", "timed out", "timeout", "unreachable"))

    # --- operations -----------------------------------------------------------------------------

    def upsert(self, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        """Store vectors for chunks (same order). Only location metadata goes along, never used for truth."""
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        if not chunks:
            return
        arr = np.asarray(vectors, dtype=np.float32)
        if arr.ndim != 2 or arr.shape[1] != self.dim:
            raise ValueError(f"vectors must have shape (n, {self.dim}), got {arr.shape}")

        def run(coll: Any) -> None:
            step = max(1, min(_PAGE, self._client.get_max_batch_size()))
            for i in range(0, len(chunks), step):
                part = chunks[i : i + step]
                coll.upsert(
                    ids=[c.chunk_id for c in part],
                    embeddings=arr[i : i + step],
                    metadatas=[{"start": c.start, "end": c.end, "ordinal": c.ordinal} for c in part],
                )

        self._call("upsert", run)

    def delete(self, ids: Sequence[str] | set[str]) -> None:
        todo = sorted(ids)
        if not todo:
            return

        def run(coll: Any) -> None:
            for i in range(0, len(todo), _PAGE):
                coll.delete(ids=todo[i : i + _PAGE])

        self._call("delete", run)

    def ids(self) -> set[str]:
        def run(coll: Any) -> set[str]:
            out: set[str] = set()
            offset = 0
            while True:
                got = coll.get(include=[], limit=_PAGE, offset=offset)
                page = list(got.get("ids") or [])
                out.update(page)
                if len(page) < _PAGE:
                    return out
                offset += _PAGE

        return self._call("ids", run)

    def count(self) -> int:
        return int(self._call("count", lambda coll: coll.count()))

    def query(self, vector: np.ndarray, k: int, ids_filter: set[str] | None = None) -> list[tuple[str, float]]:
        """Top ``k`` (chunk id, cosine similarity), best first, restricted to ``ids_filter`` when given.

        The filter is applied by over-fetching: ids outside it are normally only the few orphans of
        an interrupted ingest, so the first round almost always suffices.
        """
        if k <= 0:
            return []
        vec = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        if vec.shape[1] != self.dim:
            raise ValueError(f"query vector has dim {vec.shape[1]}, store expects {self.dim}")

        def run(coll: Any) -> list[tuple[str, float]]:
            total = coll.count()
            if total == 0:
                return []
            n = min(total, k if ids_filter is None else k + 8)
            while True:
                res = coll.query(query_embeddings=vec, n_results=n, include=["distances"])
                ids = (res.get("ids") or [[]])[0]
                dists = (res.get("distances") or [[]])[0]
                hits = [(cid, 1.0 - float(d)) for cid, d in zip(ids, dists, strict=False)
                        if ids_filter is None or cid in ids_filter]
                if len(hits) >= k or n >= total:
                    return hits[:k]
                n = min(total, n * 4)

        return self._call("query", run)

    def _forget(self) -> None:
        client, self._client, self._coll = self._client, None, None
        close = getattr(client, "close", None)
        if close is not None:
            with contextlib.suppress(Exception):
                close()

    def refresh(self) -> None:
        """Drop the connection so the next call reopens it.

        Why: an embedded Chroma keeps its vector index in memory per process, so vectors another
        process (an ``assistant ingest`` next to a running server) wrote are invisible until the
        client is reopened. The reader calls this whenever a new index generation appears.
        """
        with self._lock:
            self._forget()

    def close(self) -> None:
        """Release the connection (the next call reconnects)."""
        self.refresh()
