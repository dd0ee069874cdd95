"""Article-level retrieval on the bundled laws: ours (the real HybridRetriever) against a plain BM25.

Usage:
    python -m evals.bench_laws evals/laws-fit.jsonl [--index DIR] [--corpus data/corpus-law ...]
                               [--no-context] [--no-synonyms] [--k 30]

Each answerable item names its gold articles ("articles": ["luat-cu-tru.txt#20", ...]). Both systems
rank *articles*: ours ranks passages and an article counts at the rank of its first passage; the peer
is what a legal-retrieval baseline does, BM25 over each article's title + text (lowercased syllables,
no diacritic folding, no synonyms), built here from the same normalised texts. Reported: recall@1,
recall@5 (share of an item's gold articles in the top 1 / 5), MRR of the first gold article, and the
cost per query. Follow-ups are condensed first, as the pipeline does.

Why a script and not a test: these are the figures we tune on and report (README, "Legal texts").
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.followup import condense
from assistant.types import Turn
from index.legal import parse_legal

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = PROJECT_ROOT / "data" / "corpus-law"
_TOKEN = re.compile(r"[^\W_]+|\d+")


@dataclass(frozen=True)
class LawItem:
    id: str
    query: str  # standalone (a follow-up condensed with its history)
    articles: tuple[str, ...]  # "luat-cu-tru.txt#20"


def load_items(path: Path) -> list[LawItem]:
    """Answerable items with gold articles; others measure refusal, not retrieval."""
    items: list[LawItem] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        if not d.get("articles"):
            continue
        history = [Turn(t["role"], t["content"]) for t in d.get("history") or []]
        query = condense(d["question"], history) if history else d["question"]
        items.append(LawItem(str(d["id"]), query, tuple(d["articles"])))
    return items


# --------------------------------------------------------------------------- the plain BM25 peer


class ArticleBM25:
    """BM25 (k1 1.2, b 0.75) over "law title + article heading + article text", one document an article."""

    def __init__(self, articles: Sequence[tuple[str, str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.keys = [key for key, _ in articles]
        self.docs = [Counter(_tokens(text)) for _, text in articles]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.avg = sum(self.lengths) / max(len(self.lengths), 1)
        df: Counter[str] = Counter()
        for d in self.docs:
            df.update(d.keys())
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.k1, self.b = k1, b

    def rank(self, query: str, k: int) -> list[str]:
        terms = _tokens(query)
        scores: list[tuple[float, int]] = []
        for i, d in enumerate(self.docs):
            norm = self.k1 * (1 - self.b + self.b * self.lengths[i] / self.avg)
            s = sum(self.idf.get(t, 0.0) * d[t] * (self.k1 + 1) / (d[t] + norm) for t in terms if t in d)
            if s > 0:
                scores.append((s, i))
        scores.sort(key=lambda x: -x[0])
        return [self.keys[i] for _, i in scores[:k]]


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def law_articles(texts: dict[str, str]) -> list[tuple[str, str]]:
    """("file#N", "title + heading + text") for every article of every law among ``texts``."""
    out: list[tuple[str, str]] = []
    for source, text in sorted(texts.items()):
        s = parse_legal(text)
        for a in s.articles:
            out.append((f"{source}#{a.number}", f"{s.title}\n{text[a.start:a.end]}"))
    return out


# --------------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Scores:
    r1: float
    r5: float
    mrr: float
    ms_p50: float
    ms_mean: float
    n: int


def score(items: Sequence[LawItem], rank: Callable[[str], list[str]]) -> Scores:
    r1: list[float] = []
    r5: list[float] = []
    rr: list[float] = []
    ms: list[float] = []
    for it in items:
        t0 = time.perf_counter()
        ranked = rank(it.query)
        ms.append((time.perf_counter() - t0) * 1000)
        gold = set(it.articles)
        r1.append(len(gold & set(ranked[:1])) / len(gold))
        r5.append(len(gold & set(ranked[:5])) / len(gold))
        first = next((i for i, key in enumerate(ranked, start=1) if key in gold), None)
        rr.append(1.0 / first if first else 0.0)
    return Scores(statistics.mean(r1), statistics.mean(r5), statistics.mean(rr), statistics.median(ms),
                  statistics.mean(ms), len(items))


def misses(items: Sequence[LawItem], rank: Callable[[str], list[str]]) -> list[str]:
    """Items whose first gold article is not ranked first, for reading what goes wrong."""
    out = []
    for it in items:
        ranked = rank(it.query)
        if not set(it.articles) & set(ranked[:1]):
            out.append(f"{it.id}: {it.query[:70]!r} gold {list(it.articles)} got {ranked[:3]}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--index", type=Path, default=None, help="index folder (built when missing)")
    ap.add_argument("--corpus", type=Path, nargs="*", default=None, help="folders to index (default: the laws)")
    ap.add_argument("--no-context", action="store_true", help="law passages without their heading context")
    ap.add_argument("--no-synonyms", action="store_true", help="no everyday <-> legal synonyms")
    ap.add_argument("--k", type=int, default=30, help="passages retrieved per question")
    ap.add_argument("--misses", action="store_true", help="list the questions ours misses at rank 1")
    args = ap.parse_args(argv)

    from assistant import composition
    from assistant.retrieval import HybridRetriever
    from assistant.settings import Settings
    from assistant.vocabulary import load_synonyms

    corpus = args.corpus or [DEFAULT_CORPUS]
    index = args.index or PROJECT_ROOT / "var" / ("bench-laws-noctx" if args.no_context else "bench-laws")
    settings = Settings(index_dir=index, corpus_dirs=corpus, legal_context=not args.no_context, chroma_host="")
    parts = composition.build_index_parts(settings)
    t0 = time.perf_counter()
    report = composition.ingest(settings, corpus, progress=False, parts=parts)
    print(f"index {index}: {report.chunks_total} passages ({report.chunks_embedded} embedded now, "
          f"{time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    reader = composition.open_reader(settings, parts=parts)
    synonyms = None if args.no_synonyms else load_synonyms(settings.synonyms_path)
    retriever = HybridRetriever(reader, dense_weight=settings.dense_weight,
                                lexical_weight=settings.lexical_weight, synonyms=synonyms)
    texts = {m.source: reader.document_text(m.source) for m in reader.documents()}
    structures = {s: parse_legal(t) for s, t in texts.items()}

    def ours(query: str) -> list[str]:
        ranked: list[str] = []
        for sc in retriever.search(query, args.k).chunks:
            c = sc.chunk
            number = c.article
            if not number and structures[c.source].articles:
                a = structures[c.source].article_at(c.start)
                number = a.number if a is not None else ""
            key = f"{c.source}#{number}" if number else c.source
            if key not in ranked:
                ranked.append(key)
        return ranked

    peer = ArticleBM25(law_articles(texts))
    items = load_items(args.dataset)
    for it in items[:3]:  # warm up (model, caches) outside the timing
        ours(it.query)
    rows = [("ours (hybrid, " + ("no context" if args.no_context else "heading context")
             + (", no synonyms" if args.no_synonyms else "") + ")", score(items, ours)),
            ("plain BM25, article title + text", score(items, lambda q: peer.rank(q, 30)))]
    print(f"\n{args.dataset} — {len(items)} questions with gold articles, {len(peer.keys)} articles\n")
    print("| system | R@1 | R@5 | MRR | ms/query p50 | mean |")
    print("|---|---|---|---|---|---|")
    for name, s in rows:
        print(f"| {name} | {s.r1:.3f} | {s.r5:.3f} | {s.mrr:.3f} | {s.ms_p50:.1f} | {s.ms_mean:.1f} |")
    if args.misses:
        print("\nmissed at rank 1 (ours):")
        for line in misses(items, ours):
            print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
