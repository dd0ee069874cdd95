"""The rate limit cannot be dodged with X-Forwarded-For, and holds across server processes (issue 13, finding 2).

Before: ``assistant serve`` ran uvicorn with proxy headers trusted from loopback, so rotating
``X-Forwarded-For`` from 127.0.0.1 got 40 of 40 requests through, and each process kept its own buckets.
Now only peers in ``ASSISTANT_TRUSTED_PROXIES`` name the client (read from the right of the header), and
the buckets live in one SQLite file (``ASSISTANT_STATE_DB``) that every process updates in a transaction.

Checked with two real ``assistant serve`` processes sharing one state file; the "reverse proxy" is a
client bound to 127.0.0.2, the only trusted address, while 127.0.0.1 plays a client that spoofs headers.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from itertools import cycle
from pathlib import Path
from typing import Any

import httpx
import pytest
from reliability.live_server import ServeProcess

from ui.client_address import TrustedProxies
from ui.ratelimit import RateLimited, SqliteBucketStore, TokenBucketLimiter

RATE = 6  # per minute: a refill of one token takes 10 s, far longer than each burst below
PROXY = "127.0.0.2"


@pytest.mark.parametrize(("peer", "header", "client"), [
    ("127.0.0.1", "9.9.9.9", "127.0.0.1"),  # not a trusted peer: the header is ignored
    ("10.0.0.1", "9.9.9.9", "9.9.9.9"),
    ("10.0.0.1", "1.1.1.1, 9.9.9.9", "9.9.9.9"),  # what the client wrote at the left is never reached
    ("10.0.0.1", "1.1.1.1, 9.9.9.9, 10.0.0.2", "9.9.9.9"),  # a chain of trusted proxies is skipped
    ("10.0.0.1", "[2001:db8::7]:443", "2001:db8::7"),
    ("10.0.0.1", "9.9.9.9:5555", "9.9.9.9"),
    ("10.0.0.1", "garbage", "10.0.0.1"),  # unreadable: the proxy itself, never a chosen string
    ("10.0.0.1", "", "10.0.0.1"),
    ("10.0.0.1", "10.0.0.3", "10.0.0.3"),  # only trusted hops: the leftmost
])
def test_client_address_is_read_from_the_right_and_only_from_trusted_proxies(peer: str, header: str,
                                                                              client: str) -> None:
    proxies = TrustedProxies.parse(["10.0.0.0/24", " 192.168.1.5 "])
    assert proxies.client_of(peer, header) == client


@pytest.mark.parametrize("entry", ["*", "10.0.0.300", "proxy.example"])
def test_trusted_proxies_typos_fail_at_startup(entry: str) -> None:
    with pytest.raises(ValueError, match="ASSISTANT_TRUSTED_PROXIES"):
        TrustedProxies.parse([entry])


def test_default_trusts_no_one() -> None:
    from assistant.settings import Settings

    assert Settings(_env_file=None).trusted_proxies == []  # type: ignore[call-arg]
    assert TrustedProxies.parse([]).client_of("127.0.0.1", "9.9.9.9") == "127.0.0.1"


def test_sqlite_buckets_spend_each_token_once_across_connections(tmp_path: Path) -> None:
    """Two limiters (two connections, as two processes would have) hammer one client from 8 threads."""
    db = tmp_path / "state.sqlite3"
    limiters = [TokenBucketLimiter(40, store=SqliteBucketStore(db)) for _ in range(2)]
    allowed, refused = [], []
    lock = threading.Lock()

    def worker(limiter: TokenBucketLimiter) -> None:
        for _ in range(25):
            try:
                limiter.acquire("203.0.113.9")
                ok = True
            except RateLimited:
                ok = False
            with lock:
                (allowed if ok else refused).append(1)

    threads = [threading.Thread(target=worker, args=(limiters[i % 2],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(allowed) + len(refused) == 200
    assert 40 <= len(allowed) <= 41, len(allowed)  # 40 tokens (+1 if a refill lands during the run)
    raw = db.read_bytes() + (db.with_name(db.name + "-wal").read_bytes() if db.with_name(db.name + "-wal").exists()
                             else b"")
    assert b"203.0.113.9" not in raw, "client addresses are stored hashed"


@pytest.fixture(scope="module")
def two_servers(corpus_index: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[ServeProcess]]:
    root = tmp_path_factory.mktemp("shared-limit")
    servers: list[ServeProcess] = []
    try:
        for i in range(2):
            index_dir = root / f"index{i}"
            shutil.copytree(corpus_index.index_dir, index_dir, ignore=shutil.ignore_patterns(".ingest.lock"))
            env = {"ASSISTANT_RATE_LIMIT_PER_MINUTE": str(RATE), "ASSISTANT_STATE_DB": str(root / "state.sqlite3"),
                   "ASSISTANT_TRUSTED_PROXIES": PROXY, "ASSISTANT_LOG_LEVEL": "WARNING",
                   "ASSISTANT_FEEDBACK_PATH": str(root / f"fb{i}.jsonl"),
                   "ASSISTANT_DATABASE_PATH": str(root / f"assistant{i}.db"),
                   "ASSISTANT_CORPUS_DIR": str(corpus_index.settings.corpus_dir)}
            servers.append(ServeProcess(index_dir, root / f"serve{i}.log", env=env))
        yield servers
    finally:
        for s in servers:
            s.stop()


def _codes(servers: list[ServeProcess], headers: list[dict[str, str]], local: str = "127.0.0.1") -> list[int]:
    """POST an (invalid, so cheap) question per header set, alternating between the servers."""
    transport = httpx.HTTPTransport(local_address=local)
    with httpx.Client(transport=transport, timeout=30) as client:
        urls = cycle(s.base_url for s in servers)
        return [client.post(next(urls) + "/api/chat", json={"question": ""}, headers=h).status_code
                for h in headers]


@pytest.mark.slow
def test_rotating_forwarded_for_does_not_dodge_the_shared_limit(two_servers: list[ServeProcess]) -> None:
    spoofed = [{"X-Forwarded-For": f"198.51.100.{i}", "X-Real-IP": f"198.51.100.{i}"} for i in range(14)]
    codes = _codes(two_servers, spoofed)
    assert codes.count(429) == 14 - RATE and set(codes) == {400, 429}, codes  # 400: the empty question
    assert codes[:RATE] == [400] * RATE
    assert _codes(two_servers, [{}]) == [429]  # the same bucket without any header


@pytest.mark.slow
def test_a_trusted_proxy_names_the_client_and_the_limit_holds_across_processes(
        two_servers: list[ServeProcess]) -> None:
    client_a = [{"X-Forwarded-For": "203.0.113.7"}] * (RATE + 3)
    codes = _codes(two_servers, client_a, local=PROXY)
    assert codes == [400] * RATE + [429] * 3, codes  # one budget for 203.0.113.7, whichever process answers
    # another client behind the same proxy has its own budget
    assert _codes(two_servers, [{"X-Forwarded-For": "203.0.113.8"}], local=PROXY) == [400]
    # client A prepending a fake address does not get a new one (the proxy appends the real peer)
    assert _codes(two_servers, [{"X-Forwarded-For": "1.2.3.4, 203.0.113.7"}], local=PROXY) == [429]
    # the proxy's own requests (no header) are the proxy's
    assert _codes(two_servers, [{}], local=PROXY) == [400]
