"""The structure of a Vietnamese legal document: title, number, Phần / Chương / Mục, Điều, khoản, điểm.

Why on the normalised text: every loader (.txt, .md, .html, .docx, .pdf) ends in the same normalised
text that chunk and citation offsets point into, so one parser over that text serves every format and
its offsets are exactly the ones a citation carries. Legal texts are written to a rigid layout (one
``Điều N. heading`` line per article, clauses "1.", "2." and points "a)", "đ)" at line starts), so line
patterns with a sequence check (clause 3 follows clause 2; point "đ" follows "d") are enough, and they
stay robust against a line that merely starts with a year ("2025. ...") or a stray letter.

The parser also decides what *kind* of document a text is (a law, an FAQ/procedure page, a report),
which chunking, labels and retrieval use to treat legal text as its own genre.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from index.normalize import fold

__all__ = [
    "Article", "Clause", "Division", "KIND_FAQ", "KIND_LAW", "KIND_REPORT", "LegalStructure", "Location",
    "Point", "Reference", "cite_label", "detect_kind", "parse_legal", "resolve_references",
]

KIND_LAW = "law"
KIND_FAQ = "faq"
KIND_REPORT = "report"

# Vietnamese alphabet order of points: "a) b) c) d) đ) e) g) h) i) k) l) m) n) o) p) q) r) s) t) u) v) x) y)"
_POINT_LETTERS = "abcdđeghiklmnopqrstuvxy"

_DOC_TYPES = ("bộ luật", "luật", "pháp lệnh", "nghị quyết", "nghị định", "thông tư liên tịch", "thông tư",
              "quyết định", "chỉ thị")
_DOC_TYPE_RE = re.compile(r"^(?:" + "|".join(fold(t) for t in _DOC_TYPES) + r")\b")
_NUMBER_RE = re.compile(
    r"(?<![\w/])(\d{1,4}/(?:19|20)\d{2}/[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*|\d{1,4}/[A-ZĐ]+(?:-[A-ZĐ0-9]+)+)(?![\w/])"
)

_ARTICLE_RE = re.compile(r"^[ \t]*(?:Điều|ĐIỀU)[ \t]+(\d{1,3}[a-zđ]?)[ \t]*[.:](?:[ \t]+|$)", re.MULTILINE)
_DIVISION_RE = re.compile(
    r"^[ \t]*(Phần|PHẦN|Chương|CHƯƠNG|Mục|MỤC)[ \t]+"
    r"(thứ[ \t]+[^\W\d_]+|THỨ[ \t]+[^\W\d_]+|[IVXLC]+|\d{1,3})(?![\w])[ \t]*[.:\-–]?[ \t]*",
    re.MULTILINE,
)
_CLAUSE_RE = re.compile(r"^[ \t]*(\d{1,3})\.[ \t]+(?=\S)", re.MULTILINE)
_POINT_RE = re.compile(r"^[ \t]*([a-zđ])\)[ \t]+(?=\S)", re.MULTILINE)
_LEVEL = {"phan": 0, "chuong": 1, "muc": 2}
_KIND_NAME = {"phan": "Phần", "chuong": "Chương", "muc": "Mục"}


@dataclass(frozen=True)
class Point:
    """A point ("a)", "đ)") of a clause or of an article without clauses; [start, end) in the text."""

    letter: str
    start: int
    end: int


@dataclass(frozen=True)
class Clause:
    """A numbered clause ("1.") of an article, with its points."""

    number: int
    start: int
    end: int
    points: tuple[Point, ...] = ()


@dataclass(frozen=True)
class Article:
    """One ``Điều N. heading`` and everything up to the next article or division heading.

    ``body_start`` is where the text after the heading line begins; ``points`` holds points that sit
    directly under the article (no clause around them).
    """

    number: str
    heading: str
    start: int
    end: int
    heading_end: int
    body_start: int
    clauses: tuple[Clause, ...] = ()
    points: tuple[Point, ...] = ()

    @property
    def title(self) -> str:
        """"Điều 20. Điều kiện đăng ký thường trú" (the heading line as a reader names it)."""
        return f"Điều {self.number}. {self.heading}".rstrip(". ") if self.heading else f"Điều {self.number}"

    def clause(self, number: int) -> Clause | None:
        return next((c for c in self.clauses if c.number == number), None)


@dataclass(frozen=True)
class Division:
    """A Phần / Chương / Mục heading; [start, end) runs to the next division of the same or a higher level."""

    kind: str  # "phan" | "chuong" | "muc"
    number: str
    title: str
    start: int
    end: int
    heading_end: int

    @property
    def name(self) -> str:
        head = f"{_KIND_NAME[self.kind]} {self.number}"
        return f"{head}. {self.title}" if self.title else head


@dataclass(frozen=True)
class Location:
    """Where a span sits: the article holding its start, and the clause/point when the span stays inside one."""

    article: Article | None
    clause: Clause | None = None
    point: Point | None = None
    articles: tuple[Article, ...] = ()  # every article the span touches (several only for odd spans)


@dataclass(frozen=True)
class LegalStructure:
    """The parsed skeleton of one document; every offset points into the text it was parsed from."""

    title: str  # "Luật Cư trú" ("" when the document does not name itself)
    number: str  # "68/2020/QH14" ("" when not stated)
    title_span: tuple[int, int] | None
    articles: tuple[Article, ...] = ()
    divisions: tuple[Division, ...] = ()

    @property
    def is_legal(self) -> bool:
        return bool(self.articles)

    def article(self, number: str) -> Article | None:
        return next((a for a in self.articles if a.number == number), None)

    def article_at(self, offset: int) -> Article | None:
        """The article whose span holds ``offset`` (None in a preamble or a division heading)."""
        starts = [a.start for a in self.articles]
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and offset < self.articles[i].end:
            return self.articles[i]
        return None

    def divisions_at(self, offset: int) -> tuple[Division, ...]:
        """The Phần / Chương / Mục around ``offset``, outermost first."""
        return tuple(sorted((d for d in self.divisions if d.start <= offset < d.end),
                            key=lambda d: _LEVEL[d.kind]))

    def locate(self, start: int, end: int) -> Location:
        """The article / clause / point that a quote ``[start, end)`` comes from."""
        end = max(end, start + 1)
        article = self.article_at(start)
        touched = tuple(a for a in self.articles if a.start < end and start < a.end)
        if article is None:
            return Location(None, articles=touched)
        if end > article.end:
            return Location(article, articles=touched)
        clause = next((c for c in article.clauses if c.start <= start < c.end), None)
        if clause is not None and end > clause.end:
            clause = None
        points = clause.points if clause is not None else (article.points if not article.clauses else ())
        point = next((p for p in points if p.start <= start < p.end), None)
        if point is not None and end > point.end:
            point = None
        return Location(article, clause, point, touched)


# --------------------------------------------------------------------------- parsing


def _line_end(text: str, pos: int) -> int:
    nl = text.find("\n", pos)
    return len(text) if nl < 0 else nl


def _rstrip_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def _next_nonblank_line(text: str, pos: int, limit: int) -> tuple[int, int] | None:
    while pos < limit:
        e = _line_end(text, pos)
        line = text[pos:e]
        if line.strip():
            s = pos + len(line) - len(line.lstrip())
            return s, _rstrip_end(text, s, e)
        pos = e + 1
    return None


def _sequenced(matches: Sequence[re.Match[str]], first: str, successor: dict[str, str]) -> list[re.Match[str]]:
    """Keep the matches that continue the sequence (1, 2, 3…; a, b, c, d, đ…); others are continuation text."""
    out: list[re.Match[str]] = []
    want = first
    for m in matches:
        key = m.group(1)
        if key == want:
            out.append(m)
            want = successor.get(key, "")
    return out


_CLAUSE_NEXT = {str(i): str(i + 1) for i in range(1, 300)}
_POINT_NEXT = {a: b for a, b in zip(_POINT_LETTERS, _POINT_LETTERS[1:], strict=False)}


def _points(text: str, start: int, end: int) -> tuple[Point, ...]:
    found = _sequenced(list(_POINT_RE.finditer(text, start, end)), "a", _POINT_NEXT)
    out: list[Point] = []
    for i, m in enumerate(found):
        p_start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        p_end = found[i + 1].start() if i + 1 < len(found) else end
        out.append(Point(m.group(1), p_start, _rstrip_end(text, p_start, p_end)))
    return tuple(out)


def _article(text: str, m: re.Match[str], end: int) -> Article:
    start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
    line_end = _line_end(text, m.end())
    heading = text[m.end():min(line_end, end)].strip()
    heading_end = _rstrip_end(text, start, min(line_end, end))
    body_start = min(line_end + 1, end)
    end = _rstrip_end(text, start, end)
    found = _sequenced(list(_CLAUSE_RE.finditer(text, body_start, end)), "1", _CLAUSE_NEXT)
    clauses: list[Clause] = []
    for i, c in enumerate(found):
        c_start = c.start() + len(c.group(0)) - len(c.group(0).lstrip())
        c_end = _rstrip_end(text, c_start, found[i + 1].start() if i + 1 < len(found) else end)
        clauses.append(Clause(int(c.group(1)), c_start, c_end, _points(text, c_start, c_end)))
    direct = _points(text, body_start, end) if not clauses else ()
    return Article(m.group(1), heading, start, end, heading_end, body_start, tuple(clauses), direct)


def _divisions(text: str, limit_starts: Sequence[int]) -> list[tuple[str, str, str, int, int]]:
    """(kind, number, title, start, heading_end) of each division heading line."""
    out: list[tuple[str, str, str, int, int]] = []
    for m in _DIVISION_RE.finditer(text):
        kind = fold(m.group(1)).lower()
        start = m.start() + len(m.group(0)) - len(m.group(0).lstrip())
        line_end = _line_end(text, m.end())
        rest = text[m.end():line_end].strip()
        heading_end = _rstrip_end(text, start, line_end)
        if rest and rest[0].islower():
            continue  # "Mục 2 của Chương này …": a sentence, not a heading
        if not rest:
            # "Chương I" with its title on the next line ("NHỮNG QUY ĐỊNH CHUNG")
            nxt = _next_nonblank_line(text, line_end + 1, len(text))
            if nxt is not None:
                line = text[nxt[0]:nxt[1]]
                if line.isupper() and not _ARTICLE_RE.match(line) and len(line) <= 200:
                    rest, heading_end = line, nxt[1]
        number = " ".join(m.group(2).split())
        out.append((kind, number, rest, start, heading_end))
    return out


def _title_and_number(text: str, head_end: int) -> tuple[str, str, tuple[int, int] | None]:
    """The document's own name ("Luật Cư trú") and number ("68/2020/QH14") from its head, when stated."""
    title = ""
    span: tuple[int, int] | None = None
    pos = 0
    lines: list[tuple[int, int]] = []
    while pos < head_end and len(lines) < 40:
        got = _next_nonblank_line(text, pos, head_end)
        if got is None:
            break
        lines.append(got)
        pos = _line_end(text, got[0]) + 1
    for i, (s, e) in enumerate(lines):
        line = text[s:e]
        f = fold(line).lower()
        if not _DOC_TYPE_RE.match(f) or len(line) > 160:
            continue
        if "so:" in f.replace(" ", "") and _NUMBER_RE.search(line):
            continue  # "Luật số: 68/2020/QH14" is the number line, not the title
        doc_type = next(t for t in _DOC_TYPES if f.startswith(fold(t)))
        rest = line[len(doc_type):].strip()
        if not rest and i + 1 < len(lines):
            # "LUẬT" / "CƯ TRÚ" on two lines (the official layout)
            s2, e2 = lines[i + 1]
            rest, e = text[s2:e2].strip(), e2
        if rest.isupper():
            rest = rest[:1] + rest[1:].lower()
        name = doc_type[:1].upper() + doc_type[1:]
        title, span = f"{name} {rest}".strip(), (s, e)
        break
    number = ""
    for s, e in lines:
        m = _NUMBER_RE.search(text, s, e)
        if m and re.search(r"(?i)\bs[ốo]\b", text[s:m.start()]):
            number = m.group(1)
            break
    return title, number, span


