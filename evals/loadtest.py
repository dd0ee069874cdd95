"""Load test of a running ``assistant serve``: N concurrent users with think time, then an overload burst.

Why two phases: the first shows what citizens experience on a normal busy day (p50/p95 latency, error
rate, with every user pausing between questions like a person does); the second fires more requests at
once than the server admits (``max_concurrent_requests + max_queue``) and shows the excess gets a quick
"busy" answer (HTTP 503/429 with Retry-After) instead of hanging.

Loopback only and bounded (duration, request count and per-request timeout), so it can never be pointed
at someone else's server by accident or run forever::

    ASSISTANT_RATE_LIMIT_PER_MINUTE=100000 assistant serve --port 7860 &   # all users share 127.0.0.1
    python -m evals.loadtest --url http://127.0.0.1:7860 --users 20 --duration 60 --overload 80

Prints the figures; ``--json FILE`` also writes them.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

__all__ = ["LoadReport", "PhaseResult", "QUESTIONS", "check_loopback", "main", "run_load"]

# Written for load testing (varied length/language/diacritics); deliberately not the evaluation questions.
QUESTIONS: tuple[str, ...] = (
    "Tỉnh Bình Định có bao nhiêu dịch vụ công trực tuyến toàn trình?",
    "Làm thế nào để kích hoạt tài khoản định danh điện tử mức 2?",
    "Đề án 06 giao những nhiệm vụ gì cho chính quyền cấp tỉnh?",
    "bac ninh chuyen doi so den nam nao",
    "Bắc Kạn xếp hạng chỉ số chuyển đổi số năm 2022 thứ mấy?",
    "Người dân được hỗ trợ nộp hồ sơ trực tuyến ở đâu?",
    "What does Project 06 require from provincial governments?",
    "ty le ho so truc tuyen cua tinh la bao nhieu",
    "Trung tâm điều hành đô thị thông minh của tỉnh làm gì?",
    "Kinh tế số đóng góp bao nhiêu phần trăm GRDP?",
    "How many online public services does Binh Dinh offer?",
    "Có bao nhiêu tài khoản VNeID đã được kích hoạt?",
)

_MAX_REQUESTS = 20_000  # hard cap whatever the arguments say
_MAX_DURATION_S = 600.0


def check_loopback(url: str) -> str:
    """``url`` without a trailing slash, or ValueError unless it points at this machine's loopback."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"{url!r}: use http://127.0.0.1:PORT")
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ValueError(f"{url!r} is not a loopback address: the load test only targets 127.0.0.1/localhost/::1")
    return url.rstrip("/")


@dataclass
class PhaseResult:
    name: str
    requests: int = 0
    ok: int = 0
    busy: int = 0  # 503 busy / 429 rate limited: refused on purpose, with Retry-After
    errors: int = 0  # anything else: 5xx other than busy, transport errors, timeouts, malformed answers
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)  # of 200 answers
    busy_latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    warm: bool = False  # the burst's connections were opened before the clock started

    def percentile(self, q: float, values: list[float] | None = None) -> float:
        data = sorted(self.latencies_ms if values is None else values)
        if not data:
            return float("nan")
        k = max(0, min(len(data) - 1, round(q / 100 * (len(data) - 1))))
        return data[k]

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "phase": self.name, "requests": self.requests, "ok": self.ok, "busy": self.busy,
            "errors": self.errors, "error_rate": round(self.error_rate, 4), "seconds": round(self.seconds, 2),
            "throughput_rps": round(self.requests / self.seconds, 2) if self.seconds else 0.0,
            "p50_ms": round(self.percentile(50), 1), "p95_ms": round(self.percentile(95), 1),
            "p99_ms": round(self.percentile(99), 1),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 1) if self.latencies_ms else float("nan"),
            "busy_p95_ms": round(self.percentile(95, self.busy_latencies_ms), 1),
            "busy_max_ms": round(max(self.busy_latencies_ms), 1) if self.busy_latencies_ms else float("nan"),
            "statuses": dict(sorted(self.statuses.items())), "error_samples": self.error_samples[:5],
        }


