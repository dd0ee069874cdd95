"""A table row as a sentence a citizen can read: its cells named by the table's header row.

Why a module of its own: FAQ and procedure pages put fees, time limits and offices in tables
("| Nộp trực tuyến | 05 ngày làm việc | Không thu phí |"). The row is the right evidence and is quoted
verbatim, but a lead that repeats its pipes reads as markup; "Nộp trực tuyến — Thời hạn giải quyết:
05 ngày làm việc; Phí: Không thu phí" answers in words. Nothing is added that the table does not say:
the header cells are the table's own words, and the values keep their digits.
"""

from __future__ import annotations

from assistant.evidence import TABLE_ROW, Evidence, Sentence

__all__ = ["is_row", "row_as_prose", "row_cells"]

_SEPARATOR = frozenset("|-: ")  # the characters of a header's underline ("|---|:---:|")


def is_row(text: str) -> bool:
    """Whether a sentence is a table row (its cells separated by "|")."""
    return TABLE_ROW.search(text.strip()) is not None


def row_cells(text: str) -> list[str]:
    """The non-empty cells of a row, in order ("| A | 05 ngày |" -> ["A", "05 ngày"])."""
    return [c.strip() for c in text.strip().strip("|").split("|") if c.strip()]


def _header(ev: Evidence, sent: Sentence) -> list[str]:
    """The cells of the first row of the table ``sent`` sits in; [] when the row is the header itself or
    the table has none."""
    doc = ev.docs[sent.source]
    lines = doc.text[:sent.start].split("\n")
    own = lines.pop()  # the row's own line, up to the sentence
    if own.strip():
        return []  # the sentence does not open its line: not a row of cells
    first = ""
    for line in reversed(lines):
        stripped = line.strip()
        if not stripped or TABLE_ROW.search(stripped) is None:
            break
        if not set(stripped) <= _SEPARATOR:
            first = stripped
    return row_cells(first) if first else []


def row_as_prose(ev: Evidence, sent: Sentence, named: bool = True) -> str:
    """A row's cells as one clause: its first cell, then each other cell after its header ("Nộp trực tuyến —
    Thời hạn giải quyết: 05 ngày làm việc; Phí: Không thu phí"), or after a colon when the table has no
    header of as many cells (or ``named`` is False); "" when ``sent`` is no row of two cells or more."""
    if not is_row(sent.text):
        return ""
    cells = row_cells(sent.text)
    if len(cells) < 2:
        return ""
    header = _header(ev, sent) if named else []
    if len(header) == len(cells) and cells != header:
        return f"{cells[0]} — " + "; ".join(f"{h}: {c}" for h, c in zip(header[1:], cells[1:], strict=True))
    return f"{cells[0]}: " + "; ".join(cells[1:])
