"""The bounded memo behind the typer's and the retriever's caches."""

from __future__ import annotations

import threading
from functools import partial

import pytest

from assistant.memo import Memo


def test_computes_once_per_key_and_drops_the_least_recently_used() -> None:
    calls: list[str] = []
    memo: Memo[str, int] = Memo(2)

    def compute(key: str) -> int:
        calls.append(key)
        return len(key)

    assert memo.get("a", lambda: compute("a")) == 1
    assert memo.get("bb", lambda: compute("bb")) == 2
    assert memo.get("a", lambda: compute("a")) == 1  # kept, and now the most recently used
    assert memo.get("ccc", lambda: compute("ccc")) == 3  # drops "bb", not "a"
    assert memo.get("a", lambda: compute("a")) == 1
    assert memo.get("bb", lambda: compute("bb")) == 2
    assert calls == ["a", "bb", "ccc", "bb"] and len(memo) == 2
    memo.clear()
    assert len(memo) == 0


def test_a_memo_keeps_at_least_one_entry() -> None:
    with pytest.raises(ValueError):
        Memo(0)


def test_requests_on_several_threads_share_one_memo() -> None:
    memo: Memo[int, int] = Memo(50)
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(2000):
                key = (i + offset) % 80
                assert memo.get(key, partial(pow, key, 2)) == key * key  # computed now, or kept
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(memo) <= 50
