"""The one web process: the HTTP API under ``/api/``, the widget, the console, and the Gradio UI at ``/``.

Why a module of its own: this is the one place the web surfaces are put together. ``ui.server`` builds
the API app and ``ui.gradio_app`` builds the UI; neither imports the other, and this module mounts the UI
on the API app, sharing its rate limiter, concurrency gate and records. ``run_server`` is what
``assistant serve`` runs.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI

from assistant.protocols import AnswerPipeline
from assistant.settings import Settings
from ui.pipeline_access import IndexInfo
from ui.server import create_api

log = logging.getLogger(__name__)


def create_app(settings: Settings, pipeline: AnswerPipeline, *, index: IndexInfo | None = None,
               with_ui: bool = True) -> FastAPI:
    """The whole web app around an already built ``pipeline``.

    ``index`` is the reader the pipeline answers from (``composition.open_reader``); it feeds
    ``/api/health`` and the UI's source viewer. Tests pass a pipeline built on a temp index.
    """
    api = create_api(settings, pipeline, index=index)
    if with_ui:
        # imported here: Gradio is heavy, and an API-only app (with_ui=False) never loads it
        from ui.gradio_app import mount_ui

        # mounted last, after every other route, so /api, /widget and /admin stay the API's
        mount_ui(api.app, settings, pipeline, index=index, limiter=api.limiter, gate=api.gate,
                 feedback=api.records.feedback, refusals=api.records.refusals)
    return api.app


def run_server(settings: Settings) -> None:
    """``assistant serve``: build the pipeline once, then serve everything from one uvicorn process."""
    import uvicorn

    from assistant import composition
    from assistant.pii import install_log_masking

    install_log_masking()  # uvicorn's access log included: query strings may carry personal data
    reader = composition.open_reader(settings)  # builds the index from the default corpus if there is none
    pipeline = composition.build_pipeline(settings, reader=reader)
    app = create_app(settings, pipeline, index=reader)
    log.info("serving on http://%s:%d (UI /, API /api/, docs /api/docs, widget /widget.js)",
             settings.host, settings.port)
    # keep-alive longer than clients' idle expiry (httpx 5 s) and typical proxies' (60 s): with uvicorn's
    # default of 5 s a client could send a POST on a connection the server was just closing (ReadError).
    # proxy_headers off: the app resolves X-Forwarded-For itself, from ASSISTANT_TRUSTED_PROXIES only
    # (uvicorn's default trusts 127.0.0.1, which let a local caller pick any address).
    uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level.lower(),
                proxy_headers=False, server_header=False, timeout_keep_alive=75)


__all__ = ["create_app", "run_server"]
