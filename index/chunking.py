"""Sentence splitting and sentence-aware chunking with exact offsets.

Why sentences: the answerer quotes whole sentences verbatim, so both the chunker
and the extractive answerer use the same ``split_sentences``; a bad split (after
"TP." or inside "1.230") would produce broken quotes.  Every chunk is an exact
slice of the normalised document text (``chunk.text == doc.text[start:end]``),
which is what makes citation offsets trustworthy.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from index.legal import KIND_LAW, Article, LegalStructure, parse_legal
from index.normalize import clutter_spans
from index.types import Chunk, Document

__all__ = ["split_sentences", "Chunker", "chunk_id_for", "search_text"]

# Tokens that end with a period but do not end a sentence (compared lowercase,
# with internal dots kept: "pgs.ts", "th.s").  "v.v" is NOT here on purpose: it
# usually does end an enumeration sentence; nor are acronyms like "UBND"/"TW",
# which are written without a period, so "... Nghị quyết 57-NQ/TW. Hạ tầng" splits.
_ABBREVIATION_WORDS = (
    "tp tx tt q p h x tr ths th.s ts pgs gs pgs.ts gs.ts bs bsck ks cn ncs đ/c mr mrs ms dr st no vs "
    "etc e.g i.e sđt đt tel fax kts nxb gđ pgđ tgđ"
)
_ABBREVIATIONS = frozenset(_ABBREVIATION_WORDS.split())
_TERMINAL = re.compile(r"(?:\.\.\.|…|[.!?])+(?:/\.)?[”\"’'»)\]]*")
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,3}|[IVXLCivxlc]{1,6}|[a-zđA-ZĐ])$")
_OPENERS = "“\"‘'«([–"


def _prev_token(text: str, pos: int, line_start: int) -> str:
    """The non-space token that ends at ``pos`` (exclusive)."""
    i = pos
    while i > line_start and not text[i - 1].isspace():
        i -= 1
    return text[i:pos]


def _is_boundary(text: str, p_start: int, p_end: int, line_start: int, line_end: int, seg_start: int) -> bool:
    """Decide whether the punctuation run text[p_start:p_end] ends a sentence."""
    if p_end >= line_end:
        return True
    punct = text[p_start:p_end]
    nxt = text[p_end]
    if nxt.isspace():
        j = p_end
        while j < line_end and text[j].isspace():
            j += 1
        if j >= line_end:
            return True
        first = text[j]
        if first in _OPENERS:
            # "... – Giám đốc" dash continuation, "( ..." odd spacing: not a new sentence
            return not (j + 1 < line_end and text[j + 1].isspace())
        if not (first.isupper() or first.isdigit()):
            return False
    else:
        # No space after the punctuation: only split "thực hiện.Các hệ thống",
        # "đạt 72%.Các nhóm", "nghiệp vụ...Trong đó" (missing space in the source),
        # never "TP.HCM", "1.230", "22.12.2024", "gov.vn".
        if not (nxt.isupper() and p_end + 1 < line_end and text[p_end + 1].islower()):
            return False
        prev = text[p_start - 1] if p_start > line_start else " "
        if not (prev.islower() or prev in '%)”"' or (prev.isdigit() and punct.startswith((".", "…")))):
            return False
        if prev.isdigit() and punct == ".":
            return False  # "Điều 5.Khoản" is too ambiguous; numbers rarely end a sentence glued
    if punct.startswith(".") and not punct.startswith("..."):
        token = _prev_token(text, p_start, line_start).lstrip("“\"‘'«([")
        low = token.lower()
        if low in _ABBREVIATIONS:
            return False
        if len(token) == 1 and token.isalpha() and token.isupper():
            return False  # an initial: "N. V. An"
        if _LIST_MARKER.match(text[seg_start:p_start]):
            return False  # "1. Giới thiệu", "a. Mục tiêu"
    return True


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if end > start else None


_FILE_NAME_LINE = re.compile(r"\.(?:jpe?g|png|gif|webp|bmp|svg|tiff?|pdf|docx?)[ \t]*$", re.IGNORECASE)
_SOFT_WRAP_MIN = 40  # a hard-wrapped line is long; headlines and list items are short or punctuated


def _is_soft_wrap(text: str, line_start: int, nl: int, end: int) -> bool:
    """True when the newline at ``nl`` only wraps a long line (hard-wrapped TXT, PDF text).

    The line must be long, end without punctuation, and the next line must go on
    with a lowercase word: "... dịch vụ công\ntrực tuyến toàn trình".
    """
    line = text[line_start:nl].rstrip()
    if len(line.strip()) < _SOFT_WRAP_MIN or line[-1] in ".!?…:;”\"')]":
        return False
    nxt_end = text.find("\n", nl + 1, end)
    nxt = text[nl + 1 : end if nxt_end < 0 else nxt_end].strip()
    return bool(nxt) and nxt[0].isalpha() and nxt[0].islower() and not _FILE_NAME_LINE.search(nxt)


def _logical_line_end(text: str, line_start: int, end: int) -> int:
    nl = text.find("\n", line_start, end)
    physical_start = line_start
    while nl >= 0 and _is_soft_wrap(text, physical_start, nl, end):
        physical_start = nl + 1
        nl = text.find("\n", physical_start, end)
    return end if nl < 0 else nl


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans in ``text[start:end]`` as absolute, whitespace-trimmed offsets.

    A newline ends a sentence (headlines and list items stand alone), except a
    soft wrap inside a long line that goes on in lowercase (hard-wrapped text).
    """
    end = len(text) if end is None else min(end, len(text))
    start = max(0, start)
    spans: list[tuple[int, int]] = []
    line_start = start
    while line_start < end:
        line_end = _logical_line_end(text, line_start, end)
        seg_start = line_start
        for m in _TERMINAL.finditer(text, line_start, line_end):
            if _is_boundary(text, m.start(), m.end(), line_start, line_end, seg_start):
                span = _trimmed(text, seg_start, m.end())
                if span:
                    spans.append(span)
                seg_start = m.end()
        span = _trimmed(text, seg_start, line_end)
        if span:
            spans.append(span)
        line_start = line_end + 1
    return spans


