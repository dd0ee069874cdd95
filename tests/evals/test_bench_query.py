"""Benchmark building blocks: synthetic corpus growth and the LangChain-tutorial peer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from evals.bench_query import build_scaled_corpus, format_table, synthesize_copy
from evals.peer import LangChainTutorialPeer, read_corpus_files

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"
BD25 = "000_fa699dd7983e293e.txt"


def test_synthetic_copies_are_distinct_keep_years_and_swap_places() -> None:
    text = (CORPUS / BD25).read_text(encoding="utf-8")
    a, b = synthesize_copy(text, 1, BD25), synthesize_copy(text, 2, BD25)
    assert a != text and b != text and a != b
    assert "Bình Định" not in a and "Bình Định" in text
    assert "1.230 dịch vụ công" in text and "1.230 dịch vụ công" not in a
    assert re.findall(r"20\d\d", a) == re.findall(r"20\d\d", text)  # years unchanged
    assert len(re.findall(r"\d+", a)) == len(re.findall(r"\d+", text))
    assert synthesize_copy(text, 1, BD25) == a  # deterministic


def test_scaled_corpus_has_originals_plus_copies(tmp_path: Path) -> None:
    n = build_scaled_corpus(CORPUS, tmp_path / "c", 3)
    files = sorted(p.name for p in (tmp_path / "c").iterdir())
    assert n == len(files) == 15
    assert BD25 in files and f"syn002_{BD25}" in files
    assert len({(tmp_path / "c" / f).read_text(encoding="utf-8") for f in files}) == 15


def test_format_table_prints_ratios() -> None:
    fig = {"n": 2, "p50_ms": 10.0, "p95_ms": 20.0, "recall_at_4": 1.0, "mrr": 0.75}
    row = {"scale": 1, "files": 5, "chunks": 100, "peer_chunks": 50, "ingest_s": 1.0, "peer_ingest_s": 1.0,
           "datasets": {"qa": {"ask": fig, "retrieve": fig, "peer": {**fig, "p50_ms": 5.0}}}}
    out = format_table([row])
    assert " 2.00 " in out and "qa" in out and "peer 50 chunks" in out


@pytest.mark.slow
def test_peer_chunks_like_the_tutorial_and_retrieves_by_similarity(tmp_path: Path, embedder: Any) -> None:
    peer = LangChainTutorialPeer.in_folder(embedder, tmp_path)
    docs = [d for d in read_corpus_files(CORPUS) if d[0] == BD25]
    chunks = peer.split(*docs[0])
    assert all(len(c.text) <= 1000 for c in chunks)
    assert all(docs[0][1][c.start:c.end] == c.text for c in chunks)
    assert chunks[0].end > chunks[1].start  # 200-character overlap
    assert peer.add_documents(docs) == len(chunks) == peer.size
    hits = peer.retrieve("tỷ lệ học bạ số ở trường tiểu học", 4)
    assert len(hits) == 4 and hits[0].score >= hits[-1].score
    assert any("học bạ" in h.chunk.text for h in hits)
    with pytest.raises(ValueError):
        LangChainTutorialPeer(embedder, peer.store, chunk_size=100, chunk_overlap=100)
