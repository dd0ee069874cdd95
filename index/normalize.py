"""Text normalisation for Vietnamese: one canonical form for documents and questions.

Why: the same word reaches us in several byte forms (NFC vs NFD from cp1258/Mac
sources, "hoà" vs "hòa" tone placement, invisible zero-width/bidi characters from
web copy-paste, NBSP from HTML). Citations quote offsets into the normalised text,
so every entry point (loaders, questions) must go through ``normalize_text`` and
get byte-identical strings for the same words.

``fold`` is for *matching* only (diacritic- and case-insensitive search); it is
length-preserving so an offset found in the folded text is valid in the original.

``clutter_spans`` finds page furniture (image file names, view counters, font-size
widgets, breadcrumb/date lines, photo credits, repeated header lines) that should
not be indexed; the text itself is never altered so quote offsets stay valid.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

__all__ = ["normalize_text", "fold", "clutter_spans", "written_otherwise"]

# Invisible characters that only break matching: zero-width and bidi controls,
# soft hyphen, word joiner and friends.  (All other Cf chars are dropped too.)
_DROP_CHARS = (
    "\u200b\u200c\u200d\u2060\ufeff"  # zero-width space/non-joiner/joiner, word joiner, BOM
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e"  # LRM, RLM, embeddings/overrides
    "\u2066\u2067\u2068\u2069"  # isolates
    "\u00ad\u180e\u2061\u2062\u2063\u2064"  # soft hyphen, mongolian vowel sep, invisible operators
)

# Tone marks (combining) used by Vietnamese.
_TONE_MARKS = "\u0300\u0301\u0309\u0303\u0323"  # huyền, sắc, hỏi, ngã, nặng


# "New style" (tone on the second vowel) open syllables oa/oe/uy at the end of a
# word.  The corpus mostly uses the *old* style ("hóa", "thủy", "khỏe", "Hòa"),
# so we move the tone onto the first vowel.  "qu" + y is excluded: in "quý" the
# u belongs to the consonant and the tone stays on y in both styles.
def _build_new_style_re() -> re.Pattern[str]:
    def toned(bases: str) -> str:
        return "".join(unicodedata.normalize("NFC", b + m) for b in bases for m in _TONE_MARKS)

    a_e = toned("aeAE")
    y = toned("yY")
    # o/O + toned a/e, or u/U (not after q/Q) + toned y, not followed by a letter
    # or by a stray combining mark (moving the tone there would let NFC compose anew).
    end = r"(?![^\W\d_]|[\u0300-\u036f])"
    return re.compile(rf"([oO])([{a_e}]){end}|(?<![qQ])([uU])([{y}]){end}")


@lru_cache(maxsize=1)
def _new_style_re() -> re.Pattern[str]:
    return _build_new_style_re()


def _move_tone(match: re.Match[str]) -> str:
    first = match.group(1) or match.group(3)
    second = match.group(2) or match.group(4)
    decomposed = unicodedata.normalize("NFD", second)
    base = decomposed[0]
    marks = decomposed[1:]
    tone = "".join(m for m in marks if m in _TONE_MARKS)
    rest = "".join(m for m in marks if m not in _TONE_MARKS)
    return unicodedata.normalize("NFC", first + tone) + unicodedata.normalize("NFC", base + rest)


@lru_cache(maxsize=1)
def _char_table() -> dict[int, str | None]:
    """Translate table for the character-level clean-up (built once, lazily)."""
    table: dict[int, str | None] = {ord(c): None for c in _DROP_CHARS}
    for cp in range(0x3001):
        ch = chr(cp)
        cat = unicodedata.category(ch)
        if ch in "\n\t":
            continue
        if cat == "Zs" and ch != " ":
            table[cp] = " "
        elif cat == "Cf":
            table[cp] = None
        elif cat == "Cc":
            table[cp] = "\n" if ch in "\x0b\x0c\x1c\x1d\x1e\x85" else None
    table[0x2028] = "\n"  # line separator
    table[0x2029] = "\n"  # paragraph separator
    table[0xFEFF] = None
    for cp in (0xFFF9, 0xFFFA, 0xFFFB):  # interlinear annotation controls
        table[cp] = None
    table[0x3000] = " "  # ideographic space
    return table


@lru_cache(maxsize=1)
def _special_char_re() -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(chr(cp)) for cp in sorted(_char_table())) + "]")


def normalize_text(text: str) -> str:
    """Canonical form of ``text``: NFC, old-style tone marks, no invisible chars, LF newlines.

    Idempotent: ``normalize_text(normalize_text(s)) == normalize_text(s)``.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Only the few characters that need changing are visited (regex scan in C),
    # which is much faster than translating every character of a 5 MB file.
    table = _char_table()
    text = _special_char_re().sub(lambda m: table[ord(m.group(0))] or "", text)
    text = unicodedata.normalize("NFC", text)
    text = _new_style_re().sub(_move_tone, text)
    return text


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """Map every BMP char whose fold differs to exactly one char (length-preserving)."""
    table: dict[int, str] = {}
    for cp in range(0x10000):
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF:
            continue
        low = ch.lower()
        if len(low) != 1:
            low = ch
        base = unicodedata.normalize("NFD", low)[0]
        if unicodedata.combining(base):
            base = low
        if len(base.lower()) == 1:
            base = base.lower()  # "İ" -> "I" -> "i"
        if base in ("đ", "Đ"):
            base = "d"
        if base != ch:
            table[cp] = base
    table[ord("đ")] = "d"
    table[ord("Đ")] = "d"
    return table


