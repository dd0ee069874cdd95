"""The extractive answerer: quotes the sentences that state the answer, each with its citation.

Why extractive by default: it runs on a 2-core CPU with no model download, it can never alter a
number, and it is immune to instructions hidden in documents because it only ever *quotes*
document text. The answer is a short lead-in naming the source (in the question's language)
followed by the verbatim sentence(s), each marked ``[n]``.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence

from assistant.answerability import Thresholds, Verdict, assess, refusal_message
from assistant.citations import citation_from_span, finalize_citations
from assistant.evidence import Evidence, EvidenceFinder, ScoredSentence, Sentence
from assistant.protocols import StreamEvent
from assistant.query import QueryInfo, analyze
from assistant.types import Answer, Citation, Retrieved, ScoredChunk

__all__ = ["ExtractiveAnswerer", "select_sentences"]

log = logging.getLogger(__name__)

_MAX_SENTENCES = {"list": 3, "why": 4, "compare": 4}
_DEFAULT_MAX = 3
_MAX_QUOTE_CHARS = 1200  # beyond this a second sentence is only added when it is needed


def select_sentences(ev: Evidence) -> list[ScoredSentence]:
    """The sentences to quote: the best one, plus others that state parts of the question it misses."""
    if not ev.ranked:
        return []
    qtype = ev.info.qtype
    covered_places = [p for p in ev.info.places if ev.place_docs.get(p)]
    if len(covered_places) >= 2:
        return _select_per_place(ev, covered_places)
    return _greedy(ev, ev.ranked, _MAX_SENTENCES.get(qtype, _DEFAULT_MAX))


_OPENERS = ("trong do", "trong so do", "cu the", "theo do", "dong thoi")  # need the sentence before
_ANNOUNCES = re.compile(r":\s*$|\(1\)|\bgom\s*:|\bnhu sau\b|\bnhieu (?:han che|kho khan|vuong mac)\b"
                        r"|\bnhung (?:han che|kho khan|vuong mac)\b")
_NEGATIVE = re.compile(r"\b(?:chua|con (?:thap|cham|han che|nhieu|kho|phuc tap)|kho khan|han che|lung tung|"
                       r"mat ket noi|tre han|yeu kem|bat cap|thieu|doc lap|don le|cham|mat diem|thap)\b")


def _greedy(ev: Evidence, pool: Sequence[ScoredSentence], limit: int) -> list[ScoredSentence]:
    best = pool[0]
    chosen = [best]
    weights = ev.terms.weights
    total = ev.terms.total
    qtype = ev.info.qtype
    by_key = {(r.sentence.source, r.sentence.index): r for r in pool}

    def add(sent: Sentence | None) -> bool:
        if sent is None or len(chosen) >= limit + 2:
            return False
        r = by_key.get((sent.source, sent.index))
        if r is None or any(c.sentence == sent for c in chosen):
            return False
        chosen.append(r)
        return True

    # a sentence that starts "Trong đó, ..." only makes sense with the one before it
    if best.sentence.folded.startswith(_OPENERS):
        add(ev.previous_sentence(best.sentence))
    # an announced list / explanation continues in the following sentences
    if qtype in ("list", "why", "other") and _ANNOUNCES.search(best.sentence.folded):
        nxt = ev.next_sentence(best.sentence)
        while nxt is not None and len(chosen) < limit + 1 and (
                nxt.para == best.sentence.para or best.sentence.text.rstrip().endswith(":")):
            add(nxt)
            nxt = ev.next_sentence(nxt)
    elif qtype == "why":
        nxt = ev.next_sentence(best.sentence)
        while nxt is not None and len(chosen) < limit - 1 and (
                _NEGATIVE.search(nxt.folded) or nxt.folded.startswith(_OPENERS)):
            add(nxt)
            nxt = ev.next_sentence(nxt)
    covered: set[str] = set()
    for c in chosen:
        covered |= c.matched
    for cand in pool[1:40]:
        if len(chosen) >= limit:
            break
        if any(c.sentence == cand.sentence for c in chosen):
            continue
        gain = sum(weights[t] for t in cand.matched - covered) / total
        need = 0.12 if qtype in ("list", "why", "compare") else 0.15
        close = qtype == "why" and (cand.score >= 0.8 * best.score or (
            cand.score >= 0.5 * best.score and _NEGATIVE.search(cand.sentence.folded) is not None))
        if (gain >= need and cand.score >= 0.55 * best.score) or close:
            chosen.append(cand)
            covered |= cand.matched
    return chosen


def _select_per_place(ev: Evidence, places: list[str]) -> list[ScoredSentence]:
    chosen: list[ScoredSentence] = []
    for place in places:
        sources = set(ev.place_docs[place])
        pool = [r for r in ev.ranked if r.sentence.source in sources and r not in chosen]
        if pool:
            chosen.extend(_greedy(ev, pool, 2))
    return chosen


class ExtractiveAnswerer:
    """Implements the ``Answerer`` protocol by quoting evidence sentences verbatim.

    ``analyzer`` turns the question into a ``QueryInfo`` (the pipeline's analyzer, so the
    restorer built from the index is shared); ``covered_places`` lists the places the corpus
    is about, to tell users where the documents *do* have answers when refusing.
    """

    def __init__(self, finder: EvidenceFinder, *, analyzer: Callable[[str], QueryInfo] = analyze,
                 covered_places: Sequence[str] = (), thresholds: Thresholds | None = None) -> None:
        self._finder = finder
        self._analyze = analyzer
        self._covered_places = tuple(covered_places)
        self._thresholds = thresholds or Thresholds()

    # --- Answerer protocol ------------------------------------------------------------------------
    def answer(self, question: str, contexts: Sequence[ScoredChunk], *, language: str = "vi") -> Answer:
        t0 = time.perf_counter()
        info = self._analyze(question)
        ev = self._finder.find(info, contexts)
        chosen = select_sentences(ev)
        verdict = assess(ev, chosen, self._thresholds)
        retrieved = tuple(Retrieved(c.chunk.source, c.chunk.chunk_id, round(float(c.score), 4)) for c in contexts)
        meta = {"answerer": "extractive", "verdict": verdict.reason, "support": verdict.detail,
                "qtype": info.qtype, "answer_ms": 0.0}
        if not verdict.answerable:
            text = refusal_message(verdict, info, self._covered_places, language)
            meta["answer_ms"] = round((time.perf_counter() - t0) * 1000, 2)
            return Answer(text, True, (), retrieved, meta=meta)
        text, citations = self.compose(ev, chosen, language)
        meta["answer_ms"] = round((time.perf_counter() - t0) * 1000, 2)
        return Answer(text, False, citations, retrieved, meta=meta)

    def stream(self, question: str, contexts: Sequence[ScoredChunk], *,
               language: str = "vi") -> Iterator[StreamEvent]:
        """Extractive answers are ready at once: one delta per line, then the Answer."""
        ans = self.answer(question, contexts, language=language)
        for line in ans.answer.splitlines(keepends=True):
            yield StreamEvent("delta", text=line)
        yield StreamEvent("answer", answer=ans)

    def evidence(self, question: str, contexts: Sequence[ScoredChunk]) -> tuple[Evidence, list[ScoredSentence],
                                                                               Verdict]:
        """The evidence and refusal decision without composing (for an LLM answerer to reuse)."""
        info = self._analyze(question)
        ev = self._finder.find(info, contexts)
        chosen = select_sentences(ev)
        return ev, chosen, assess(ev, chosen, self._thresholds)

    # --- composition ------------------------------------------------------------------------------
    def compose(self, ev: Evidence, chosen: Sequence[ScoredSentence],
                language: str) -> tuple[str, tuple[Citation, ...]]:
        """Lead-in naming each source, then the quoted sentences in document order, each with ``[n]``."""
        groups: dict[str, list[Sentence]] = {}
        for r in chosen:
            groups.setdefault(r.sentence.source, []).append(r.sentence)
        candidates: list[Citation] = []
        parts: list[str] = []
        for source, sents in groups.items():
            sents = _dedupe(sorted(sents, key=lambda s: s.start))
            doc = ev.docs[source]
            title = ev.titles.get(source, "") or source
            label = _label(ev, source, title, language)
            quoted: list[str] = []
            for s in sents:
                candidates.append(citation_from_span(len(candidates) + 1, source, title, doc.text, s.start, s.end))
                quoted.append(_with_marker(s.text, len(candidates), language))
            if language == "en":
                parts.append(f"According to {label}: " + " ".join(quoted))
            else:
                parts.append(f"Theo {label}: " + " ".join(quoted))
        text = "\n".join(parts)
        return finalize_citations(text, candidates)


def _dedupe(sents: list[Sentence]) -> list[Sentence]:
    out: list[Sentence] = []
    for s in sents:
        if out and s.start < out[-1].end:  # overlapping spans from overlapping chunks
            continue
        out.append(s)
    return out


def _with_marker(text: str, n: int, language: str) -> str:
    """The verbatim sentence with ``[n]`` before its final full stop (English: in quotation marks)."""
    body = text.rstrip()
    end = ""
    if body.endswith((".", "…")) and not body.endswith(".."):
        body, end = body[:-1], body[-1]
    if language == "en":
        return f"“{body}{end}” [{n}]"
    return f"{body} [{n}]{end or '.'}"


def _label(ev: Evidence, source: str, title: str, language: str) -> str:
    places = ev.chunk_places.get(source, ())
    place = places[0] if places else ""
    # a real headline, not a lead sentence that the loader took as the title
    short = title if title and title != source and len(title) <= 90 and not title.rstrip().endswith(".") else ""
    if language == "en":
        if short:
            return f"“{short}”" + (f" ({place})" if place and place not in short else "")
        return f"the document on {place}" if place else f"the document {source}"
    if short:
        return f"tài liệu “{short}”" + (f" ({place})" if place and place not in short else "")
    return f"tài liệu về {place}" if place else f"tài liệu {source}"
