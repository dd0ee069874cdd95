"""Read side of the index: a consistent snapshot of the last committed generation, dense and lexical search.

Why snapshots: an ingest may commit while a server is answering. The reader keeps serving the
snapshot it loaded and swaps to the new one only once ``manifest.json`` names a new generation, so a
request never sees half an ingest. Dense hits are filtered to the snapshot's chunk ids, because the
vector store may briefly hold vectors that no committed manifest lists yet (or any more).
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.embeddings import Embedder
from index.errors import IndexingError, IndexMissing
from index.lexical import LexicalIndex
from index.manifest import Manifest, lexical_path, manifest_path, read_chunks, read_manifest, read_text
from index.store import ChromaStore
from index.types import Chunk, DocumentMeta, ScoredChunk

log = logging.getLogger(__name__)

_TEXT_CACHE = 64


@dataclass(frozen=True)
class IndexSnapshot:
    """Everything one committed generation serves (immutable; replaced whole on reload)."""

    generation: int
    chunks: dict[str, Chunk]  # chunk id -> chunk, in document order
    documents: dict[str, DocumentMeta]  # source -> meta
    content_hashes: dict[str, str]  # source -> content hash (names the stored normalised text)
    lexical: LexicalIndex

    @property
    def chunk_ids(self) -> frozenset[str]:
        return frozenset(self.chunks)


class IndexReader:
    """Answers dense/lexical queries over the committed index in ``index_dir``."""

    def __init__(self, index_dir: Path, store: ChromaStore, embedder: Embedder, query_cache: int = 512) -> None:
        """``query_cache``: how many query embeddings to keep (citizens ask the same few questions again and
        again); 0 keeps none."""
        if store.embedder_name != embedder.name or store.dim != embedder.dim:
            raise ValueError("store and embedder disagree on the embedding model")
        if query_cache < 0:
            raise ValueError("query_cache must be >= 0")
        self._query_cache = query_cache
        self.index_dir = Path(index_dir)
        self.store = store
        self.embedder = embedder
        self._lock = threading.Lock()
        self._snap: IndexSnapshot | None = None
        self._ids: set[str] = set()
        self._stamp: tuple[int, int, int] | None = None
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()  # query text -> its embedding

    # --- snapshot -------------------------------------------------------------------------------

    def exists(self) -> bool:
        return manifest_path(self.index_dir).exists()

    def _missing(self) -> IndexMissing:
        return IndexMissing(
            f"no index in {self.index_dir}: run `assistant ingest` (or `assistant ingest PATH ... "
            f"--index {self.index_dir}`) to build it"
        )

    def snapshot(self) -> IndexSnapshot:
        """The current committed view; reloads (cheaply checked by a stat) when a new generation lands."""
        try:
            st = os.stat(manifest_path(self.index_dir))
        except FileNotFoundError:
            if self._snap is not None:
                return self._snap  # the folder was removed under a running server: keep serving
            raise self._missing() from None
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        snap = self._snap
        if snap is not None and stamp == self._stamp:
            return snap
        with self._lock:
            if self._snap is not None and stamp == self._stamp:
                return self._snap
            self._reload(stamp)
            assert self._snap is not None
            return self._snap

    def _reload(self, stamp: tuple[int, int, int]) -> None:
        for _attempt in range(5):
            manifest = read_manifest(self.index_dir)
            if manifest is None:
                raise self._missing()
            if self._snap is not None and manifest.generation == self._snap.generation:
                self._stamp = stamp
                return
            self._check_embedder(manifest)
            # Another process may have written the vectors of this generation: reopen the store.
            self.store.refresh()
            try:
                chunks = list(read_chunks(self.index_dir, manifest))
            except FileNotFoundError:
                continue  # a newer commit replaced it between our two reads: read the manifest again
            self._install(manifest, chunks, stamp)
            return
        raise IndexingError(f"the index in {self.index_dir} keeps changing while being read; try again")

    def _check_embedder(self, manifest: Manifest) -> None:
        if manifest.embedder != self.embedder.name or manifest.dim != self.embedder.dim:
            raise IndexingError(
                f"the index in {self.index_dir} was built with embedding model {manifest.embedder!r}, "
                f"but {self.embedder.name!r} is configured: set ASSISTANT_EMBEDDING_MODEL={manifest.embedder} "
                "or re-ingest into a fresh --index folder"
            )

    def _install(self, manifest: Manifest, chunks: list[Chunk], stamp: tuple[int, int, int]) -> None:
        by_id = {c.chunk_id: c for c in chunks}
        listed = manifest.chunk_ids()
        if listed != set(by_id):
            raise IndexingError(
                f"the index in {self.index_dir} is inconsistent (manifest and chunk file disagree); "
                "run `assistant ingest` again to repair it"
            )
        snap = IndexSnapshot(
            generation=manifest.generation,
            chunks=by_id,
            documents={s: d.meta for s, d in manifest.documents.items()},
            content_hashes={s: d.content_hash for s, d in manifest.documents.items()},
            lexical=self._lexical(manifest.generation, chunks),
        )
        self._snap, self._ids, self._stamp = snap, set(by_id), stamp
        log.info("loaded index generation %d (%d documents, %d passages) from %s",
                 snap.generation, len(snap.documents), len(by_id), self.index_dir)

    def _lexical(self, generation: int, chunks: list[Chunk]) -> LexicalIndex:
        """The BM25 index ingest saved for this generation, or a fresh build if it is missing/stale."""
        try:
            saved = LexicalIndex.from_bytes(lexical_path(self.index_dir, generation).read_bytes())
        except Exception as err:  # only a cache: any damage means "build it"
            log.debug("no usable saved BM25 index for generation %d (%s): building it", generation, err)
            saved = None
        if saved is not None and saved.ids == [c.chunk_id for c in chunks]:
            return saved
        return LexicalIndex.build(chunks)

    # --- queries --------------------------------------------------------------------------------

    def dense(self, query: str, k: int) -> list[ScoredChunk]:
        """Nearest passages by embedding (cosine similarity), best first."""
        snap = self.snapshot()
        if k <= 0 or not snap.chunks or not query.strip():
            return []
        ids = self._ids if self._snap is snap else set(snap.chunks)
        hits = self.store.query(self._query_vector(query), k, ids_filter=ids)
        return [ScoredChunk(snap.chunks[cid], score, {"dense": score}) for cid, score in hits]

    def _query_vector(self, query: str) -> np.ndarray:
        """The query's embedding; a question asked before (FAQ traffic) skips the model, the costliest step of
        an answer (a vector depends on the model alone, which an index never changes)."""
        with self._lock:
            vec = self._vectors.get(query)
            if vec is not None:
                self._vectors.move_to_end(query)
                return vec
        vec = self.embedder.embed_query(query)
        if not self._query_cache:
            return vec
        vec.setflags(write=False)  # shared by every request that asks the same
        with self._lock:
            self._vectors[query] = vec
            while len(self._vectors) > self._query_cache:
                self._vectors.popitem(last=False)
        return vec

    def lexical(self, query: str, k: int) -> list[ScoredChunk]:
        """Best BM25 passages (diacritic-insensitive, phrase-aware), best first."""
        snap = self.snapshot()
        return [ScoredChunk(snap.chunks[cid], score, {"lexical": score})
                for cid, score in snap.lexical.search(query, k)]

    def chunk(self, chunk_id: str) -> Chunk:
        """The committed chunk with this id (KeyError if the current generation has none)."""
        return self.snapshot().chunks[chunk_id]

    def chunks(self) -> list[Chunk]:
        return list(self.snapshot().chunks.values())

    def documents(self) -> list[DocumentMeta]:
        return [m for _, m in sorted(self.snapshot().documents.items())]

    def document(self, source: str) -> DocumentMeta:
        """Meta of an indexed source (KeyError if unknown)."""
        return self.snapshot().documents[source]

    def document_text(self, source: str) -> str:
        """The normalised full text of ``source``: chunk offsets and citation offsets point into it."""
        return self.text_by_hash(self.snapshot().content_hashes[source])

    def label_for(self, source: str, start: int, end: int) -> tuple[str, str]:
        """(label, note) of the quote ``[start, end)`` of ``source``: "Luật Cư trú, Điều 30, khoản 4" or
        "Báo Bình Định, 09/5/2025", and what the quote's cross-references point at (see index.labels).
        An unknown source gets its own name and no note (a label never raises mid-answer)."""
        from index.labels import citation_label

        snap = self.snapshot()
        meta = snap.documents.get(source)
        if meta is None:
            return source, ""
        return citation_label(meta, self.text_by_hash(snap.content_hashes[source]), start, end)

    def text_by_hash(self, content_hash: str) -> str:
        """The stored text with this content hash (``Chunk.doc_hash``): texts are immutable and kept for
        a while after a newer generation replaces them, so a request answers from the version it read."""
        text = self._texts.get(content_hash)
        if text is None:
            text = read_text(self.index_dir, content_hash)
            with self._lock:
                self._texts[content_hash] = text
                while len(self._texts) > _TEXT_CACHE:
                    self._texts.popitem(last=False)
        return text