_CLAUSE_BREAKS = ("; ", ": ", ", ", " – ", " - ")
_WHITESPACE = re.compile(r"\s")


def _split_long(text: str, start: int, end: int, max_chars: int) -> list[tuple[int, int]]:
    """Split one over-long sentence at clause boundaries, else at whitespace, never mid-word.

    Only a single "word" longer than ``max_chars`` is cut inside, so every piece fits.
    """
    pieces: list[tuple[int, int]] = []
    while end - start > max_chars:
        limit = start + max_chars
        window = text[start:limit]
        cut = -1
        for sep in _CLAUSE_BREAKS:
            k = window.rfind(sep)
            if k >= max_chars // 3:
                cut = start + k + len(sep.rstrip())
                break
        if cut < 0:
            spaces = [m.start() for m in _WHITESPACE.finditer(window, 1)]
            cut = start + spaces[-1] if spaces else -1
        if cut < 0:
            # one giant "word" (a URL, base64, a table without spaces): no word boundary
            # exists, so cut at the size limit, but never between a letter and its mark
            cut = limit
            while cut > start + 1 and unicodedata.combining(text[cut]):
                cut -= 1
        piece = _trimmed(text, start, cut)
        if piece:
            pieces.append(piece)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    piece = _trimmed(text, start, end)
    if piece:
        pieces.append(piece)
    return pieces


