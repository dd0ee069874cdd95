"""Citation labels a person can follow: "Luật Cư trú, Điều 30, khoản 4" or "Báo Bình Định, 09/5/2025".

Why here, next to the index: a label is a fact about where a span of an indexed document sits (its
article, clause and point, or its outlet and date), and only the index knows the normalised text the
offsets point into. A hashed file name ("000_fa699dd7983e293e.txt") tells a citizen nothing; a law's
article and clause is what they look up, and a report is found again by its outlet and date.

The note resolves cross-references inside the quote ("khoản 3 Điều này", "Điều 24 của Luật này") to
what they point at, because a quote read on its own cannot say which article "Điều này" is.
"""

from __future__ import annotations

import re

from index.legal import KIND_LAW, cite_label, detect_kind, parse_legal, resolve_references
from index.types import DocumentMeta

__all__ = ["citation_label", "format_date", "outlet_name", "short_title"]

_OUTLET_RE = re.compile(
    r"((?:Báo|Tạp chí|Cổng [Tt]hông tin điện tử|Trang [Tt]hông tin điện tử|Đài [Pp]hát thanh[^()\-–,;]*|"
    r"Thông tấn xã Việt Nam|TTXVN|VOV|VTV|VnExpress|Tuổi Trẻ|Thanh Niên|Dân trí)(?:\s+[^\s()\-–,;]+)*)"
)
_TITLE_MAX = 80


def outlet_name(outlet: str) -> str:
    """The publication in a byline: "TRỌNG LỢI - Nguồn Báo Bình Định" -> "Báo Bình Định",
    "Theo Thùy Vy (Báo Bắc Ninh)" -> "Báo Bắc Ninh"; "" when the byline only names a person."""
    m = _OUTLET_RE.search(outlet)
    return m.group(1).strip() if m else ""


def format_date(iso: str | None) -> str:
    """"2025-05-09" -> "09/5/2025" (the way Vietnamese pages write it); "2025-05" -> "5/2025"."""
    if not iso:
        return ""
    parts = iso.split("-")
    try:
        nums = [int(p) for p in parts]
    except ValueError:
        return ""
    if len(nums) == 3:
        return f"{nums[2]:02d}/{nums[1]}/{nums[0]}"
    if len(nums) == 2:
        return f"{nums[1]}/{nums[0]}"
    return str(nums[0])


def short_title(title: str, limit: int = _TITLE_MAX) -> str:
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title.rfind(" ", 0, limit)
    return title[: cut if cut > limit // 2 else limit].rstrip(" ,;:-–") + "…"


def _report_label(meta: DocumentMeta) -> str:
    name = outlet_name(meta.outlet) or short_title(meta.title) or meta.url
    date = format_date(meta.published or meta.dated)
    return ", ".join(p for p in (name, date) if p) or short_title(meta.source.rsplit("/", 1)[-1])


def citation_label(meta: DocumentMeta, text: str, start: int, end: int) -> tuple[str, str]:
    """(label, note) for the quote ``text[start:end]`` of the document described by ``meta``.

    A law: "Luật Cư trú, Điều 30, khoản 4" (", điểm b" when the quote stays inside one point; the
    article alone when it spans several clauses). Anything else: outlet (or a short title) and date.
    The note lists the quote's cross-references and their targets, joined by "; ".
    """
    kind = meta.kind
    structure = parse_legal(text) if kind in (KIND_LAW, "") else None
    if structure is not None and not kind:
        kind = detect_kind(text, structure)
    if kind != KIND_LAW or structure is None or not structure.articles:
        return _report_label(meta), ""
    title = structure.title or meta.title
    where = structure.locate(start, end)
    if where.article is None:
        return title or _report_label(meta), ""
    if len(where.articles) > 1:
        label = f"{title}, Điều {', '.join(a.number for a in where.articles)}" if title else \
            f"Điều {', '.join(a.number for a in where.articles)}"
    else:
        label = cite_label(title, where.article, where.clause, where.point)
    seen: list[str] = []
    for ref in resolve_references(structure, title, text, start, end):
        line = f"{ref.text} = {ref.target}"
        if line not in seen:
            seen.append(line)
    return label, "; ".join(seen)
