"""Hybrid retrieval: dense + BM25 fused by weighted reciprocal rank, then place/time awareness.

Why this shape:
* Dense (multilingual e5) handles paraphrase and English; BM25 over folded syllables handles
  exact figures, codes and questions typed without diacritics. Rank fusion (RRF) needs no score
  calibration between the two, and per-signal weights are tuned by ``evals/tune_retrieval.py``.
* Each list is searched with every useful form of the question (as asked, diacritics restored
  from the corpus vocabulary, English terms rendered in Vietnamese) so one weak form cannot sink it.
* The corpus holds several reports on the same province from different years. A question that
  names a place or a year prefers documents about that place / reporting on that year, so
  "cuối năm 2022" lands on the 2023 article and "quý I/2025" on the 2025 report.
* A comparison of two places gets each place's best passages into the top-k (diversification),
  otherwise the better-covered place can crowd the other out.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from assistant.diacritics import DiacriticRestorer
from assistant.memo import Memo
from assistant.query import QueryInfo, analyze
from assistant.shorthand import Shorthand
from assistant.vocabulary import SynonymTable
from index.gazetteer import Gazetteer, default_gazetteer
from index.normalize import fold
from index.types import Chunk, DocumentMeta, ScoredChunk

__all__ = ["HybridRetriever", "Retrieval", "RetrievalWeights"]

log = logging.getLogger(__name__)

_ANALYSIS_CACHE = 512


class _Reader(Protocol):
    """The part of ``index.reader.IndexReader`` retrieval uses."""

    def snapshot(self) -> Any: ...

    def dense(self, query: str, k: int) -> list[ScoredChunk]: ...

    def lexical(self, query: str, k: int) -> list[ScoredChunk]: ...


@dataclass(frozen=True)
class RetrievalWeights:
    """Fusion and boost parameters (defaults chosen by ``evals/tune_retrieval.py`` on the dev set)."""

    dense_weight: float = 0.5
    lexical_weight: float = 1.0
    rrf_k: float = 60.0
    place_boost: float = 0.5  # multiplier bonus for a passage whose document is about a named place
    year_boost: float = 0.15  # multiplier bonus for a document reporting on / published in a named year
    candidates: int = 40  # depth of each dense/lexical list before fusion
    per_place: int = 2  # passages guaranteed to each place in a multi-place question

    def __post_init__(self) -> None:
        if self.dense_weight < 0 or self.lexical_weight < 0:
            raise ValueError("dense_weight and lexical_weight must be >= 0")
        if self.dense_weight == 0 and self.lexical_weight == 0:
            raise ValueError("at least one of dense_weight / lexical_weight must be > 0")
        if self.rrf_k <= 0:
            raise ValueError("rrf_k must be > 0")
        if self.place_boost < 0 or self.year_boost < 0:
            raise ValueError("place_boost and year_boost must be >= 0")
        if self.candidates < 1 or self.per_place < 0:
            raise ValueError("candidates must be >= 1 and per_place >= 0")


@dataclass(frozen=True)
class Retrieval:
    """What one retrieval found, with the analysis it was based on (the answerer reuses both)."""

    info: QueryInfo
    chunks: tuple[ScoredChunk, ...]
    # places the question names that no indexed document is about (e.g. a province not in the corpus):
    # a strong hint for the answerer that the documents cannot answer the question.
    unknown_places: tuple[str, ...] = ()


def _snapshot_parts(snap: Any) -> tuple[Mapping[str, Chunk], Mapping[str, DocumentMeta]]:
    chunks = snap.chunks
    docs = snap.documents
    return chunks, docs


class HybridRetriever:
    """Implements ``assistant.protocols.Retriever`` over an ``IndexReader``."""

    def __init__(self, reader: _Reader, weights: RetrievalWeights | None = None, *,
                 dense_weight: float | None = None, lexical_weight: float | None = None,
                 synonyms: SynonymTable | None = None, shorthand: Shorthand | None = None,
                 gazetteer: Gazetteer | None = None) -> None:
        for name in ("snapshot", "dense", "lexical"):
            if not callable(getattr(reader, name, None)):
                raise TypeError(f"HybridRetriever needs a reader with .{name}(); got {type(reader).__name__}")
        w = weights or RetrievalWeights()
        if dense_weight is not None or lexical_weight is not None:
            w = RetrievalWeights(
                dense_weight=w.dense_weight if dense_weight is None else dense_weight,
                lexical_weight=w.lexical_weight if lexical_weight is None else lexical_weight,
                rrf_k=w.rrf_k, place_boost=w.place_boost, year_boost=w.year_boost,
                candidates=w.candidates, per_place=w.per_place,
            )
        self._reader = reader
        self.weights = w
        self._synonyms = synonyms  # everyday <-> legal wording from the corpus pack (None: none)
        self._shorthand = shorthand  # chat shorthand written out (None: the shipped table)
        self._gazetteer = gazetteer or default_gazetteer()  # the places questions are scoped by
        self._lock = threading.Lock()
        self._vocab_for: object | None = None
        self._restorer: DiacriticRestorer | None = None
        self._analyses: Memo[str, QueryInfo] = Memo(_ANALYSIS_CACHE)  # per snapshot; cleared on reload

    # --- query analysis --------------------------------------------------------------------------

    def _restorer_for(self, snap: Any) -> DiacriticRestorer | None:
        """The diacritic tables of this snapshot, built on first use and kept until the index changes."""
        with self._lock:
            if self._vocab_for is not snap:
                chunks, _ = _snapshot_parts(snap)
                texts = [c.text for c in chunks.values()]
                self._restorer = DiacriticRestorer(texts, self._gazetteer.names) if texts else None
                self._vocab_for = snap
                self._analyses.clear()
            return self._restorer

    def _analyze(self, query: str, snap: Any) -> QueryInfo:
        """``analyze`` with the snapshot's vocabulary; repeated questions (FAQ traffic) hit a small LRU."""
        restorer = self._restorer_for(snap)
        return self._analyses.get(query, lambda: analyze(query, restorer, self._synonyms, self._shorthand,
                                                         self._gazetteer))

    def analyze(self, query: str) -> QueryInfo:
        return self._analyze(query, self._reader.snapshot())

    # --- retrieval ---------------------------------------------------------------------------------

    def retrieve(self, query: str, k: int) -> list[ScoredChunk]:
        return list(self.search(query, k).chunks)

    def retrieve_with_info(self, query: str, k: int) -> tuple[QueryInfo, list[ScoredChunk]]:
        result = self.search(query, k)
        return result.info, list(result.chunks)

    def search(self, query: str, k: int) -> Retrieval:
        """Analyse ``query`` and return its best ``k`` passages, best first."""
        snap = self._reader.snapshot()
        info = self._analyze(query, snap)
        chunks_by_id, docs = _snapshot_parts(snap)
        if k <= 0 or not chunks_by_id:
            return Retrieval(info, ())
        w = self.weights
        n = max(w.candidates, 4 * k)
        fused: dict[str, float] = {}
        signals: dict[str, dict[str, float]] = {}
        pool: dict[str, Chunk] = {}

        def add(kind: str, weight: float, texts: Sequence[str],
                search: Callable[[str, int], list[ScoredChunk]]) -> None:
            if weight <= 0 or not texts:
                return
            share = weight / len(texts)  # each form of the question gets an equal part of the weight
            for text in texts:
                for rank, sc in enumerate(search(text, n), start=1):
                    cid = sc.chunk.chunk_id
                    pool.setdefault(cid, sc.chunk)
                    fused[cid] = fused.get(cid, 0.0) + share / (w.rrf_k + rank)
                    sig = signals.setdefault(cid, {})
                    key = f"{kind}_rank"
                    if key not in sig or rank < sig[key]:
                        sig[key] = float(rank)
                        sig[kind] = float(sc.score)

        dense_forms, lexical_forms = info.search_forms()  # with the corpus pack's synonyms
        add("dense", w.dense_weight, dense_forms, self._reader.dense)
        add("lexical", w.lexical_weight, lexical_forms, self._reader.lexical)

        gaz = self._gazetteer
        places = _comparable_places(info.places, gaz)
        known = {p for meta in docs.values() for p in _doc_places(meta)}
        unknown = tuple(p for p in info.places if p not in known and gaz.province_of(p) not in known)
        scale = (w.rrf_k + 1.0) / (w.dense_weight + w.lexical_weight)  # rank 1 everywhere, no boost = 1.0
        scored: list[ScoredChunk] = []
        for cid, base in fused.items():
            chunk = pool[cid]
            meta = docs.get(chunk.source)
            sig = signals[cid]
            sig["rrf"] = base * scale
            factor = 1.0
            pm = _place_match(places, chunk, meta, gaz)
            if pm:
                sig["place_boost"] = w.place_boost * pm
                factor *= 1.0 + w.place_boost * pm
            ym = _year_match(info.years, chunk, meta)
            if ym:
                sig["year_boost"] = w.year_boost * ym
                factor *= 1.0 + w.year_boost * ym
            scored.append(ScoredChunk(chunk=chunk, score=base * scale * factor, signals=sig))
        scored.sort(key=lambda s: (-s.score, s.chunk.source, s.chunk.ordinal))
        facets = _facets(info, places, scored, docs, gaz) if w.per_place > 0 else []
        if facets:
            scored = _diversify(scored, facets, k, w.per_place)
        return Retrieval(info, tuple(scored[:k]), unknown)


