"""The peer a user would pick instead of us: the plain LangChain RAG tutorial's retrieval.

What the tutorial does: load each file as one text, split it with
``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)``, embed the pieces into Chroma
and answer with ``similarity_search(question, k=4)``. We rebuild exactly that on our own Chroma
adapter (``index.store.ChromaStore``, the project's only chromadb import) in a separate collection,
with the SAME embedding model as ours, so a comparison isolates what our retrieval adds (sentence
chunks, BM25, diacritic restoration, place/time awareness) and nothing else. No text normalisation,
no query rewriting: the tutorial has none.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from pathlib import Path

from index.embeddings import Embedder
from index.store import ChromaStore
from index.types import Chunk, ScoredChunk

__all__ = ["LangChainTutorialPeer", "read_corpus_files"]

log = logging.getLogger(__name__)

TUTORIAL_CHUNK_SIZE = 1000
TUTORIAL_CHUNK_OVERLAP = 200
TUTORIAL_K = 4


def read_corpus_files(folder: Path) -> list[tuple[str, str]]:
    """(source, raw text) of every .txt/.md file under ``folder``, as the tutorial's TextLoader reads them."""
    root = Path(folder)
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in (".txt", ".md"))
    return [(p.relative_to(root).as_posix(), p.read_text(encoding="utf-8")) for p in files]


class LangChainTutorialPeer:
    """Tutorial-style retrieval: recursive character chunks + dense similarity top-k. A ``Retriever``."""

    def __init__(self, embedder: Embedder, store: ChromaStore, *, chunk_size: int = TUTORIAL_CHUNK_SIZE,
                 chunk_overlap: int = TUTORIAL_CHUNK_OVERLAP, batch_size: int = 32) -> None:
        if store.embedder_name != embedder.name or store.dim != embedder.dim:
            raise ValueError("the peer must use the same embedding model as its store")
        if not 0 <= chunk_overlap < chunk_size:
            raise ValueError(f"need 0 <= chunk_overlap < chunk_size, got {chunk_overlap}, {chunk_size}")
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        self.embedder = embedder
        self.store = store
        self.batch_size = max(1, batch_size)
        self._splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap,
                                                        add_start_index=True)
        self._chunks: dict[str, Chunk] = {}

    @classmethod
    def in_folder(cls, embedder: Embedder, work_dir: Path, collection: str = "peer_langchain_tutorial",
                  **kwargs: int) -> LangChainTutorialPeer:
        """A peer with its own embedded Chroma under ``work_dir`` (never our index's collection)."""
        store = ChromaStore(collection=collection, embedder_name=embedder.name, dim=embedder.dim,
                            persist_dir=Path(work_dir) / "peer-chroma")
        return cls(embedder, store, **kwargs)

    def split(self, source: str, text: str) -> list[Chunk]:
        """The tutorial's chunks of one document, as our Chunk type (offsets from ``start_index``)."""
        docs = self._splitter.create_documents([text], metadatas=[{"source": source}])
        out: list[Chunk] = []
        for i, d in enumerate(docs):
            start = int(d.metadata.get("start_index", -1))
            if start < 0:  # the splitter could not place it; keep the text, offsets unknown
                start = 0
            cid = hashlib.sha1(f"{source}\x00{i}\x00{d.page_content}".encode()).hexdigest()[:20]
            out.append(Chunk(chunk_id=cid, source=source, text=d.page_content, start=start,
                             end=start + len(d.page_content), ordinal=i))
        return out

    def add_documents(self, documents: Iterable[tuple[str, str]]) -> int:
        """Split, embed and store ``(source, text)`` pairs; returns the number of chunks added."""
        chunks = [c for source, text in documents for c in self.split(source, text)]
        for i in range(0, len(chunks), 256):
            part = chunks[i:i + 256]
            vectors = self.embedder.embed_passages([c.text for c in part])
            self.store.upsert(part, vectors)
        self._chunks.update((c.chunk_id, c) for c in chunks)
        log.info("peer: indexed %d chunks", len(chunks))
        return len(chunks)

    @property
    def size(self) -> int:
        return len(self._chunks)

    def retrieve(self, query: str, k: int = TUTORIAL_K) -> list[ScoredChunk]:
        """``similarity_search(query, k)``: the k nearest chunks by cosine similarity, best first."""
        if not query.strip() or not self._chunks:
            return []
        hits = self.store.query(self.embedder.embed_query(query), k)
        return [ScoredChunk(self._chunks[cid], score, {"dense": score}) for cid, score in hits if cid in self._chunks]