@lru_cache(maxsize=4096)
def _fold_cached(text: str) -> str:
    return text.translate(_fold_table())


def fold(text: str) -> str:
    """Lowercase, strip diacritics, đ->d, one output char per input char.

    Only for matching (search, place detection): never show folded text to users.
    """
    if len(text) <= 256:
        return _fold_cached(text)
    return text.translate(_fold_table())


# ---------------------------------------------------------------------------
# Clutter detection
# ---------------------------------------------------------------------------

_IMAGE_LINE = re.compile(
    r"^[ \t]*[^\n]{0,200}?\.(?:jpe?g|png|gif|webp|bmp|svg|tiff?)[ \t]*$", re.IGNORECASE | re.MULTILINE
)
_DATE = r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{4}"
_TIME = r"\d{1,2}\s*[:h]\s*\d{2}"
# Matched against the *folded* text so it works with or without diacritics.
_M = re.MULTILINE
_CLUTTER_LINE_PATTERNS = [
    # font-size widgets: "Xem với cỡ chữ", "Cỡ chữ: A- A A+", "A- A A+"
    re.compile(r"^[ \t]*(?:xem voi )?(?:co chu|font chu)\b[^\n]{0,40}$", _M),
    re.compile(r"^[ \t]*a[-+]?(?:[ \t]+a[-+]?){1,3}[ \t]*$", _M),
    # view counters, alone or on the dateline: "Lượt xem: 47", "Ngày đăng: ... - Lượt xem: 47"
    re.compile(
        r"^[^\n]{0,80}\b(?:luot xem|luot doc|luot truy cap|so luot xem)\s*:?\s*[\d.,]+[^\n]{0,40}$", _M
    ),
    # datelines: "Ngày đăng: 21/07/2023", "Chuyển đổi số - Ngày đăng : 07:28, 08/03/2023"
    # ("Ngày đăng ký ..." is content: a colon or a digit must follow the label)
    re.compile(
        r"^[^\n]{0,60}\b(?:ngay dang|dang ngay|ngay xuat ban|ngay cap nhat|cap nhat|thoi gian dang)"
        r"\s*(?::|(?=\d))[^\n]{0,20}\d{4}[^\n]{0,40}$",
        _M,
    ),
    # "Thứ Hai, 07/10/2024" (the site's "today" header)
    re.compile(rf"^[ \t]*(?:thu (?:hai|ba|tu|nam|sau|bay)|chu nhat)\s*,?\s*{_DATE}[^\n]{{0,20}}$", _M),
    # bare date / date-time lines: "08/03/2023 07:28", "Ngày 21/07/2023"
    re.compile(rf"^[ \t]*(?:ngay[ \t]+)?(?:{_TIME}[ \t,|-]*)?{_DATE}(?:[ \t,|-]*{_TIME})?[ \t]*$", _M),
    # breadcrumbs: "Trang chủ > Tin tức > Chuyển đổi số"
    re.compile(r"^[ \t]*(?:trang chu|home)\s*(?:[>»/|]\s*[^\n]{1,60}){1,6}$", _M),
    # share/print toolbars
    re.compile(
        r"^[ \t]*(?:chia se|share|in bai(?: viet)?|ban in|print|gui email|gui bai|tweet|facebook|zalo)"
        r"(?:[ \t]*[|/,:]?[ \t]*(?:facebook|zalo|twitter|tweet|email|print|in|linkedin|messenger)){0,6}[ \t]*$",
        _M,
    ),
    # print views: "Cổng thông tin điện tử Công an tỉnh - In trang", "Ngày in: 14/06/2025 09:42", the page's
    # address alone or with the print date, and rule lines: the page's furniture, not its title or content
    re.compile(r"^[^\n]{1,120}?\s[-–|]\s*(?:in trang|ban in|print(?: view| version)?)[ \t]*$", _M),
    re.compile(r"^[ \t]*(?:ngay in|thoi gian in|in luc|in ngay|printed(?: on)?)\s*:[^\n]{0,60}$", _M),
    re.compile(r"^[ \t]*(?:(?:dia chi trang|duong dan|url|link)\s*:\s*)?https?://\S+"
               r"(?:[ \t]*[|-][ \t]*(?:ngay in|in luc|printed)\b[^\n]{0,40})?[ \t]*$", _M),
    re.compile(r"^[ \t]*[=_~*-]{5,}[ \t]*$", _M),
    # tag lists and bare section headers of related-links boxes
    re.compile(r"^[ \t]*(?:tags?|tu khoa)\s*:[^\n]{0,200}$", _M),
    re.compile(
        r"^[ \t]*(?:tin lien quan|bai viet lien quan|tin khac|tin cung chuyen muc|xem them|doc them|"
        r"binh luan|y kien ban doc|danh gia bai viet|gui y kien)\s*:?[ \t]*$",
        _M,
    ),
]
# "Huy Phúc 08/03/2023 07:28": an author byline (capitalised name words, then a date)
_BYLINE_DATE = re.compile(
    rf"^[ \t]*((?:[^\W\d_]+[ \t]+){{1,4}})(?:{_TIME}[ \t,|-]*)?{_DATE}(?:[ \t,|-]*{_TIME})?[ \t]*$", _M
)
# Photo credit at the end of a line: "... Ảnh: TRỌNG LỢI"
_PHOTO_CREDIT = re.compile(r"(?:(?<=[.!?\"”)])|^)[ \t]*anh\s*:\s*[^\n.]{1,40}$", re.MULTILINE)
_BREADCRUMB_DATE = re.compile(r"^[ \t]*([^\n]{1,60}?)\s*-\s*ngay dang\s*:", re.MULTILINE)


