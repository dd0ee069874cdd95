"""Document metadata from the text itself: title, publication date, years, places, outlet.

Why: questions are often scoped by place and time ("Bình Định, báo cáo năm 2025",
"Bắc Kạn 6 tháng đầu năm 2023"); the corpus has several reports on the same
province from different years, so retrieval needs to know *which* province and
*which* years a document reports on.  News pages rarely come with clean
metadata, so we read it from the text (page header lines, bylines) and let a
sidecar ``<file>.json`` override it when someone has better data.

Places come from the corpus pack's gazetteer (``index.gazetteer``), shared with retrieval so that
questions and documents agree on canonical place names.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping
from typing import Any

from index.chunking import split_sentences
from index.gazetteer import Gazetteer, default_gazetteer
from index.legal import KIND_LAW, detect_kind, parse_legal
from index.normalize import clutter_spans, fold, normalize_text
from index.types import DocumentMeta

__all__ = ["extract_meta", "parse_date"]

# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

_DMY = r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>(?:19|20)\d{2})"
_YMD = r"(?P<y2>(?:19|20)\d{2})-(?P<m2>\d{1,2})-(?P<d2>\d{1,2})"
_DATE_RE = re.compile(rf"(?<!\d){_DMY}(?!\d)|(?<!\d){_YMD}(?!\d)")
_WORDY_DATE_RE = re.compile(r"ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+((?:19|20)\d{2})")
_PLACE_DATE_LINE = re.compile(
    r"^[ \t]*[^\d\n,]{2,40},[ \t]*ngay[ \t]+(?:\d{1,2}[ \t]+thang[ \t]+\d{1,2}[ \t]+nam[ \t]+\d{4}|"
    r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4})[ \t]*$"
)
_TIME_RE = re.compile(r"\d{1,2}\s*[:h]\s*\d{2}")
# a label, then (optionally) a time, then the date right away: "Ngày đăng : 07:28, 08/03/2023".
# ("Ngày đăng ký 12/3/2023" is not a label: only separators may sit between label and date)
_PUBLISHED_LABEL = re.compile(
    r"\b(?:ngay dang|dang ngay|ngay xuat ban|xuat ban|ngay cap nhat|cap nhat|thoi gian dang|published|posted)"
    r"\s*:?\s*(?:\d{1,2}\s*[:h]\s*\d{2}(?:\s*[ap]m)?\s*[,|-]?\s*)?(?=\d|ngay\s+\d)"
)


def parse_date(s: str) -> str | None:
    """First date in ``s`` as ISO "YYYY-MM-DD" (accepts d/m/Y, d.m.Y, d-m-Y, Y-m-d)."""
    m = _DATE_RE.search(s)
    if not m:
        words = _WORDY_DATE_RE.search(fold(s))
        if not words:
            return None
        d, mo, y = (int(g) for g in words.groups())
        return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None
    if m.group("y"):
        d, mo, y = int(m.group("d")), int(m.group("m")), int(m.group("y"))
    else:
        d, mo, y = int(m.group("d2")), int(m.group("m2")), int(m.group("y2"))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _published(text: str, folded: str) -> str | None:
    """The publication date a page header/byline states; never a date cited in the body."""
    head_end = _head_end(text)
    # 1. an explicit label: "Ngày đăng: 21/07/2023", "Ngày đăng : 07:28, 08/03/2023"
    for m in _PUBLISHED_LABEL.finditer(folded, 0, head_end):
        iso = parse_date(text[m.end() : m.end() + 30])
        if iso:
            return iso
    # 2. a date with a time on a short header line: "Huy Phúc 08/03/2023 07:28"
    for line in text[:head_end].split("\n"):
        if len(line.strip()) > 80 or not _TIME_RE.search(line):
            continue
        if fold(line).lstrip().startswith(("thu ", "chu nhat")):
            continue  # "Thứ Hai, 07/10/2024": the site's today, not the article's
        iso = parse_date(line)
        if iso:
            return iso
    # 3. an official document's place-and-date line: "Bình Định, ngày 21 tháng 7 năm 2023"
    for line in text[:head_end].split("\n"):
        if _PLACE_DATE_LINE.match(fold(line)):
            return parse_date(line)
    return None


_DATELINE = re.compile(r"^(?:(?:sang|chieu|toi|trua|dem)\s+)?(?:ngay\s+)?(\d{1,2})\s*[./]\s*(\d{1,2})"
                       r"(?:\s*[./]\s*((?:19|20)\d{2}))?(?!\s*[./]?\s*\d)\s*,")


def _dateline(text: str, lines: list[tuple[int, int]], years: tuple[int, ...]) -> str | None:
    """The day a news report opens with ("Sáng 9.5, tại trụ sở UBND tỉnh, …"), as ISO, when its year is
    stated there or is the one year the report is about (its most recent reported year)."""
    if not lines:
        return None
    s, e = lines[0]
    m = _DATELINE.match(fold(text[s:e]))
    if not m:
        return None
    day, month = int(m.group(1)), int(m.group(2))
    year = int(m.group(3)) if m.group(3) else (years[0] if years else None)
    if year is None or not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def _head_end(text: str) -> int:
    """End of the page header zone (first ~12 lines / 1500 chars) where datelines live."""
    limit = min(len(text), 1500)
    idx = 0
    for _ in range(12):
        nl = text.find("\n", idx, limit)
        if nl < 0:
            return limit
        idx = nl + 1
    return idx


# ---------------------------------------------------------------------------
# Years reported on
# ---------------------------------------------------------------------------

_YEAR_RE = re.compile(r"(?<![\d.,])((?:19|20)\d{2})(?![\d])")
_TARGET_BEFORE = re.compile(
    r"(?:den nam|den|tam nhin|dinh huong|muc tieu|toi nam|nam toi|giai doan|truoc nam)\s*(?:nam\s*)?$"
)
_RANGE_AROUND = re.compile(r"^\s*[-–]\s*(?:19|20)\d{2}")
_REFERENCE_PATTERN = (
    r"(?:nghi quyet|quyet dinh|ke hoach|cong van|chi thi|thong tu|nghi dinh|luat|"
    r"-nq/|/qd-|/kh-|/ct-|/nd-|/tt-|-kh/|-ct/)[^\n]{0,%d}$"
)
_REFERENCE_NEAR = re.compile(_REFERENCE_PATTERN % 60)
# a full date ("ngày 20/09/2021") after a document number is that document's date
_REFERENCE_FAR = re.compile(_REFERENCE_PATTERN % 90)
_FULL_DATE_BEFORE = re.compile(r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*$")


def _years(text: str, folded: str, published: str | None) -> tuple[int, ...]:
    pub_year = int(published[:4]) if published else None
    scores: dict[int, float] = {}
    for m in _YEAR_RE.finditer(text):
        year = int(m.group(1))
        before = folded[max(0, m.start() - 110) : m.start()]
        after = folded[m.end() : m.end() + 8]
        near = before[-14:]
        if (
            _TARGET_BEFORE.search(near)
            or _RANGE_AROUND.match(after)
            or re.search(r"(?:19|20)\d{2}\s*[-–]\s*$", near)
        ):
            weight = 0.0  # a target ("đến năm 2030") or a planning period ("2022 - 2025")
        elif _REFERENCE_NEAR.search(before) or (
            _FULL_DATE_BEFORE.search(before) and _REFERENCE_FAR.search(before)
        ):
            weight = 0.3  # the date of a resolution/plan being cited
        else:
            weight = 1.0
        if pub_year is not None and year > pub_year:
            weight = 0.0  # written before it happened: a plan, not a report
        scores[year] = scores.get(year, 0.0) + weight
    if pub_year is not None:
        scores[pub_year] = scores.get(pub_year, 0.0) + 3.0
    chosen = [y for y, s in scores.items() if s >= 1.0]
    if not chosen:
        best = max(scores.values(), default=0.0)
        chosen = [y for y, s in scores.items() if s > 0 and s == best]
    return tuple(sorted(chosen, reverse=True))


# ---------------------------------------------------------------------------
# Title and outlet
# ---------------------------------------------------------------------------

_BYLINE_HINT = re.compile(r"\b(?:nguon|theo|bao|tap chi|cong thong tin|ttxvn|vov|vtv)\b")
_TITLE_MAX = 120


def _covered_by(skip: list[tuple[int, int]]) -> Callable[[int, int], bool]:
    """Fast "is [s, e) inside one skip span" for sorted, merged spans."""
    starts = [a for a, _ in skip]

    def covered(s: int, e: int) -> bool:
        i = bisect.bisect_right(starts, s) - 1
        return i >= 0 and skip[i][0] <= s and e <= skip[i][1]

    return covered


def _content_lines(text: str, skip: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Non-empty line spans (whitespace-trimmed) that are not clutter."""
    covered = _covered_by(skip)
    out = []
    pos = 0
    for line in text.split("\n"):
        s, e = pos, pos + len(line)
        pos = e + 1
        stripped = line.strip()
        if not stripped:
            continue
        ts = s + (len(line) - len(line.lstrip()))
        te = ts + len(stripped)
        if not covered(ts, te):
            out.append((ts, te))
    return out


