"""Translation of any exception into what a person is told: an HTTP status, a code and a bilingual message.

Why a module of its own: the HTTP API (``ui.server``) and the Gradio UI (``ui.gradio_app``) both have to
tell users the same thing for the same failure, and neither should import the other to do it. Nothing
here ever returns a traceback or an internal detail of an unexpected error.
"""

from __future__ import annotations

import re

from assistant.errors import USER_ERRORS, InvalidInput, Overloaded
from ui import i18n
from ui.ratelimit import RateLimited


class BilingualInvalidInput(InvalidInput):
    """An ``InvalidInput`` whose message exists in both languages (raised by the request checks of the edge)."""

    def __init__(self, code: str, vi: str, en: str) -> None:
        super().__init__(en)
        self.code, self.vi, self.en = code, vi, en


def snake_case(name: str) -> str:
    """``IndexMissing`` -> ``index_missing``: error codes are the exception's class name in snake case."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def error_parts(err: BaseException) -> tuple[int, str, str, str]:
    """(status, code, Vietnamese message, English message) for any exception; never a traceback."""
    if isinstance(err, BilingualInvalidInput):
        return 400, err.code, err.vi, err.en
    if isinstance(err, RateLimited):
        vi, en = i18n.both("err_rate_limited", seconds=err.retry_after)
        return 429, "rate_limited", vi, en
    if isinstance(err, Overloaded):
        vi, en = i18n.both("err_busy")
        return 503, "busy", vi, en
    if isinstance(err, USER_ERRORS):
        status = int(getattr(err, "http_status", 500))
        code = snake_case(type(err).__name__)
        if code == "index_missing":
            vi, en = i18n.both("err_index_missing")
            return status, code, f"{vi} ({err})", f"{en} ({err})"
        # Messages of the error hierarchy are written for users (see assistant/errors.py); many are
        # "Vietnamese / English" already.
        msg = str(err)
        vi, sep, en = msg.partition(" / ")
        return (status, code, vi.strip(), en.strip()) if sep else (status, code, msg, msg)
    vi, en = i18n.both("err_internal")
    return 500, "internal_error", vi, en


__all__ = ["BilingualInvalidInput", "error_parts", "snake_case"]
