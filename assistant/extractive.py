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
from dataclasses import replace

from assistant.answer_model import AnswerModel
from assistant.answer_typing import AnswerTyper
from assistant.answerability import (
    RefusalTexts,
    Thresholds,
    Verdict,
    asked_type,
    assess,
    load_refusal_texts,
    refusal_message,
)
from assistant.article_meta import article_meta_kind, find_meta_line
from assistant.citations import citation_from_span, finalize_citations
from assistant.evidence import (
    Evidence,
    EvidenceFinder,
    ScoredSentence,
    Sentence,
)
from assistant.lead import compose_lead, grounded, render_lead
from assistant.protocols import StreamEvent
from assistant.query import QueryInfo, analyze
from assistant.selection import select_sentences
from assistant.types import Answer, Citation, Retrieved, ScoredChunk

__all__ = ["ExtractiveAnswerer"]

log = logging.getLogger(__name__)



class ExtractiveAnswerer:
    """Implements the ``Answerer`` protocol by quoting evidence sentences verbatim.

    ``analyzer`` turns the question into a ``QueryInfo`` (the pipeline's analyzer, so the
    restorer built from the index is shared); ``covered_places`` lists the places the corpus
    is about, to tell users where the documents *do* have answers when refusing.
    """

    def __init__(self, finder: EvidenceFinder, *, analyzer: Callable[[str], QueryInfo] = analyze,
                 covered_places: Sequence[str] = (), thresholds: Thresholds | None = None,
                 typer: AnswerTyper | None = None, model: AnswerModel | None = None,
                 labeler: Callable[[str, int, int], tuple[str, str]] | None = None,
                 refusal_texts: dict[str, RefusalTexts] | None = None) -> None:
        self._finder = finder
        self._typer = typer
        self._model = model
        self._labeler = labeler
        self._refusals = refusal_texts or load_refusal_texts()
        self._analyze = analyzer
        self._covered_places = tuple(covered_places)
        self._thresholds = thresholds or Thresholds()

    # --- Answerer protocol ------------------------------------------------------------------------
    def answer(self, question: str, contexts: Sequence[ScoredChunk], *, language: str = "vi") -> Answer:
        t0 = time.perf_counter()
        info = self._analyze(question)
        ev = self._finder.find(info, contexts)
        retrieved = tuple(Retrieved(c.chunk.source, c.chunk.chunk_id, round(float(c.score), 4)) for c in contexts)
        about_article = self._article_meta(ev, language)
        if about_article is not None:
            text, citations, kind = about_article
            meta = {"answerer": "extractive", "verdict": f"article_{kind}" if citations else "article_meta_missing",
                    "qtype": info.qtype, "answer_ms": round((time.perf_counter() - t0) * 1000, 2)}
            if not citations:  # the report has no byline/date line: its sentences do not say either
                text = refusal_message(Verdict(False, "article_meta_missing"), info, self._covered_places, language,
                                       self._refusals)
                return Answer(text, True, (), retrieved, meta=meta)
            return Answer(text, False, citations, retrieved, meta=meta)
        chosen = select_sentences(ev)
        verdict = assess(ev, chosen, self._thresholds, self._model, self._typer, contexts)
        meta = {"answerer": "extractive", "verdict": verdict.reason, "support": verdict.detail,
                "qtype": info.qtype, "answer_ms": 0.0}
        if not verdict.answerable:
            text = refusal_message(verdict, info, self._covered_places, language, self._refusals)
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
        return ev, chosen, assess(ev, chosen, self._thresholds, self._model, self._typer, contexts)

    def _article_meta(self, ev: Evidence, language: str) -> tuple[str, tuple[Citation, ...], str] | None:
        """Quote the byline/date line of the best-matching report for "who wrote / which paper / when
        posted" questions (see assistant/article_meta.py); None when the question is not one (or names
        a place no report covers: the ordinary decision refuses it); no citations when that report has
        no such line."""
        kind = article_meta_kind(ev.info.question)
        if not kind or ev.missing_places or not ev.ranked:
            return None
        source = ev.ranked[0].sentence.source
        doc = ev.docs[source]
        line = find_meta_line(doc.text, kind)
        if line is None:
            return "", (), kind
        title = ev.titles.get(source, "") or source
        label = _label(ev, source, title, language)
        cite = citation_from_span(1, source, title, doc.text, line.start, line.end)
        quoted = _with_marker(line.text, 1, language)
        # the line itself is the direct answer; the source is named after its marker
        text = f"{quoted}\n(According to {label}.)" if language == "en" else f"{quoted}\n(Theo {label}.)"
        text, citations = finalize_citations(text, [cite])
        return text, citations, kind

    # --- composition ------------------------------------------------------------------------------
    def compose(self, ev: Evidence, chosen: Sequence[ScoredSentence],
                language: str) -> tuple[str, tuple[Citation, ...]]:
        """The direct answer first (see assistant/lead.py), then the quoted sentences, each with ``[n]``.

        A list's items are shown as a list under the lead (they are the quotes); the other chosen
        sentences follow, grouped by source in document order, under the source's label.
        """
        lead = None
        if self._typer is not None:
            lead = compose_lead(ev, chosen, self._typer, language, asked_type(ev.info, self._typer))
        candidates: list[Citation] = []
        index_of: dict[tuple[str, int], int] = {}

        def cite(s: Sentence) -> int:
            key = (s.source, s.index)
            if key not in index_of:
                doc = ev.docs[s.source]
                c = citation_from_span(len(candidates) + 1, s.source, ev.titles.get(s.source, "") or s.source,
                                       doc.text, s.start, s.end)
                if self._labeler is not None:
                    label, note = self._labeler(s.source, s.start, s.end)
                    c = replace(c, label=label, note=note)
                candidates.append(c)
                index_of[key] = len(candidates)
            return index_of[key]

        lines: list[str] = []
        shown: set[tuple[str, int]] = set()
        if lead is not None and self._typer is not None:
            n = cite(lead.sentence)
            other_n = cite(lead.other) if lead.other is not None else 0
            lines.append(render_lead(lead, n, language, self._typer, other_n))
            for item in lead.items:
                lines.append(f"- {item.text.rstrip(' ;.,')} [{cite(item)}]")
                shown.add((item.source, item.index))
            if lead.items:  # the list is the answer: its intro and neighbours are not quoted again
                shown |= {(r.sentence.source, r.sentence.index) for r in chosen
                          if r.sentence.source == lead.sentence.source}
            quotes = [candidates[n - 1].quote] + ([candidates[other_n - 1].quote] if other_n else [])
            if grounded(lines[0], quotes):
                log.info("lead dropped: figures or names not in its quote")
                lines = lines[1:]
        groups: dict[str, list[Sentence]] = {}
        for r in chosen:
            if (r.sentence.source, r.sentence.index) not in shown:
                groups.setdefault(r.sentence.source, []).append(r.sentence)
        for source, sents in groups.items():
            sents = _dedupe(sorted(sents, key=lambda s: s.start))
            title = ev.titles.get(source, "") or source
            quoted = [_with_marker(s.text, cite(s), language) for s in sents]
            label = candidates[index_of[(source, sents[0].index)] - 1].label or _label(ev, source, title, language)
            # the answer text states only what its quotes state: a report's date stays in its citation label
            label = _LABEL_DATE.sub("", label)
            if language == "en":
                lines.append(f"According to {label}: " + " ".join(quoted))
            else:
                lines.append(f"Theo {label}: " + " ".join(quoted))
        return finalize_citations("\n".join(lines), candidates)


_LABEL_DATE = re.compile(r",\s*\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$")


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