def _shorten(sentence: str) -> str:
    sentence = sentence.strip()
    if len(sentence) <= _TITLE_MAX:
        return sentence
    cut = sentence.rfind(" ", 0, _TITLE_MAX)
    return sentence[: cut if cut > 40 else _TITLE_MAX].rstrip(" ,;:-") + "…"


def _title(text: str, lines: list[tuple[int, int]]) -> str:
    if not lines:
        return ""
    s, e = lines[0]
    first = text[s:e].strip()
    if len(first) <= 200 and len(first.split()) >= 3 and first[-1] not in ".:;,…":
        return first
    # no headline: a short first sentence
    sentences = split_sentences(text, s, e)
    return _shorten(text[sentences[0][0] : sentences[0][1]]) if sentences else _shorten(first)


def _outlet(text: str, lines: list[tuple[int, int]]) -> str:
    """The byline: a short last line ("Thu Hiền", "TRỌNG LỢI - Nguồn Báo Bình Định")."""
    if lines:
        s, e = lines[-1]
        last = text[s:e].strip()
        words = last.split()
        short = 0 < len(last) <= 80 and last[-1] not in ".:;,…" and len(words) <= 10
        names = all(w[:1].isupper() for w in words if w[:1].isalpha())
        if short and (_BYLINE_HINT.search(fold(last)) or names):
            return last
    # a header byline "Huy Phúc 08/03/2023 07:28"
    for line in text[: _head_end(text)].split("\n"):
        m = re.match(r"^\s*((?:[^\W\d_]+\s+){1,4}?[^\W\d_]+)\s+\d{1,2}/\d{1,2}/\d{4}", line)
        if m and all(w[:1].isupper() for w in m.group(1).split()):
            return m.group(1).strip()
    return ""