def parse_legal(text: str) -> LegalStructure:
    """Parse ``text`` (already normalised). Documents that are not legal texts come back with no articles."""
    return _parse_cached(text)


@lru_cache(maxsize=16)
def _parse_cached(text: str) -> LegalStructure:
    heads = list(_ARTICLE_RE.finditer(text))
    # Articles are numbered 1, 2, 3 … (amending laws may have "5a"): keep heads whose number does not
    # go backwards, so a sentence that happens to start with "Điều 3." in a report is not an article.
    kept: list[re.Match[str]] = []
    last = 0
    for m in heads:
        n = int(re.match(r"\d+", m.group(1)).group(0))  # type: ignore[union-attr]
        if n >= last:
            kept.append(m)
            last = n
    article_starts = [m.start() + len(m.group(0)) - len(m.group(0).lstrip()) for m in kept]
    raw_divisions = _divisions(text, article_starts)
    boundaries = sorted(set(article_starts) | {d[3] for d in raw_divisions} | {len(text)})

    def next_boundary(pos: int) -> int:
        i = bisect.bisect_right(boundaries, pos)
        return boundaries[i] if i < len(boundaries) else len(text)

    articles = tuple(_article(text, m, next_boundary(s)) for m, s in zip(kept, article_starts, strict=True))
    divisions: list[Division] = []
    for i, (kind, number, title, start, heading_end) in enumerate(raw_divisions):
        level = _LEVEL[kind]
        end = next((d[3] for d in raw_divisions[i + 1:] if _LEVEL[d[0]] <= level), len(text))
        divisions.append(Division(kind, number, title, start, _rstrip_end(text, start, end), heading_end))
    first = min([*article_starts, *(d[3] for d in raw_divisions), len(text)])
    title, number, span = _title_and_number(text, first)
    return LegalStructure(title=title, number=number, title_span=span, articles=articles,
                          divisions=tuple(divisions))


