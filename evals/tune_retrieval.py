"""Measure retrieval (dense-only, lexical-only, fused) on a Q&A set and grid-search the fusion weights.

Usage:
    python -m evals.tune_retrieval [DATASET.jsonl] [--index DIR] [--k 8] [--grid]

Prints recall@1/@5/@8 and MRR against the gold ``sources`` and against the passages that contain
each ``evidence`` string, per configuration, and the warm retrieval latency (p50/p95). Follow-up
items are rewritten with ``assistant.followup.condense`` first, as the pipeline does. Items without
gold sources (unanswerable, injection) are skipped: they measure refusal, not retrieval.

Why a script and not a test: the figures are what we tune on; a timed or threshold test would
either be flaky or freeze today's numbers.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from assistant.followup import condense
from assistant.retrieval import HybridRetriever, RetrievalWeights
from assistant.types import Turn
from index.normalize import fold, normalize_text
from index.types import ScoredChunk

DEFAULT_DATASET = Path(__file__).resolve().parents[2] / "shared" / "evals" / "dev.jsonl"
KS = (1, 5, 8)


@dataclass(frozen=True)
class Item:
    id: str
    type: str
    query: str  # standalone (follow-ups condensed)
    sources: tuple[str, ...]
    evidence: tuple[str, ...]


def load_items(path: Path) -> list[Item]:
    items = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            d = json.loads(line)
            if not d.get("sources"):
                continue
            history = [Turn(t["role"], t["content"]) for t in d.get("history") or []]
            items.append(Item(
                id=d["id"], type=d.get("type", ""), query=condense(d["question"], history),
                sources=tuple(d["sources"]), evidence=tuple(d.get("evidence") or ()),
            ))
    return items


class CachingReader:
    """Wraps an IndexReader so a grid search embeds and searches each query form only once."""

    def __init__(self, reader: Any) -> None:
        self._reader = reader
        self._dense: dict[tuple[str, int], list[ScoredChunk]] = {}
        self._lexical: dict[tuple[str, int], list[ScoredChunk]] = {}

    def snapshot(self) -> Any:
        return self._reader.snapshot()

    def dense(self, query: str, k: int) -> list[ScoredChunk]:
        if (query, k) not in self._dense:
            self._dense[(query, k)] = self._reader.dense(query, k)
        return self._dense[(query, k)]

    def lexical(self, query: str, k: int) -> list[ScoredChunk]:
        if (query, k) not in self._lexical:
            self._lexical[(query, k)] = self._reader.lexical(query, k)
        return self._lexical[(query, k)]


def evidence_chunks(reader: Any, item: Item) -> list[set[str]]:
    """For each evidence string, the ids of passages holding at least half of it."""
    snap = reader.snapshot()
    out: list[set[str]] = []
    for ev in item.evidence:
        ev_n = " ".join(normalize_text(ev).split())
        found: set[str] = set()
        for source in item.sources:
            text = reader.document_text(source)
            pos = text.find(ev_n)
            if pos < 0:
                pos = fold(" ".join(text.split())).find(fold(ev_n))
                if pos >= 0:  # whitespace differs: fall back to a folded search on the raw text
                    pos = fold(text).find(fold(ev_n[:40]))
            if pos < 0:
                continue
            end = pos + len(ev_n)
            for c in snap.chunks.values():
                if c.source == source and min(end, c.end) - max(pos, c.start) >= 0.5 * (end - pos):
                    found.add(c.chunk_id)
        out.append(found)
    return out


@dataclass
class Scores:
    source_recall: dict[int, float]
    source_mrr: float
    evidence_recall: dict[int, float]
    evidence_mrr: float

    def row(self) -> list[float]:
        return ([self.source_recall[k] for k in KS] + [self.source_mrr]
                + [self.evidence_recall[k] for k in KS] + [self.evidence_mrr])


def score_item(results: Sequence[ScoredChunk], item: Item, ev_chunks: list[set[str]]) -> Scores:
    sources = [r.chunk.source for r in results]
    ids = [r.chunk.chunk_id for r in results]
    src_rank = {s: (sources.index(s) + 1 if s in sources else None) for s in item.sources}
    first_src = min((r for r in src_rank.values() if r), default=None)
    ev_rank: list[int | None] = []
    for gold in ev_chunks:
        ranks = [i + 1 for i, cid in enumerate(ids) if cid in gold]
        ev_rank.append(min(ranks) if ranks else None)
    first_ev = min((r for r in ev_rank if r), default=None)
    return Scores(
        source_recall={k: sum(1 for r in src_rank.values() if r and r <= k) / len(src_rank) for k in KS},
        source_mrr=1.0 / first_src if first_src else 0.0,
        evidence_recall={k: (sum(1 for r in ev_rank if r and r <= k) / len(ev_rank)) if ev_rank else 0.0
                         for k in KS},
        evidence_mrr=1.0 / first_ev if first_ev else 0.0,
    )


def evaluate(retrieve: Callable[[str, int], list[ScoredChunk]], items: Sequence[Item],
             ev: dict[str, list[set[str]]], k: int) -> tuple[list[float], dict[str, Scores]]:
    per_item = {it.id: score_item(retrieve(it.query, k), it, ev[it.id]) for it in items}
    ev_items = [it for it in items if ev[it.id]]
    rows = [per_item[it.id].row() for it in items]
    mean = [statistics.fmean(col) for col in zip(*rows, strict=True)]
    # evidence columns averaged over items that have evidence only
    ev_rows = [per_item[it.id].row()[4:] for it in ev_items]
    if ev_rows:
        mean[4:] = [statistics.fmean(col) for col in zip(*ev_rows, strict=True)]
    return mean, per_item


HEADER = "src@1  src@5  src@8  srcMRR | ev@1   ev@5   ev@8   evMRR"


def fmt(row: Iterable[float]) -> str:
    vals = [f"{v:.3f}" for v in row]
    return "  ".join(vals[:4]) + " | " + "  ".join(vals[4:])


def open_default_reader(index_dir: str | None) -> Any:
    from assistant.composition import open_reader
    from assistant.settings import Settings

    settings = Settings(index_dir=Path(index_dir)) if index_dir else Settings()
    return open_reader(settings), settings


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dataset", nargs="?", default=str(DEFAULT_DATASET))
    ap.add_argument("--index", default=None, help="index folder (default: Settings().index_dir)")
    ap.add_argument("--k", type=int, default=8)
    ap.add_argument("--grid", action="store_true", help="grid-search weights and boosts")
    ap.add_argument("--per-item", action="store_true", help="print per-item ranks for the chosen setting")
    args = ap.parse_args(argv)

    reader, settings = open_default_reader(args.index)
    items = load_items(Path(args.dataset))
    ev = {it.id: evidence_chunks(reader, it) for it in items}
    cached = CachingReader(reader)
    base = RetrievalWeights(dense_weight=settings.dense_weight, lexical_weight=settings.lexical_weight)
    print(f"{len(items)} answerable items from {args.dataset}; k={args.k}; "
          f"{len(reader.snapshot().chunks)} passages")
    print(f"{'configuration':44s} {HEADER}")

    def run(name: str, w: RetrievalWeights) -> list[float]:
        mean, _ = evaluate(HybridRetriever(cached, w).retrieve, items, ev, args.k)
        print(f"{name:44s} {fmt(mean)}")
        return mean

    no_boost = replace(base, place_boost=0.0, year_boost=0.0, per_place=0)
    run("dense only (no boosts)", replace(no_boost, lexical_weight=0.0))
    run("lexical only (no boosts)", replace(no_boost, dense_weight=0.0))
    run("fused RRF (no boosts)", no_boost)
    run("dense only + place/time boosts", replace(base, lexical_weight=0.0))
    run("lexical only + place/time boosts", replace(base, dense_weight=0.0))
    chosen = base
    run(f"fused + boosts (settings: d={base.dense_weight} l={base.lexical_weight})", base)

    if args.grid:
        shared = HybridRetriever(cached, base)
        ranked: list[tuple[float, list[float], RetrievalWeights]] = []
        for dw, lw, pb, yb, rk in itertools.product(
            (0.5, 1.0, 1.5, 2.0), (0.5, 1.0, 1.5, 2.0), (0.0, 0.25, 0.5, 1.0), (0.0, 0.15, 0.3, 0.6), (20.0, 60.0)
        ):
            if dw == lw and dw != 1.0:
                continue  # same ratio as 1:1
            w = replace(base, dense_weight=dw, lexical_weight=lw, place_boost=pb, year_boost=yb, rrf_k=rk)
            shared.weights = w  # one retriever, so each question is analysed once for the whole grid
            mean, _ = evaluate(shared.retrieve, items, ev, args.k)
            # objective: evidence MRR + source MRR (the answerer quotes passages) and recall@5
            ranked.append((mean[7] + mean[3] + 0.5 * (mean[5] + mean[1]), mean, w))
        ranked.sort(key=lambda r: -r[0])
        print("top grid settings (objective = evMRR + srcMRR + (ev@5 + src@5)/2):")
        for key, mean, w in ranked[:12]:
            print(f"  {key:.3f}  d={w.dense_weight} l={w.lexical_weight} p={w.place_boost} y={w.year_boost} "
                  f"rrf_k={w.rrf_k:g}  {fmt(mean)}")
        chosen = ranked[0][2]
        run(f"best grid: d={chosen.dense_weight} l={chosen.lexical_weight} p={chosen.place_boost} "
            f"y={chosen.year_boost} rrf_k={chosen.rrf_k:g}", chosen)

    mean, per_item = evaluate(HybridRetriever(cached, chosen).retrieve, items, ev, args.k)
    by_type: dict[str, list[Item]] = defaultdict(list)
    for it in items:
        by_type[it.type].append(it)
    print("\nper type (chosen setting):")
    for t, its in sorted(by_type.items()):
        rows = [per_item[it.id].row() for it in its]
        print(f"  {t:14s} n={len(its):2d}  {fmt(statistics.fmean(c) for c in zip(*rows, strict=True))}")
    if args.per_item:
        for it in items:
            s = per_item[it.id]
            print(f"  {it.id} {it.type:13s} srcMRR={s.source_mrr:.2f} evMRR={s.evidence_mrr:.2f}  {it.query[:90]}")

    # warm latency of the real (uncached) retriever, k = settings.top_k
    live = HybridRetriever(reader, chosen)
    for it in items[:3]:
        live.retrieve(it.query, settings.top_k)
    times = []
    for it in items:
        t0 = time.perf_counter()
        live.retrieve(it.query, settings.top_k)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f"\nwarm retrieve latency over {len(times)} queries: p50 {statistics.median(times):.1f} ms, "
          f"p95 {times[int(0.95 * (len(times) - 1))]:.1f} ms, max {times[-1]:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
