"""``kill -9`` an ``assistant ingest`` subprocess at many points; the index must stay consistent.

Each round changes the (small) corpus so the ingest has real work (every passage is re-embedded, in
small batches so a kill lands between upserts), starts the real CLI in a subprocess, and SIGKILLs it at a
random moment: while loading, during embedding/upserting (timed from the moment its progress bar says
embedding started), or around the commit. After every kill the folder must hold one complete
generation: the manifest, its chunk file and the stored texts agree, every passage's offsets are
verbatim, and EVERY chunk id of the manifest is in the vector store and is the top hit of a dense
query with its own text (and of a lexical query). Orphans of the killed run are allowed in the store
until the next run; the final, unkilled re-run must leave none (store ids == manifest ids), no duplicates.
"""

from __future__ import annotations

import random
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from reliability.live_server import PROJECT_ROOT, assistant_cmd, subprocess_env

from index.manifest import read_chunks, read_manifest, read_text
from index.reader import IndexReader
from index.store import ChromaStore

DOCS = ("000_fa699dd7983e293e.txt", "001_34f654742855b43a.txt")
KILLS = 10
BATCH = 4  # embedding batch size in the killed runs: many upserts, many places to die


def _write_corpus(src: Path, dst: Path, round_no: int) -> None:
    """Round ``n``'s version of the corpus: a changed first line shifts every passage (new chunk ids)."""
    dst.mkdir(parents=True, exist_ok=True)
    for name in DOCS:
        text = (src / name).read_text(encoding="utf-8")
        (dst / name).write_text(f"Bản cập nhật số {round_no} của báo cáo.\n\n{text}", encoding="utf-8")
    extra = dst / "extra.txt"
    if round_no % 3 == 1:  # documents come and go too
        extra.write_text(f"Thông báo bổ sung lần {round_no}: Cổng Dịch vụ công quốc gia hỗ trợ người dân "
                         "nộp hồ sơ trực tuyến và thanh toán phí, lệ phí.\n", encoding="utf-8")
    elif extra.exists():
        extra.unlink()


