"""Cross-origin policy for the whole app, enforced at the outermost layer (an ASGI middleware).

Deny by default: only the chat endpoints ever get CORS headers, and only for origins in
``ASSISTANT_ALLOWED_ORIGINS``. Headers set by inner apps (Gradio adds permissive CORS headers of its own
when not on localhost) are stripped, so the allowlist is the single source of truth. Every response gets
``frame-ancestors 'self'`` unless a route (the widget chat page) set a Content-Security-Policy itself.
Cross-site POSTs to the API from a non-allowlisted origin are refused server-side too (403), so a random
page can't even spend our CPU through a user's browser.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CHAT_PATHS: frozenset[str] = frozenset({"/api/chat", "/api/chat/stream", "/api/feedback"})

_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def normalize_origin(origin: str) -> str:
    """``scheme://host[:port]`` lower-cased without a trailing slash (how browsers send ``Origin``)."""
    return origin.strip().rstrip("/").lower()


class EdgePolicyMiddleware:
    def __init__(self, app: ASGIApp, allowed_origins: Iterable[str], cors_paths: Iterable[str] = CHAT_PATHS) -> None:
        self.app = app
        self.allowed = frozenset(normalize_origin(o) for o in allowed_origins if o.strip())
        self.cors_paths = frozenset(cors_paths)

    def origin_allowed(self, origin: str | None) -> bool:
        return origin is not None and normalize_origin(origin) in self.allowed

    @staticmethod
    def same_origin(origin: str, headers: Headers) -> bool:
        """Origin's host:port equals the Host we were reached at (scheme may differ behind a TLS proxy).

        ``X-Forwarded-Host`` counts too, for reverse proxies that rewrite Host; a browser page can't set
        that header on a cross-origin request without a preflight, which non-allowlisted origins fail.
        """
        netloc = urlsplit(origin).netloc.lower()
        hosts = {(headers.get("host") or "").lower()}
        hosts |= {h.strip().lower() for h in (headers.get("x-forwarded-host") or "").split(",")}
        return bool(netloc) and netloc in hosts - {""}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        path: str = scope.get("path", "")
        method: str = scope.get("method", "GET")
        origin = headers.get("origin")
        is_cors_path = path in self.cors_paths
        allowed = is_cors_path and self.origin_allowed(origin)

        if method == "OPTIONS" and "access-control-request-method" in headers and origin is not None:
            await self._preflight(allowed, headers, scope, receive, send)
            return
        if (origin is not None and method == "POST" and path.startswith("/api/")
                and not self.same_origin(origin, headers) and not self.origin_allowed(origin)):
            await self._deny(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for name in [k for k in out if k.lower().startswith("access-control-")]:
                    del out[name]
                if allowed and origin is not None:
                    out["Access-Control-Allow-Origin"] = origin
                    out["Access-Control-Expose-Headers"] = "Retry-After"
                if is_cors_path:
                    out.add_vary_header("Origin")
                for k, v in _SECURITY_HEADERS.items():
                    out.setdefault(k, v)
                if "content-security-policy" not in out:
                    out["Content-Security-Policy"] = "frame-ancestors 'self'"
                    out.setdefault("X-Frame-Options", "SAMEORIGIN")
            await send(message)

        await self.app(scope, receive, send_with_policy)

    async def _preflight(self, allowed: bool, headers: Headers, scope: Scope, receive: Receive, send: Send) -> None:
        out = {"Vary": "Origin", **_SECURITY_HEADERS}
        if allowed:
            out.update({
                "Access-Control-Allow-Origin": headers["origin"],
                "Access-Control-Allow-Methods": "POST, OPTIONS",
                "Access-Control-Allow-Headers": "Content-Type",
                "Access-Control-Max-Age": "600",
            })
            await _respond(send, 204, b"", out)
        else:
            await _respond(send, 403, _error_body(), {**out, "Content-Type": "application/json"})

    async def _deny(self, scope: Scope, receive: Receive, send: Send) -> None:
        await _respond(send, 403, _error_body(), {"Content-Type": "application/json", "Vary": "Origin",
                                                  **_SECURITY_HEADERS})


def _error_body() -> bytes:
    return json.dumps({"error": {
        "code": "origin_not_allowed",
        "message": "Trang web này không được phép dùng trợ lý ảo (nguồn gốc không nằm trong danh sách cho phép).",
        "message_en": "This origin is not allowed to use the assistant (not in ASSISTANT_ALLOWED_ORIGINS).",
    }}, ensure_ascii=False).encode()


async def _respond(send: Send, status: int, body: bytes, headers: dict[str, str]) -> None:
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    raw.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
