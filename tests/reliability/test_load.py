"""Bounded load test through real HTTP against the real ``assistant serve`` (subprocess, no LLM).

20 users with think time must see 0 errors; then a burst beyond ``max_concurrent_requests + max_queue``
must get quick "busy" answers (503/429 with Retry-After) rather than hanging. Latency goals (p95 <= 1 s)
are printed by ``evals/loadtest.py``, not asserted: this machine's speed is not the code's property.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reliability.live_server import ServeProcess

from evals.loadtest import check_loopback, run_load

MAX_CONCURRENT, MAX_QUEUE = 4, 32  # the shipped defaults


@pytest.fixture(scope="module")
def load_server(corpus_index: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    root = tmp_path_factory.mktemp("load")
    shutil.copytree(corpus_index.index_dir, root / "index", ignore=shutil.ignore_patterns(".ingest.lock"))
    env = {"ASSISTANT_RATE_LIMIT_PER_MINUTE": "1000000", "ASSISTANT_MAX_CONCURRENT_REQUESTS": str(MAX_CONCURRENT),
           "ASSISTANT_MAX_QUEUE": str(MAX_QUEUE), "ASSISTANT_LOG_LEVEL": "WARNING",
           "ASSISTANT_FEEDBACK_PATH": str(root / "fb.jsonl"),
           "ASSISTANT_CORPUS_DIR": str(corpus_index.settings.corpus_dir)}
    server = ServeProcess(Path(root / "index"), root / "serve.log", env=env)
    yield server
    server.stop()


@pytest.mark.parametrize("url", ["http://10.0.0.5:7860", "https://example.org", "ftp://127.0.0.1:21",
                                 "http://192.168.1.1"])
def test_loadtest_refuses_non_loopback_targets(url: str) -> None:
    with pytest.raises(ValueError):
        check_loopback(url)
    assert check_loopback("http://127.0.0.1:7860/") == "http://127.0.0.1:7860"
    assert check_loopback("http://localhost:1") == "http://localhost:1"


@pytest.mark.slow
def test_twenty_users_get_no_errors_and_overload_is_refused_quickly(load_server: ServeProcess) -> None:
    # Steady: 20 users can never exceed 4 running + 32 queued, so nothing may be refused or fail.
    report = run_load(load_server.base_url, users=20, duration_s=25, think_s=(0.5, 2.0), overload=0,
                      max_requests=400, timeout_s=120)
    for line in report.lines():
        print(line)
    steady = report.steady
    assert steady.requests >= 20 and steady.ok >= 1
    assert steady.errors == 0 and steady.busy == 0, (steady.statuses, steady.error_samples)

    # Overload: far more at once than 4 running + 32 queued.
    burst = run_load(load_server.base_url, users=1, duration_s=0.01, think_s=(0, 0), overload=80,
                     timeout_s=240)
    o = burst.overload
    assert o is not None
    for line in burst.lines()[-3:]:
        print(line)
    assert o.requests == 80 and o.errors == 0, o.error_samples
    assert o.busy >= 80 - (MAX_CONCURRENT + MAX_QUEUE) - 5, o.statuses  # a few may slip in as slots free up
    assert o.ok >= 1
    assert max(o.busy_latencies_ms) < 10_000, "a 'busy' answer took more than 10 s: requests are hanging"
    assert o.seconds < 240
