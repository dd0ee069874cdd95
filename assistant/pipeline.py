"""The answer pipeline: validate → guard → condense follow-ups → retrieve → answer.

Why one class that every surface calls (CLI, HTTP API, widget, eval runner): the answer a user
sees in the browser must be the one the eval measured. Parts come in through the constructor
(retriever, answerer, condenser, guard), so tests wire real parts and only the LLM is faked.
"""

from __future__ import annotations

import logging
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any

from assistant.errors import AssistantError, InvalidInput
from assistant.guard import GuardVerdict, check_question, decline_message
from assistant.protocols import Answerer, Retriever, StreamEvent
from assistant.query import detect_language
from assistant.types import Answer, Turn
from index.normalize import normalize_text
from index.utf8 import find_unencodable

__all__ = ["Pipeline", "validate_history", "validate_question"]

log = logging.getLogger(__name__)

Condense = Callable[[str, Sequence[Turn]], str]
Guard = Callable[[str], GuardVerdict | None]
Decline = Callable[[GuardVerdict, str], str]

_MAX_TURN_FACTOR = 4  # a history turn may be this many times longer than a question (answers are long)


def validate_question(question: object, max_chars: int) -> str:
    """The normalised question, or ``InvalidInput`` with a message the user can act on."""
    if isinstance(question, bytes):
        raise InvalidInput("Câu hỏi phải là văn bản (UTF-8), không phải dữ liệu nhị phân. / "
                           "The question must be text, not binary data.")
    if not isinstance(question, str):
        raise InvalidInput("Câu hỏi phải là một chuỗi văn bản. / The question must be a string.")
    bad = find_unencodable(question)
    if bad is not None:  # it would fail deep inside (embedder, logs, storage) as a 500
        raise InvalidInput(f"Câu hỏi có {bad.describe_vi()}; hãy gõ hoặc dán lại câu hỏi. / "
                           f"The question has an {bad.describe_en()}; please type or paste it again.")
    if _looks_binary(question):
        raise InvalidInput("Câu hỏi chứa ký tự điều khiển hoặc dữ liệu nhị phân; hãy nhập câu hỏi bằng chữ. / "
                           "The question contains control characters or binary data; please type it as text.")
    text = " ".join(normalize_text(question).split())
    if not text:
        raise InvalidInput("Câu hỏi đang trống; hãy nhập nội dung cần hỏi. / The question is empty.")
    if len(text) > max_chars:
        raise InvalidInput(f"Câu hỏi quá dài ({len(text)} ký tự, tối đa {max_chars}); hãy rút gọn. / "
                           f"The question is too long ({len(text)} characters, at most {max_chars}).")
    if not any(ch.isalnum() for ch in text):
        raise InvalidInput("Câu hỏi không có chữ hoặc số nào; hãy nhập câu hỏi bằng chữ. / "
                           "The question has no letters or digits.")
    return text


