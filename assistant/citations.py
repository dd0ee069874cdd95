"""Citations: verbatim quotes with offsets, and the rules for ``[n]`` markers in answer text.

Why one module: both the extractive answerer and the LLM answerer must obey the same rule
(house rule 6): a marker refers to a numbered context, out-of-range or unknown markers are
dropped (never invented), and the citations an answer carries are exactly the ones it uses,
renumbered ``1..m`` in order of first use so the reader sees ``[1]``, ``[2]``, ... in order.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from assistant.types import Chunk, Citation

__all__ = ["MARKER_RE", "citation_from_chunk", "citation_from_span", "finalize_citations", "strip_markers"]

# ``[1]``, ``[1, 2]``, ``[1][2]`` (the latter is two markers); full-width brackets are tolerated
# because some models emit them.
MARKER_RE = re.compile(r"[\[［]\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*[\]］]")
_DROPPED = "\x00"
_DROPPED_RE = re.compile(r"[ \t]*\x00+")


def citation_from_span(n: int, source: str, title: str, text: str, start: int, end: int,
                       chunk_id: str = "") -> Citation:
    """A citation whose quote is *exactly* ``text[start:end]`` (the normalised document text).

    Checked here so that no caller can produce a quote that is not a verbatim substring.
    """
    if not (0 <= start < end <= len(text)):
        raise ValueError(f"citation span {start}:{end} outside document {source!r} of length {len(text)}")
    return Citation(n=n, source=source, title=title, quote=text[start:end], start=start, end=end,
                    chunk_id=chunk_id)


def citation_from_chunk(n: int, chunk: Chunk) -> Citation:
    """Cite a whole chunk (used when an LLM cites context ``[n]`` without a finer span)."""
    return Citation(n=n, source=chunk.source, title=chunk.title, quote=chunk.text, start=chunk.start,
                    end=chunk.end, chunk_id=chunk.chunk_id)


def strip_markers(text: str) -> str:
    """The text without any ``[n]`` markers (for display surfaces that show sources separately)."""
    return _tidy(MARKER_RE.sub(_DROPPED, text))


def finalize_citations(text: str, candidates: Sequence[Citation]) -> tuple[str, tuple[Citation, ...]]:
    """Validate and renumber the ``[n]`` markers of ``text`` against ``candidates``.

    ``candidates[i]`` is what marker ``[i + 1]`` refers to (its own ``n`` is ignored).
    Markers outside ``1..len(candidates)`` are removed; a group such as ``[1, 7]`` keeps its valid
    members. Surviving markers are renumbered ``1..m`` in order of first appearance and the
    returned citations are exactly those, in that order. Repeated references to one candidate
    share one number.
    """
    mapping: dict[int, int] = {}
    used: list[Citation] = []

    def renumber(match: re.Match[str]) -> str:
        out: list[str] = []
        for part in re.split(r"\s*[,;]\s*", match.group(1)):
            idx = int(part)
            if not 1 <= idx <= len(candidates):
                continue
            if idx not in mapping:
                mapping[idx] = len(used) + 1
                used.append(replace(candidates[idx - 1], n=mapping[idx]))
            marker = f"[{mapping[idx]}]"
            if marker not in out:
                out.append(marker)
        return "".join(out) or _DROPPED

    new_text = MARKER_RE.sub(renumber, text)
    return _tidy(new_text), tuple(used)


def _tidy(text: str) -> str:
    """Remove dropped markers and the blank before them; quoted text elsewhere is left untouched."""
    return _DROPPED_RE.sub("", text).strip()
