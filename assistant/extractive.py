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
from assistant.lead import compose_lead, grounded, join_leads, lead_room, render_lead
from assistant.lexicon import WordList
from assistant.protocols import StreamEvent
from assistant.query import QueryInfo, analyze
from assistant.question_cues import asks_for_list
from assistant.question_parts import split_parts
from assistant.selection import select_sentences
from assistant.types import Answer, Citation, Retrieved, ScoredChunk

__all__ = ["ExtractiveAnswerer"]

log = logging.getLogger(__name__)

_BULLET = re.compile(r"^\s*[-•+*–]\s+")
# how far down the ranking a question asking two values looks for the sentence stating the one the chosen lack
_VALUE_REACH = 12


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
                 refusal_texts: dict[str, RefusalTexts] | None = None,
                 retrieve: Callable[[str, int], Sequence[ScoredChunk]] | None = None, top_k: int = 8,
                 words: WordList | None = None) -> None:
        self._finder = finder
        # a two-part question is searched again per part, so each part is answered on its own passages
        # exactly as if it had been asked alone (without ``retrieve``: on the question's passages)
        self._retrieve = retrieve
        self._top_k = top_k
        self._typer = typer
        self._model = model
        self._labeler = labeler
        self._refusals = refusal_texts or load_refusal_texts()
        self._analyze = analyzer
        self._covered_places = tuple(covered_places)
        self._thresholds = thresholds or Thresholds()
        self._words = words  # which syllable pairs are words (the verdict's absent-topic test)

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
        parts = split_parts(question, self._analyze, self._typer)
        if len(parts) > 1:
            multi = self._answer_parts(parts, contexts, language, retrieved, t0)
            if multi is not None:
                return multi
        chosen = self._select(ev, info)
        verdict = assess(ev, chosen, self._thresholds, self._model, self._typer, contexts, self._words)
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
        chosen = self._select(ev, info)
        return ev, chosen, assess(ev, chosen, self._thresholds, self._model, self._typer, contexts, self._words)

    def _select(self, ev: Evidence, info: QueryInfo) -> list[ScoredSentence]:
        """The sentences to quote; a question asking for a kind of items (papers, steps) passes the test
        of whether a list's heading names that kind."""
        typer = self._typer
        kind = typer.list_kind(info.question) if typer is not None else ""
        names_kind = (lambda text: typer.names_list_kind(text, kind)) if typer is not None and kind else None
        inline = typer.inline_subject if typer is not None else None
        expected = typer.expected(info.question) if typer is not None else ""
        asking = typer.asking_words(info.question) if typer is not None else frozenset()
        thing = typer.asked_thing(info.question) if typer is not None else ()
        chosen = select_sentences(ev, self._wants_list(info, kind), names_kind, inline, expected, asking, thing)
        return self._with_every_value(ev, info, chosen)

    def _with_every_value(self, ev: Evidence, info: QueryInfo, chosen: list[ScoredSentence]) -> list[ScoredSentence]:
        """A question asking two values ("lệ phí hết bao nhiêu, bao lâu thì có") quotes, for each one the chosen
        sentences lack, the best-ranked sentence of the same page that states it: a procedure page gives the fee
        and the time limit in sentences of their own, which match the question's words about equally."""
        typer = self._typer
        if typer is None or not chosen or info.qtype in ("compare", "why"):
            return chosen
        kinds = typer.expected_all(info.question)
        if len(kinds) < 2:
            return chosen
        out = list(chosen)
        source = chosen[0].sentence.source
        for kind in kinds:
            if any(typer.has_asked(r.sentence.text, kind, ev.terms.weights) for r in out):
                continue
            extra = next((r for r in ev.ranked[:_VALUE_REACH] if r.sentence.source == source
                          and all(c.sentence != r.sentence for c in out)
                          and typer.has_asked(r.sentence.text, kind, ev.terms.weights)), None)
            if extra is not None:
                out.append(extra)
        return out

    def _wants_list(self, info: QueryInfo, kind: str = "") -> bool:
        """A list is the answer: items or steps are asked for, and neither a value nor a yes/no verdict."""
        yes_no = info.qtype == "yes_no" or (self._typer is not None and self._typer.reads_yes_no(info.question,
                                                                                                info.qtype))
        return not yes_no and asks_for_list(info, asked_type(info, self._typer), kind)

    def _answer_parts(self, parts: Sequence[str], contexts: Sequence[ScoredChunk], language: str,
                      retrieved: tuple[Retrieved, ...], t0: float) -> Answer | None:
        """One lead per part of a two-part question, on the same passages; a part the documents do not
        answer says so in its own line. None when no part is answerable (the whole question is then
        decided as one)."""
        decided = []
        for part in parts:
            own = self._retrieve(part, self._top_k) if self._retrieve is not None else contexts
            ev, chosen, verdict = self.evidence(part, own)
            decided.append((part, ev, chosen, verdict))
        if not any(v.answerable for _, _, _, v in decided):
            return None
        reg = _CitationRegistry(self._labeler)
        leads: list[str] = []
        unstated: list[str] = []
        items: list[str] = []
        rest: list[str] = []
        texts = self._refusals["en" if language == "en" else "vi"]
        share = lead_room(sum(v.answerable for _, _, _, v in decided))
        for part, ev, chosen, verdict in decided:
            if not verdict.answerable:
                unstated.append(texts.part_not_stated.format(part=part.rstrip(" ?")) + ".")
                continue
            lead_lines, quote_lines = self._lines(ev, chosen, language, reg, share)
            for line in lead_lines:  # two parts, one answer: once
                target = items if line.startswith("- ") else leads
                if line not in target:
                    target.append(line)
            rest.extend(line for line in quote_lines if line not in rest)
        # what the documents answer leads, ending with its markers; the parts they do not answer follow
        verdicts = self._typer.verdict_words(language) if self._typer is not None else frozenset()
        first = " ".join(([join_leads(leads, verdicts)] if leads else []) + unstated)
        text, citations = finalize_citations("\n".join([first] + items + rest), reg.candidates)
        meta = {"answerer": "extractive", "verdict": "ok", "qtype": "parts",
                "parts": [{"question": p, "verdict": v.reason, "support": v.detail} for p, _, _, v in decided],
                "answer_ms": round((time.perf_counter() - t0) * 1000, 2)}
        return Answer(text, False, citations, retrieved, meta=meta)

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
        """The direct answer first (see assistant/lead.py), then the quoted sentences, each with ``[n]``."""
        reg = _CitationRegistry(self._labeler)
        lead_lines, quote_lines = self._lines(ev, chosen, language, reg)
        return finalize_citations("\n".join(lead_lines + quote_lines), reg.candidates)

    def _lines(self, ev: Evidence, chosen: Sequence[ScoredSentence], language: str,
               reg: _CitationRegistry, room: int | None = None) -> tuple[list[str], list[str]]:
        """The lead (and a list's items under it), and the quote lines.

        A list's items are shown as a list under the lead (they are the quotes); the other chosen
        sentences follow, grouped by source in document order, under the source's label.
        """
        lead = None
        if self._typer is not None:
            lead = compose_lead(ev, chosen, self._typer, language, asked_type(ev.info, self._typer),
                                room or lead_room(1))

        def cite(s: Sentence) -> int:
            return reg.cite(ev, s)

        lines: list[str] = []
        shown: set[tuple[str, int]] = set()
        if lead is not None and self._typer is not None:
            n = cite(lead.sentence)
            other_n = cite(lead.other) if lead.other is not None else 0
            lines.append(render_lead(lead, n, language, self._typer, other_n))
            for item in lead.items:
                # "- " marks the item already: a bullet of the document's own is not repeated
                lines.append(f"- {_BULLET.sub('', item.text).rstrip(' ;.,')} [{cite(item)}]")
                shown.add((item.source, item.index))
            if lead.items:  # the list is the answer: its intro and neighbours are not quoted again
                shown |= {(r.sentence.source, r.sentence.index) for r in chosen
                          if r.sentence.source == lead.sentence.source}
            quotes = [reg.candidates[n - 1].quote] + ([reg.candidates[other_n - 1].quote] if other_n else []) \
                + [reg.candidates[reg.index_of[(i.source, i.index)] - 1].quote for i in lead.items]
            if grounded(lines[0], quotes):
                log.info("lead dropped: figures or names not in its quote")
                lines = lines[1:]
        groups: dict[str, list[Sentence]] = {}
        for r in chosen:
            if (r.sentence.source, r.sentence.index) not in shown:
                groups.setdefault(r.sentence.source, []).append(r.sentence)
        quote_lines: list[str] = []
        for source, sents in groups.items():
            sents = _dedupe(sorted(sents, key=lambda s: s.start))
            title = ev.titles.get(source, "") or source
            numbers = [cite(s) for s in sents]
            labels = [reg.candidates[n - 1].label for n in numbers]
            # one line per article of a law (a report's sentences share one label): a quote is never
            # shown under another article's label
            runs: list[tuple[list[str], list[int], list[Sentence]]] = []
            for s, n, lb in zip(sents, numbers, labels, strict=True):
                if runs and _label_parts(lb)[:2] == _label_parts(runs[-1][0][-1])[:2]:
                    runs[-1][0].append(lb)
                    runs[-1][1].append(n)
                    runs[-1][2].append(s)
                else:
                    runs.append(([lb], [n], [s]))
            for run_labels, run_numbers, run_sents in runs:
                label = _common_label(run_labels) or _label(ev, source, title, language)
                # the answer text states only what its quotes state: a report's date stays in its citation label
                label = _LABEL_DATE.sub("", label)
                quoted = [_with_marker(s.text, n, language) for s, n in zip(run_sents, run_numbers, strict=True)]
                if language == "en":
                    quote_lines.append(f"According to {label}: " + " ".join(quoted))
                else:
                    quote_lines.append(f"Theo {label}: " + " ".join(quoted))
        return lines, quote_lines


