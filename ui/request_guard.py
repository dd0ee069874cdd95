"""What one request may carry: a bounded body, received within a deadline, as text that UTF-8 can hold.

Why an ASGI middleware in front of everything (API, widget, Gradio, console) rather than checks in each
route: the checks must happen *while the body is read*, before any framework parses it.

* **Size.** A ``Content-Length`` over the limit is refused with 413 before a byte of the body is read;
  a chunked body is counted as it arrives and refused as soon as it passes the limit. Nothing parses a
  16 MB JSON document any more.
* **Time.** The whole body must arrive within ``body_timeout_s``. A client that sends half a body and
  stalls (slowloris) gets 408 and its connection closed after a few seconds, instead of holding a worker
  for minutes (uvicorn's ``timeout_keep_alive`` only covers the idle time *between* requests).
* **Text.** A JSON body whose strings hold lone UTF-16 surrogates (``"\\ud800"``) is refused with 400
  naming the field, at every route at once: such a string cannot be encoded as UTF-8 and used to crash
  the request deep inside (500, connection reset).

The body is buffered (it is small, and the limit bounds it) and replayed to the app; after that, the
app's ``receive`` is the server's again, so disconnect detection of streamed answers keeps working.
Refusals close the connection when the body was not read to its end, so the next request on it cannot
be mistaken for the rest of the old body; after a 400 for bad text the connection stays usable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

import anyio
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from index.utf8 import Unencodable, find_unencodable_field

__all__ = ["BodyLimits", "RequestGuardMiddleware"]

# A JSON escape of a surrogate code point; only bodies holding one are parsed here (cheap pre-check).
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


@dataclass(frozen=True)
class BodyLimits:
    """Body size limits: ``default`` bytes, or the first matching path prefix of ``by_prefix``."""

    default: int
    by_prefix: Mapping[str, int]
    timeout_s: float

    def for_path(self, path: str) -> int:
        for prefix, limit in self.by_prefix.items():
            if path.startswith(prefix):
                return limit
        return self.default


class _TooLarge(Exception):
    pass


class _TooSlow(Exception):
    pass


class _Gone(Exception):
    """The client disconnected before its body was complete: there is no one to answer."""


def _kb(n: int) -> str:
    return f"{n // 1024} KB" if n >= 1024 else f"{n} bytes"


def _error(code: str, vi: str, en: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": vi, "message_en": en}}, ensure_ascii=False).encode()


async def _respond(send: Send, status: int, body: bytes, *, close: bool) -> None:
    headers = [(b"content-type", b"application/json; charset=utf-8"),
               (b"content-length", str(len(body)).encode())]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class RequestGuardMiddleware:
    """Reads each HTTP request body under the size limit and deadline, checks its text, then replays it."""

    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        if limits.default < 1 or limits.timeout_s <= 0:
            raise ValueError("body limit must be >= 1 byte and the body timeout > 0 s")
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limits.for_path(scope.get("path", ""))
        headers = Headers(scope=scope)
        declared = headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(send, limit)
            return
        try:
            body, rest = await self._read_body(receive, limit)
        except _TooLarge:
            await self._too_large(send, limit)
            return
        except _Gone:
            return
        except _TooSlow:
            await _respond(send, 408, _error(
                "body_timeout",
                f"Không nhận đủ nội dung yêu cầu trong {self.limits.timeout_s:g} giây; hãy gửi lại.",
                f"The request body did not arrive within {self.limits.timeout_s:g} s; please send it again."),
                close=True)
            return
        if body and _SURROGATE_ESCAPE.search(body):
            found = self._unencodable(body)
            if found is not None:
                where, bad = found
                await _respond(send, 400, _error(
                    "invalid_text",
                    f"Trường '{where}' có {bad.describe_vi()}, không thể lưu dưới dạng UTF-8; "
                    "hãy gõ hoặc dán lại văn bản.",
                    f"Field '{where}' has an {bad.describe_en()}, which cannot be encoded as UTF-8; "
                    "please type or paste the text again."), close=False)
                return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await rest()

        await self.app(scope, replay, send)

    async def _read_body(self, receive: Receive, limit: int) -> tuple[bytes, Receive]:
        """The whole body (at most ``limit`` bytes, within the deadline) and the receive to use after it."""
        chunks: list[bytes] = []
        size = 0
        with anyio.move_on_after(self.limits.timeout_s) as scope:
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    raise _Gone
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    raise _TooLarge
                chunks.append(chunk)
                if not message.get("more_body", False):
                    break
        if scope.cancelled_caught:
            raise _TooSlow
        return b"".join(chunks), receive

    async def _too_large(self, send: Send, limit: int) -> None:
        await _respond(send, 413, _error(
            "body_too_large",
            f"Yêu cầu quá lớn (tối đa {_kb(limit)}); hãy rút gọn câu hỏi hoặc lịch sử hội thoại.",
            f"The request body is too large (at most {_kb(limit)}); shorten the question or the history."),
            close=True)

    @staticmethod
    def _unencodable(body: bytes) -> tuple[str, Unencodable] | None:
        try:
            data = json.loads(body)
        except ValueError:
            return None  # not JSON: the route's own parser reports it
        return find_unencodable_field(data)