@dataclass
class LoadReport:
    url: str
    users: int
    steady: PhaseResult
    overload: PhaseResult | None

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "users": self.users, "steady": self.steady.summary(),
                "overload": self.overload.summary() if self.overload else None}

    def lines(self) -> list[str]:
        s = self.steady.summary()
        out = [
            f"Load test against {self.url}",
            f"  steady: {self.users} users with think time, {s['requests']} requests in {s['seconds']} s "
            f"({s['throughput_rps']} req/s)",
            f"    latency p50 {s['p50_ms']} ms, p95 {s['p95_ms']} ms, p99 {s['p99_ms']} ms (200 answers)",
            f"    errors {s['errors']} ({s['error_rate']:.2%}), busy {s['busy']} (429/503; slowest "
            f"{s['busy_max_ms']} ms), statuses {s['statuses']}",
        ]
        if self.overload is not None:
            o = self.overload.summary()
            out += [
                f"  overload: {o['requests']} requests at once, done in {o['seconds']} s "
                f"({'connections opened first' if self.overload.warm else 'on new connections'})",
                f"    answered {o['ok']} (p95 {o['p95_ms']} ms), busy {o['busy']} "
                f"(p95 {o['busy_p95_ms']} ms, max {o['busy_max_ms']} ms), errors {o['errors']}, "
                f"statuses {o['statuses']}",
            ]
        for sample in self.steady.error_samples[:3] + (self.overload.error_samples[:3] if self.overload else []):
            out.append(f"    error sample: {sample}")
        return out


async def _one(client: httpx.AsyncClient, url: str, question: str, phase: PhaseResult) -> None:
    t0 = time.perf_counter()
    try:
        r = await client.post(url + "/api/chat", json={"question": question, "history": []})
        ms = (time.perf_counter() - t0) * 1000
        phase.statuses[str(r.status_code)] = phase.statuses.get(str(r.status_code), 0) + 1
        if r.status_code == 200:
            body = r.json()
            if isinstance(body.get("answer"), str) and isinstance(body.get("refused"), bool):
                phase.ok += 1
                phase.latencies_ms.append(ms)
            else:
                phase.errors += 1
                phase.error_samples.append(f"200 without an Answer: {r.text[:120]}")
        elif r.status_code in (429, 503) and r.headers.get("retry-after"):
            phase.busy += 1
            phase.busy_latencies_ms.append(ms)
        else:
            phase.errors += 1
            phase.error_samples.append(f"HTTP {r.status_code}: {r.text[:160]}")
    except (httpx.HTTPError, ValueError) as err:
        phase.statuses["exception"] = phase.statuses.get("exception", 0) + 1
        phase.errors += 1
        phase.error_samples.append(f"{type(err).__name__}: {err}"[:200])
    finally:
        phase.requests += 1


async def _steady(url: str, users: int, duration_s: float, think_s: tuple[float, float], max_requests: int,
                  timeout_s: float, questions: tuple[str, ...], seed: int) -> PhaseResult:
    phase = PhaseResult("steady")
    rng = random.Random(seed)
    limits = httpx.Limits(max_connections=users + 4, max_keepalive_connections=users + 4)
    t_start = time.perf_counter()
    deadline = t_start + duration_s

    async def user(i: int, client: httpx.AsyncClient) -> None:
        await asyncio.sleep(rng.uniform(0, think_s[1]))  # users don't all arrive in the same millisecond
        while time.perf_counter() < deadline and phase.requests < max_requests:
            await _one(client, url, questions[rng.randrange(len(questions))], phase)
            await asyncio.sleep(rng.uniform(*think_s))

    async with httpx.AsyncClient(timeout=timeout_s, limits=limits) as client:
        await asyncio.gather(*(user(i, client) for i in range(users)))
    phase.seconds = time.perf_counter() - t_start
    return phase


