"""The committed state of an index folder, written atomically; the single source of truth.

Layout under ``index_dir``::

    manifest.json            documents, embedder, chunk params, generation, name of the chunk file
    chunks-<generation>.jsonl  every served chunk (text + offsets + metadata), one JSON object a line
    texts/<content_hash>.txt   the normalised full text of each document (immutable, content-addressed)
    chroma/                  the vector store (only id -> vector; may hold orphans, never trusted alone)

Why: a commit is "write new files under fresh names, fsync, then ``os.replace`` manifest.json". Until
that rename, readers and a crashed ingest see the previous generation in full; afterwards, the new
one in full. Chunk files are per generation so a reader never sees a chunk list that disagrees with
the manifest it read.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from index.errors import IndexingError
from index.types import Chunk, DocumentMeta

MANIFEST_NAME = "manifest.json"
TEXTS_DIR = "texts"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class DocEntry:
    """One indexed document. ``root`` is the folder it was ingested from ("" for a single file)."""

    source: str
    content_hash: str
    meta: DocumentMeta
    chunk_ids: tuple[str, ...]
    root: str = ""
    path: str = ""


@dataclass(frozen=True)
class Manifest:
    generation: int
    embedder: str
    dim: int
    chunking: dict[str, Any]
    documents: dict[str, DocEntry] = field(default_factory=dict)
    chunks_file: str = ""

    def chunk_ids(self) -> set[str]:
        return {cid for d in self.documents.values() for cid in d.chunk_ids}


def _meta_to_json(meta: DocumentMeta) -> dict[str, Any]:
    d = asdict(meta)
    d["places"] = list(meta.places)
    d["years"] = list(meta.years)
    return d


def _meta_from_json(d: dict[str, Any]) -> DocumentMeta:
    return DocumentMeta(
        source=d["source"], title=d.get("title", ""), published=d.get("published"),
        places=tuple(d.get("places", ())), outlet=d.get("outlet", ""), url=d.get("url", ""),
        years=tuple(int(y) for y in d.get("years", ())), kind=d.get("kind", ""), number=d.get("number", ""),
        dated=d.get("dated"),
    )


def chunk_to_json(c: Chunk) -> dict[str, Any]:
    d = asdict(c)
    d.pop("doc_hash", None)  # derived from the manifest when read back, never stored twice
    d["places"] = list(c.places)
    d["years"] = list(c.years)
    return d


def chunk_from_json(d: dict[str, Any]) -> Chunk:
    return Chunk(
        chunk_id=d["chunk_id"], source=d["source"], text=d["text"], start=int(d["start"]),
        end=int(d["end"]), title=d.get("title", ""), published=d.get("published"),
        places=tuple(d.get("places", ())), years=tuple(int(y) for y in d.get("years", ())),
        ordinal=int(d.get("ordinal", 0)), context=d.get("context", ""), article=d.get("article", ""),
    )


def manifest_path(index_dir: Path) -> Path:
    return Path(index_dir) / MANIFEST_NAME


def text_path(index_dir: Path, content_hash: str) -> Path:
    return Path(index_dir) / TEXTS_DIR / f"{content_hash}.txt"


def read_manifest(index_dir: Path) -> Manifest | None:
    """The committed manifest, or None when the folder holds no index yet."""
    path = manifest_path(index_dir)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        raise IndexingError(
            f"the index manifest {path} is unreadable ({err}); delete the folder {index_dir} and run "
            "`assistant ingest` again"
        ) from err
    if raw.get("format") != FORMAT_VERSION:
        raise IndexingError(
            f"the index at {index_dir} has format {raw.get('format')!r}, this version reads "
            f"{FORMAT_VERSION}; re-ingest into a fresh --index folder"
        )
    docs = {
        src: DocEntry(source=src, content_hash=d["content_hash"], meta=_meta_from_json(d["meta"]),
                      chunk_ids=tuple(d["chunk_ids"]), root=d.get("root", ""), path=d.get("path", ""))
        for src, d in raw["documents"].items()
    }
    return Manifest(generation=int(raw["generation"]), embedder=raw["embedder"], dim=int(raw["dim"]),
                    chunking=dict(raw.get("chunking", {})), documents=docs,
                    chunks_file=raw.get("chunks_file", ""))


def read_chunks(index_dir: Path, manifest: Manifest) -> Iterator[Chunk]:
    """The chunks of a committed generation (FileNotFoundError if a newer commit already pruned it)."""
    with open(Path(index_dir) / manifest.chunks_file, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                chunk = chunk_from_json(json.loads(line))
                doc = manifest.documents.get(chunk.source)
                yield replace(chunk, doc_hash=doc.content_hash) if doc is not None else chunk


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not supported on every filesystem
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _atomic_replace(path: Path, mode: str, write: Callable[[IO[Any]], object]) -> None:
    """Write through ``write`` to a temp file in the same folder, fsync, then rename over ``path``.

    Readers see either the old file or the complete new one, never a partial write (crash-safe commit).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        kwargs: dict[str, Any] = {"encoding": "utf-8", "newline": "\n"} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def atomic_write(path: Path, lines: Iterable[str]) -> None:
    """Write ``lines`` atomically (see ``_atomic_replace``)."""
    _atomic_replace(path, "w", lambda fh: fh.writelines(lines))


