"""Incremental, crash-safe ingest: files -> normalised documents -> chunks -> vectors -> committed index.

Why this order (load+chunk all, embed+upsert what the store lacks, commit the manifest atomically,
then delete obsolete vectors): the manifest is the only thing readers trust, so until the final
rename every reader (and a crashed run) sees the previous index complete, and afterwards the new one
complete. Chunk ids are content-derived (same id => same text => same vector), so vectors upserted
by a run that was killed are simply reused by the next run, and an unchanged file embeds nothing.
Vectors in the store that no manifest lists (orphans of a crash, replaced passages) are
garbage-collected by every run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.chunking import search_text
from index.embeddings import Embedder
from index.errors import IndexingError, UnusableDocument
from index.gazetteer import Gazetteer
from index.lexical import LexicalIndex
from index.lock import IngestLock
from index.manifest import (
    DocEntry,
    Manifest,
    atomic_write_bytes,
    commit,
    lexical_path,
    prune,
    read_chunks,
    read_manifest,
    read_text,
    write_text_once,
)
from index.store import ChromaStore
from index.types import Chunk, Document

log = logging.getLogger(__name__)

class ChunkSplitter(Protocol):
    def split(self, doc: Document) -> list[Chunk]: ...


@dataclass(frozen=True)
class IngestReport:
    """What one ingest did. ``failed`` non-empty => the CLI exits 1 (everything else was indexed)."""

    index_dir: str
    added: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    replaced: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    duplicates: tuple[tuple[str, str], ...] = ()  # (source, source it duplicates)
    failed: tuple[tuple[str, str], ...] = ()  # (source or path, reason)
    chunks_embedded: int = 0
    chunks_total: int = 0
    documents_total: int = 0
    generation: int = 0
    seconds: float = 0.0
    embed_seconds: float = 0.0
    notes: tuple[str, ...] = field(default=())

    def summary_lines(self) -> list[str]:
        lines = [
            f"Chỉ mục / Index: {self.index_dir} (thế hệ / generation {self.generation}: "
            f"{self.documents_total} tài liệu / documents, {self.chunks_total} đoạn / passages)",
            f"Thêm mới / added: {len(self.added)}, cập nhật / replaced: {len(self.replaced)}, "
            f"không đổi / unchanged: {len(self.unchanged)}, đã xoá / removed: {len(self.removed)}, "
            f"trùng lặp / duplicates: {len(self.duplicates)}, lỗi / failed: {len(self.failed)}",
            f"Đoạn đã nhúng / passages embedded: {self.chunks_embedded} "
            f"({self.embed_seconds:.1f} s nhúng / embedding, {self.seconds:.1f} s tổng / total)",
        ]
        lines += [f"  + {s}" for s in self.added]
        lines += [f"  ~ {s}" for s in self.replaced]
        lines += [f"  - {s}" for s in self.removed]
        lines += [f"  = {s}: trùng nội dung với / same content as {of} (chỉ lập chỉ mục một lần / indexed once)"
                  for s, of in self.duplicates]
        lines += [f"  ! {s}: {reason}" for s, reason in self.failed]
        lines += [f"  note: {n}" for n in self.notes]
        return lines


@dataclass
class _Loaded:
    doc: Document
    root: str
    path: str


class Ingester:
    """Indexes files and folders into ``index_dir`` + ``store``; one writer at a time (IngestLock)."""

    def __init__(self, index_dir: Path, store: ChromaStore, embedder: Embedder, chunker: ChunkSplitter,
                 chunk_params: Mapping[str, Any], batch_size: int = 32, gazetteer: Gazetteer | None = None) -> None:
        if store.embedder_name != embedder.name or store.dim != embedder.dim:
            raise ValueError("store and embedder disagree on the embedding model")
        self.index_dir = Path(index_dir)
        self.store = store
        self.embedder = embedder
        self.chunker = chunker
        self.chunk_params = dict(chunk_params)
        self.batch_size = max(1, batch_size)
        self.gazetteer = gazetteer  # the places documents are scoped by (None: the shipped gazetteer)

    # --- loading --------------------------------------------------------------------------------

    def _load(self, paths: Sequence[Path], failed: list[tuple[str, str]]
              ) -> tuple[list[_Loaded], set[str], set[str]]:
        """Load every usable file; returns (documents, roots ingested as folders, sources seen)."""
        from index.loaders import iter_sources, load_document

        loaded: list[_Loaded] = []
        roots: set[str] = set()
        seen: set[str] = set()
        for p in paths:
            p = Path(p)
            if not p.exists():
                failed.append((str(p), "không tìm thấy / not found"))
                continue
            root = str(p.resolve()) if p.is_dir() else ""
            try:
                items = list(iter_sources([p]))
            except (UnusableDocument, OSError) as err:
                failed.append((str(p), str(err)))
                continue
            if root:
                roots.add(root)
            for path, source in items:
                if source in seen:
                    failed.append((source, f"another file in this run has the same source name ({path})"))
                    continue
                seen.add(source)
                try:
                    doc = load_document(path, source, gazetteer=self.gazetteer)
                except UnusableDocument as err:
                    failed.append((source, str(err)))
                    continue
                except (OSError, ValueError) as err:
                    failed.append((source, f"không đọc được / unreadable: {type(err).__name__}: {err}"))
                    continue
                loaded.append(_Loaded(doc, root, str(Path(path).resolve())))
        return loaded, roots, seen

    # --- the run --------------------------------------------------------------------------------

    def run(self, paths: Sequence[Path], progress: bool = False) -> IngestReport:
        with IngestLock(self.index_dir):
            return self._run(paths, progress)

    def _check_compatible(self, prev: Manifest | None) -> None:
        if prev is not None and (prev.embedder != self.embedder.name or prev.dim != self.embedder.dim):
            raise IndexingError(
                f"the index at {self.index_dir} was built with embedding model {prev.embedder!r} "
                f"(dim {prev.dim}); the configured model is {self.embedder.name!r}. Vectors of different "
                "models cannot be mixed: ingest into a fresh folder (--index NEW_DIR), or delete "
                f"{self.index_dir} to rebuild it, or set ASSISTANT_EMBEDDING_MODEL={prev.embedder}"
            )

    def _run(self, paths: Sequence[Path], progress: bool) -> IngestReport:
        t0 = time.perf_counter()
        self.store.refresh()  # see vectors a previous (possibly killed) process wrote
        prev = read_manifest(self.index_dir)
        self._check_compatible(prev)
        notes: list[str] = []
        params_changed = prev is not None and prev.chunking != self.chunk_params
        if params_changed and prev is not None:
            msg = (f"chunk parameters changed ({prev.chunking} -> {self.chunk_params}): every document is "
                   "re-chunked; only passages not already in the store are embedded")
            log.warning(msg)
            notes.append(msg)
        prev_docs = dict(prev.documents) if prev else {}
        prev_chunks: dict[str, Chunk] = {}
        if prev is not None:
            try:
                prev_chunks = {c.chunk_id: c for c in read_chunks(self.index_dir, prev)}
            except (OSError, ValueError, KeyError) as err:
                # Recoverable: documents not re-read this run are re-chunked from their stored texts.
                log.warning("chunk file of generation %d unreadable (%s): re-chunking", prev.generation, err)

        failed: list[tuple[str, str]] = []
        loaded, roots, seen = self._load(paths, failed)

        # Documents of folders ingested now that no longer exist there are removed; a file that failed
        # to load this time keeps its previous version (nothing already indexed is lost).
        failed_sources = {s for s, _ in failed}
        removed = sorted(s for s, e in prev_docs.items()
                         if e.root and e.root in roots and s not in seen and s not in failed_sources)
        carried = {s: e for s, e in prev_docs.items() if s not in seen and s not in removed}
        carried.update({s: prev_docs[s] for s in failed_sources if s in prev_docs})

        owners: dict[str, str] = {e.content_hash: s for s, e in sorted(carried.items())}
        new_docs: dict[str, DocEntry] = {}
        new_chunks: dict[str, list[Chunk]] = {}
        added: list[str] = []
        unchanged: list[str] = []
        replaced: list[str] = []
        duplicates: list[tuple[str, str]] = []

        # Previously indexed, unchanged sources claim their content first, so a new copy is the duplicate.
        def order(item: _Loaded) -> tuple[int, str]:
            old = prev_docs.get(item.doc.meta.source)
            return (0 if old and old.content_hash == item.doc.content_hash else 1, item.doc.meta.source)

        for item in sorted(loaded, key=order):
            doc = item.doc
            source = doc.meta.source
            owner = owners.get(doc.content_hash)
            if owner is not None and owner != source:
                duplicates.append((source, owner))
                if source in prev_docs:
                    removed.append(source)
                continue
            chunks = self.chunker.split(doc)
            if not chunks:
                failed.append((source, "không có nội dung để lập chỉ mục / no indexable text"))
                if source in prev_docs:
                    carried[source] = prev_docs[source]
                    owners.setdefault(prev_docs[source].content_hash, source)
                continue
            owners[doc.content_hash] = source
            old = prev_docs.get(source)
            if old is None:
                added.append(source)
            elif old.content_hash == doc.content_hash:
                unchanged.append(source)
            else:
                replaced.append(source)
            write_text_once(self.index_dir, doc.content_hash, doc.text)
            new_docs[source] = DocEntry(source=source, content_hash=doc.content_hash, meta=doc.meta,
                                        chunk_ids=tuple(c.chunk_id for c in chunks), root=item.root,
                                        path=item.path)
            new_chunks[source] = chunks

        for source, entry in carried.items():
            if source in new_docs:
                continue
            chunks = self._carried_chunks(entry, prev_chunks, params_changed)
            new_docs[source] = DocEntry(source=source, content_hash=entry.content_hash, meta=entry.meta,
                                        chunk_ids=tuple(c.chunk_id for c in chunks), root=entry.root,
                                        path=entry.path)
            new_chunks[source] = chunks

        all_chunks = [c for s in sorted(new_chunks) for c in new_chunks[s]]
        needed = {c.chunk_id for c in all_chunks}
        in_store = self.store.ids()
        todo = [c for c in all_chunks if c.chunk_id not in in_store]
        embed_seconds = self._embed_and_upsert(todo, progress)

        generation = prev.generation if prev else 0
        manifest = Manifest(generation=generation + 1, embedder=self.embedder.name, dim=self.embedder.dim,
                            chunking=self.chunk_params, documents=new_docs)
        if prev is None or self._differs(prev, manifest, prev_chunks, all_chunks):
            # Saved before the commit so readers of the new generation never tokenise the corpus.
            atomic_write_bytes(lexical_path(self.index_dir, manifest.generation),
                               LexicalIndex.build(all_chunks).to_bytes())
            manifest = commit(self.index_dir, manifest, all_chunks)
            generation = manifest.generation
            log.info("committed index generation %d (%d documents, %d passages)",
                     generation, len(new_docs), len(all_chunks))
        else:
            manifest = prev
        # Only now is it safe to drop vectors nobody serves: replaced passages and crash orphans.
        obsolete = (in_store | {c.chunk_id for c in todo}) - needed
        if obsolete:
            self.store.delete(obsolete)
            log.info("deleted %d obsolete vectors", len(obsolete))
        prune(self.index_dir, manifest, prev)

        return IngestReport(
            index_dir=str(self.index_dir), added=tuple(added), unchanged=tuple(unchanged),
            replaced=tuple(replaced), removed=tuple(sorted(removed)), duplicates=tuple(duplicates),
            failed=tuple(failed), chunks_embedded=len(todo), chunks_total=len(all_chunks),
            documents_total=len(new_docs), generation=generation,
            seconds=time.perf_counter() - t0, embed_seconds=embed_seconds, notes=tuple(notes),
        )

    def _carried_chunks(self, entry: DocEntry, prev_chunks: Mapping[str, Chunk],
                        params_changed: bool) -> list[Chunk]:
        """Chunks of a document not touched by this run: as committed, or re-chunked from its stored text."""
        if not params_changed and all(cid in prev_chunks for cid in entry.chunk_ids):
            return [prev_chunks[cid] for cid in entry.chunk_ids]
        try:
            text = read_text(self.index_dir, entry.content_hash)
        except OSError as err:
            raise IndexingError(
                f"the index in {self.index_dir} lost the stored text of {entry.source} ({err}); ingest "
                f"the folder that holds it again, or rebuild into a fresh --index folder"
            ) from err
        return self.chunker.split(Document(meta=entry.meta, text=text, content_hash=entry.content_hash))

    def _embed_and_upsert(self, todo: Sequence[Chunk], progress: bool) -> float:
        """Embed in batches, upserting each batch at once (a crash loses at most one batch of work).

        Identical passage texts (page boilerplate, a file repeating itself) are embedded once. What is
        embedded is ``search_text``: a law passage's heading context goes in with it.
        """
        if not todo:
            return 0.0
        bar: Any = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(todo), unit="đoạn", desc="Nhúng / embedding", leave=False)
        cache: dict[str, np.ndarray] = {}
        spent = 0.0
        try:
            for i in range(0, len(todo), self.batch_size):
                part = todo[i : i + self.batch_size]
                texts = [search_text(c) for c in part]
                fresh = list(dict.fromkeys(t for t in texts if t not in cache))
                if fresh:
                    t = time.perf_counter()
                    vectors = self.embedder.embed_passages(fresh)
                    spent += time.perf_counter() - t
                    cache.update(zip(fresh, vectors, strict=True))
                self.store.upsert(part, np.stack([cache[t] for t in texts]))
                if len(cache) > 4 * self.batch_size:
                    cache = {t: cache[t] for t in texts}
                if bar is not None:
                    bar.update(len(part))
        finally:
            if bar is not None:
                bar.close()
        return spent

    @staticmethod
    def _differs(prev: Manifest, new: Manifest, prev_chunks: Mapping[str, Chunk],
                 all_chunks: Sequence[Chunk]) -> bool:
        if prev.chunking != new.chunking or set(prev.documents) != set(new.documents):
            return True
        for source, entry in new.documents.items():
            old = prev.documents[source]
            if (old.content_hash, old.meta, old.chunk_ids, old.root) != (
                    entry.content_hash, entry.meta, entry.chunk_ids, entry.root):
                return True
        return any(prev_chunks.get(c.chunk_id) != c for c in all_chunks)