def _places(text: str, folded: str, title: str, skip: list[tuple[int, int]], gazetteer: Gazetteer) -> tuple[str, ...]:
    covered = _covered_by(skip)

    scores: dict[str, float] = {}
    counts: dict[str, int] = {}
    n = max(len(text), 1)
    for pos, place in gazetteer.matches(text, folded):
        if covered(pos, pos + 1):
            continue
        counts[place] = counts.get(place, 0) + 1
        scores[place] = scores.get(place, 0.0) + 1.0 + 0.5 * (1 - pos / n)  # earlier counts a bit more
    for _, place in gazetteer.matches(title, fold(title)):  # as written, like the body
        scores[place] = scores.get(place, 0.0) + 3.0
    # A town is what the document is *about* when it is mentioned at least as
    # often as its province (La Gi), otherwise it is a passing mention (Quy Nhơn
    # in a Bình Định report) and we keep only the province.
    province_of = gazetteer.province_of
    subject_towns = [t for t in scores if gazetteer.is_town(t) and counts.get(t, 0) >= max(2, counts.get(province_of(t), 0))]
    provinces = {p: s for p, s in scores.items() if not gazetteer.is_town(p)}
    for t in subject_towns:
        provinces[province_of(t)] = provinces.get(province_of(t), 0.0) + scores[t]
    ordered_towns = sorted(subject_towns, key=lambda t: -scores[t])
    ordered_provinces = sorted(provinces, key=lambda p: -provinces[p])
    return tuple(ordered_towns + ordered_provinces)


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with ``spans`` blanked out (same length, so offsets still agree)."""
    parts: list[str] = []
    pos = 0
    for a, b in spans:
        parts.append(text[pos:a])
        parts.append(" " * (b - a))
        pos = b
    parts.append(text[pos:])
    return "".join(parts)


def extract_meta(source: str, text: str, sidecar: Mapping[str, Any] | None = None,
                 gazetteer: Gazetteer | None = None) -> DocumentMeta:
    """Metadata of a normalised document; sidecar values (url/title/published) win over guesses.
    Places come from ``gazetteer`` (None: the shipped one)."""
    side = dict(sidecar or {})
    folded = fold(text)
    skip = clutter_spans(text, folded)
    lines = _content_lines(text, skip)

    title = normalize_text(str(side.get("title") or "")).strip() or _title(text, lines)
    published: str | None = None
    side_pub = side.get("published") or side.get("date")
    if side_pub:
        published = parse_date(str(side_pub)) or (
            str(side_pub)[:10] if re.match(r"^\d{4}", str(side_pub)) else None
        )
    if published is None:
        published = _published(text, folded)

    # years/places ignore clutter (the "Thứ Hai, 07/10/2024" header is the crawl date)
    years = _years(_mask(text, skip), _mask(folded, skip), published)
    places = _places(text, folded, title, skip, gazetteer or default_gazetteer())
    structure = parse_legal(text)
    kind = str(side.get("kind") or "") or detect_kind(text, structure)
    outlet = normalize_text(str(side.get("outlet") or "")).strip()
    if kind == KIND_LAW:
        # a law names itself ("Luật Cư trú"); its last line is a signature, not an outlet
        if structure.title and not side.get("title"):
            title = structure.title
    elif not outlet:
        outlet = _outlet(text, lines)
    return DocumentMeta(
        source=source,
        title=title,
        published=published,
        places=places,
        outlet=outlet,
        url=str(side.get("url") or ""),
        years=years,
        kind=kind,
        number=str(side.get("number") or "") or (structure.number if kind == KIND_LAW else ""),
        dated=None if published or kind == KIND_LAW else _dateline(text, lines, years),
    )
