"""What the web app needs to know about the index besides answers: its size and the documents.

The ``AnswerPipeline`` protocol only promises ``ask`` and ``stream``. Health needs the number of
indexed chunks, and the source viewer wants a document's full text (the paragraph around a quote) and
its place/date. Those come from the index reader (``index.reader.IndexReader``), which the composition
root builds and ``run_server`` hands to ``create_app`` next to the pipeline — no reaching into the
pipeline's private parts. This module is the one place that reads it, so every surface degrades the
same way when it is absent.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from assistant.errors import IndexMissing


@runtime_checkable
class IndexInfo(Protocol):
    """The read-only slice of ``IndexReader`` the UI uses."""

    def chunks(self) -> list[Any]: ...

    def document(self, source: str) -> Any: ...

    def document_text(self, source: str) -> str: ...


def index_chunk_count(index: IndexInfo | None) -> int:
    """Chunks in the loaded index; ``IndexMissing`` (from the reader, or here when none was given)."""
    if index is None:
        raise IndexMissing("the server was started without an index reader; run `assistant serve`")
    return len(index.chunks())


def document_text(index: IndexInfo | None, source: str) -> str | None:
    """The normalised full text of ``source`` (what citation offsets point into), or ``None``."""
    if index is None:
        return None
    try:
        return index.document_text(source)
    except (KeyError, FileNotFoundError, OSError, IndexMissing):
        return None


def document_meta_line(index: IndexInfo | None, source: str) -> str:
    """"Place · date" of a source (e.g. "Bình Định · 2025-05-09"), or "" when unknown."""
    if index is None:
        return ""
    try:
        meta = index.document(source)
    except (KeyError, FileNotFoundError, OSError, IndexMissing):
        return ""
    places = ", ".join(getattr(meta, "places", ()) or ())
    published = getattr(meta, "published", None) or ""
    return " · ".join(x for x in (places, published) if x)


def surrounding_paragraph(text: str, start: int, end: int, *, max_chars: int = 1500) -> tuple[int, int]:
    """Span of the paragraph(s) containing ``text[start:end]`` (line breaks delimit paragraphs in the
    corpus), clipped to ``max_chars`` around the quote so a wall of text stays readable."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    left = text.rfind("\n", 0, start) + 1  # 0 when there is no earlier line break
    right = text.find("\n", end)
    right = len(text) if right < 0 else right
    if right - left > max_chars:
        spare = max(0, max_chars - (end - start)) // 2
        left = max(left, start - spare)
        right = min(right, end + spare)
    return left, right
