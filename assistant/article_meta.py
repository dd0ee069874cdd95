"""Questions about the article itself: who wrote it, which paper published it, when it was posted.

Why a separate path: the answer to "bài viết do ai viết / đăng trên báo nào / đăng ngày nào" is not
in any sentence of the report but in its byline or date line ("TRỌNG LỢI - Nguồn Báo Bình Định",
"Ngày đăng: 21/07/2023"). Those lines are page furniture to the sentence scorer, so without this the
assistant refuses questions the document does answer. The line is quoted verbatim from the
normalised document text, with its offsets, like any other citation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.normalize import fold

__all__ = ["MetaLine", "article_meta_kind", "find_meta_line"]

_ABOUT_ARTICLE = re.compile(r"\b(?:bai|bai viet|bai bao|tin bai|article|story|report)\b")
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("published", re.compile(r"\b(?:duoc )?dang (?:vao |tai |len )?(?:ngay nao|hom nao|khi nao|luc nao|bao gio)"
                             r"|\bngay dang\b|\bxuat ban (?:ngay|khi)|\bwhen was\b.*\b(?:published|posted)\b"
                             r"|\bpublication date\b")),
    ("author", re.compile(r"\bai viet\b|\btac gia\b|\bbut danh\b|\bnguoi viet\b|\bwho wrote\b|\bauthor\b"
                          r"|\bwritten by\b")),
    ("outlet", re.compile(r"\b(?:bao|to bao|co quan bao chi|trang) nao\b|\bnguon (?:tu )?bao\b"
                          r"|\bwhich (?:newspaper|outlet|paper)\b")),
)
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")
_CAP = r"[A-ZĐÀ-Ỹ][^\W\d_]*"
# "TRỌNG LỢI - Nguồn Báo Bình Định", "Theo Thùy Vy (Báo Bắc Ninh)", "Huy Phúc 08/03/2023 07:28"
_BYLINE = re.compile(rf"^(?:Theo\s+)?{_CAP}(?:\s+{_CAP}){{1,3}}"
                     r"(?:\s+-\s+Nguồn\s+[^\n]{2,40}|\s*\([^()\n]{2,40}\)|\s+\d{1,2}/\d{1,2}/\d{4}[\d: ]*)?$")


@dataclass(frozen=True)
class MetaLine:
    start: int
    end: int
    text: str


def article_meta_kind(question: str) -> str:
    """"author", "outlet" or "published" when the question asks about the article itself, else ""."""
    f = fold(question)
    if not _ABOUT_ARTICLE.search(f):
        return ""
    for kind, rx in _KINDS:
        if rx.search(f):
            return kind
    return ""


def _lines(text: str) -> list[MetaLine]:
    out: list[MetaLine] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            out.append(MetaLine(pos + lead, pos + lead + len(stripped), stripped))
        pos += len(line) + 1
    return out


def find_meta_line(text: str, kind: str) -> MetaLine | None:
    """The document's line answering ``kind``: its "Ngày đăng" line or a dated byline for
    "published"; a byline naming the writer (and, for "outlet", the paper) otherwise."""
    lines = [ln for ln in _lines(text) if len(ln.text) <= 80]
    if kind == "published":
        posted = [ln for ln in lines if "ngay dang" in fold(ln.text) and _DATE.search(ln.text)]
        if posted:
            return posted[0]
        dated = [ln for ln in lines if _BYLINE.match(ln.text) and _DATE.search(ln.text)]
        return dated[0] if dated else None
    bylines = [ln for ln in lines if _BYLINE.match(ln.text)]
    if kind == "outlet":
        bylines = [ln for ln in bylines if re.search(r"\bBáo\b", ln.text)]
    # the fullest byline (name and paper) is the most informative quote; bylines close a report
    return max(bylines, key=lambda ln: (len(ln.text), ln.start)) if bylines else None
