"""The HTTP API under ``/api/``, the widget and the operator console: the FastAPI app the UI mounts onto.

This is an edge: it validates requests, applies admission control (rate limit, bounded concurrency),
runs the blocking pipeline in worker threads, and translates ``assistant.errors`` into JSON error bodies
``{"error": {"code", "message", "message_en"}}``. No stack trace ever leaves the process.
It knows nothing of the Gradio UI: ``ui.app`` mounts the UI on the app built here, handing it this
app's limiter, gate and records, so neither module imports the other.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StrictStr
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import USER_ERRORS, InvalidInput, Overloaded
from assistant.pipeline import validate_history, validate_question
from assistant.protocols import AnswerPipeline
from assistant.settings import Settings
from assistant.types import Answer, Turn
from ui import i18n
from ui.admin_routes import AdminDeps, add_admin_routes
from ui.answer_stream import stream_answer_events
from ui.client_address import TrustedProxies, TrustedProxyMiddleware
from ui.edge_errors import BilingualInvalidInput, error_parts, snake_case
from ui.pipeline_access import IndexInfo, index_chunk_count
from ui.public_routes import ClosedRoutesMiddleware
from ui.ratelimit import (
    AdmissionMiddleware,
    ConcurrencyGate,
    RateLimited,
    SqliteBucketStore,
    TokenBucketLimiter,
)
from ui.records import Records, open_records
from ui.refusals import RefusalLog
from ui.request_guard import BodyLimits, RequestGuardMiddleware
from ui.security import CHAT_PATHS, EdgePolicyMiddleware
from ui.widget_routes import add_widget_routes

log = logging.getLogger(__name__)


# --- request/response models (they also document the API at /api/docs) -------------------------------


class HistoryTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: StrictStr


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    question: StrictStr = Field(description="The question, Vietnamese (with or without diacritics) or English.")
    history: list[HistoryTurn] = Field(default_factory=list, description="Earlier turns, oldest first.")


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    question: StrictStr = Field(max_length=20_000)
    answer: StrictStr = Field(max_length=20_000)
    rating: Literal["up", "down"]
    retrieved: list[StrictStr] = Field(default_factory=list, max_length=100)
    comment: StrictStr = Field(default="", max_length=2_000)
    channel: Literal["api", "ui", "widget"] = "api"
    sources: list[StrictStr] = Field(default_factory=list, max_length=100, description="What the answer cited.")


class ErrorDetail(BaseModel):
    code: str
    message: str
    message_en: str


class ErrorBody(BaseModel):
    error: ErrorDetail


_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    s: {"model": ErrorBody} for s in (400, 422, 429, 500, 503)
}


# --- errors -------------------------------------------------------------------------------------------


def error_json(status: int, code: str, vi: str, en: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": vi, "message_en": en}}, status_code=status,
                        headers=headers)


def user_error_response(exc: Exception, where: str = "") -> JSONResponse:
    """The JSON error (with Retry-After for 429/503) for an error of the user-facing hierarchy."""
    status, code, vi, en = error_parts(exc)
    if status >= 500:
        log.warning("%s -> %d %s: %s", where, status, code, exc)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    if isinstance(exc, Overloaded):
        headers = {"Retry-After": "5"}
    return error_json(status, code, vi, en, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first = errors[0] if errors else {}
        loc = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        if first.get("type") == "string_unicode":  # a lone surrogate the edge's body check did not see
            return error_json(400, "invalid_text",
                              f"Trường '{loc}' có ký tự không hợp lệ (nửa cặp UTF-16); hãy gõ hoặc dán lại văn bản.",
                              f"Field '{loc}' has a lone UTF-16 surrogate, which cannot be encoded as UTF-8; "
                              "please type or paste the text again.")
        detail = f"{loc}: {first.get('msg', 'invalid')}" if loc else str(first.get("msg", "invalid"))
        code = "invalid_history" if loc.startswith("history") else "invalid_request"
        key = "err_history" if code == "invalid_history" else "err_validation"
        vi, en = i18n.both(key, detail=detail)
        return error_json(422, code, vi, en)

    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        key = {404: "err_not_found", 405: "err_method"}.get(exc.status_code)
        if key:
            vi, en = i18n.both(key)
        else:
            vi = en = str(exc.detail)
        return error_json(exc.status_code, snake_case(f"Http{exc.status_code}"), vi, en,
                          headers=getattr(exc, "headers", None))

    async def on_user_error(request: Request, exc: Exception) -> JSONResponse:
        return user_error_response(exc, f"{request.method} {request.url.path}")

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        vi, en = i18n.both("err_internal")
        return error_json(500, "internal_error", vi, en)

    app.add_exception_handler(RequestValidationError, on_validation)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, on_http)  # type: ignore[arg-type]
    app.add_exception_handler(RateLimited, on_user_error)
    for cls in USER_ERRORS:
        app.add_exception_handler(cls, on_user_error)
    app.add_exception_handler(Exception, on_unexpected)


# --- request checks -----------------------------------------------------------------------------------


def check_question(question: str, max_chars: int) -> str:
    """The question as the pipeline should get it, or a bilingual 400.

    The common mistakes get specific codes here; then the pipeline's own validation runs too, *before*
    a stream starts, so every input error is a 4xx and never an in-band SSE error.
    """
    stripped = question.strip()
    if not stripped:
        raise BilingualInvalidInput("empty_question", *i18n.both("err_empty"))
    if len(stripped) > max_chars:
        raise BilingualInvalidInput("question_too_long", *i18n.both("err_too_long", limit=max_chars))
    try:
        validate_question(stripped, max_chars)
    except InvalidInput as err:
        vi, _, en = str(err).partition(" / ")
        raise BilingualInvalidInput("invalid_question", vi.strip(), (en or vi).strip()) from None
    return stripped


def check_history(history: Sequence[HistoryTurn], max_turns: int, max_chars: int) -> list[Turn]:
    """Turns for the pipeline; too many or malformed turns are a bilingual 400 (nothing silently dropped)."""
    if len(history) > max_turns:
        detail = f"tối đa {max_turns} lượt / at most {max_turns} turns (got {len(history)})"
        raise BilingualInvalidInput("invalid_history", *i18n.both("err_history", detail=detail))
    turns = [Turn(role=h.role, content=h.content) for h in history]
    try:
        validate_history(turns, max_turns, max_chars)
    except InvalidInput as err:
        vi, _, en = str(err).partition(" / ")
        raise BilingualInvalidInput("invalid_history", *i18n.both("err_history", detail=(en or vi).strip())) from None
    return turns


# --- server-sent events ---------------------------------------------------------------------------------


def sse(event: str, data: dict[str, Any]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n".encode()


async def _sse_body(pipeline: AnswerPipeline, gate: ConcurrencyGate, question: str,
                    history: list[Turn], refusals: RefusalLog | None = None,
                    channel: str = "api") -> AsyncIterator[bytes]:
    answered = False
    try:
        async for ev in stream_answer_events(pipeline, gate, question, history):
            if ev.type == "delta" and ev.text:
                yield sse("delta", {"text": ev.text})
            elif ev.type == "answer" and ev.answer is not None and not answered:
                answered = True
                yield sse("answer", ev.answer.to_dict())
                if refusals is not None:
                    await anyio.to_thread.run_sync(refusals.record_answer, question, ev.answer, channel)
        if not answered:
            raise RuntimeError("pipeline stream ended without an answer")
        yield sse("done", {})
    except Exception as err:  # the status line is already sent: report in-band
        status, code, vi, en = error_parts(err)
        if status >= 500 and code == "internal_error":
            log.error("stream failed", exc_info=err)
        yield sse("error", {"status": status, "code": code, "message": vi, "message_en": en})


# --- the app --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiApp:
    """The API app and what a UI mounted on it must share with it: one rate limiter, one concurrency
    gate and one set of records, so the UI can't starve the API or write to another database."""

    app: FastAPI
    limiter: TokenBucketLimiter
    gate: ConcurrencyGate
    records: Records


