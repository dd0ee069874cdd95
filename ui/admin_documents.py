"""The console's document management: list the indexed documents, add one by upload, remove one.

Why it works through folders and the normal ingest: the manifest is the index's only source of truth and
``Ingester`` its only writer (one at a time, ``index/lock.py``). An uploaded file is saved into
``ASSISTANT_UPLOAD_DIR`` and that folder is ingested, exactly what ``assistant ingest var/uploads`` does;
removing a document moves its file out of the folder it was ingested from and ingests that folder again,
which drops it. The running server's reader sees each new generation on its next question, so the chat
keeps answering throughout and picks up the change without a restart.
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
import time
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from assistant.settings import Settings

log = logging.getLogger(__name__)

ALLOWED_SUFFIXES = (".txt", ".md", ".html", ".docx", ".pdf")
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
LOCK_WAIT_S = 120.0


class UploadRejected(ValueError):
    """The file cannot be accepted (type, size, name); the message is shown to the operator."""


@dataclass(frozen=True)
class DocumentRow:
    source: str
    title: str
    kind: str
    place: str
    date: str
    passages: int
    ingested: str  # when this version of the text was first indexed (UTC, minutes)
    removable: bool


@dataclass(frozen=True)
class IngestJob:
    id: str
    action: str  # "upload" / "remove"
    source: str
    state: str  # "queued", "reading", "embedding", "done", "failed"
    done: int = 0
    total: int = 0
    message: str = ""
    started: float = 0.0
    finished: float = 0.0

    @property
    def percent(self) -> int:
        if self.state == "done":
            return 100
        if self.total <= 0:
            return 5 if self.state != "queued" else 0
        return min(99, 5 + int(90 * self.done / self.total))


def safe_filename(name: str) -> str:
    """An ASCII file name without folders or odd characters ("Quyết định 12.docx" -> "Quyet-dinh-12.docx")."""
    base = Path(name.replace("\\", "/")).name
    folded = unicodedata.normalize("NFKD", base.replace("đ", "d").replace("Đ", "D"))
    ascii_name = folded.encode("ascii", "ignore").decode("ascii")
    stem, dot, suffix = ascii_name.rpartition(".")
    stem = _SAFE_NAME.sub("-", stem if dot else ascii_name).strip("-.")[:80] or "tai-lieu"
    return f"{stem}.{suffix.lower()}" if dot else stem


def _discard(tmp: Path) -> None:
    """Remove an upload's private folder under ``.incoming`` (and the file, if still there)."""
    shutil.rmtree(tmp.parent, ignore_errors=True)


class _CountingEmbedder:
    """The real embedder, reporting how many passages it has embedded (the progress bar's numerator)."""

    def __init__(self, inner: Any, on_batch: Callable[[int], None]) -> None:
        self.inner, self.on_batch = inner, on_batch
        self.name, self.dim = inner.name, inner.dim

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        out = self.inner.embed_passages(texts)
        self.on_batch(len(texts))
        return out  # type: ignore[no-any-return]

    def embed_query(self, text: str) -> np.ndarray:
        return self.inner.embed_query(text)  # type: ignore[no-any-return]


