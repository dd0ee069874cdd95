"""The LLM adapter: any OpenAI-compatible chat endpoint (vLLM, Ollama, llama.cpp server, OpenAI).

This is the project's ONLY provider import (langchain-openai). LangChain message objects and
OpenAI exceptions stay inside this module: callers pass ``{"role", "content"}`` dicts and get
``str`` back, or an ``LLMError`` whose message says what to check.

Why a hard deadline on top of the HTTP client's own timeout: httpx timeouts apply per network
operation, so a server that trickles bytes (or retries after a 500) can take far longer than
``timeout_s`` in total. The answerer promises the fallback answer within ``timeout_s`` + 1 s, so
each call runs in a daemon worker thread and the caller stops waiting at the deadline; the
abandoned request dies on its own HTTP timeout shortly after.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import urlparse

from assistant.errors import LLMError

log = logging.getLogger(__name__)

__all__ = ["OpenAICompatibleChat"]

_ROLES = ("system", "user", "assistant")
_DONE = object()


class OpenAICompatibleChat:
    """A ``ChatModel`` (see ``assistant.protocols``) backed by ``langchain_openai.ChatOpenAI``.

    ``complete`` must finish within ``timeout_s``; ``stream`` must produce its first piece within
    ``timeout_s`` and never stall longer than ``timeout_s`` between pieces (a slow model that keeps
    talking is allowed to finish). Every failure is raised as ``LLMError``.
    """

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str = "",
        timeout_s: float = 20.0,
        temperature: float = 0.0,
        max_tokens: int = 512,
        max_retries: int = 0,
        cooldown_s: float = 30.0,
    ) -> None:
        if not base_url or not urlparse(base_url).scheme.startswith("http") or not urlparse(base_url).netloc:
            raise LLMError(
                f"LLM base URL {base_url!r} is not an http(s) URL; set ASSISTANT_LLM_BASE_URL, "
                "e.g. http://127.0.0.1:11434/v1 (Ollama) or http://HOST:8000/v1 (vLLM)"
            )
        if not model:
            raise LLMError("no LLM model name; set ASSISTANT_LLM_MODEL (e.g. qwen2.5:7b-instruct)")
        if timeout_s <= 0:
            raise LLMError(f"LLM timeout must be positive, got {timeout_s}; set ASSISTANT_LLM_TIMEOUT_S")
        if max_tokens <= 0:
            raise LLMError(f"LLM max_tokens must be positive, got {max_tokens}; set ASSISTANT_LLM_MAX_TOKENS")
        if max_retries < 0:
            raise LLMError(f"max_retries must be >= 0, got {max_retries}")
        if cooldown_s < 0:
            raise LLMError(f"cooldown_s must be >= 0, got {cooldown_s}")
        from langchain_openai import ChatOpenAI  # provider import kept here; no work at import time

        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout_s = float(timeout_s)
        self.cooldown_s = float(cooldown_s)
        self._down_until = 0.0  # monotonic time until which the endpoint counts as down
        self._down_reason = ""
        # OpenAI itself wants ``max_completion_tokens`` only (what ChatOpenAI sends); Ollama and older
        # vLLM / llama.cpp servers only honour ``max_tokens``, so other endpoints get both.
        extra_body: dict[str, Any] | None = None
        if (urlparse(self.base_url).hostname or "") != "api.openai.com":
            extra_body = {"max_tokens": int(max_tokens)}
        self._client = ChatOpenAI(
            model=model,
            base_url=self.base_url,
            # Local servers accept any key, but the OpenAI client refuses to start without one.
            api_key=api_key or "not-needed",  # type: ignore[arg-type]
            timeout=self.timeout_s,
            max_retries=max_retries,
            temperature=temperature,
            max_tokens=int(max_tokens),  # type: ignore[call-arg]
            extra_body=extra_body,
        )

    def __repr__(self) -> str:  # never shows the API key
        return f"OpenAICompatibleChat(base_url={self.base_url!r}, model={self.model!r}, timeout_s={self.timeout_s})"

    # --- ChatModel protocol -------------------------------------------------------------------------

    def complete(self, messages: Sequence[dict[str, str]]) -> str:
        lc_messages = _to_langchain(messages)
        self._check_up()
        result: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)

        def work() -> None:
            try:
                result.put(("ok", _message_text(self._client.invoke(lc_messages))))
            except BaseException as err:  # noqa: BLE001 - handed to the caller's thread
                result.put(("err", err))

        self._start(work)
        try:
            kind, value = result.get(timeout=self.timeout_s)
        except queue.Empty:
            raise self._mark_down(LLMError(self._timeout_message())) from None
        if kind == "err":
            raise self._mark_down(self._translate(value), outage=_is_outage(value)) from value
        text = str(value).strip()
        if not text:
            raise LLMError(f"LLM {self.model!r} at {self.base_url} returned an empty reply")
        return text

    def stream(self, messages: Sequence[dict[str, str]]) -> Iterator[str]:
        lc_messages = _to_langchain(messages)
        self._check_up()
        pieces: queue.Queue[tuple[str, Any]] = queue.Queue()
        stop = threading.Event()

        def work() -> None:
            try:
                for chunk in self._client.stream(lc_messages):
                    if stop.is_set():
                        return
                    text = _message_text(chunk)
                    if text:
                        pieces.put(("piece", text))
                pieces.put(("done", _DONE))
            except BaseException as err:  # noqa: BLE001 - handed to the caller's thread
                pieces.put(("err", err))

        return self._drain(work, pieces, stop)

    # --- internals ----------------------------------------------------------------------------------

    def _drain(
        self, work: Callable[[], None], pieces: queue.Queue[tuple[str, Any]], stop: threading.Event
    ) -> Iterator[str]:
        """Yield pieces from the worker, giving up when it is silent for ``timeout_s``."""
        self._start(work)
        produced = False
        try:
            while True:
                try:
                    kind, value = pieces.get(timeout=self.timeout_s)
                except queue.Empty:
                    raise self._mark_down(LLMError(self._timeout_message(streaming=produced))) from None
                if kind == "piece":
                    produced = True
                    yield value
                elif kind == "err":
                    # the client's own read timeout can fire before ours: mid-reply it is a stall
                    err = self._translate(value, streaming=produced)
                    raise self._mark_down(err, outage=_is_outage(value)) from value
                else:
                    break
            if not produced:
                raise LLMError(f"LLM {self.model!r} at {self.base_url} streamed an empty reply")
        finally:
            stop.set()  # the worker stops reading once the consumer is gone

    def _check_up(self) -> None:
        left = self._down_until - time.monotonic()
        if left > 0:
            raise LLMError(f"LLM {self.model!r} at {self.base_url} skipped for {left:.0f} s more after a failure "
                           f"({self._down_reason})")

    def _mark_down(self, err: LLMError, *, outage: bool = True) -> LLMError:
        """Start the cooldown when the endpoint is slow or unreachable (not for a bad reply or a 4xx/5xx)."""
        if outage and self.cooldown_s > 0:
            self._down_until = time.monotonic() + self.cooldown_s
            self._down_reason = str(err)
            log.warning("%s; not calling it again for %g s", err, self.cooldown_s)
        return err

    @staticmethod
    def _start(work: Callable[[], None]) -> None:
        # Daemon: an abandoned slow request must not keep the process alive at exit.
        threading.Thread(target=work, name="llm-call", daemon=True).start()

    def _timeout_message(self, *, streaming: bool = False) -> str:
        what = "stalled mid-reply for" if streaming else "did not answer within"
        return (
            f"LLM {self.model!r} at {self.base_url} {what} {self.timeout_s:g} s; "
            "raise ASSISTANT_LLM_TIMEOUT_S or use a faster model"
        )

    def _translate(self, err: BaseException, *, streaming: bool = False) -> LLMError:
        """OpenAI/httpx exceptions -> one LLMError saying what to check (no stack trace for users)."""
        if isinstance(err, LLMError):
            return err
        import openai

        where = f"LLM {self.model!r} at {self.base_url}"
        if isinstance(err, openai.APITimeoutError):
            return LLMError(self._timeout_message(streaming=streaming))
        if isinstance(err, openai.APIConnectionError):
            return LLMError(f"{where} cannot be reached ({_root_cause(err)}); is the server running? "
                            "check ASSISTANT_LLM_BASE_URL")
        if isinstance(err, openai.AuthenticationError | openai.PermissionDeniedError):
            return LLMError(f"{where} rejected the API key (HTTP {err.status_code}); check ASSISTANT_LLM_API_KEY")
        if isinstance(err, openai.NotFoundError):
            return LLMError(f"{where} answered 404; check ASSISTANT_LLM_MODEL and that the URL ends in /v1")
        if isinstance(err, openai.APIStatusError):
            return LLMError(f"{where} failed with HTTP {err.status_code}")
        if isinstance(err, openai.APIResponseValidationError | ValueError | KeyError | TypeError):
            return LLMError(f"{where} sent a reply that is not an OpenAI chat completion ({type(err).__name__})")
        return LLMError(f"{where} failed: {type(err).__name__}: {err}")


def _is_outage(err: BaseException) -> bool:
    """Timeouts and refused/broken connections: the kind of failure that will cost the next call too."""
    import openai

    return isinstance(err, openai.APITimeoutError | openai.APIConnectionError)


def _to_langchain(messages: Sequence[dict[str, str]]) -> list[Any]:
    """``{"role", "content"}`` dicts -> LangChain messages (checked: a typo'd role is a bug, say so)."""
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    if not messages:
        raise LLMError("no messages to send to the LLM")
    out: list[Any] = []
    for i, m in enumerate(messages):
        role, content = m.get("role"), m.get("content")
        if role not in _ROLES or not isinstance(content, str):
            raise LLMError(f"message {i} must have role in {_ROLES} and text content, got role={role!r}")
        cls = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}[role]
        out.append(cls(content=content))
    return out


def _message_text(message: Any) -> str:
    """The text of an AIMessage / AIMessageChunk (content may be a list of parts)."""
    content = getattr(message, "content", "")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and part.get("type") == "text":
                parts.append(str(part.get("text", "")))
        return "".join(parts)
    return ""


def _root_cause(err: BaseException) -> str:
    cause: BaseException = err
    for _ in range(10):  # bounded: exception chains can be cyclic
        nxt = cause.__cause__ or cause.__context__
        if nxt is None:
            break
        cause = nxt
    return str(cause) or type(cause).__name__

