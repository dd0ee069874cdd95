"""The composition root: the one place that turns ``Settings`` into wired-up parts.

Why one place: index/ code takes plain constructor arguments (no Settings), so swapping the embedder,
the store (embedded vs Chroma server) or the chunk size is a settings change here, nothing else.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import Settings
from index.embeddings import Embedder, load_embedder
from index.errors import IndexMissing
from index.ingest import Ingester, IngestReport
from index.reader import IndexReader
from index.store import ChromaStore

log = logging.getLogger(__name__)


# --- index side -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexParts:
    """The embedder and vector store for one index folder, built from settings."""

    embedder: Embedder
    store: ChromaStore
    index_dir: Path


def chunk_params(settings: Settings) -> dict[str, int]:
    """What the chunker is built with; recorded in the manifest so a change is detected."""
    return {"max_chars": settings.chunk_size, "overlap_sentences": settings.chunk_overlap}


def build_index_parts(settings: Settings, embedder: Embedder | None = None) -> IndexParts:
    """Embedder (loaded offline) + Chroma store (embedded under index_dir, or a server when chroma_host is set)."""
    emb = embedder if embedder is not None else load_embedder(settings.embedding_model,
                                                               settings.embedding_batch_size)
    index_dir = Path(settings.index_dir)
    if settings.chroma_host:
        store = ChromaStore(collection=settings.collection, embedder_name=emb.name, dim=emb.dim,
                            host=settings.chroma_host, port=settings.chroma_port, ssl=settings.chroma_ssl)
    else:
        store = ChromaStore(collection=settings.collection, embedder_name=emb.name, dim=emb.dim,
                            persist_dir=index_dir / "chroma")
    return IndexParts(embedder=emb, store=store, index_dir=index_dir)


def _ingest_with(parts: IndexParts, settings: Settings, paths: Sequence[Path], progress: bool) -> IngestReport:
    from index.chunking import Chunker

    params = chunk_params(settings)
    chunker = Chunker(max_chars=params["max_chars"], overlap_sentences=params["overlap_sentences"])
    ingester = Ingester(parts.index_dir, parts.store, parts.embedder, chunker, params,
                        batch_size=settings.embedding_batch_size)
    return ingester.run([Path(p) for p in paths], progress=progress)


def ingest(settings: Settings, paths: Sequence[Path], progress: bool = False,
           parts: IndexParts | None = None) -> IngestReport:
    """Index files/folders into settings.index_dir (incremental; a second run embeds nothing)."""
    return _ingest_with(parts or build_index_parts(settings), settings, paths, progress)


def open_reader(settings: Settings, parts: IndexParts | None = None) -> IndexReader:
    """A reader over settings.index_dir; builds the index from settings.corpus_dir first if there is none."""
    parts = parts or build_index_parts(settings)
    reader = IndexReader(parts.index_dir, parts.store, parts.embedder)
    if not reader.exists():
        corpus = Path(settings.corpus_dir)
        if not corpus.exists():
            raise IndexMissing(
                f"no index in {parts.index_dir} and no corpus at {corpus}: run `assistant ingest PATH ... "
                f"--index {parts.index_dir}` first"
            )
        log.warning("no index in %s: building it from %s first (one-time)", parts.index_dir, corpus)
        report = _ingest_with(parts, settings, [corpus], progress=False)
        for line in report.summary_lines():
            log.info("%s", line)
    reader.snapshot()
    return reader