class DocumentManager:
    """Lists, adds and removes documents of the index a running server reads (``reader``)."""

    def __init__(self, settings: Settings, reader: Any) -> None:
        self.settings = settings.model_copy(update={"index_dir": Path(reader.index_dir)})
        self.reader = reader
        self.upload_dir = Path(settings.upload_dir).resolve()
        self.trash_dir = self.upload_dir.parent / "removed-documents"
        self.max_bytes = max(1, settings.upload_max_mb) * 1024 * 1024
        self._jobs: dict[str, IngestJob] = {}
        self._jobs_lock = threading.Lock()
        self._writer = threading.Lock()  # one ingest at a time in this process (IngestLock across processes)

    # --- listing ------------------------------------------------------------------------------------

    def documents(self) -> list[DocumentRow]:
        from index.manifest import read_manifest, text_path

        snap = self.reader.snapshot()
        manifest = read_manifest(self.reader.index_dir)
        entries = manifest.documents if manifest else {}
        counts: dict[str, int] = {}
        for chunk in snap.chunks.values():
            counts[chunk.source] = counts.get(chunk.source, 0) + 1
        rows = []
        for source, meta in sorted(snap.documents.items()):
            entry = entries.get(source)
            ingested = ""
            try:
                mtime = text_path(self.reader.index_dir, snap.content_hashes[source]).stat().st_mtime
                ingested = datetime.fromtimestamp(mtime, UTC).strftime("%Y-%m-%d %H:%M")
            except (KeyError, OSError):
                pass
            rows.append(DocumentRow(
                source=source, title=meta.title or source, kind=Path(source).suffix.lstrip(".").upper() or "?",
                place=", ".join(meta.places[:2]), date=meta.published or "", passages=counts.get(source, 0),
                ingested=ingested, removable=bool(entry and entry.root and entry.path)))
        return rows

    # --- jobs ---------------------------------------------------------------------------------------

    def job(self, job_id: str) -> IngestJob | None:
        with self._jobs_lock:
            return self._jobs.get(job_id)

    def jobs(self) -> list[IngestJob]:
        with self._jobs_lock:
            return sorted(self._jobs.values(), key=lambda j: j.started, reverse=True)[:20]

    def _update(self, job_id: str, **changes: Any) -> None:
        with self._jobs_lock:
            self._jobs[job_id] = replace(self._jobs[job_id], **changes)

    def _new_job(self, action: str, source: str) -> str:
        job_id = uuid.uuid4().hex[:16]
        with self._jobs_lock:
            self._jobs[job_id] = IngestJob(job_id, action, source, "queued", started=time.time())
        return job_id

    def upload(self, filename: str, data: bytes) -> str:
        """Check and save an uploaded file, then ingest it in the background; returns the job id."""
        name = safe_filename(filename)
        suffix = Path(name).suffix.lower()
        if suffix not in ALLOWED_SUFFIXES:
            raise UploadRejected(f"Loại tệp không được hỗ trợ ({suffix or 'không có đuôi'}); chỉ nhận "
                                 f"{', '.join(ALLOWED_SUFFIXES)}. / Unsupported file type.")
        if not data:
            raise UploadRejected("Tệp rỗng. / The file is empty.")
        if len(data) > self.max_bytes:
            raise UploadRejected(f"Tệp quá lớn (tối đa {self.settings.upload_max_mb} MB). / File too large.")
        current = self.reader.snapshot().documents
        target = self.upload_dir / name
        if name in current and not target.exists():
            raise UploadRejected(f"Đã có tài liệu tên {name} từ thư mục khác; hãy đổi tên tệp. "
                                 "/ A document with this name already exists; rename the file.")
        incoming = self.upload_dir / ".incoming" / uuid.uuid4().hex[:12]  # hidden: ingest skips it
        incoming.mkdir(parents=True, exist_ok=True)
        tmp = incoming / name
        tmp.write_bytes(data)
        job_id = self._new_job("upload", name)
        threading.Thread(target=self._run_upload, args=(job_id, tmp, target), name=f"ingest-{job_id}",
                         daemon=True).start()
        return job_id

    def remove(self, source: str) -> str:
        """Move the document's file out of its folder and re-ingest that folder; returns the job id."""
        from index.manifest import read_manifest

        manifest = read_manifest(self.reader.index_dir)
        entry = manifest.documents.get(source) if manifest else None
        if entry is None or not entry.root or not entry.path:
            raise UploadRejected("Không thể xoá tài liệu này từ bảng điều khiển. / This document cannot be "
                                 "removed here.")
        job_id = self._new_job("remove", source)
        threading.Thread(target=self._run_remove, args=(job_id, Path(entry.path), Path(entry.root)),
                         name=f"remove-{job_id}", daemon=True).start()
        return job_id

    # --- the background work ------------------------------------------------------------------------

    def _ingest(self, job_id: str, folder: Path) -> Any:
        from assistant import composition
        from index.errors import IndexLocked

        def progressed(n: int) -> None:
            job = self.job(job_id)
            if job is not None:
                self._update(job_id, done=job.done + n)

        embedder = _CountingEmbedder(self.reader.embedder, progressed)
        parts = composition.build_index_parts(self.settings, embedder=embedder)
        deadline = time.monotonic() + LOCK_WAIT_S
        with self._writer:
            while True:
                try:
                    self._update(job_id, state="embedding")
                    return composition.ingest(self.settings, [folder], parts=parts)
                except IndexLocked:  # an `assistant ingest` in another process: wait for it
                    if time.monotonic() > deadline:
                        raise
                    self._update(job_id, state="queued", message="Đang chờ lượt cập nhật khác / waiting")
                    time.sleep(1.0)

    def _passages_of(self, path: Path, source: str) -> int:
        from assistant.composition import chunk_params, gazetteer_of
        from index.chunking import Chunker
        from index.loaders import load_document

        params = chunk_params(self.settings)
        doc = load_document(path, source, gazetteer=gazetteer_of(self.settings))
        return len(Chunker(params["max_chars"], params["overlap_sentences"]).split(doc))

    def _run_upload(self, job_id: str, tmp: Path, target: Path) -> None:
        try:
            self._update(job_id, state="reading")
            try:
                total = self._passages_of(tmp, target.name)
            except Exception as err:  # unusable file: tell the operator why, keep nothing
                _discard(tmp)
                self._update(job_id, state="failed", message=str(err)[:500], finished=time.time())
                return
            self._update(job_id, total=total)
            tmp.replace(target)
            _discard(tmp)
            report = self._ingest(job_id, self.upload_dir)
            failure = next((why for src, why in report.failed if src == target.name), "")
            if failure:
                target.unlink(missing_ok=True)
                self._update(job_id, state="failed", message=failure[:500], finished=time.time())
                return
            self._update(job_id, state="done", done=total, message=" ".join(report.summary_lines()[:2]),
                         finished=time.time())
            log.info("console upload %s indexed (generation %d)", target.name, report.generation)
        except Exception as err:
            _discard(tmp)
            log.exception("console upload failed")
            self._update(job_id, state="failed", message=str(err)[:500], finished=time.time())

    def _run_remove(self, job_id: str, path: Path, root: Path) -> None:
        try:
            if path.exists():
                self.trash_dir.mkdir(parents=True, exist_ok=True)
                stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
                shutil.move(str(path), str(self.trash_dir / f"{stamp}-{path.name}"))
            report = self._ingest(job_id, root)
            self._update(job_id, state="done", message=" ".join(report.summary_lines()[:2]),
                         finished=time.time())
            log.info("console removed %s (generation %d)", path.name, report.generation)
        except Exception as err:
            log.exception("console removal failed")
            self._update(job_id, state="failed", message=str(err)[:500], finished=time.time())
