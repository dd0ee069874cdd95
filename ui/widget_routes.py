"""Routes of the embeddable widget: ``/widget.js`` (the loader portals include) and ``/widget/chat``.

Only a fixed set of files from ``ui/static`` is served, read once when the app is built, so no request
path can ever reach another file. The chat page is the only page that may be framed by other sites, and
only by the allowlisted origins (``Content-Security-Policy: frame-ancestors``).
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from assistant.settings import Settings
from ui import i18n

STATIC_DIR = Path(__file__).resolve().parent / "static"

_ORIGIN_RE = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d{1,5})?$")
_COLOR_RE = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20})$")
DEFAULT_COLOR = "#0b5cad"

# name served -> (file in ui/static, content type)
_ASSETS: dict[str, tuple[str, str]] = {
    "/widget.js": ("widget.js", "text/javascript; charset=utf-8"),
    "/widget/chat.js": ("widget-chat.js", "text/javascript; charset=utf-8"),
    "/widget/chat.css": ("widget.css", "text/css; charset=utf-8"),
}


def frame_ancestors(allowed_origins: list[str]) -> str:
    """``'self'`` plus every well-formed allowlisted origin (anything else is dropped, never injected)."""
    good = [o.rstrip("/") for o in allowed_origins if _ORIGIN_RE.match(o.rstrip("/"))]
    return " ".join(["'self'", *good])


def widget_page_headers(settings: Settings) -> dict[str, str]:
    csp = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
           f"base-uri 'none'; form-action 'none'; frame-ancestors {frame_ancestors(settings.allowed_origins)}")
    headers = {"Content-Security-Policy": csp, "Cache-Control": "no-cache"}
    if not settings.allowed_origins:
        # X-Frame-Options can't list origins; with an allowlist, CSP frame-ancestors (which browsers
        # prefer over X-Frame-Options) is the only framing rule.
        headers["X-Frame-Options"] = "SAMEORIGIN"
    return headers


def safe_color(value: str | None) -> str:
    return value if value and _COLOR_RE.match(value) else DEFAULT_COLOR


def parent_origin(parent: str | None, allowed_origins: list[str], own_origin: str) -> str:
    """The portal origin the chat page may talk to with postMessage: only an allowlisted one (or our own)."""
    value = (parent or "").strip().rstrip("/").lower()
    if not _ORIGIN_RE.match(value):
        return ""
    allowed = {o.strip().rstrip("/").lower() for o in allowed_origins} | {own_origin.rstrip("/").lower()}
    return value if value in allowed else ""


def render_chat_page(template: str, *, lang: str, title: str | None, color: str | None, max_turns: int,
                     parent: str = "") -> str:
    """Fill the chat page template; every value is HTML-escaped (attributes included)."""
    lg = i18n.normalize_lang(lang)
    values = {
        "lang": lg,
        "title": (title or "").strip()[:80] or i18n.t("widget_title", lg),
        "color": safe_color(color),
        "welcome": i18n.t("widget_welcome", lg),
        "placeholder": i18n.t("question_placeholder", lg),
        "send": i18n.t("send", lg),
        "close": i18n.t("widget_close", lg),
        "sources": i18n.t("sources", lg),
        "question_label": i18n.t("question_label", lg),
        "thinking": i18n.t("thinking", lg),
        "err_busy": i18n.t("err_busy", lg),
        "err_internal": i18n.t("err_internal", lg),
        "feedback_title": i18n.t("feedback_title", lg),
        "feedback_thanks": i18n.t("feedback_thanks", lg),
        "feedback_yes": i18n.t("feedback_yes", lg),
        "feedback_no": i18n.t("feedback_no", lg),
        "max_turns": str(max_turns),
        "parent_origin": parent,
        "show_quotes": i18n.t("show_quotes", lg),
        "document": i18n.t("document", lg),
    }
    out = template
    for key, value in values.items():
        out = out.replace("{{" + key + "}}", html.escape(value, quote=True))
    return out


def add_widget_routes(app: FastAPI, settings: Settings) -> None:
    assets = {route: ((STATIC_DIR / name).read_bytes(), ctype) for route, (name, ctype) in _ASSETS.items()}
    etags = {route: '"' + hashlib.sha256(body).hexdigest()[:16] + '"' for route, (body, _) in assets.items()}
    template = (STATIC_DIR / "widget.html").read_text(encoding="utf-8")
    page_headers = widget_page_headers(settings)

    def make_asset_route(route: str) -> None:
        body, ctype = assets[route]

        async def serve_asset(request: Request) -> Response:
            headers = {"Cache-Control": "public, max-age=3600", "ETag": etags[route],
                       "Cross-Origin-Resource-Policy": "cross-origin"}
            if request.headers.get("if-none-match") == etags[route]:
                return Response(status_code=304, headers=headers)
            return Response(body, media_type=ctype, headers=headers)

        app.add_api_route(route, serve_asset, methods=["GET"], include_in_schema=False)

    for route in assets:
        make_asset_route(route)

    @app.get("/widget/chat", include_in_schema=False)
    async def widget_chat(request: Request, lang: str = "vi", title: str | None = None, color: str | None = None,
                          parent: str | None = None) -> HTMLResponse:
        own = f"{request.url.scheme}://{request.url.netloc}"
        page = render_chat_page(template, lang=lang, title=title, color=color,
                                max_turns=settings.max_history_turns,
                                parent=parent_origin(parent, settings.allowed_origins, own))
        return HTMLResponse(page, headers=page_headers)