async def _overload(url: str, n: int, timeout_s: float, questions: tuple[str, ...], *,
                    warm: bool = True) -> PhaseResult:
    phase = PhaseResult("overload", warm=warm)
    # One client (one connection) per request, like n separate citizens; one shared pool of n
    # connections costs the client itself seconds per burst (each request scans the whole pool).
    clients = [httpx.AsyncClient(timeout=timeout_s, limits=httpx.Limits(max_connections=1)) for _ in range(n)]
    try:
        if warm:
            # Open the connections before the clock starts, so the burst times the server's replies and
            # not this one Python process setting up n TCP connections in turn: against a server that
            # answers 503 without doing anything, a cold 80-request burst from this client measured
            # 250-360 ms for its slowest reply on an idle 2-core machine, the client's own cost.
            await asyncio.gather(*(c.get(url + "/api/health") for c in clients))
        t_start = time.perf_counter()
        await asyncio.gather(*(_one(c, url, questions[i % len(questions)], phase) for i, c in enumerate(clients)))
        phase.seconds = time.perf_counter() - t_start
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    return phase


def run_load(url: str, *, users: int = 20, duration_s: float = 30.0, think_s: tuple[float, float] = (0.5, 2.0),
             overload: int = 0, max_requests: int = 2000, timeout_s: float = 120.0,
             questions: tuple[str, ...] = QUESTIONS, seed: int = 7, warm_burst: bool = True) -> LoadReport:
    """Run the steady phase, then (if ``overload`` > 0) the burst; bounded in time and request count."""
    base = check_loopback(url)
    if users < 1 or duration_s <= 0 or overload < 0 or not questions:
        raise ValueError("users >= 1, duration > 0, overload >= 0, and at least one question")
    if not 0 <= think_s[0] <= think_s[1]:
        raise ValueError("think time must be (min, max) with 0 <= min <= max")
    duration_s = min(duration_s, _MAX_DURATION_S)
    max_requests = min(max_requests, _MAX_REQUESTS)
    overload = min(overload, 2000)
    steady = asyncio.run(_steady(base, users, duration_s, think_s, max_requests, timeout_s, questions, seed))
    burst = (asyncio.run(_overload(base, overload, timeout_s, questions, warm=warm_burst))
             if overload else None)
    return LoadReport(url=base, users=users, steady=steady, overload=burst)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m evals.loadtest", description=__doc__.split("\n\n")[0])
    p.add_argument("--url", default="http://127.0.0.1:7860", help="a running `assistant serve` (loopback only)")
    p.add_argument("--users", type=int, default=20, help="concurrent simulated users (default 20)")
    p.add_argument("--duration", type=float, default=60.0, help="seconds of the steady phase (max 600)")
    p.add_argument("--think-min", type=float, default=0.5, help="min seconds a user pauses between questions")
    p.add_argument("--think-max", type=float, default=2.0, help="max seconds a user pauses between questions")
    p.add_argument("--max-requests", type=int, default=2000, help="stop the steady phase after this many")
    p.add_argument("--overload", type=int, default=0,
                   help="then fire this many requests at once (use > max_concurrent_requests + max_queue)")
    p.add_argument("--cold-burst", action="store_true",
                   help="fire the burst on new connections (times this client's TCP set-up too)")
    p.add_argument("--timeout", type=float, default=120.0, help="per-request timeout in seconds")
    p.add_argument("--questions", type=Path, default=None, help="optional text file, one question a line")
    p.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    questions = QUESTIONS
    if args.questions:
        questions = tuple(q.strip() for q in args.questions.read_text(encoding="utf-8").splitlines() if q.strip())
    try:
        report = run_load(args.url, users=args.users, duration_s=args.duration,
                          think_s=(args.think_min, args.think_max), overload=args.overload,
                          max_requests=args.max_requests, timeout_s=args.timeout, questions=questions,
                          warm_burst=not args.cold_burst)
    except ValueError as err:
        print(f"loadtest: {err}", file=sys.stderr)
        return 2
    try:
        health = httpx.get(report.url + "/api/health", timeout=10).json()
    except (httpx.HTTPError, ValueError):
        health = {}
    for line in report.lines():
        print(line)
    if health:
        print(f"  server health after the test: {health}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({**report.to_dict(), "health_after": health}, ensure_ascii=False,
                                        indent=1), encoding="utf-8")
    codes = Counter(report.steady.statuses)
    return 1 if report.steady.errors or codes.get("exception") else 0


if __name__ == "__main__":
    raise SystemExit(main())