def create_api(settings: Settings, pipeline: AnswerPipeline, *, index: IndexInfo | None = None) -> ApiApp:
    """The web app around an already built ``pipeline``, without the Gradio UI (``ui.app`` adds it).

    ``index`` is the reader the pipeline answers from (``composition.open_reader``); it feeds
    ``/api/health`` and the UI's source viewer. Tests pass a pipeline built on a temp index.
    """
    if not isinstance(pipeline, AnswerPipeline):
        raise TypeError("pipeline must implement assistant.protocols.AnswerPipeline (ask, stream)")
    proxies = TrustedProxies.parse(settings.trusted_proxies)  # a typo fails here, at startup
    limiter = TokenBucketLimiter(settings.rate_limit_per_minute, store=SqliteBucketStore(settings.state_db))
    gate = ConcurrencyGate(settings.max_concurrent_requests, settings.max_queue,
                           worker_nice=settings.worker_nice)
    records = open_records(settings)  # feedback + refused questions (SQLite), old feedback.jsonl migrated
    feedback = records.feedback

    app = FastAPI(
        title="Trợ lý ảo dịch vụ công — API",
        description="Grounded answers with verbatim citations. Errors: {\"error\": {code, message, message_en}}.",
        version="0.1.0",
        docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json",
    )
    app.state.settings, app.state.pipeline, app.state.limiter = settings, pipeline, limiter
    app.state.gate, app.state.feedback = gate, feedback
    _install_error_handlers(app)
    # Outermost last: the client address is resolved first; the CORS/framing policy then also covers the
    # refusals of the inner two (closed routes, body limits).
    app.add_middleware(RequestGuardMiddleware, limits=BodyLimits(
        default=settings.max_body_bytes, by_prefix=_body_limit_prefixes(settings),
        timeout_s=settings.body_timeout_s))
    app.add_middleware(AdmissionMiddleware, gate=gate, limiter=limiter,
                       gated_paths=frozenset({"/api/chat", "/api/chat/stream"}),
                       limited_paths=frozenset({"/api/feedback"}),
                       refuse=lambda exc: user_error_response(exc, "admission"))
    app.add_middleware(ClosedRoutesMiddleware)
    app.add_middleware(EdgePolicyMiddleware, allowed_origins=settings.allowed_origins, cors_paths=CHAT_PATHS)
    app.add_middleware(TrustedProxyMiddleware, proxies=proxies)

    @app.post("/api/chat", responses=_ERROR_RESPONSES, tags=["chat"])
    async def chat(req: ChatRequest) -> JSONResponse:
        """One answer (the contract's Answer object)."""
        question = check_question(req.question, settings.max_question_chars)
        history = check_history(req.history, settings.max_history_turns, settings.max_question_chars)
        async with gate.slot():
            answer: Answer = await anyio.to_thread.run_sync(gate.in_worker(pipeline.ask), question, history)
        await anyio.to_thread.run_sync(records.refusals.record_answer, question, answer, "api")
        return JSONResponse(answer.to_dict())

    @app.post("/api/chat/stream", responses=_ERROR_RESPONSES, tags=["chat"])
    async def chat_stream(req: ChatRequest, request: Request) -> Response:
        """Server-sent events: ``delta`` {text}…, then ``answer`` (Answer JSON), then ``done``; or ``error``."""
        question = check_question(req.question, settings.max_question_chars)
        history = check_history(req.history, settings.max_history_turns, settings.max_question_chars)
        if gate.is_full():
            raise Overloaded("busy")
        channel = "widget" if "/widget/chat" in request.headers.get("referer", "") else "api"
        return StreamingResponse(
            _sse_body(pipeline, gate, question, history, records.refusals, channel),
            media_type="text/event-stream; charset=utf-8",
            headers={"Cache-Control": "no-cache, no-store", "X-Accel-Buffering": "no"},
        )

    @app.post("/api/feedback", responses=_ERROR_RESPONSES, tags=["feedback"])
    async def post_feedback(req: FeedbackRequest) -> JSONResponse:
        """Store a thumbs up/down (personal data is masked before it is written)."""
        await anyio.to_thread.run_sync(
            lambda: feedback.add(question=req.question, answer=req.answer, rating=req.rating,
                                 retrieved=req.retrieved, comment=req.comment, channel=req.channel,
                                 sources=req.sources))
        return JSONResponse({"status": "stored"}, status_code=201)

    @app.get("/api/health", tags=["ops"])
    async def health() -> JSONResponse:
        """200 with the number of indexed chunks when the index is loaded, 503 otherwise."""
        try:
            chunks = await anyio.to_thread.run_sync(index_chunk_count, index)
        except Exception as err:
            status, code, vi, en = error_parts(err)
            log.warning("health check failed: %s", err)
            return JSONResponse({"status": "unavailable", "chunks": 0,
                                 "error": {"code": code, "message": vi, "message_en": en}}, status_code=503)
        body = {"status": "ok" if chunks > 0 else "unavailable", "chunks": chunks,
                "llm": settings.llm_enabled, "running": gate.running, "waiting": gate.waiting}
        return JSONResponse(body, status_code=200 if chunks > 0 else 503)

    add_widget_routes(app, settings)
    add_admin_routes(app, AdminDeps(settings, records.db, feedback, records.refusals, index))
    return ApiApp(app=app, limiter=limiter, gate=gate, records=records)


def _body_limit_prefixes(settings: Settings) -> dict[str, int]:
    """Routes allowed a larger body than ``max_body_bytes``: the Gradio UI's calls carry the visible
    conversation, and the operator console (behind its login) uploads documents."""
    upload_mb = settings.upload_max_mb
    limits = {"/gradio_api/": max(settings.max_ui_body_bytes, settings.max_body_bytes)}
    if upload_mb:
        limits["/admin"] = max(upload_mb * 1024 * 1024 + 64 * 1024, settings.max_body_bytes)
    return limits


__all__ = ["ApiApp", "ChatRequest", "FeedbackRequest", "HistoryTurn", "create_api", "error_json"]