_HEADER_CHARS = 2500  # where page templates put breadcrumbs, datelines and repeated headlines


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for line in text.split("\n"):
        spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def clutter_spans(text: str, folded: str | None = None) -> list[tuple[int, int]]:
    """Character spans of page clutter in normalised ``text`` (sorted, non-overlapping).

    Spans cover whole lines (without the newline) except photo credits, which are
    the "Ảnh: NAME" tail of a caption line.  Detection runs on ``fold(text)``,
    which has the same length, so offsets map 1:1 (pass ``folded`` if you have it).
    """
    if not text:
        return []
    if folded is None or len(folded) != len(text):
        folded = fold(text)
    spans: list[tuple[int, int]] = []
    for m in _IMAGE_LINE.finditer(text):
        line = m.group(0).strip()
        # a file name: no sentence punctuation inside, few words
        if len(line.split()) <= 8 and not re.search(r"[,;:!?]", line):
            spans.append(_trim(text, m.start(), m.end()))
    for pat in _CLUTTER_LINE_PATTERNS:
        for m in pat.finditer(folded):
            spans.append(_trim(text, m.start(), m.end()))
    for m in _BYLINE_DATE.finditer(folded):
        names = text[m.start(1) : m.end(1)].split()
        if all(w[:1].isupper() for w in names):  # "Tính đến ngày 15/6/2023" is content
            spans.append(_trim(text, m.start(), m.end()))
    for m in _PHOTO_CREDIT.finditer(folded):
        spans.append(_trim(text, m.start(), m.end()))

    # Breadcrumb: "Chuyển đổi số - Ngày đăng : ..." names a category; a line in
    # the page header that is exactly that category is navigation, not content.
    # Page templates also repeat the headline/lede in the header zone; the
    # repeat is clutter.  Only the header zone is examined so that a long
    # document's legitimately repeated lines are never dropped.
    categories = {fold(m.group(1)).strip() for m in _BREADCRUMB_DATE.finditer(folded, 0, _HEADER_CHARS)}
    seen: set[str] = set()
    for s, e in _line_spans(text[:_HEADER_CHARS]):
        if e >= _HEADER_CHARS:
            break
        key = folded[s:e].strip()
        if not key:
            continue
        if key in categories or (key in seen and len(key) >= 20):
            spans.append(_trim(text, s, e))
        seen.add(key)
    return _merge(spans)


def written_otherwise(text: str, start: int, end: int, forms: Iterable[str]) -> bool:
    """Whether ``text[start:end]``, a match found on ``fold(text)``, writes one of ``forms`` (cue words as
    they are written, "mấy", "mở cửa") as other words that fold the same: "xe máy" holds the folded "may" of
    "mấy", "Mộ của" the "mo cua" of "mở cửa". False for text typed without diacritics, whose folded form is
    all the user gave. ``fold`` keeps offsets, so the match's offsets hold in ``text``."""
    low = text.lower()
    folded_text = fold(text)
    if folded_text == low or len(folded_text) != len(text):
        return False  # no diacritics, or characters folding changed the length of: offsets would not hold
    span = low[start:end]
    folded = fold(span)
    for form in forms:
        for m in re.finditer(rf"\b{re.escape(fold(form))}\b", folded):
            if span[m.start():m.end()] != form:
                return True
    return False
