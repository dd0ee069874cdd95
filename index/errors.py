"""Errors raised by the index layer; ``str(err)`` is a message a user can act on.

``assistant.errors`` re-exports these so edges (CLI/HTTP) catch one family.
"""

from __future__ import annotations


class IndexingError(Exception):
    """Base class for index-side failures."""

    http_status = 500


class UnusableDocument(IndexingError):
    """A file cannot be indexed (empty, binary, undecodable, unsupported type)."""

    http_status = 400


class IndexMissing(IndexingError):
    """No index where one was expected; the message says how to build it."""

    http_status = 503


class IndexLocked(IndexingError):
    """Another process is writing the index (ingest lock held)."""

    http_status = 409


class StoreUnavailable(IndexingError):
    """The vector store (e.g. a Chroma server) cannot be reached right now."""

    http_status = 503
