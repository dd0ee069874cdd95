"""Resource limits and reachable routes (issue 13, finding 4), over real sockets against real uvicorn.

* A body over ``max_body_bytes`` gets 413 with a clear message *before* it is read: a declared 16 MB
  body is refused at once, a chunked one as soon as it passes the limit.
* A client that sends half a body is answered 408 and dropped after ``body_timeout_s``, not held for
  minutes (raw socket: no client library fills in the missing bytes or gives up first).
* ``/gradio_api/dev/reload`` (held a response open forever) and Gradio's ``/monitoring`` pages (request
  counts for anyone) answer 404 at once.
* Every route the app serves is either listed as open in SECURITY.md ("What is reachable") — the list
  below — or closed: a Gradio upgrade that adds a route fails here until someone decides about it.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from reliability.live_server import ThreadServer

from assistant import composition
from ui.public_routes import CLOSED_PREFIXES

TIMEOUT_S = 2.0

# What a public deployment serves (SECURITY.md, "What is reachable"); /admin* is the operator console,
# closed unless ASSISTANT_ADMIN_PASSWORD_HASH is set and then behind its login.
OPEN_ROUTES = {
    # ours
    "/api/chat", "/api/chat/stream", "/api/feedback", "/api/health", "/api/docs", "/api/openapi.json",
    "/widget.js", "/widget/chat", "/widget/chat.js", "/widget/chat.css",
    "/gradio_api/upload",  # answers 403 (ui/gradio_app.py)
    # the Gradio page and what it loads
    "/", "/config", "/config/", "/static/{path:path}", "/assets/{path:path}", "/svelte/{path:path}",
    "/favicon.ico", "/theme.css", "/robots.txt", "/manifest.json", "/pwa_icon", "/pwa_icon/{size}",
    "/openapi.json", "/gradio_api/openapi.json", "/gradio_api/info", "/gradio_api/info/",
    "/gradio_api/theme.css", "/gradio_api/startup-events", "/gradio_api/deep_link",
    "/gradio_api/app_id", "/gradio_api/app_id/", "/gradio_api/user", "/gradio_api/user/",
    "/gradio_api/login_check", "/gradio_api/login_check/", "/gradio_api/runs", "/gradio_api/runs/",
    # Gradio's event API (the chat runs through it; same rate limit and concurrency gate as /api/chat)
    "/gradio_api/queue/join", "/gradio_api/queue/data", "/gradio_api/queue/status", "/gradio_api/cancel",
    "/gradio_api/heartbeat/{session_hash}", "/gradio_api/reset", "/gradio_api/reset/",
    "/gradio_api/api/{api_name}", "/gradio_api/api/{api_name}/", "/gradio_api/run/{api_name}",
    "/gradio_api/run/{api_name}/", "/gradio_api/call/{api_name}", "/gradio_api/call/{api_name}/",
    "/gradio_api/call/v2/{api_name}", "/gradio_api/call/v2/{api_name}/",
    "/gradio_api/call/{api_name}/{event_id}", "/gradio_api/call/v2/{api_name}/{event_id}",
    # files: only Gradio's own allowlist (no uploads); traversal is tested in test_server_settings.py
    "/gradio_api/file={path_or_url:path}", "/gradio_api/file/{path:path}",
}


@pytest.fixture(scope="module")
def live(corpus_index: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ThreadServer, Any]]:
    from ui.app import create_app

    root = tmp_path_factory.mktemp("limits")
    settings = corpus_index.settings.model_copy(update={
        "feedback_path": root / "feedback.jsonl", "database_path": root / "assistant.db",
        "state_db": root / "state.sqlite3", "rate_limit_per_minute": 10_000, "body_timeout_s": TIMEOUT_S})
    pipeline = composition.build_pipeline(settings, reader=corpus_index.reader)
    app = create_app(settings, pipeline, index=corpus_index.reader, with_ui=True)
    srv = ThreadServer(app)
    yield srv, app
    srv.stop()


def _read_response(conn: socket.socket) -> tuple[int, dict[str, str], bytes, bool]:
    """(status, headers, body, closed by the server afterwards) of one response on a raw socket."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a response: {data!r}")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    try:
        closed = conn.recv(1) == b""
    except (ConnectionResetError, TimeoutError):
        closed = True
    return int(lines[0].split()[1]), headers, body[:length], closed


def _post_head(port: int, path: str, extra: str) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"{extra}\r\n").encode()


@pytest.mark.parametrize("path", ["/api/chat", "/api/feedback", "/widget/chat", "/gradio_api/queue/join"])
def test_declared_huge_body_is_413_before_it_is_read(live: tuple[ThreadServer, Any], path: str) -> None:
    srv, _ = live
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as conn:
        t0 = time.perf_counter()
        conn.sendall(_post_head(srv.port, path, f"Content-Length: {16 * 1024 * 1024}\r\n") + b'{"question": "')
        status, headers, body, closed = _read_response(conn)
        elapsed = time.perf_counter() - t0
    assert status == 413, (status, body[:300])
    err = json.loads(body)["error"]
    assert err["code"] == "body_too_large" and "KB" in err["message"] and "too large" in err["message_en"]
    assert elapsed < 1.5, f"answered after {elapsed:.1f} s: the body was being waited for"
    assert closed, "the unread rest of the body must not be taken for the next request"


