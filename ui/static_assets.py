"""A fixed set of files from ``ui/static`` served with an ETag (read once when the app is built).

Why a fixed map instead of a static-files mount: no request path can ever reach another file, and each
route is visible in the app's route table (the console's access test walks it).
"""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response

STATIC_DIR = Path(__file__).resolve().parent / "static"

_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


class StaticAssets:
    """``{route: file name in ui/static}``; ``add_routes`` registers one GET route per file."""

    def __init__(self, routes: dict[str, str], *, cross_origin: bool = False, max_age: int = 3600) -> None:
        self.files: dict[str, tuple[bytes, str, str]] = {}
        for route, name in routes.items():
            body = (STATIC_DIR / name).read_bytes()
            ctype = _TYPES.get(Path(name).suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
            self.files[route] = (body, ctype, '"' + hashlib.sha256(body).hexdigest()[:16] + '"')
        self.cross_origin, self.max_age = cross_origin, max_age

    def add_routes(self, app: FastAPI) -> None:
        for route in self.files:
            self._add(app, route)

    def _add(self, app: FastAPI, route: str) -> None:
        body, ctype, etag = self.files[route]
        headers = {"Cache-Control": f"public, max-age={self.max_age}", "ETag": etag}
        if self.cross_origin:
            headers["Cross-Origin-Resource-Policy"] = "cross-origin"

        async def serve(request: Request) -> Response:
            if request.headers.get("if-none-match") == etag:
                return Response(status_code=304, headers=headers)
            return Response(body, media_type=ctype, headers=headers)

        app.add_api_route(route, serve, methods=["GET"], include_in_schema=False)
