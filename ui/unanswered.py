"""The unanswered-questions report: refused and thumbs-down questions, grouped by topic, with a trend.

Why embedding clusters: citizens ask the same missing thing in many wordings ("cấp lại mật khẩu VNeID",
"quên mật khẩu vneid làm sao"), so counting identical strings hides what is asked most. Questions are
embedded with the index's own model, the unit vectors are grouped by average-linkage agglomerative
clustering on cosine similarity (stop when the closest two groups are less similar than a threshold),
and each group is named by its most typical question (the one closest to the group's centroid). The
province reads it as "what information should we publish next".
"""

from __future__ import annotations

import csv
import html
import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np

# e5-family similarities are compressed into [0.75, 1]: on paraphrase sets 0.88 kept each topic together
# (VNeID password, passport, marriage registration) and the topics apart; 0.85 merged passport+marriage.
DEFAULT_THRESHOLD = 0.88
MAX_DISTINCT = 800  # most recent distinct questions clustered (the merge loop is cubic)

Embed = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class UnansweredItem:
    question: str
    timestamp: str  # ISO UTC
    kind: str  # "refused" / "thumbs_down"
    reason: str = ""


@dataclass(frozen=True)
class TopicGroup:
    label: str  # the most typical question
    count: int
    items: tuple[UnansweredItem, ...]
    trend: tuple[int, ...]  # counts per bucket of the report


@dataclass(frozen=True)
class UnansweredReport:
    groups: tuple[TopicGroup, ...]
    buckets: tuple[str, ...]  # bucket start dates (ISO), oldest first
    totals: tuple[int, ...]  # all unanswered questions per bucket
    bucket_days: int


def _key(question: str) -> str:
    return " ".join(question.casefold().split())


def cluster(vectors: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage agglomerative clustering of unit row vectors; groups of row indices."""
    n = len(vectors)
    if n == 0:
        return []
    v = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    sim = v @ v.T
    np.fill_diagonal(sim, -np.inf)
    sizes = np.ones(n)
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    while len(members) > 1:
        flat = int(np.argmax(sim))
        i, j = divmod(flat, n)
        if sim[i, j] < threshold:
            break
        # Lance-Williams update for average linkage: similarity to the merged group is the size-weighted
        # mean of the similarities to its two parts.
        merged = (sizes[i] * sim[i] + sizes[j] * sim[j]) / (sizes[i] + sizes[j])
        sim[i], sim[:, i] = merged, merged
        sim[i, i] = -np.inf
        sim[j], sim[:, j] = -np.inf, -np.inf
        sizes[i] += sizes[j]
        members[i] += members.pop(j)
    return list(members.values())


def _buckets(start: date, end: date) -> tuple[list[date], int]:
    span = (end - start).days + 1
    step = 1 if span <= 31 else 7
    out, d = [], start
    while d <= end:
        out.append(d)
        d += timedelta(days=step)
    return out, step


def _bucket_index(ts: str, starts: list[date], step: int) -> int | None:
    try:
        day = datetime.fromisoformat(ts).date()
    except ValueError:
        return None
    if not starts or day < starts[0]:
        return None
    idx = (day - starts[0]).days // step
    return idx if idx < len(starts) else None


def build_report(items: Sequence[UnansweredItem], embed: Embed, *, days: int = 90,
                 threshold: float = DEFAULT_THRESHOLD, today: date | None = None) -> UnansweredReport:
    """Group ``items`` by topic (largest group first) with per-bucket counts over the last ``days``."""
    end = today or datetime.now(UTC).date()
    starts, step = _buckets(end - timedelta(days=max(1, days) - 1), end)
    by_key: dict[str, list[UnansweredItem]] = {}
    for it in sorted(items, key=lambda x: x.timestamp, reverse=True):
        if it.question.strip():
            by_key.setdefault(_key(it.question), []).append(it)
    keys = list(by_key)[:MAX_DISTINCT]
    groups: list[TopicGroup] = []
    if keys:
        texts = [by_key[k][0].question for k in keys]
        vectors = np.asarray(embed(texts), dtype=np.float32)
        unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        for rows in cluster(unit, threshold):
            weights = np.array([len(by_key[keys[r]]) for r in rows], dtype=np.float32)
            centroid = (unit[rows] * weights[:, None]).sum(axis=0)
            typical = rows[int(np.argmax(unit[rows] @ centroid))]
            members = tuple(m for r in rows for m in by_key[keys[r]])
            trend = [0] * len(starts)
            for m in members:
                b = _bucket_index(m.timestamp, starts, step)
                if b is not None:
                    trend[b] += 1
            groups.append(TopicGroup(label=texts[typical], count=len(members), items=members, trend=tuple(trend)))
    groups.sort(key=lambda g: (-g.count, g.label))
    totals = [0] * len(starts)
    for g in groups:
        totals = [a + b for a, b in zip(totals, g.trend, strict=True)]
    return UnansweredReport(groups=tuple(groups), buckets=tuple(d.isoformat() for d in starts),
                            totals=tuple(totals), bucket_days=step)


def report_csv(report: UnansweredReport) -> str:
    """One line per question: its group (number, label, size), the question, time, kind and reason."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["group", "group_label", "group_count", "question", "time", "kind", "reason"])
    for n, g in enumerate(report.groups, 1):
        for it in g.items:
            w.writerow([n, _cell(g.label), g.count, _cell(it.question), it.timestamp, it.kind, it.reason])
    return out.getvalue()


def _cell(text: str) -> str:
    """No spreadsheet formula injection: a cell starting with = + - @ is prefixed with a quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def trend_svg(values: Sequence[int], labels: Sequence[str], *, width: int = 640, height: int = 160,
              title: str = "") -> str:
    """A bar chart as inline SVG (no script, no external file), with a text alternative."""
    n = max(1, len(values))
    top = max([1, *values])
    pad_l, pad_b, pad_t = 28, 22, 8
    bw = (width - pad_l) / n
    parts = [f'<svg class="trend" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'aria-label="{html.escape(title)}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{html.escape(title)}</title>",
             f'<text x="0" y="{pad_t + 10}" font-size="12" fill="#333">{top}</text>',
             f'<line x1="{pad_l}" y1="{height - pad_b}" x2="{width}" y2="{height - pad_b}" stroke="#555"/>']
    for i, v in enumerate(values):
        h = (height - pad_b - pad_t) * v / top
        x = pad_l + i * bw
        label = labels[i] if i < len(labels) else ""
        parts.append(f'<rect x="{x + 1:.1f}" y="{height - pad_b - h:.1f}" width="{max(1.0, bw - 2):.1f}" '
                     f'height="{h:.1f}" fill="#0b5cad"><title>{html.escape(label)}: {v}</title></rect>')
    if labels:
        parts.append(f'<text x="{pad_l}" y="{height - 6}" font-size="12" fill="#333">{html.escape(labels[0])}</text>')
        parts.append(f'<text x="{width}" y="{height - 6}" font-size="12" fill="#333" text-anchor="end">'
                     f"{html.escape(labels[-1])}</text>")
    parts.append("</svg>")
    return "".join(parts)


def kind_counts(report: UnansweredReport) -> Counter[str]:
    return Counter(it.kind for g in report.groups for it in g.items)
