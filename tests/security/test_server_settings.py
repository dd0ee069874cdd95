"""Server hardening, checked against the real ``assistant serve`` (subprocess, real uvicorn, Gradio mounted).

* Gradio analytics are off (config says so; the browser tests also see no request leave loopback).
* No file is served beyond what the app needs: path traversal in every spelling gets no file content,
  and anonymous uploads (Gradio's /gradio_api/upload; the UI has no file input) are refused.
* Bound to 127.0.0.1 unless configured otherwise.
* CORS and framing follow the allowlist (ASSISTANT_ALLOWED_ORIGINS) and nothing else.
Raw sockets are used for traversal paths so no client library normalises the ``..`` away.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import httpx
import pytest
from reliability.live_server import PORTAL_ORIGIN as ALLOWED_ORIGIN

from assistant.settings import Settings

SECRET_MARKERS = ("root:x:0:0", "def create_app", "def run_server", "import ", "BEGIN ", "ASSISTANT_",
                  "chunk_id")

TRAVERSAL = [
    "/file=/etc/passwd", "/file=ui/server.py", "/gradio_api/file=/etc/passwd", "/gradio_api/file=../../etc/passwd",
    "/gradio_api/file=%2Fetc%2Fpasswd", "/gradio_api/file=ui/server.py", "/gradio_api/file=./ui/server.py",
    "/gradio_api/file=/proc/self/environ", "/gradio_api/file=manifest.json",
    "/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc%2fpasswd", "/static/../ui/server.py",
    "/static/%2e%2e/%2e%2e/etc/passwd", "/assets/../../../etc/passwd", "/widget/../ui/server.py",
    "/widget/..%2f..%2fui%2fserver.py", "/widget.js/../ui/server.py", "/ui/server.py", "/assistant/settings.py",
    "/data/index/manifest.json", "/manifest.json/../ui/server.py", "/.env", "/.git/config",
    "/gradio_api/file=/tmp/../etc/passwd", "/static//etc/passwd", "/favicon.ico/../../ui/server.py",
]


def raw_get(port: int, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    """GET ``path`` byte for byte; returns (status, body)."""
    extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}Connection: close\r\n\r\n".encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body.decode("utf-8", "replace")


def test_defaults_bind_loopback_and_allow_no_origin() -> None:
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.host == "127.0.0.1"
    assert s.allowed_origins == []


def _listening_addresses(port: int) -> list[str]:
    """Local IPv4 addresses with a LISTEN socket on ``port`` (from /proc/net/tcp; Linux)."""
    out = []
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, state = fields[1], fields[3]
        ip_hex, port_hex = local.split(":")
        if state == "0A" and int(port_hex, 16) == port:  # 0A = LISTEN
            out.append(socket.inet_ntoa(bytes.fromhex(ip_hex)[::-1]))
    return out


@pytest.mark.slow
def test_serve_listens_on_loopback_only(served: Any) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=5):
        pass
    if not Path("/proc/net/tcp").exists():
        pytest.skip("/proc/net/tcp is not available (not Linux)")
    assert _listening_addresses(served.port) == ["127.0.0.1"]


@pytest.mark.slow
def test_gradio_analytics_off(served: Any) -> None:
    cfg = httpx.get(served.base_url + "/config", timeout=30).json()
    assert cfg.get("analytics_enabled") is False
    assert not cfg.get("mcp_server")


@pytest.mark.slow
@pytest.mark.parametrize("path", TRAVERSAL)
def test_path_traversal_serves_no_file(served: Any, path: str) -> None:
    status, body = raw_get(served.port, path)
    if status == 200:  # e.g. the UI's catch-all page: fine, as long as it is not a file we protect
        assert not any(m in body for m in SECRET_MARKERS), (path, body[:300])
    else:
        assert status in (301, 302, 307, 308, 400, 403, 404, 405, 422), (path, status)
        assert "root:x:0:0" not in body and "def create_app" not in body


@pytest.mark.slow
def test_anonymous_uploads_are_refused(served: Any) -> None:
    """The UI has no file input, so Gradio's upload route must not let anyone store files on the server."""
    r = httpx.post(served.base_url + "/gradio_api/upload",
                   files={"files": ("evil.html", b"<script>alert(1)</script>", "text/html")}, timeout=30)
    assert r.status_code in (403, 404, 405), (r.status_code, r.text[:200])


@pytest.mark.slow
def test_cors_follows_the_allowlist(served: Any) -> None:
    pre = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    ok = httpx.options(served.base_url + "/api/chat", headers={"Origin": ALLOWED_ORIGIN, **pre}, timeout=30)
    assert ok.status_code in (200, 204) and ok.headers.get("access-control-allow-origin") == ALLOWED_ORIGIN
    for evil in ("https://evil.example", "http://127.0.0.1:9.evil.example", "null", ALLOWED_ORIGIN + "0"):
        r = httpx.options(served.base_url + "/api/chat", headers={"Origin": evil, **pre}, timeout=30)
        assert "access-control-allow-origin" not in r.headers, (evil, r.headers)
        post = httpx.post(served.base_url + "/api/chat", json={"question": "VNeID là gì?"},
                          headers={"Origin": evil}, timeout=60)
        assert post.status_code == 403 and "access-control-allow-origin" not in post.headers, evil
    # Gradio's own routes never hand out CORS permission to anyone.
    cfg = httpx.get(served.base_url + "/config", headers={"Origin": "https://evil.example"}, timeout=30)
    assert cfg.headers.get("access-control-allow-origin") in (None, ""), cfg.headers


@pytest.mark.slow
def test_framing_follows_the_allowlist(served: Any) -> None:
    widget = httpx.get(served.base_url + "/widget/chat", timeout=30)
    csp = widget.headers["content-security-policy"]
    ancestors = csp.split("frame-ancestors", 1)[1].split(";")[0].split()
    assert ancestors == ["'self'", ALLOWED_ORIGIN], csp
    for path in ("/", "/api/health", "/api/docs"):
        r = httpx.get(served.base_url + path, timeout=30)
        policy = r.headers.get("content-security-policy", "")
        assert "frame-ancestors 'self'" in policy and ALLOWED_ORIGIN not in policy, (path, policy)
        assert r.headers.get("x-content-type-options") == "nosniff"


@pytest.mark.slow
def test_errors_never_carry_stack_traces(served: Any) -> None:
    for body in (b"{", b'{"question": 1}', b"\xff" * 100):
        r = httpx.post(served.base_url + "/api/chat", content=body,
                       headers={"Content-Type": "application/json"}, timeout=30)
        assert r.status_code in (400, 422) and "Traceback" not in r.text and 'File "' not in r.text
