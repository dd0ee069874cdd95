"""The answering threads lower their own CPU priority; the thread that admits and refuses requests does not."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from ui.ratelimit import ConcurrencyGate
from ui.worker_priority import WorkerPriority

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")


def _nice_of_this_thread() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def _run_in_thread(fn) -> int:  # type: ignore[no-untyped-def]
    out: list[int] = []
    t = threading.Thread(target=lambda: out.append(fn()))
    t.start()
    t.join()
    return out[0]


def test_a_wrapped_call_lowers_only_its_own_thread() -> None:
    before = _nice_of_this_thread()
    wrapped = WorkerPriority(7).wrap(_nice_of_this_thread)
    assert _run_in_thread(wrapped) == max(before, 7)
    assert _nice_of_this_thread() == before  # the caller (the event loop's thread) is untouched


def test_zero_leaves_the_worker_as_it_was() -> None:
    before = _run_in_thread(_nice_of_this_thread)
    assert _run_in_thread(WorkerPriority(0).wrap(_nice_of_this_thread)) == before


def test_the_gate_runs_admitted_answers_at_the_configured_priority() -> None:
    base = _nice_of_this_thread()
    gate = ConcurrencyGate(1, 0, worker_nice=12)
    nice, value = _run_in_thread(gate.in_worker(lambda: (_nice_of_this_thread(), "answer")))
    assert value == "answer"  # the call's own result comes back
    assert nice == max(base, 12)


def test_out_of_range_values_are_refused_at_construction() -> None:
    with pytest.raises(ValueError, match="worker_nice"):
        WorkerPriority(20)
    with pytest.raises(ValueError, match="worker_nice"):
        WorkerPriority(-1)