# --------------------------------------------------------------------------- kind


_FAQ_LINE = re.compile(r"^[ \t]*(?:hoi|cau hoi|q|question|tra loi|dap|answer|a)[ \t]*\d*[ \t]*[:.]", re.MULTILINE)
_PROCEDURE_MARKERS = ("trinh tu thuc hien", "cach thuc thuc hien", "thanh phan ho so", "thoi han giai quyet",
                      "doi tuong thuc hien", "co quan thuc hien", "le phi", "ket qua thuc hien")


# the sections a procedure page is laid out in ("## 4. Giấy tờ mang theo", "Lệ phí", "Các bước đăng ký"), read
# from its short heading lines: a report or an article names one such section at most
_PROCEDURE_HEADINGS = ("giay to", "ho so", "cac buoc", "trinh tu", "thoi han", "le phi", "dia diem", "noi nop",
                       "cach thuc", "thanh phan", "ket qua", "doi tuong", "co quan thuc hien", "thoi gian")
_HEADING_CHARS = 70
_PROCEDURE_SECTIONS = 3


def _procedure_sections(text: str) -> int:
    heads = [fold(line).lower() for line in text.split("\n")
             if 0 < len(line.strip()) <= _HEADING_CHARS and not line.strip().endswith((".", ";", ","))]
    return sum(1 for marker in _PROCEDURE_HEADINGS if any(marker in h for h in heads))


