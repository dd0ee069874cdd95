"""The seams between parts, as small Protocols (no base-class hierarchies).

Anything with the right methods plugs in: tests use the real parts, and a scripted
fake only for the LLM (``ChatModel``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from assistant.types import Answer, ScoredChunk, Turn


@runtime_checkable
class Retriever(Protocol):
    """Returns the best passages for a (standalone) query, best first."""

    def retrieve(self, query: str, k: int) -> list[ScoredChunk]: ...


@runtime_checkable
class ChatModel(Protocol):
    """An LLM behind an OpenAI-compatible chat API. ``messages`` are ``{"role", "content"}`` dicts."""

    def complete(self, messages: Sequence[dict[str, str]]) -> str: ...

    def stream(self, messages: Sequence[dict[str, str]]) -> Iterator[str]: ...


@dataclass(frozen=True)
class StreamEvent:
    """One server-sent event: text deltas while composing, then the final Answer exactly once."""

    type: Literal["delta", "answer"]
    text: str = ""
    answer: Answer | None = None


@runtime_checkable
class AnswerPipeline(Protocol):
    """What the server, the UI, the widget and the eval runner all call."""

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer: ...

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[StreamEvent]: ...


@runtime_checkable
class Answerer(Protocol):
    """Turns a question and its numbered context into an Answer (extractive, or LLM-backed).

    ``contexts[i]`` is context number ``i + 1``: citations ``[n]`` refer to it.
    ``language`` is "vi" or "en" (the language to frame the answer in).
    """

    def answer(self, question: str, contexts: Sequence[ScoredChunk], *, language: str = "vi") -> Answer: ...

    def stream(
        self, question: str, contexts: Sequence[ScoredChunk], *, language: str = "vi"
    ) -> Iterator[StreamEvent]: ...
