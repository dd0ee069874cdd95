"""A real HTTP server speaking the OpenAI chat-completions API, with scripted replies.

Why a server and not a mock: the LLM is the one part we fake, and faking it *behind HTTP* keeps
langchain-openai, the OpenAI client, httpx, SSE parsing and our timeouts all real. Tests script
what the "model" says (or how it fails) and read back the exact request bodies it received.

Usage::

    with FakeOpenAIServer() as server:
        server.script(Reply(text="Bình Định có 1.230 dịch vụ [1]."))
        chat = OpenAICompatibleChat(base_url=server.base_url, model="fake")
        ...
        server.requests[-1]["messages"]
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["FakeOpenAIServer", "Reply", "closed_port_url"]


@dataclass(frozen=True)
class Reply:
    """One scripted reply.

    - ``text``: the assistant message (split into several SSE chunks when the request streams).
    - ``status``: an HTTP status other than 200 returns an OpenAI-style error body.
    - ``delay_s``: sleep before answering (the "slow model").
    - ``stall_after`` / ``stall_s``: when streaming, sleep ``stall_s`` after that many chunks.
    - ``raw``: bytes sent verbatim with status 200 instead of a completion (garbage on the wire).
    - ``respond``: computes the text from the request body instead of ``text`` (a "model" that
      reads its prompt, e.g. to cite whichever numbered context holds a fact).
    """

    text: str = ""
    status: int = 200
    delay_s: float = 0.0
    stall_after: int | None = None
    stall_s: float = 0.0
    raw: bytes | None = None
    respond: Callable[[dict[str, Any]], str] | None = None

    def text_for(self, body: dict[str, Any]) -> str:
        return self.respond(body) if self.respond is not None else self.text


class FakeOpenAIServer:
    """``/v1/chat/completions`` on 127.0.0.1 at a free port, served from a background thread.

    Replies are consumed in the order scripted; once one is left it is repeated for every
    further request (so retries see the same behaviour).
    """

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []  # JSON bodies received, oldest first
        self.headers: list[dict[str, str]] = []  # their HTTP headers (lower-case names)
        self._replies: list[Reply] = [Reply(text="OK [1].")]
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-openai", daemon=True)

    # --- lifecycle ------------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- scripting ------------------------------------------------------------------------------------

    def script(self, *replies: Reply) -> None:
        if not replies:
            raise ValueError("script at least one Reply")
        with self._lock:
            self._replies = list(replies)
            self.requests.clear()
            self.headers.clear()

    def _next_reply(self, body: dict[str, Any], headers: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            return self._replies.pop(0) if len(self._replies) > 1 else self._replies[0]

    # --- HTTP -----------------------------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                    return
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except json.JSONDecodeError:
                    self._send_json(400, {"error": {"message": "body is not JSON", "type": "invalid_request"}})
                    return
                reply = server._next_reply(body, {k.lower(): v for k, v in self.headers.items()})
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                try:
                    if reply.raw is not None:
                        self._send(200, "application/json", reply.raw)
                    elif reply.status != 200:
                        self._send_json(reply.status, {"error": {"message": "scripted failure",
                                                                 "type": "server_error"}})
                    elif body.get("stream"):
                        self._send_stream(body, reply)
                    else:
                        self._send_json(200, _completion(body, reply.text_for(body)))
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout): expected in the slow scenarios

            def _send(self, status: int, content_type: str, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _send_json(self, status: int, obj: dict[str, Any]) -> None:
                self._send(status, "application/json", json.dumps(obj, ensure_ascii=False).encode())

            def _send_stream(self, body: dict[str, Any], reply: Reply) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                for i, event in enumerate(_stream_events(body, reply.text_for(body))):
                    if reply.stall_after is not None and i == reply.stall_after:
                        time.sleep(reply.stall_s)
                    self.wfile.write(f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

        return Handler


def _completion(body: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _pieces(text: str) -> list[str]:
    """Split into word-ish pieces that concatenate back to ``text`` exactly."""
    out, cur = [], ""
    for ch in text:
        cur += ch
        if ch == " ":
            out.append(cur)
            cur = ""
    if cur:
        out.append(cur)
    return out


def _stream_events(body: dict[str, Any], text: str) -> Iterator[dict[str, Any]]:
    base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": body.get("model", "fake")}
    yield {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]}
    for piece in _pieces(text):
        yield {**base, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
    yield {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}


def closed_port_url() -> str:
    """A base URL where nothing listens (connection refused), found by binding then releasing a port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