def detect_kind(text: str, structure: LegalStructure | None = None) -> str:
    """"law" (luật, nghị định, thông tư, quyết định … laid out in articles), "faq" (questions and
    answers, procedure pages), or "report" (news, reports: everything else)."""
    s = structure if structure is not None else parse_legal(text)
    if len(s.articles) >= 3 or (s.title and s.articles):
        return KIND_LAW
    folded = fold(text).lower()
    questions = sum(1 for line in text.split("\n") if line.strip().endswith("?"))
    qa_lines = len(_FAQ_LINE.findall(folded))
    procedure = sum(1 for marker in _PROCEDURE_MARKERS if marker in folded)
    if qa_lines >= 4 or questions >= 3 or procedure >= 3 or _procedure_sections(text) >= _PROCEDURE_SECTIONS:
        return KIND_FAQ
    return KIND_REPORT


# --------------------------------------------------------------------------- labels and references


def cite_label(title: str, article: Article | None, clause: Clause | None = None,
               point: Point | None = None) -> str:
    """"Luật Cư trú, Điều 30, khoản 4, điểm b": what a citizen looks up in the law."""
    parts = [title] if title else []
    if article is not None:
        parts.append(f"Điều {article.number}")
        if clause is not None:
            parts.append(f"khoản {clause.number}")
        if point is not None:
            parts.append(f"điểm {point.letter}")
    return ", ".join(parts)


