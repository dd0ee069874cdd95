"""The composition root: the one place that turns ``Settings`` into wired-up parts.

Why one place: index/ code takes plain constructor arguments (no Settings), so swapping the embedder,
the store (embedded vs Chroma server) or the chunk size is a settings change here, nothing else.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from index.embeddings import Embedder, load_embedder
from index.errors import IndexMissing
from index.gazetteer import Gazetteer, load_gazetteer
from index.ingest import Ingester, IngestReport
from index.reader import IndexReader
from index.store import ChromaStore

log = logging.getLogger(__name__)


# --- index side -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexParts:
    """The embedder and vector store for one index folder, built from settings."""

    embedder: Embedder
    store: ChromaStore
    index_dir: Path


def gazetteer_of(settings: Settings) -> Gazetteer:
    """The corpus pack's gazetteer named in settings (read once per path: every part shares it)."""
    return _load_gazetteer(str(settings.gazetteer_path or ""))


@functools.cache
def _load_gazetteer(path: str) -> Gazetteer:
    return load_gazetteer(path or None)


def chunk_params(settings: Settings) -> dict[str, int]:
    """What the chunker is built with; recorded in the manifest so a change is detected."""
    return {"max_chars": settings.chunk_size, "overlap_sentences": settings.chunk_overlap,
            "legal_context": int(settings.legal_context)}


def build_index_parts(settings: Settings, embedder: Embedder | None = None) -> IndexParts:
    """Embedder (loaded offline) + Chroma store (embedded under index_dir, or a server when chroma_host is set)."""
    emb = embedder if embedder is not None else load_embedder(settings.embedding_model,
                                                               settings.embedding_batch_size)
    index_dir = Path(settings.index_dir)
    if settings.chroma_host:
        store = ChromaStore(collection=settings.collection, embedder_name=emb.name, dim=emb.dim,
                            host=settings.chroma_host, port=settings.chroma_port, ssl=settings.chroma_ssl)
    else:
        store = ChromaStore(collection=settings.collection, embedder_name=emb.name, dim=emb.dim,
                            persist_dir=index_dir / "chroma")
    return IndexParts(embedder=emb, store=store, index_dir=index_dir)


def _ingest_with(parts: IndexParts, settings: Settings, paths: Sequence[Path], progress: bool) -> IngestReport:
    from index.chunking import Chunker

    params = chunk_params(settings)
    chunker = Chunker(max_chars=params["max_chars"], overlap_sentences=params["overlap_sentences"],
                      legal_context=bool(params["legal_context"]))
    ingester = Ingester(parts.index_dir, parts.store, parts.embedder, chunker, params,
                        batch_size=settings.embedding_batch_size, gazetteer=gazetteer_of(settings))
    return ingester.run([Path(p) for p in paths], progress=progress)


def ingest(settings: Settings, paths: Sequence[Path], progress: bool = False,
           parts: IndexParts | None = None) -> IngestReport:
    """Index files/folders into settings.index_dir (incremental; a second run embeds nothing)."""
    return _ingest_with(parts or build_index_parts(settings), settings, paths, progress)


def open_reader(settings: Settings, parts: IndexParts | None = None) -> IndexReader:
    """A reader over settings.index_dir; builds the index from the default corpus folders
    (``settings.corpus_paths``: reports and laws) first if there is none."""
    parts = parts or build_index_parts(settings)
    reader = IndexReader(parts.index_dir, parts.store, parts.embedder, settings.query_cache)
    if not reader.exists():
        corpus = [Path(p) for p in settings.corpus_paths if Path(p).exists()]
        if not corpus:
            raise IndexMissing(
                f"no index in {parts.index_dir} and no corpus at {', '.join(map(str, settings.corpus_paths))}: "
                f"run `assistant ingest PATH ... --index {parts.index_dir}` first"
            )
        log.warning("no index in %s: building it from %s first (one-time)", parts.index_dir,
                    ", ".join(map(str, corpus)))
        report = _ingest_with(parts, settings, corpus, progress=False)
        for line in report.summary_lines():
            log.info("%s", line)
    reader.snapshot()
    return reader