def _looks_binary(text: str) -> bool:
    """NUL bytes, replacement characters or many control characters: pasted binary, not a question."""
    if "\x00" in text or "\ufffd" in text:
        return True
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\t\r")
    return controls > max(2, len(text) // 20)


def validate_history(history: object, max_turns: int, max_chars: int) -> list[Turn]:
    """``history`` as normalised ``Turn``s (the last ``max_turns``), or ``InvalidInput``."""
    if history is None:
        return []
    if isinstance(history, str | bytes) or not isinstance(history, Sequence):
        raise InvalidInput("history phải là danh sách các lượt {role, content}. / "
                           "history must be a list of {role, content} turns.")
    turns: list[Turn] = []
    for i, item in enumerate(history):
        role: object
        content: object
        if isinstance(item, Turn):
            role, content = item.role, item.content
        elif isinstance(item, Mapping):
            role, content = item.get("role"), item.get("content")
        else:
            raise InvalidInput(f"history[{i}] phải có dạng {{role, content}}. / history[{i}] must be {{role, content}}.")
        if role not in ("user", "assistant"):
            raise InvalidInput(f"history[{i}].role phải là 'user' hoặc 'assistant' (nhận được {role!r}). / "
                               f"history[{i}].role must be 'user' or 'assistant'.")
        if not isinstance(content, str) or _looks_binary(content):
            raise InvalidInput(f"history[{i}].content phải là văn bản. / history[{i}].content must be text.")
        bad = find_unencodable(content)
        if bad is not None:
            raise InvalidInput(f"history[{i}].content có {bad.describe_vi()}. / "
                               f"history[{i}].content has an {bad.describe_en()}.")
        content = " ".join(normalize_text(content).split())
        if len(content) > max_chars * _MAX_TURN_FACTOR:
            raise InvalidInput(f"history[{i}] quá dài. / history[{i}] is too long.")
        if content:
            turns.append(Turn(role="user" if role == "user" else "assistant", content=content))
    return turns[-max_turns:] if max_turns > 0 else []


class Pipeline:
    """Implements ``AnswerPipeline``.

    ``answerer`` is any ``Answerer`` (the extractive one, or an LLM answerer that falls back to
    it); ``fallback`` — normally the extractive answerer — answers when ``answerer`` raises.
    """

    def __init__(self, retriever: Retriever, answerer: Answerer, *, fallback: Answerer | None = None,
                 condenser: Condense | None = None, guard: Guard = check_question,
                 decline: Decline = decline_message, top_k: int = 8,
                 max_question_chars: int = 2000, max_history_turns: int = 10) -> None:
        if not callable(getattr(retriever, "retrieve", None)):
            raise TypeError(f"retriever must have .retrieve(query, k); got {type(retriever).__name__}")
        for name, part in (("answerer", answerer), ("fallback", fallback)):
            if part is not None and not isinstance(part, Answerer):
                raise TypeError(f"{name} must implement Answerer (answer/stream); got {type(part).__name__}")
        if top_k < 1 or max_question_chars < 1 or max_history_turns < 0:
            raise ValueError("top_k and max_question_chars must be >= 1, max_history_turns >= 0")
        self._retriever = retriever
        self._answerer = answerer
        self._fallback = fallback
        self._condense = condenser
        self._guard = guard
        self._decline = decline  # the corpus pack's wording of a declined request
        self._top_k = top_k
        self._max_chars = max_question_chars
        self._max_turns = max_history_turns

    # --- AnswerPipeline -----------------------------------------------------------------------------
    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        final: Answer | None = None
        for event in self.stream(question, history):
            if event.type == "answer":
                final = event.answer
        assert final is not None  # stream() always ends with the Answer
        return final

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[StreamEvent]:
        """Deltas of the answer text, then the final ``Answer`` exactly once.

        Input errors raise ``InvalidInput`` before anything is yielded.
        """
        t0 = time.perf_counter()
        q = validate_question(question, self._max_chars)
        turns = validate_history(history, self._max_turns, self._max_chars)
        return self._run(q, turns, t0)

    # --- steps --------------------------------------------------------------------------------------
    def _run(self, q: str, turns: list[Turn], t0: float) -> Iterator[StreamEvent]:
        meta: dict[str, Any] = {}
        verdict = self._guard(q)
        if verdict is not None:
            language = detect_language(q)
            log.info("declined a request (%s/%s)", verdict.kind, verdict.pattern)
            text = self._decline(verdict, language)
            yield StreamEvent("delta", text=text)
            yield StreamEvent("answer", answer=Answer(text, True, latency_ms=_ms(t0),
                                                      meta={"guard": verdict.kind, "language": language}))
            return
        standalone = self._standalone(q, turns)
        meta["standalone_question"] = standalone
        language = detect_language(standalone)
        meta["language"] = language
        contexts = self._retriever.retrieve(standalone, self._top_k)
        final: Answer | None = None
        try:
            for event in self._answerer.stream(standalone, contexts, language=language):
                if event.type == "answer":
                    final = event.answer
                else:
                    yield event
        except AssistantError as err:
            if self._fallback is None or final is not None:
                raise
            log.warning("answerer failed (%s); using the fallback answerer", err)
            meta["fallback_reason"] = type(err).__name__
            final = self._fallback.answer(standalone, contexts, language=language)
            yield StreamEvent("delta", text=final.answer)
        if final is None:
            raise AssistantError("the answerer produced no answer")
        merged = {**final.meta, **meta}
        yield StreamEvent("answer", answer=replace(final, latency_ms=_ms(t0), meta=merged))

    def _standalone(self, q: str, turns: list[Turn]) -> str:
        if not turns or self._condense is None:
            return q
        try:
            rewritten = self._condense(q, turns)
        except AssistantError as err:  # an LLM condenser that failed: the question as asked still works
            log.warning("follow-up rewriting failed (%s); using the question as asked", err)
            return q
        rewritten = " ".join(normalize_text(rewritten or "").split())
        return rewritten[: self._max_chars * 2] or q


def _ms(t0: float) -> float:
    return round((time.perf_counter() - t0) * 1000, 2)
