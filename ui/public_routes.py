"""Routes a public deployment does not need, closed (404) before they reach Gradio.

Why: mounting Gradio brings ~60 routes. Most serve the chat page; some are for development or features
this UI does not use, and a few are harmful in public: ``/gradio_api/dev/reload`` holds a response open
forever (a cheap way to tie up connections), ``/monitoring/summary`` tells anyone how many requests were
served, ``/gradio_api/proxy=`` fetches URLs on the server's behalf, the media-stream and recording routes
accept uploads. What stays open is listed in SECURITY.md ("What is reachable") and checked by
``tests/security/test_resource_limits.py``.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["CLOSED_PREFIXES", "ClosedRoutesMiddleware"]

CLOSED_PREFIXES: tuple[str, ...] = (
    "/gradio_api/dev",  # hot reload: a response held open forever
    "/monitoring",  # request counts and timings, to anyone
    "/gradio_api/monitoring",
    "/gradio_api/proxy=",  # server-side fetch of Hugging Face Space URLs
    "/gradio_api/vibe",  # AI code editing of the app ("vibe mode")
    "/gradio_api/undo-vibe-edit",
    "/gradio_api/process_recording",  # audio/video uploads (no such input here)
    "/gradio_api/stream/",  # media streaming (no such output here)
    "/gradio_api/upload_progress",  # uploads are closed too (ui/gradio_app.py)
    "/gradio_api/custom_component/",  # custom component assets (none installed)
    "/gradio_api/component_server",  # server functions of components (none here)
    "/gradio_api/token",  # Gradio's own login (not used: the console has its own)
    "/gradio_api/mcp",  # MCP server (off)
    "/login",
    "/logout",
    "/docs/oauth2-redirect",  # FastAPI's OAuth page for the API docs (no OAuth here)
)


def _not_found() -> bytes:
    return json.dumps({"error": {"code": "not_found", "message": "Không tìm thấy địa chỉ này.",
                                 "message_en": "Not found."}}, ensure_ascii=False).encode()


class ClosedRoutesMiddleware:
    """404 for every path under :data:`CLOSED_PREFIXES` (HTTP and WebSocket)."""

    def __init__(self, app: ASGIApp, closed: tuple[str, ...] = CLOSED_PREFIXES) -> None:
        self.app = app
        self.closed = closed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "") if scope["type"] in ("http", "websocket") else ""
        if path and path.startswith(self.closed):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            body = _not_found()
            await send({"type": "http.response.start", "status": 404,
                        "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                    (b"content-length", str(len(body)).encode())]})
            await send({"type": "http.response.body", "body": body})
            return
        await self.app(scope, receive, send)