# --- answering side (H4) -------------------------------------------------------------------------------


class _CorpusStatsCache:
    """Corpus statistics for the reader's current snapshot, rebuilt when the index changes."""

    def __init__(self, reader: IndexReader, terms: Any) -> None:
        self._reader = reader
        self._terms = terms  # the corpus pack's wording: statistics and evidence must read it alike
        self._snap: object | None = None
        self._stats: Any = None

    def __call__(self) -> Any:
        from assistant.evidence import CorpusStats

        snap = self._reader.snapshot()
        if snap is not self._snap:
            self._stats = CorpusStats((self._reader.document_text(m.source) for m in self._reader.documents()),
                                      self._terms)
            self._snap = snap
        return self._stats


def covered_places(reader: IndexReader) -> list[str]:
    """The main place of each indexed document (named in refusals: "the documents cover ...")."""
    out: list[str] = []
    for meta in reader.documents():
        if meta.places and meta.places[0] not in out:
            out.append(meta.places[0])
    return out


def build_pipeline(settings: Settings, reader: IndexReader | None = None) -> Any:
    """The ``AnswerPipeline`` every surface uses: hybrid retrieval + extractive answers (+ LLM when configured)."""
    from assistant import followup
    from assistant.answer_model import load_model
    from assistant.answer_typing import load_typer
    from assistant.answerability import load_refusal_texts
    from assistant.evidence import EvidenceFinder
    from assistant.extractive import ExtractiveAnswerer
    from assistant.guard import load_guard
    from assistant.pipeline import Pipeline
    from assistant.protocols import Answerer
    from assistant.retrieval import HybridRetriever
    from assistant.sentence_relevance import load_sentence_model

    reader = reader or open_reader(settings)
    gazetteer = gazetteer_of(settings)
    from assistant.lexicon import load_word_list
    from assistant.shorthand import load_shorthand
    from assistant.vocabulary import load_synonyms, load_terms

    retriever = HybridRetriever(reader, dense_weight=settings.dense_weight, lexical_weight=settings.lexical_weight,
                                synonyms=load_synonyms(settings.synonyms_path).merged(
                                    load_synonyms(settings.units_path)),
                                shorthand=load_shorthand(settings.shorthand_path), gazetteer=gazetteer)
    words = load_word_list(settings.words_path)
    typer = load_typer(settings.answer_types_path, gazetteer, words)
    terms = load_terms(settings.terms_path)
    finder = EvidenceFinder(_CorpusStatsCache(reader, terms), reader.document_text, catalog=reader.documents,
                            text_by_hash=reader.text_by_hash, typer=typer,
                            model=load_sentence_model(settings.sentence_model_path), words=words, terms=terms)
    labeler = getattr(reader, "label_for", None)
    extractive = ExtractiveAnswerer(finder, analyzer=retriever.analyze, covered_places=covered_places(reader),
                                    typer=typer,
                                    model=load_model(settings.answer_model_path), labeler=labeler,
                                    refusal_texts=load_refusal_texts(settings.messages_path),
                                    retrieve=retriever.retrieve, top_k=settings.top_k,
                                    words=words)
    answerer: Answerer = extractive
    condenser: Any = functools.partial(followup.condense, gazetteer=gazetteer)
    if settings.llm_enabled:
        from assistant.llm_answerer import build_llm_parts

        llm = build_llm_parts(settings, fallback=extractive, rule_condense=condenser)
        answerer, condenser = llm.answerer, llm.condenser
    guard = load_guard(settings.messages_path)
    return Pipeline(retriever, answerer, fallback=extractive, condenser=condenser, guard=guard.check,
                    decline=guard.decline, top_k=settings.top_k,
                    max_question_chars=settings.max_question_chars, max_history_turns=settings.max_history_turns)
