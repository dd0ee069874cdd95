"""Value types of the answering side; the Answer mirrors the JSON of ../shared/CONTRACT.md."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from index.types import Chunk, ScoredChunk

__all__ = ["Answer", "Chunk", "Citation", "Retrieved", "ScoredChunk", "Turn"]


@dataclass(frozen=True)
class Turn:
    """One message of a conversation history."""

    role: Literal["user", "assistant"]
    content: str


@dataclass(frozen=True)
class Citation:
    """A verbatim quote backing a claim; ``n`` is the 1-based ``[n]`` marker used in the answer text."""

    n: int
    source: str
    title: str
    quote: str
    start: int
    end: int
    chunk_id: str = ""
    # What a person reads to find the source again ("Luật Cư trú, Điều 30, khoản 4", "Báo Bình Định,
    # 09/5/2025"); never a hashed file name (CONTRACT.md). Empty only when nothing better is known.
    label: str = ""
    # What a cross-reference inside the quote points to ("khoản 3 Điều này" -> "Điều 30, khoản 3").
    note: str = ""


@dataclass(frozen=True)
class Retrieved:
    source: str
    chunk_id: str
    score: float


@dataclass(frozen=True)
class Answer:
    answer: str
    refused: bool
    citations: tuple[Citation, ...] = ()
    retrieved: tuple[Retrieved, ...] = ()
    latency_ms: float = 0.0
    # Extra, non-contract information (why a refusal happened, which answerer ran, ...).
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON shape (plus ``meta`` for diagnostics)."""
        d = asdict(self)
        d["citations"] = [asdict(c) for c in self.citations]
        d["retrieved"] = [asdict(r) for r in self.retrieved]
        for c in d["citations"]:
            c.pop("chunk_id", None)
        return d