def lexical_path(index_dir: Path, generation: int) -> Path:
    """The saved BM25 index of a generation (an optional cache: readers rebuild it when missing)."""
    return Path(index_dir) / f"bm25-{generation}.npz"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Like ``atomic_write`` for binary content."""
    _atomic_replace(path, "wb", lambda fh: fh.write(data))


def read_text(index_dir: Path, content_hash: str) -> str:
    """A stored normalised document text, byte for byte (no newline translation)."""
    with open(text_path(index_dir, content_hash), encoding="utf-8", newline="") as fh:
        return fh.read()


def write_text_once(index_dir: Path, content_hash: str, text: str) -> None:
    """Store a document's normalised text (content-addressed: an existing file is already right)."""
    path = text_path(index_dir, content_hash)
    if not path.exists():
        atomic_write(path, [text])


def commit(index_dir: Path, manifest: Manifest, chunks: Iterable[Chunk]) -> Manifest:
    """Write the chunk file of ``manifest.generation``, then atomically switch manifest.json to it."""
    index_dir = Path(index_dir)
    chunks_file = f"chunks-{manifest.generation}.jsonl"
    atomic_write(index_dir / chunks_file,
                 (json.dumps(chunk_to_json(c), ensure_ascii=False) + "\n" for c in chunks))
    committed = Manifest(generation=manifest.generation, embedder=manifest.embedder, dim=manifest.dim,
                         chunking=manifest.chunking, documents=manifest.documents, chunks_file=chunks_file)
    body = {
        "format": FORMAT_VERSION,
        "generation": committed.generation,
        "embedder": committed.embedder,
        "dim": committed.dim,
        "chunking": committed.chunking,
        "chunks_file": chunks_file,
        "documents": {
            src: {"content_hash": d.content_hash, "meta": _meta_to_json(d.meta), "chunk_ids": list(d.chunk_ids),
                  "root": d.root, "path": d.path}
            for src, d in sorted(committed.documents.items())
        },
    }
    atomic_write(manifest_path(index_dir), [json.dumps(body, ensure_ascii=False, indent=1)])
    return committed


def prune(index_dir: Path, manifest: Manifest, previous: Manifest | None = None) -> None:
    """Remove chunk files older than the previous generation and texts no document references.

    The previous generation's chunk file and texts are kept so a reader that just read the old
    manifest can still open them; anything unreferenced is only garbage, never state.
    """
    index_dir = Path(index_dir)
    keep = {manifest.chunks_file, f"chunks-{manifest.generation - 1}.jsonl",
            f"bm25-{manifest.generation}.npz", f"bm25-{manifest.generation - 1}.npz"}
    for p in [*index_dir.glob("chunks-*.jsonl"), *index_dir.glob("bm25-*.npz")]:
        if p.name not in keep:
            with contextlib.suppress(OSError):
                p.unlink()
    for p in index_dir.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            p.unlink()
    hashes = {d.content_hash for d in manifest.documents.values()}
    if previous is not None:  # a reader may still be serving the previous generation
        hashes |= {d.content_hash for d in previous.documents.values()}
    texts = index_dir / TEXTS_DIR
    if texts.is_dir():
        for p in texts.iterdir():
            if (p.suffix == ".txt" and p.stem not in hashes) or p.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    p.unlink()