@dataclass(frozen=True)
class Reference:
    """A cross-reference written in a quote ("khoản 3 Điều này") and the label of what it points at."""

    text: str
    target: str
    start: int  # offsets of ``text`` in the document
    end: int


_LIST_SEP = r"(?:,[ \t]*|[ \t]+(?:và|hoặc)[ \t]+)"
_POINTS = rf"(?:(?:các[ \t]+)?điểm[ \t]+(?P<points>[a-zđ](?:{_LIST_SEP}[a-zđ])*)[ \t]+)?"
_CLAUSES = rf"(?:(?:các[ \t]+)?khoản[ \t]+(?P<clauses>\d+(?:{_LIST_SEP}\d+)*|này)[ \t]*)?"
_REF_RE = re.compile(
    r"(?<!\w)(?<!tài )(?<!Tài )" + _POINTS + _CLAUSES
    + r"(?:Điều[ \t]+(?P<article>này|\d+[a-zđ]?)(?P<this_law>[ \t]+(?:của[ \t]+)?(?:Luật|Nghị định|Thông tư|Bộ luật)"
      r"[ \t]+này)?)?"
)


def _items(raw: str) -> list[str]:
    return [x for x in re.split(_LIST_SEP, raw) if x]


def resolve_references(structure: LegalStructure, title: str, text: str, start: int,
                       end: int) -> list[Reference]:
    """Cross-references inside ``text[start:end]`` that point into the same document, resolved.

    "khoản 3 Điều này" -> "Luật Cư trú, Điều 30, khoản 3"; "Điều 24 của Luật này" -> "Luật Cư trú,
    Điều 24 (Xóa đăng ký thường trú)"; "khoản này" -> the clause the quote is in. A reference to another
    law ("khoản 2 Điều 7 của Luật Bảo hiểm y tế") or to a part that does not exist is left alone.
    """
    out: list[Reference] = []
    for m in _REF_RE.finditer(text, start, end):
        if m.end() == m.start() or not (m.group("clauses") or m.group("article")):
            continue
        here = structure.locate(m.start(), m.start() + 1)  # "Điều này" / "khoản này": where it is written
        art_ref, clauses_raw, points_raw = m.group("article"), m.group("clauses"), m.group("points")
        if art_ref is None:
            if clauses_raw != "này":
                continue  # "khoản 2" alone: of which article? (another law, usually)
            article, clause_numbers = here.article, ([here.clause.number] if here.clause else [])
        elif art_ref == "này":
            article = here.article
            clause_numbers = ([here.clause.number] if clauses_raw == "này" and here.clause else
                              [int(x) for x in _items(clauses_raw)] if clauses_raw else [])
        else:
            if not m.group("this_law"):
                continue  # "Điều 7 của Luật Bảo hiểm y tế", or a bare "Điều 5" (ambiguous)
            article = structure.article(art_ref)
            if clauses_raw == "này":
                continue
            clause_numbers = [int(x) for x in _items(clauses_raw)] if clauses_raw else []
        if article is None or (clauses_raw and not clause_numbers):
            continue
        clauses = [article.clause(n) for n in clause_numbers]
        if any(c is None for c in clauses):
            continue
        points = _items(points_raw) if points_raw else []
        if points:
            if len(clauses) != 1:
                continue
            clause = clauses[0]
            assert clause is not None
            if any(p not in {x.letter for x in clause.points} for p in points):
                continue
        if art_ref is None and here.clause is None:
            continue  # "khoản này" outside any clause
        target = cite_label(title, article)
        if clause_numbers:
            target += f", khoản {', '.join(str(n) for n in clause_numbers)}"
        if points:
            target += f", điểm {', '.join(points)}"
        if not clause_numbers and not points and art_ref not in (None, "này"):
            target += f" ({article.heading.rstrip('.')})" if article.heading else ""
        written = text[m.start():m.end()].strip()
        if art_ref == "này" and not clause_numbers and not points:
            continue  # "Điều này" alone: the quote's own article, already in its label
        out.append(Reference(written, target, m.start(), m.start() + len(written)))
    return out