class _CitationRegistry:
    """The citations of one answer, numbered in order of first use; a sentence cited twice keeps its number."""

    def __init__(self, labeler: Callable[[str, int, int], tuple[str, str]] | None) -> None:
        self._labeler = labeler
        self.candidates: list[Citation] = []
        self.index_of: dict[tuple[str, int], int] = {}

    def cite(self, ev: Evidence, s: Sentence) -> int:
        key = (s.source, s.index)
        if key not in self.index_of:
            doc = ev.docs[s.source]
            c = citation_from_span(len(self.candidates) + 1, s.source, ev.titles.get(s.source, "") or s.source,
                                   doc.text, s.start, s.end)
            if self._labeler is not None:
                label, note = self._labeler(s.source, s.start, s.end)
                c = replace(c, label=label, note=note)
            self.candidates.append(c)
            self.index_of[key] = len(self.candidates)
        return self.index_of[key]


_LABEL_DATE = re.compile(r",\s*\d{1,2}[/.]\d{1,2}[/.]\d{2,4}$")


def _label_parts(label: str) -> list[str]:
    """"Luật Cư trú, Điều 30, khoản 4" -> its parts, coarse to fine."""
    return [p.strip() for p in label.split(",")] if label else []


def _common_label(labels: Sequence[str]) -> str:
    """The parts all labels share ("Luật Cư trú, Điều 8" for its khoản 2 and 7); "" when none."""
    parts = [_label_parts(lb) for lb in labels]
    common: list[str] = []
    for column in zip(*parts, strict=False):
        if len(set(column)) != 1:
            break
        common.append(column[0])
    return ", ".join(common)


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