# --- place / time awareness -------------------------------------------------------------------------

def _doc_places(meta: DocumentMeta | None) -> tuple[str, ...]:
    return meta.places if meta is not None else ()


def _comparable_places(places: Iterable[str], gaz: Gazetteer) -> tuple[str, ...]:
    """Named places, without a province that only appears as the parent of a named town."""
    places = tuple(places)
    parents = {gaz.province_of(p) for p in places if gaz.province_of(p) != p}
    return tuple(p for p in places if p not in parents)


@lru_cache(maxsize=8192)
def _folded(text: str) -> str:
    """Folded passage text, memoised: the same few hundred passages are checked on every question."""
    return fold(text)


def _about(place: str, chunk: Chunk, meta: DocumentMeta | None, gaz: Gazetteer) -> float:
    """1.0 when the passage's document is about ``place``; 0.5 when only the passage mentions it
    or its document is about the province a named town belongs to ("Quy Nhơn" -> Bình Định)."""
    doc_places = set(_doc_places(meta)) | set(chunk.places)
    if place in doc_places:
        return 1.0
    f = fold(place)
    if re.search(rf"(?<!\w){re.escape(f)}(?!\w)", _folded(chunk.text)):
        return 0.5
    if gaz.province_of(place) != place and gaz.province_of(place) in doc_places:
        return 0.5
    return 0.0


