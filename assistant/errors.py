"""The small error hierarchy; messages are written for the person who has to act on them.

Edges (CLI, HTTP) translate these into exit codes / status codes; nothing below the
edge formats user-facing errors any other way.
"""

from __future__ import annotations

from index.errors import IndexingError, IndexLocked, IndexMissing, StoreUnavailable, UnusableDocument

__all__ = [
    "AssistantError", "IndexLocked", "IndexMissing", "IndexingError", "InvalidInput", "LLMError",
    "Overloaded", "StoreUnavailable", "UnusableDocument", "USER_ERRORS",
]


class AssistantError(Exception):
    """Base class: ``str(err)`` is a message a user can act on."""

    http_status = 500


class InvalidInput(AssistantError):
    """The request itself is unusable (empty, too long, binary, malformed history)."""

    http_status = 400


class Overloaded(AssistantError):
    """Too many requests in flight; try again shortly."""

    http_status = 503


class LLMError(AssistantError):
    """The configured LLM failed; callers fall back to the extractive answer."""

    http_status = 502


# What edges catch and translate into a user-facing message (anything else is a bug: log it, say "internal error").
USER_ERRORS: tuple[type[Exception], ...] = (AssistantError, IndexingError)
