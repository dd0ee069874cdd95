"""A pipeline's answer stream, run in worker threads under the shared concurrency gate.

Why a module of its own: the SSE endpoint (``ui.server``) and the Gradio UI (``ui.gradio_app``) both
stream answers and must obey the same concurrency bound, without importing each other.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import anyio

from assistant.protocols import AnswerPipeline, StreamEvent
from assistant.types import Turn
from ui.ratelimit import ConcurrencyGate

_END = object()


def _next(it: Iterator[StreamEvent]) -> object:
    return next(it, _END)


def _close(it: Iterator[StreamEvent]) -> None:
    close = getattr(it, "close", None)
    if close is not None:
        close()


async def stream_answer_events(pipeline: AnswerPipeline, gate: ConcurrencyGate, question: str,
                               history: list[Turn]) -> AsyncIterator[StreamEvent]:
    """Run ``pipeline.stream`` in worker threads under the gate, yielding its events as they come.

    Shared by the SSE endpoint and the Gradio UI so both obey the same concurrency bound.
    A step already running in a thread finishes before the slot is released (threads can't be killed),
    so a client that disconnects never leaves more than ``max_concurrent`` answers running.
    """
    async with gate.slot():
        it = iter(await anyio.to_thread.run_sync(gate.in_worker(pipeline.stream), question, history))
        try:
            while True:
                ev = await anyio.to_thread.run_sync(gate.in_worker(_next), it)
                if ev is _END:
                    return
                assert isinstance(ev, StreamEvent)
                yield ev
        finally:
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(_close, it)


__all__ = ["stream_answer_events"]