def _place_match(places: Sequence[str], chunk: Chunk, meta: DocumentMeta | None, gaz: Gazetteer) -> float:
    if not places:
        return 0.0
    return max(_about(p, chunk, meta, gaz) for p in places)


def _published_year(meta: DocumentMeta | None, chunk: Chunk) -> int | None:
    published = (meta.published if meta is not None else None) or chunk.published
    if published and published[:4].isdigit():
        return int(published[:4])
    return None


def _year_match(years: Sequence[int], chunk: Chunk, meta: DocumentMeta | None) -> float:
    """How well a passage's document fits the years a question names (0..1).

    1.0: the document mainly reports on that year (its most recent reported year) or was published
    then; 0.5: the year is among the years it reports on; +0.25 when the passage itself names it.
    """
    if not years:
        return 0.0
    doc_years = (meta.years if meta is not None and meta.years else chunk.years)
    pub = _published_year(meta, chunk)
    best = 0.0
    for y in years:
        m = 0.0
        if (doc_years and doc_years[0] == y) or pub == y:
            m = 1.0
        elif y in doc_years:
            m = 0.5
        if re.search(rf"(?<![\d\-–] )(?<![\d\-–])\b{y}\b(?!\s*[-–]\s*\d{{4}})", chunk.text):
            m = min(1.0, m + 0.25)
        best = max(best, m)
    return best


def _doc_year_fit(y: int, meta: DocumentMeta | None, chunk: Chunk) -> float:
    doc_years = meta.years if meta is not None and meta.years else chunk.years
    if (doc_years and doc_years[0] == y) or _published_year(meta, chunk) == y:
        return 1.0
    return 0.5 if y in doc_years else 0.0


def _facets(info: QueryInfo, places: Sequence[str], scored: Sequence[ScoredChunk],
            docs: Mapping[str, DocumentMeta], gaz: Gazetteer) -> list[Callable[[ScoredChunk], bool]]:
    """One membership test per thing a comparison question names twice or more (places, years).

    Years: the documents that fit each year best among those about the named places, so
    "Bình Định cuối năm 2022 và quý I/2025" wants both the 2023 article and the 2025 report.
    """
    def about(place: str) -> Callable[[ScoredChunk], bool]:
        return lambda s: _about(place, s.chunk, docs.get(s.chunk.source), gaz) == 1.0

    def from_docs(sources: frozenset[str]) -> Callable[[ScoredChunk], bool]:
        return lambda s: s.chunk.source in sources

    facets: list[Callable[[ScoredChunk], bool]] = []
    if len(places) >= 2:
        facets.extend(about(place) for place in places)
    if len(info.years) >= 2:
        in_scope = [s for s in scored if not places or _place_match(places, s.chunk, docs.get(s.chunk.source), gaz) == 1.0]
        for y in info.years:
            fit = {s.chunk.source: _doc_year_fit(y, docs.get(s.chunk.source), s.chunk) for s in in_scope}
            best = max(fit.values(), default=0.0)
            if best > 0:
                facets.append(from_docs(frozenset(src for src, f in fit.items() if f == best)))
    return facets


def _diversify(scored: list[ScoredChunk], facets: Sequence[Callable[[ScoredChunk], bool]],
               k: int, per_facet: int) -> list[ScoredChunk]:
    """Make sure each facet (a named place, a named year) has its best passages in the top ``k``."""
    quota = max(1, min(per_facet, k // len(facets)))
    reserved: dict[str, ScoredChunk] = {}
    for facet in facets:
        for s in [s for s in scored if facet(s)][:quota]:
            reserved.setdefault(s.chunk.chunk_id, s)
    reserved_list = list(reserved.values())[:k]
    rest = [s for s in scored if s.chunk.chunk_id not in reserved]
    top = reserved_list + rest[: max(0, k - len(reserved_list))]
    top.sort(key=lambda s: (-s.score, s.chunk.source, s.chunk.ordinal))
    chosen = {s.chunk.chunk_id for s in top}
    return top + [s for s in scored if s.chunk.chunk_id not in chosen]