def test_chunked_body_is_cut_off_at_the_limit(live: tuple[ThreadServer, Any]) -> None:
    srv, _ = live
    chunk = b"x" * 16384
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as conn:
        conn.sendall(_post_head(srv.port, "/api/chat", "Transfer-Encoding: chunked\r\n"))
        sent = 0
        try:
            while sent < 16 * 1024 * 1024:
                conn.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass
        status, _, body, _ = _read_response(conn)
    assert status == 413, body[:200]
    # the server closed the connection long before 16 MB (what was "sent" sits in loopback socket buffers)
    assert sent < 16 * 1024 * 1024, "the whole 16 MB body was read"


def test_a_16_mb_json_question_is_refused_over_http(live: tuple[ThreadServer, Any]) -> None:
    srv, _ = live
    big = json.dumps({"question": "Bình Định " * 1_600_000}).encode()
    try:
        r = httpx.post(srv.base_url + "/api/chat", content=big, headers={"Content-Type": "application/json"},
                       timeout=30)
    except httpx.WriteError:
        return  # the server answered 413 and closed while the client was still writing: refused either way
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"


def test_bodies_under_the_limit_are_served(live: tuple[ThreadServer, Any]) -> None:
    srv, _ = live
    r = httpx.post(srv.base_url + "/api/chat", json={"question": "Binh Dinh " * 5000}, timeout=30)
    assert r.status_code == 400 and r.json()["error"]["code"] == "question_too_long", r.text[:200]  # 50 KB
    r = httpx.post(srv.base_url + "/api/chat", json={"question": "Bình Định có bao nhiêu dịch vụ công?"},
                   timeout=120)
    assert r.status_code == 200


def test_half_a_body_is_dropped_after_the_timeout(live: tuple[ThreadServer, Any]) -> None:
    srv, _ = live
    with socket.create_connection(("127.0.0.1", srv.port), timeout=TIMEOUT_S + 20) as conn:
        t0 = time.perf_counter()
        conn.sendall(_post_head(srv.port, "/api/chat", "Content-Length: 400\r\n") + '{"question": "Bình'.encode())
        status, _, body, closed = _read_response(conn)
        elapsed = time.perf_counter() - t0
    assert status == 408 and json.loads(body)["error"]["code"] == "body_timeout", body[:200]
    assert closed and TIMEOUT_S - 0.5 < elapsed < TIMEOUT_S + 3, elapsed


@pytest.mark.slow
def test_half_a_body_is_dropped_by_assistant_serve_with_the_default_timeout(served: Any) -> None:
    from assistant.settings import Settings

    default = Settings(_env_file=None).body_timeout_s  # type: ignore[call-arg]
    assert default <= 10
    with socket.create_connection(("127.0.0.1", served.port), timeout=60) as conn:
        t0 = time.perf_counter()
        conn.sendall(_post_head(served.port, "/api/chat", "Content-Length: 400\r\n") + b'{"q')
        status, _, _, closed = _read_response(conn)
        elapsed = time.perf_counter() - t0
    assert status == 408 and closed and elapsed < default + 3, (status, elapsed)


@pytest.mark.parametrize("path", ["/gradio_api/dev/reload", "/monitoring", "/monitoring/summary",
                                  "/monitoring/abc123", "/gradio_api/vibe-code", "/gradio_api/proxy=https://x"])
def test_development_and_monitoring_routes_are_closed(live: tuple[ThreadServer, Any], path: str) -> None:
    srv, _ = live
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as conn:
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{srv.port}\r\n\r\n".encode())
        status, _, body, _ = _read_response(conn)  # a held-open response times out here (5 s)
    assert status == 404, (path, status, body[:200])
    assert b"summary" not in body.lower() and b"total_requests" not in body.lower()


def _routes(app: Any) -> list[str]:
    out: list[str] = []

    def walk(routes: list[Any], prefix: str = "") -> None:
        for r in routes:
            kind = type(r).__name__
            if kind == "Mount":
                walk(r.app.router.routes if hasattr(r.app, "router") else r.routes, prefix + r.path)
            elif kind == "_IncludedRouter":
                walk(r.original_router.routes, prefix + r.include_context.prefix)
            elif hasattr(r, "path"):
                out.append(prefix + r.path)

    walk(app.routes)
    return out


def test_every_route_is_either_listed_open_or_closed(live: tuple[ThreadServer, Any]) -> None:
    srv, app = live
    routes = _routes(app)
    assert "/gradio_api/queue/join" in routes and "/api/chat" in routes, "route discovery is broken"
    unknown = sorted(p for p in set(routes) if p not in OPEN_ROUTES and not p.startswith(CLOSED_PREFIXES)
                     and not p.startswith(("/admin", "/admin-assets")))
    assert not unknown, f"routes neither documented as open nor closed (decide, then update SECURITY.md): {unknown}"
    closed = sorted({p for p in routes if p.startswith(CLOSED_PREFIXES)})
    assert any(p.startswith("/gradio_api/dev") for p in closed) and "/monitoring/summary" in closed
    for path in closed:
        concrete = path.replace("{url_path:path}", "x").replace("{", "").replace("}", "").replace(":path", "")
        for method in ("GET", "POST"):
            r = httpx.request(method, srv.base_url + concrete, timeout=5)
            assert r.status_code == 404, (method, concrete, r.status_code)
