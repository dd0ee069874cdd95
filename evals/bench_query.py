"""Warm query latency and retrieval quality at 1x/10x/100x the corpus, ours vs the LangChain tutorial peer.

    python -m evals.bench_query [--scales 1,10,100] [--datasets evals/qa.jsonl,../shared/evals/dev.jsonl]
                                [--json OUT.json] [--no-peer]

Why synthetic growth: the shipped corpus is five reports; a real deployment holds hundreds. Copies of
the reports with every figure redrawn and the places swapped for other provinces are the hardest kind
of distractor (same wording, different facts), so recall/MRR by source at 100x shows whether the right
report still wins. Years are kept, so time-aware retrieval faces same-year distractors.

Each scale is ingested into its own temp index with the project's ingest (assistant.composition), and
the peer into a separate Chroma collection with the same embedding model. Timings are warm (after
warm-up queries), one question at a time, on this machine; the figures are printed as a table.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.settings import DEFAULT_CORPUS, PROJECT_ROOT, Settings
from evals.dataset import EvalItem, load_dataset
from evals.report import percentile
from index.types import ScoredChunk

log = logging.getLogger(__name__)

DEFAULT_DATASETS = (PROJECT_ROOT / "evals" / "qa.jsonl", PROJECT_ROOT.parent / "shared" / "evals" / "dev.jsonl")
K = 4  # the tutorial's k; recall@4 compares equal-sized evidence budgets

_PLACES = {
    "Bình Định": ["Lạng Sơn", "Cao Bằng", "Tuyên Quang", "Thái Nguyên", "Phú Thọ", "Sơn La", "Điện Biên",
                  "Lai Châu", "Yên Bái", "Lào Cai", "Quảng Ninh", "Hải Dương", "Hưng Yên", "Thái Bình",
                  "Nam Định", "Ninh Bình", "Hà Nam", "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình"],
    "Bắc Ninh": ["Quảng Trị", "Quảng Nam", "Quảng Ngãi", "Phú Yên", "Khánh Hòa", "Ninh Thuận", "Kon Tum",
                 "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Bình Phước", "Tây Ninh", "Bình Dương",
                 "Đồng Nai", "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh"],
    "Bắc Kạn": ["Vĩnh Long", "Đồng Tháp", "An Giang", "Kiên Giang", "Hậu Giang", "Sóc Trăng", "Bạc Liêu",
                "Cà Mau", "Vĩnh Phúc", "Bắc Giang", "Hà Giang", "Hòa Bình", "Hà Tĩnh"],
    "La Gi": ["Phước Long", "Bình Long", "Ayun Pa", "An Khê", "Buôn Hồ", "Hương Thủy", "Điện Bàn", "Ba Đồn",
              "Hoàng Mai", "Thái Hòa", "Cửa Lò", "Ngã Năm", "Giá Rai", "Long Mỹ"],
    "Quy Nhơn": ["Tuy Hòa", "Nha Trang", "Phan Thiết", "Vinh", "Đồng Hới", "Hạ Long", "Cẩm Phả", "Việt Trì"],
}
_YEAR = re.compile(r"(?:19|20)\d\d")


def synthesize_copy(text: str, copy_no: int, seed: str) -> str:
    """A distinct variant of ``text``: places swapped, every figure except years redrawn (same digit count)."""
    rng = random.Random(f"{seed}:{copy_no}")
    for place, others in _PLACES.items():
        text = text.replace(place, others[(copy_no * 7 + len(place)) % len(others)])

    def redraw(m: re.Match[str]) -> str:
        digits = m.group(0)
        if _YEAR.fullmatch(digits):
            return digits
        first = str(rng.randint(1, 9)) if len(digits) > 1 and digits[0] != "0" else str(rng.randint(0, 9))
        return first + "".join(str(rng.randint(0, 9)) for _ in digits[1:])

    return re.sub(r"\d+", redraw, text)


def build_scaled_corpus(src: Path, dst: Path, scale: int) -> int:
    """``dst`` gets the original files plus ``scale - 1`` synthetic copies of each; returns the file count."""
    dst.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in src.iterdir() if p.is_file() and p.suffix.lower() in (".txt", ".md"))
    count = 0
    for f in files:
        text = f.read_text(encoding="utf-8")
        shutil.copyfile(f, dst / f.name)
        count += 1
        for i in range(1, scale):
            (dst / f"syn{i:03d}_{f.name}").write_text(synthesize_copy(text, i, f.name), encoding="utf-8")
            count += 1
    return count


@dataclass
class Series:
    """Latencies and per-item retrieval scores of one system on one dataset."""

    latencies_ms: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    rr: list[float] = field(default_factory=list)

    def add(self, ms: float, sources: Sequence[str], gold: Sequence[str]) -> None:
        self.latencies_ms.append(ms)
        gold_set = set(gold)
        top = set(sources[:K])
        self.recall.append(sum(s in top for s in gold_set) / len(gold_set))
        self.rr.append(next((1.0 / r for r, s in enumerate(sources, 1) if s in gold_set), 0.0))

    def figures(self) -> dict[str, float]:
        n = len(self.latencies_ms) or 1
        return {"n": len(self.latencies_ms), "p50_ms": percentile(self.latencies_ms, 50),
                "p95_ms": percentile(self.latencies_ms, 95), f"recall_at_{K}": sum(self.recall) / n,
                "mrr": sum(self.rr) / n}


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, (time.perf_counter() - t0) * 1000.0


def _since(t0: float) -> float:
    return (time.perf_counter() - t0) * 1000.0


def _sources(hits: Sequence[ScoredChunk]) -> list[str]:
    return [h.chunk.source for h in hits]


def bench_scale(scale: int, datasets: dict[str, list[EvalItem]], embedder: Any, work: Path,
                with_peer: bool = True) -> dict[str, Any]:
    """Ingest one scale (ours + peer), then time every answerable item warm; returns the figures."""
    from assistant import composition
    from assistant.retrieval import HybridRetriever
    from evals.peer import LangChainTutorialPeer, read_corpus_files

    corpus = work / "corpus"
    n_files = build_scaled_corpus(DEFAULT_CORPUS, corpus, scale)
    # no query-embedding cache: the pipeline and the retrieval alone ask each question in turn, and both are timed
    settings = Settings(index_dir=work / "index", corpus_dir=corpus, chroma_host="", llm_base_url="", llm_model="",
                        query_cache=0)
    parts = composition.build_index_parts(settings, embedder=embedder)
    report, ingest_ms = _timed(lambda: composition.ingest(settings, [corpus], progress=False, parts=parts))
    if report.failed:
        raise RuntimeError(f"ingest failed at scale {scale}: {report.summary_lines()}")
    # Peak RSS so far is the ingest's (the peer has not run yet); in-model share says where ingest time goes.
    ingest_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    embed_share = report.embed_seconds / report.seconds if report.seconds else 0.0
    reader = composition.open_reader(settings, parts=parts)
    pipeline = composition.build_pipeline(settings, reader=reader)
    retriever = HybridRetriever(reader, dense_weight=settings.dense_weight, lexical_weight=settings.lexical_weight)

    peer = None
    peer_ingest_ms = 0.0
    if with_peer:
        peer = LangChainTutorialPeer.in_folder(embedder, work)
        _, peer_ingest_ms = _timed(lambda: peer.add_documents(read_corpus_files(corpus)))

    warm = [it for items in datasets.values() for it in items][:3]
    for it in warm:  # first calls build lazy tables (diacritic vocabulary, BM25 caches): not what we time
        pipeline.ask(it.question, it.history)
        retriever.retrieve(it.question, settings.top_k)
        if peer is not None:
            peer.retrieve(it.question, K)

    out: dict[str, Any] = {"scale": scale, "files": n_files, "chunks": len(reader.chunks()),
                           "peer_chunks": peer.size if peer else 0, "ingest_s": ingest_ms / 1000.0,
                           "peer_ingest_s": peer_ingest_ms / 1000.0, "ingest_peak_rss_mb": ingest_rss_mb,
                           "ingest_in_model_share": embed_share, "datasets": {}}
    for name, items in datasets.items():
        ask, ours, theirs = Series(), Series(), Series()
        for it in items:
            t0 = time.perf_counter()
            answer = pipeline.ask(it.question, it.history)
            ask.add(_since(t0), [r.source for r in answer.retrieved], it.sources)
            t0 = time.perf_counter()
            hits = retriever.retrieve(it.question, settings.top_k)
            ours.add(_since(t0), _sources(hits), it.sources)
            if peer is not None:
                t0 = time.perf_counter()
                peer_hits = peer.retrieve(it.question, K)
                theirs.add(_since(t0), _sources(peer_hits), it.sources)
        out["datasets"][name] = {"ask": ask.figures(), "retrieve": ours.figures(),
                                 "peer": theirs.figures() if peer is not None else None}
    return out


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "n/a"


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    """One line per scale x dataset: latency p50/p95 (ms), recall@4 and MRR, and ours/peer ratios."""
    head = (f"{'scale':>5} {'dataset':<8} {'n':>4} {'chunks':>7} {'ask p50':>8} {'ask p95':>8} "
            f"{'ret p50':>8} {'ret p95':>8} {'peer p50':>8} {'peer p95':>8} {'p50 ×':>6} "
            f"{'R@4 ours':>8} {'R@4 peer':>8} {'MRR ours':>8} {'MRR peer':>8} {'R@4 ask':>8}")
    lines = [head, "-" * len(head)]
    for row in rows:
        for name, d in row["datasets"].items():
            a, r, p = d["ask"], d["retrieve"], d["peer"] or {}
            lines.append(
                f"{row['scale']:>5} {name:<8} {a['n']:>4} {row['chunks']:>7} {a['p50_ms']:>8.1f} {a['p95_ms']:>8.1f} "
                f"{r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {p.get('p50_ms', 0):>8.1f} {p.get('p95_ms', 0):>8.1f} "
                f"{_ratio(r['p50_ms'], p.get('p50_ms', 0)):>6} {r[f'recall_at_{K}']:>8.3f} "
                f"{p.get(f'recall_at_{K}', 0):>8.3f} {r['mrr']:>8.3f} {p.get('mrr', 0):>8.3f} "
                f"{a[f'recall_at_{K}']:>8.3f}")
    lines.append("")
    lines.append("ask = our full pipeline (retrieval + extractive answer, history-aware); ret = our retrieval alone;")
    lines.append("peer = LangChain tutorial (RecursiveCharacterTextSplitter 1000/200 + Chroma top-4, same embedder);")
    lines.append("p50 × = our retrieval p50 / peer p50; R@4/MRR by source over answerable items.")
    for row in rows:
        lines.append(f"scale {row['scale']}: {row['files']} files, ours {row['chunks']} chunks "
                     f"(ingest {row['ingest_s']:.0f} s, {100 * row.get('ingest_in_model_share', 0):.1f}% in the "
                     f"model, peak RSS {row.get('ingest_peak_rss_mb', 0):.0f} MB), peer {row['peer_chunks']} "
                     f"chunks (ingest {row['peer_ingest_s']:.0f} s)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.bench_query", description=__doc__.split("\n")[0])
    ap.add_argument("--scales", default="1,10,100", help="comma-separated corpus multiples (default 1,10,100)")
    ap.add_argument("--datasets", default=",".join(str(p) for p in DEFAULT_DATASETS),
                    help="comma-separated JSONL eval sets; their answerable items are the queries")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    ap.add_argument("--no-peer", action="store_true", help="skip the LangChain tutorial peer")
    ap.add_argument("--keep", type=Path, default=None, help="build indexes under this folder and keep them")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        scales = [int(s) for s in args.scales.split(",") if s.strip()]
    except ValueError:
        print(f"--scales must be integers, got {args.scales!r}", file=sys.stderr)
        return 2
    if not scales or min(scales) < 1:
        print("--scales must be positive integers", file=sys.stderr)
        return 2
    datasets: dict[str, list[EvalItem]] = {}
    for p in (Path(s) for s in args.datasets.split(",") if s.strip()):
        if not p.exists():
            print(f"skipping missing dataset {p}", file=sys.stderr)
            continue
        datasets[p.stem] = [it for it in load_dataset(p) if it.answerable and it.sources]
    if not datasets:
        print("no dataset to benchmark", file=sys.stderr)
        return 2

    from index.embeddings import load_embedder

    settings = Settings()
    embedder = load_embedder(settings.embedding_model, settings.embedding_batch_size)
    rows = []
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-query-"))
    try:
        for scale in scales:
            t0 = time.perf_counter()
            row = bench_scale(scale, datasets, embedder, root / f"x{scale}", with_peer=not args.no_peer)
            rows.append(row)
            print(f"# scale {scale} done in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
            if args.json:
                args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    print(format_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
