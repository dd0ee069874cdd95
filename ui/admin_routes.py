"""The operator console's routes under ``/admin`` (denied by default).

Every route checks, before it reads anything from the request: the console is configured
(``ASSISTANT_ADMIN_PASSWORD_HASH``; else 403), the session cookie is valid (else 401 with the login form),
and for a POST the session's CSRF token and a same-origin ``Origin`` (else 403). Form bodies are parsed
only after those checks, so an anonymous request never reaches validation or the database writes.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import anyio
import numpy as np
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from assistant.settings import Settings
from ui import admin_pages
from ui.admin_auth import AdminSession, LoginThrottle, SessionStore, tokens_equal, valid_hash, verify_password
from ui.admin_documents import DocumentManager, UploadRejected
from ui.feedback import FeedbackFilter, FeedbackStore
from ui.refusals import RefusalLog
from ui.security import EdgePolicyMiddleware
from ui.static_assets import StaticAssets
from ui.storage import Database
from ui.unanswered import UnansweredItem, build_report, report_csv

log = logging.getLogger(__name__)

SESSION_COOKIE = "assistant_admin"
LOGIN_COOKIE = "assistant_admin_login"
_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                                "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # "no-referrer" would make browsers send "Origin: null" on our own forms
}

Handler = Callable[[Request, AdminSession], Awaitable[Response]]


@dataclass(frozen=True)
class AdminDeps:
    """What the console works with (built once by the server)."""

    settings: Settings
    db: Database
    feedback: FeedbackStore
    refusals: RefusalLog
    index: Any  # index.reader.IndexReader (documents, embedder) or None


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=_HEADERS)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def csv_response(text: str, name: str) -> Response:
    # BOM: Excel opens UTF-8 CSV with Vietnamese diacritics correctly only with it.
    return Response("\ufeff" + text, media_type="text/csv; charset=utf-8",
                    headers={**_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'})


class _Embeddings:
    """Question vectors for the report, cached (questions repeat; the model is the index's own)."""

    def __init__(self, index: Any) -> None:
        self.embedder = getattr(index, "embedder", None)
        self.cache: dict[str, np.ndarray] = {}

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if self.embedder is None:
            raise RuntimeError("no embedder: the server was started without an index reader")
        if len(self.cache) > 20_000:
            self.cache.clear()
        for t in texts:
            if t not in self.cache:
                self.cache[t] = np.asarray(self.embedder.embed_query(t), dtype=np.float32)
        return np.stack([self.cache[t] for t in texts]) if texts else np.zeros((0, 1), dtype=np.float32)


def add_admin_routes(app: FastAPI, deps: AdminDeps) -> None:
    settings = deps.settings
    enabled = valid_hash(settings.admin_password_hash)
    if settings.admin_password_hash and not enabled:
        log.error("ASSISTANT_ADMIN_PASSWORD_HASH is malformed: the console stays closed "
                  "(make one with `assistant admin-hash`)")
    sessions = SessionStore(deps.db, settings.admin_session_minutes)
    throttle = LoginThrottle(deps.db, settings.admin_login_attempts)
    documents = DocumentManager(settings, deps.index) if deps.index is not None else None
    embed = _Embeddings(deps.index)
    assets = StaticAssets({"/admin-assets/admin.css": "admin.css", "/admin-assets/admin.js": "admin.js"})
    assets.add_routes(app)

    def login_form(request: Request, status: int = 401, message: str = "") -> Response:
        token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
        resp = _html(admin_pages.login_page(token, message), status)
        resp.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request),
                        path="/admin", max_age=3600)
        return resp

    def denied(request: Request) -> Response | None:
        """The response for a request without a usable session, or None when it may proceed."""
        if not enabled:
            return _html(admin_pages.disabled_page(), 403)
        return None

    def origin_ok(request: Request) -> bool:
        origin = request.headers.get("origin")
        return origin is None or EdgePolicyMiddleware.same_origin(origin, request.headers)

    async def open_session(request: Request) -> tuple[Response | None, AdminSession | None]:
        """(a refusal, None) when the console is closed to this client; else (None, its session or None)."""
        refusal = denied(request)
        if refusal is not None:
            return refusal, None
        return None, await anyio.to_thread.run_sync(sessions.get, request.cookies.get(SESSION_COOKIE))

    def guarded(handler: Handler, *, post: bool = False) -> Callable[[Request], Awaitable[Response]]:
        async def route(request: Request) -> Response:
            refusal, session = await open_session(request)
            if refusal is not None:
                return refusal
            if session is None:
                if request.url.path.startswith("/admin/jobs/") or request.url.path.endswith(".csv") or post:
                    return JSONResponse({"error": {"code": "unauthorized", "message": "Cần đăng nhập.",
                                                   "message_en": "Log in first."}}, 401, headers=_HEADERS)
                return login_form(request)
            if post:
                token = request.headers.get("x-csrf-token", "")
                if not token:
                    form = await request.form()
                    token = str(form.get("csrf", ""))
                if not origin_ok(request) or not tokens_equal(token, session.csrf):
                    return _html(admin_pages.page("Yêu cầu bị từ chối", "<p>Mã bảo vệ biểu mẫu (CSRF) không "
                                                  "hợp lệ. Hãy tải lại trang và thử lại.</p>"), 403)
            return await handler(request, session)

        return route

    # --- login ---------------------------------------------------------------------------------------

    async def admin_home(request: Request) -> Response:
        refusal, session = await open_session(request)
        if refusal is not None:
            return refusal
        if session is None:
            return login_form(request)
        return RedirectResponse("/admin/documents", 303, headers=_HEADERS)

    async def login(request: Request) -> Response:
        refusal = denied(request)
        if refusal is not None:
            return refusal
        client = _client(request)
        wait = await anyio.to_thread.run_sync(throttle.retry_after, client)
        if wait:
            resp = login_form(request, 429, f"Quá nhiều lần đăng nhập sai. Thử lại sau {wait} giây.")
            resp.headers["Retry-After"] = str(wait)
            return resp
        form = await request.form()
        if not origin_ok(request) or not tokens_equal(str(form.get("csrf", "")),
                                                      request.cookies.get(LOGIN_COOKIE, "")):
            return login_form(request, 403, "Phiên đăng nhập đã hết hạn, hãy thử lại.")
        password = str(form.get("password", ""))[:1000]
        ok = await anyio.to_thread.run_sync(verify_password, password, settings.admin_password_hash)
        if not ok:
            await anyio.to_thread.run_sync(throttle.failed, client)
            log.warning("console: failed login from %s", client)
            return login_form(request, 401, "Mật khẩu không đúng.")
        await anyio.to_thread.run_sync(throttle.succeeded, client)
        token, _session = await anyio.to_thread.run_sync(sessions.create)
        resp = RedirectResponse("/admin/documents", 303, headers=_HEADERS)
        resp.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", secure=_secure(request),
                        path="/admin", max_age=sessions.ttl_s)
        resp.delete_cookie(LOGIN_COOKIE, path="/admin")
        log.info("console: login from %s", client)
        return resp

    async def logout(request: Request, session: AdminSession) -> Response:
        await anyio.to_thread.run_sync(sessions.delete, request.cookies.get(SESSION_COOKIE))
        resp = RedirectResponse("/admin", 303, headers=_HEADERS)
        resp.delete_cookie(SESSION_COOKIE, path="/admin")
        return resp

    # --- documents -----------------------------------------------------------------------------------

    async def documents_page(request: Request, session: AdminSession, error: str = "") -> Response:
        if documents is None:
            return _html(admin_pages.page("Tài liệu", "<p>Máy chủ chạy không có chỉ mục.</p>",
                                          active="documents", csrf=session.csrf), 503)
        rows = await anyio.to_thread.run_sync(documents.documents)
        wanted = request.query_params.get("job", "")
        jobs = [j for j in documents.jobs() if j.id == wanted or j.state not in ("done", "failed")]
        body = admin_pages.documents_page(rows, jobs, session.csrf, settings.upload_max_mb, error)
        return _html(body, 400 if error else 200)

    async def upload(request: Request, session: AdminSession) -> Response:
        assert documents is not None
        wants_json = "application/json" in request.headers.get("accept", "")
        form = await request.form(max_files=1, max_fields=5)
        file = form.get("file")
        try:
            if not isinstance(file, UploadFile):
                raise UploadRejected("Chưa chọn tệp. / No file chosen.")
            data = await file.read(documents.max_bytes + 1)
            job_id = await anyio.to_thread.run_sync(documents.upload, file.filename or "", data)
        except UploadRejected as err:
            if wants_json:
                return JSONResponse({"error": {"code": "upload_rejected", "message": str(err)}}, 400,
                                    headers=_HEADERS)
            return await documents_page(request, session, str(err))
        if wants_json:
            return JSONResponse({"job": job_id}, 202, headers=_HEADERS)
        return RedirectResponse(f"/admin/documents?job={job_id}", 303, headers=_HEADERS)

    async def remove(request: Request, session: AdminSession) -> Response:
        assert documents is not None
        form = await request.form()
        try:
            job_id = await anyio.to_thread.run_sync(documents.remove, str(form.get("source", "")))
        except UploadRejected as err:
            return await documents_page(request, session, str(err))
        return RedirectResponse(f"/admin/documents?job={job_id}", 303, headers=_HEADERS)

    async def job_status(request: Request, session: AdminSession) -> Response:
        job = documents.job(request.path_params["job_id"]) if documents else None
        if job is None:
            return JSONResponse({"error": {"code": "not_found"}}, 404, headers=_HEADERS)
        return JSONResponse({"id": job.id, "state": job.state, "percent": job.percent, "done": job.done,
                             "total": job.total, "message": job.message, "source": job.source}, headers=_HEADERS)

    # --- feedback ------------------------------------------------------------------------------------

    def feedback_filter(request: Request) -> FeedbackFilter:
        q = request.query_params
        return FeedbackFilter(rating=q.get("rating", ""), channel=q.get("channel", ""), text=q.get("q", "")[:200],
                              since=q.get("since", "")[:10])

    async def feedback_page(request: Request, session: AdminSession) -> Response:
        f = feedback_filter(request)
        records = await anyio.to_thread.run_sync(deps.feedback.search, f)
        return _html(admin_pages.feedback_page(records, f, session.csrf))

    async def feedback_csv(request: Request, session: AdminSession) -> Response:
        import csv
        import io

        f = feedback_filter(request)
        records = await anyio.to_thread.run_sync(deps.feedback.search,
                                                 FeedbackFilter(f.rating, f.channel, f.text, f.since, 100_000))
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(["time", "rating", "channel", "question", "answer", "sources", "comment", "retrieved"])
        for r in records:
            w.writerow([r.timestamp, r.rating, r.channel, _cell(r.question), _cell(r.answer),
                        _cell(" | ".join(r.sources)), _cell(r.comment), " ".join(r.retrieved)])
        return csv_response(out.getvalue(), "feedback.csv")

    # --- unanswered questions ------------------------------------------------------------------------

    def report_days(request: Request) -> int:
        try:
            return max(1, min(int(request.query_params.get("days", "90")), 3650))
        except ValueError:
            return 90

    def make_report(days: int) -> Any:
        from datetime import UTC, datetime, timedelta

        since = (datetime.now(UTC) - timedelta(days=days)).date().isoformat()
        items = [UnansweredItem(r.question, r.timestamp, "refused", r.reason) for r in deps.refusals.read_all(since)]
        items += [UnansweredItem(r.question, r.timestamp, "thumbs_down", r.comment)
                  for r in deps.feedback.search(FeedbackFilter(rating="down", since=since, limit=100_000))]
        return build_report(items, embed, days=days)

    async def report_page(request: Request, session: AdminSession) -> Response:
        days = report_days(request)
        report = await anyio.to_thread.run_sync(make_report, days)
        return _html(admin_pages.report_page(report, days, session.csrf))

    async def report_export(request: Request, session: AdminSession) -> Response:
        report = await anyio.to_thread.run_sync(make_report, report_days(request))
        return csv_response(report_csv(report), "unanswered-questions.csv")

    # --- registration --------------------------------------------------------------------------------

    def get(path: str, handler: Callable[[Request], Awaitable[Response]]) -> None:
        app.add_api_route(path, handler, methods=["GET"], include_in_schema=False)

    def post(path: str, handler: Callable[[Request], Awaitable[Response]]) -> None:
        app.add_api_route(path, handler, methods=["POST"], include_in_schema=False)

    get("/admin", admin_home)
    post("/admin/login", login)
    post("/admin/logout", guarded(logout, post=True))
    get("/admin/documents", guarded(documents_page))
    post("/admin/documents/upload", guarded(upload, post=True))
    post("/admin/documents/remove", guarded(remove, post=True))
    get("/admin/jobs/{job_id}", guarded(job_status))
    get("/admin/feedback", guarded(feedback_page))
    get("/admin/feedback.csv", guarded(feedback_csv))
    get("/admin/report", guarded(report_page))
    get("/admin/report.csv", guarded(report_export))


def _cell(text: str) -> str:
    """No spreadsheet formula injection: a cell starting with = + - @ is prefixed with a quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
