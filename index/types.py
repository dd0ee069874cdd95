"""Value types that cross the index boundary.

They are frozen so a chunk handed to retrieval or to the answerer can never be
mutated behind the index's back; offsets always refer to the *normalised*
source text (see ``index.normalize``), which is what citations quote.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DocumentMeta:
    """What we know about one source document besides its text."""

    source: str  # path relative to the corpus folder, e.g. "000_fa699dd7983e293e.txt"
    title: str = ""
    published: str | None = None  # ISO date "YYYY-MM-DD" or "YYYY-MM" / "YYYY" when only that is stated
    places: tuple[str, ...] = ()  # provinces/places the document is about, most specific first
    outlet: str = ""  # author/outlet line, e.g. "Nguồn Báo Bình Định"
    url: str = ""
    years: tuple[int, ...] = ()  # years the document reports on, most recent first (for time-aware retrieval)
    # "law" (luật, nghị định, thông tư … laid out in articles), "faq" (Q&A / procedure page) or "report"
    # (news, reports); "" in manifests written before kinds existed (readers then parse the text).
    kind: str = ""
    number: str = ""  # a legal document's own number, e.g. "68/2020/QH14" ("" when not stated)
    # the day a report's opening dateline names ("Sáng 9.5" in a 2025 report -> "2025-05-09") when the
    # page states no publication date: what a reader uses to tell two reports of one outlet apart
    dated: str | None = None


@dataclass(frozen=True)
class Document:
    """A loaded, normalised document: ``text`` is what offsets point into."""

    meta: DocumentMeta
    text: str
    content_hash: str  # sha256 of ``text``


@dataclass(frozen=True)
class Chunk:
    """A passage of a document; ``text == document.text[start:end]`` always holds."""

    chunk_id: str
    source: str
    text: str
    start: int
    end: int
    title: str = ""
    published: str | None = None
    places: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    ordinal: int = 0  # position of the chunk in its document
    # Where the passage sits, for a reader and for search: "Luật Cư trú, Điều 20. Điều kiện đăng ký thường
    # trú" for a piece of a law ("" for reports). Embedded and indexed with the passage (see
    # ``index.chunking.search_text``) but never part of ``text``, so offsets stay exact.
    context: str = ""
    article: str = ""  # the article number a law passage belongs to ("20"; "" outside articles)
    # content hash of the document text the offsets point into (set when read from an index): lets an
    # answer quote exactly the version it retrieved even if a newer generation lands meanwhile
    doc_hash: str = field(default="", compare=False)


@dataclass(frozen=True)
class ScoredChunk:
    """A chunk with a retrieval score (higher is better) and where the score came from."""

    chunk: Chunk
    score: float
    signals: dict[str, float] = field(default_factory=dict, compare=False, hash=False)