def _free_regions(length: int, skip: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    regions: list[tuple[int, int]] = []
    pos = 0
    for s, e in sorted(skip):
        s, e = max(0, s), min(length, e)
        if s > pos:
            regions.append((pos, s))
        pos = max(pos, e)
    if pos < length:
        regions.append((pos, length))
    return regions


def chunk_id_for(source: str, start: int, text: str, context: str = "") -> str:
    """Stable id from content: the same passage of the same source always gets the same id.

    The context is part of the id when there is one, because it is embedded with the passage: the
    same text under another heading is another vector (ids of context-free passages are unchanged).
    """
    key = f"{source}\x00{start}\x00{text}" + (f"\x00{context}" if context else "")
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def search_text(chunk: Chunk) -> str:
    """What search sees of a passage: its context line (law and article heading) and then its text.

    Why: a clause of a long article rarely repeats the article's topic ("2. Hồ sơ gồm: …" never says
    "thường trú"), and citizens name the law or the topic, so both the embedding and BM25 read the
    heading with every piece of the article. Citations still quote ``chunk.text`` only.
    """
    return f"{chunk.context}\n{chunk.text}" if chunk.context else chunk.text


@dataclass(frozen=True)
class _Unit:
    start: int
    end: int
    heading: bool  # a line of its own without terminal punctuation


class Chunker:
    """Packs sentences into chunks of at most ``max_chars`` with sentence overlap."""

    def __init__(self, max_chars: int = 700, overlap_sentences: int = 1, legal_context: bool = True,
                 law_max_chars: int | None = None) -> None:
        if max_chars < 50:
            raise ValueError(f"max_chars must be at least 50, got {max_chars}")
        if overlap_sentences < 0:
            raise ValueError(f"overlap_sentences must be >= 0, got {overlap_sentences}")
        if law_max_chars is not None and law_max_chars < 50:
            raise ValueError(f"law_max_chars must be at least 50, got {law_max_chars}")
        self.max_chars = max_chars
        self.overlap_sentences = overlap_sentences
        # whether a law passage carries "Luật X, Điều N. heading" as its search context (measured:
        # see README, "Legal texts")
        self.legal_context = legal_context
        self.law_max_chars = law_max_chars or max_chars

    def _units(self, text: str, start: int, end: int) -> list[_Unit]:
        units: list[_Unit] = []
        for s, e in split_sentences(text, start, end):
            line_alone = (s == 0 or text[s - 1] == "\n") and (e == len(text) or text[e] == "\n")
            heading = line_alone and e - s <= 150 and text[e - 1] not in ".!?…:;,"
            if e - s > self.max_chars:
                units.extend(_Unit(a, b, False) for a, b in _split_long(text, s, e, self.max_chars))
            else:
                units.append(_Unit(s, e, heading))
        if units and units[-1].heading:
            # a short last line ("Thu Hiền", a byline) introduces nothing: keep it with what precedes
            units[-1] = _Unit(units[-1].start, units[-1].end, False)
        return units

    def _pack(self, units: list[_Unit]) -> list[tuple[int, int]]:
        """Group unit indices into [first, last] runs; overlap N units between runs."""
        groups: list[tuple[int, int]] = []
        i = 0
        n = len(units)
        while i < n:
            j = i
            while j + 1 < n:
                nxt = units[j + 1]
                if nxt.end - units[i].start > self.max_chars:
                    break
                # keep a headline with the text it introduces
                if nxt.heading and j > i and units[j].end - units[i].start >= self.max_chars // 2:
                    break
                j += 1
            groups.append((i, j))
            if j + 1 >= n:
                break
            nxt_i = j + 1
            if self.overlap_sentences:
                cand = max(i + 1, j + 1 - self.overlap_sentences)
                # overlap only if the next chunk can still take one new sentence
                # and the overlapped sentence is not a headline belonging to the
                # previous section
                if units[j + 1].end - units[cand].start <= self.max_chars and not units[j + 1].heading:
                    nxt_i = cand
            i = nxt_i
        return groups

    def _sentence_spans(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        units = self._units(text, start, end)
        return [(units[a].start, units[b].end) for a, b in self._pack(units)]

    def split(self, doc: Document, skip_spans: Sequence[tuple[int, int]] | None = None) -> list[Chunk]:
        """Chunks of ``doc`` in reading order; clutter spans are never inside a chunk."""
        text = doc.text
        if doc.meta.kind == KIND_LAW:
            structure = parse_legal(text)
            if structure.articles:
                return self._split_law(doc, structure)
        skip = clutter_spans(text) if skip_spans is None else list(skip_spans)
        spans = [span for r_start, r_end in _free_regions(len(text), skip)
                 for span in self._sentence_spans(text, r_start, r_end)]
        return [self._chunk(doc, start, end, i, "", "") for i, (start, end) in enumerate(spans)]

    def _chunk(self, doc: Document, start: int, end: int, ordinal: int, context: str, article: str) -> Chunk:
        meta = doc.meta
        passage = doc.text[start:end]
        return Chunk(
            chunk_id=chunk_id_for(meta.source, start, passage, context),
            source=meta.source,
            text=passage,
            start=start,
            end=end,
            title=meta.title,
            published=meta.published,
            places=meta.places,
            years=meta.years,
            ordinal=ordinal,
            context=context,
            article=article,
        )

    # --- legal documents ------------------------------------------------------------------------

    def _split_law(self, doc: Document, structure: LegalStructure) -> list[Chunk]:
        """A chunk never crosses an article; a long article is split at clause (then point, then
        sentence) boundaries, and every piece carries the law's name and the article's heading."""
        text = doc.text
        name = structure.title or doc.meta.title
        skip: list[tuple[int, int]] = [(d.start, d.heading_end) for d in structure.divisions]
        if structure.title_span is not None:
            skip.append(structure.title_span)
        pieces: list[tuple[int, int, str, str]] = []
        pos = 0
        for article in structure.articles:
            # text between articles (a preamble, a chapter's heading): chunked as prose, headings skipped
            for r_start, r_end in _free_regions_between(pos, article.start, skip):
                pieces += [(s, e, "", "") for s, e in self._sentence_spans(text, r_start, r_end)]
            context = (f"{name}, {article.title}" if name else article.title) if self.legal_context else ""
            pieces += [(s, e, context, article.number) for s, e in self._article_spans(text, article)]
            pos = article.end
        for r_start, r_end in _free_regions_between(pos, len(text), skip):
            pieces += [(s, e, "", "") for s, e in self._sentence_spans(text, r_start, r_end)]
        return [self._chunk(doc, s, e, i, context, number) for i, (s, e, context, number) in enumerate(pieces)]

    def _article_spans(self, text: str, article: Article) -> list[tuple[int, int]]:
        limit = self.law_max_chars
        if article.end - article.start <= limit:
            return [(article.start, article.end)]
        units: list[tuple[int, int]] = []
        children: list[tuple[int, int, tuple[tuple[int, int], ...]]] = [
            (c.start, c.end, tuple((p.start, p.end) for p in c.points)) for c in article.clauses
        ] or [(p.start, p.end, ()) for p in article.points]
        if not children:
            return self._sentence_spans_limited(text, article.start, article.end)
        head = _trimmed(text, article.start, children[0][0])
        if head:
            units += self._fit(text, head[0], head[1], ())
        for c_start, c_end, points in children:
            units += self._fit(text, c_start, c_end, points)
        # pack consecutive units (the heading and intro stay with the first clause)
        out: list[tuple[int, int]] = []
        i = 0
        while i < len(units):
            j = i
            while j + 1 < len(units) and units[j + 1][1] - units[i][0] <= limit:
                j += 1
            out.append((units[i][0], units[j][1]))
            i = j + 1
        return out

    def _fit(self, text: str, start: int, end: int, points: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
        """A clause as one unit when it fits, else its intro and its points, else its sentences."""
        if end - start <= self.law_max_chars:
            return [(start, end)]
        if points:
            out: list[tuple[int, int]] = []
            intro = _trimmed(text, start, points[0][0])
            if intro:
                out += self._fit(text, intro[0], intro[1], ())
            for p_start, p_end in points:
                out += self._fit(text, p_start, p_end, ())
            return out
        return self._sentence_spans_limited(text, start, end)

    def _sentence_spans_limited(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """Sentence-packed pieces of ``text[start:end]`` at the law size limit, without overlap."""
        packer = Chunker(self.law_max_chars, 0)
        return packer._sentence_spans(text, start, end)


def _free_regions_between(start: int, end: int, skip: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """``[start, end)`` minus the ``skip`` spans (headings), as absolute regions."""
    if end <= start:
        return []
    local = [(max(s, start) - start, min(e, end) - start) for s, e in skip if s < end and e > start]
    return [(start + a, start + b) for a, b in _free_regions(end - start, local)]