class IngestRun:
    """``assistant ingest CORPUS --index DIR`` with its progress bar read from stderr."""

    def __init__(self, corpus: Path, index_dir: Path) -> None:
        self.started = time.monotonic()
        self.embedding_at: float | None = None
        self.proc = subprocess.Popen(
            assistant_cmd("ingest", str(corpus), "--index", str(index_dir)), cwd=PROJECT_ROOT,
            env=subprocess_env(ASSISTANT_EMBEDDING_BATCH_SIZE=str(BATCH)),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.err = b""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        while chunk := self.proc.stderr.read1(4096):  # type: ignore[attr-defined]
            self.err += chunk
            if self.embedding_at is None and b"embedding" in self.err:
                self.embedding_at = time.monotonic()

    def wait_embedding(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.embedding_at is None and self.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.embedding_at is not None

    def sleep_while_running(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and self.proc.poll() is None:
            time.sleep(0.02)

    def kill9(self) -> bool:
        """SIGKILL now; True if the process was still running (the kill really interrupted it)."""
        alive = self.proc.poll() is None
        if alive:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(30)
        self._reader.join(10)
        return alive

    def finish(self, timeout: float) -> int:
        rc = self.proc.wait(timeout)
        self._reader.join(10)
        return rc


class Checker:
    """Opens the index the way a server would and checks every committed chunk."""

    def __init__(self, index_dir: Path, embedder: Any) -> None:
        self.index_dir = index_dir
        self.embedder = embedder
        self._vectors: dict[str, np.ndarray] = {}

    def store(self) -> ChromaStore:
        return ChromaStore(collection="passages", embedder_name=self.embedder.name, dim=self.embedder.dim,
                           persist_dir=self.index_dir / "chroma")

    def check(self) -> tuple[int, set[str]]:
        """(generation, ids in the store) after asserting the committed index is whole; (0, ids) if none yet."""
        manifest = read_manifest(self.index_dir)
        store = self.store()
        try:
            stored = store.ids()
            if manifest is None:
                return 0, stored
            chunks = list(read_chunks(self.index_dir, manifest))
            ids = [c.chunk_id for c in chunks]
            assert len(ids) == len(set(ids)), "duplicate chunk ids in the chunk file"
            assert set(ids) == manifest.chunk_ids(), "manifest and chunk file disagree"
            missing = manifest.chunk_ids() - stored
            assert not missing, f"{len(missing)} committed chunks have no vector (half-indexed)"
            for entry in manifest.documents.values():
                text = read_text(self.index_dir, entry.content_hash)
                for cid in entry.chunk_ids:
                    c = next(ch for ch in chunks if ch.chunk_id == cid)
                    assert text[c.start:c.end] == c.text, f"chunk {cid} offsets are not verbatim"
            self._check_every_chunk_is_retrievable(store, chunks)
            return manifest.generation, stored
        finally:
            store.close()

    def _check_every_chunk_is_retrievable(self, store: ChromaStore, chunks: list[Any]) -> None:
        todo = [c.text for c in chunks if c.text not in self._vectors]
        if todo:
            self._vectors.update(zip(todo, self.embedder.embed_passages(todo), strict=True))
        by_text: dict[str, set[str]] = {}
        for c in chunks:
            by_text.setdefault(c.text, set()).add(c.chunk_id)
        committed = {c.chunk_id for c in chunks}
        reader = IndexReader(self.index_dir, store, self.embedder)
        snap = reader.snapshot()
        assert set(snap.chunks) == committed
        for c in chunks:
            hits = store.query(self._vectors[c.text], 1, ids_filter=committed)
            assert hits and hits[0][0] in by_text[c.text], f"dense query by its own text misses chunk {c.chunk_id}"
            lex = [sc.chunk.chunk_id for sc in reader.lexical(c.text, 3)]
            assert c.chunk_id in lex or by_text[c.text] & set(lex), f"lexical query misses chunk {c.chunk_id}"


@pytest.mark.slow
def test_kill9_at_random_points_keeps_the_index_consistent(
    tmp_path: Path, corpus_dir: Path, embedder: Any
) -> None:
    rng = random.Random(20251122)
    corpus, index_dir = tmp_path / "corpus", tmp_path / "index"
    checker = Checker(index_dir, embedder)

    # Calibration: one full run, to know how long embedding + commit take here.
    _write_corpus(corpus_dir, corpus, 0)
    run = IngestRun(corpus, index_dir)
    assert run.wait_embedding(300), run.err.decode(errors="replace")[-2000:]
    rc = run.finish(600)
    assert rc == 0, run.err.decode(errors="replace")[-2000:]
    assert run.embedding_at is not None
    work_s = time.monotonic() - run.embedding_at
    print(f"\ncalibration: embedding + commit took {work_s:.1f}s after {run.embedding_at - run.started:.1f}s of start-up")
    generation, _ = checker.check()
    assert generation == 1

    # Kill points: 2 during start-up/loading, the rest spread over embedding/upsert/commit. A run that
    # ends before its kill moment does not count (the estimate of the work time adapts to this machine).
    fractions = [0.05 + 0.9 * j / (KILLS - 3) for j in range(KILLS - 2)]
    rng.shuffle(fractions)
    plan = ["load", *(f"work@{f:.2f}" for f in fractions[: (KILLS - 2) // 2]), "load",
            *(f"work@{f:.2f}" for f in fractions[(KILLS - 2) // 2:])]
    outcomes: list[str] = []
    kills, round_no = 0, 0
    while kills < KILLS and round_no < 2 * KILLS:
        round_no += 1
        point = plan[kills]
        _write_corpus(corpus_dir, corpus, round_no)
        run = IngestRun(corpus, index_dir)
        if point == "load":  # somewhere between start and the first embedding
            run.sleep_while_running(rng.uniform(0.5, 3.0))
            if run.embedding_at is not None:
                point = "load->work"
        else:
            assert run.wait_embedding(300), run.err.decode(errors="replace")[-2000:]
            run.sleep_while_running(float(point.split("@")[1]) * work_s)
        killed = run.kill9()
        if not killed and run.embedding_at is not None:
            work_s = min(work_s, time.monotonic() - run.embedding_at) * 0.9
        before = generation
        generation, stored = checker.check()
        assert generation in (before, before + 1)
        outcomes.append(f"round {round_no} ({point}): {'KILLED' if killed else 'finished first'}, generation "
                        f"{generation} ({'old' if generation == before else 'new'}), {len(stored)} vectors in store")
        kills += killed
    assert kills == KILLS, outcomes

    print("\n" + "\n".join(outcomes))
    # Finally a run that is not killed: completes, and leaves exactly the committed vectors.
    _write_corpus(corpus_dir, corpus, round_no + 1)
    run = IngestRun(corpus, index_dir)
    assert run.finish(600) == 0, run.err.decode(errors="replace")[-2000:]
    generation, stored = checker.check()
    manifest = read_manifest(index_dir)
    assert manifest is not None
    assert stored == manifest.chunk_ids(), (f"{len(stored - manifest.chunk_ids())} orphan vectors, "
                                            f"{len(manifest.chunk_ids() - stored)} missing")
    sources = sorted(manifest.documents)
    assert sources == sorted(DOCS) + (["extra.txt"] if (round_no + 1) % 3 == 1 else [])
    # and a second run is a no-op (idempotent, embeds nothing)
    again = subprocess.run(assistant_cmd("ingest", str(corpus), "--index", str(index_dir), "--no-progress"),
                           cwd=PROJECT_ROOT, env=subprocess_env(), capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-2000:]
    assert read_manifest(index_dir).generation == generation  # type: ignore[union-attr]
    assert checker.check()[1] == stored
