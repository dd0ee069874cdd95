"""Fit the sentence-relevance weights on Q&A sets of several genres; report leave-one-genre-out figures.

Why a script: which sentence an answer quotes decides whether the answer is right, and the weights that
rank sentences must hold on genres they were not fitted on (reports, laws, FAQ pages, encyclopedia).

    python -m evals.fit_sentence_model --genre reports=IDX:evals/qa.jsonl,evals/holdout.jsonl \\
        --genre laws=IDX2:evals/laws-fit.jsonl ... [--out data/models/sentence_relevance.json]

For every answerable item, the candidate sentences are those the evidence stage ranks (the best
``--candidates`` under the current weights); a candidate is relevant when it holds one of the item's
``must_include`` phrases. The model is a listwise logistic regression (softmax over one question's
candidates, maximising the probability of its relevant ones) with L2 shrinkage toward the current weights.
Figures: precision at 1 (the top sentence is relevant) and at 3, fitted on three genres and measured on the
fourth, next to the current weights on the same candidates.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from assistant.sentence_relevance import SENTENCE_FEATURES, SentenceModel, load_sentence_model
from evals.answer_stage import decided_items
from evals.metrics import contains_phrase

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Question:
    genre: str
    item_id: str
    x: np.ndarray  # candidates x features
    y: np.ndarray  # 1 where the candidate holds a gold phrase


def collect(genre: str, index_dir: Path, datasets: Sequence[Path], candidates: int) -> list[Question]:
    """Candidates and labels of every answerable item, read through the pipeline the server uses."""
    out: list[Question] = []
    for item, ev, _chosen, _verdict in decided_items(index_dir, datasets):
        if item.expects_refusal or not item.must_include:
            continue
        cands = [r for r in ev.ranked[:candidates] if r.features]
        y = np.array([float(any(contains_phrase(r.sentence.text, m) for m in item.must_include)) for r in cands])
        if not len(cands) or y.sum() == 0 or y.sum() == len(y):
            continue  # nothing to learn: no relevant candidate (a retrieval miss) or all relevant
        out.append(Question(genre, item.id, np.array([r.features for r in cands], dtype=float), y))
    return out


def _loss(w: np.ndarray, qs: Sequence[Question], prior: np.ndarray, l2: float) -> tuple[float, np.ndarray]:
    total, grad = 0.0, np.zeros_like(w)
    for q in qs:
        z = q.x @ w
        z = z - z.max()
        e = np.exp(z)
        p = e / e.sum()
        pos = q.y > 0
        p_pos = p[pos].sum()
        total -= np.log(p_pos + 1e-12)
        # d(-log sum_pos p)/dw = E_p[x] - E_{p | pos}[x]
        grad += p @ q.x - (p[pos] / (p_pos + 1e-12)) @ q.x[pos]
    n = max(1, len(qs))
    d = w - prior
    return total / n + l2 * float(d @ d), grad / n + 2 * l2 * d


def fit(qs: Sequence[Question], prior: np.ndarray, l2: float, free: np.ndarray | None = None) -> np.ndarray:
    """Weights maximising the relevant candidates' share, rescaled so that coverage weighs 1. With ``free`` (a
    mask), only those weights move and the rest keep their prior values: a new feature's weight is fitted
    without refitting, and so moving, every other decision."""
    start = prior * 10.0
    if free is None:
        res = minimize(_loss, start, args=(qs, start, l2), jac=True, method="L-BFGS-B")
        w = res.x
    else:
        def part(x: np.ndarray) -> tuple[float, np.ndarray]:
            full = start.copy()
            full[free] = x
            value, grad = _loss(full, qs, start, l2)
            return value, grad[free]

        res = minimize(part, start[free], jac=True, method="L-BFGS-B")
        w = start.copy()
        w[free] = res.x
    cov = w[SENTENCE_FEATURES.index("coverage")]
    if cov <= 0:
        raise RuntimeError("fitted coverage weight is not positive; the data cannot anchor the scale")
    return w / cov


def precision(qs: Sequence[Question], w: np.ndarray, at: int) -> float:
    hits = [float(q.y[np.argsort(-(q.x @ w), kind="stable")[:at]].max()) for q in qs]
    return float(np.mean(hits)) if hits else float("nan")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.fit_sentence_model", description=__doc__.split("\n\n")[0])
    ap.add_argument("--genre", action="append", required=True,
                    help="NAME=INDEX_DIR:set.jsonl[,set2.jsonl] (repeat per genre)")
    ap.add_argument("--candidates", type=int, default=60, help="candidate sentences per question (default 60)")
    ap.add_argument("--l2", type=float, default=0.01, help="shrinkage toward the current weights")
    ap.add_argument("--prior", type=Path, default=Path("data/models/sentence_relevance.json"),
                    help="the weights to compare with and shrink toward (default: the shipped ones)")
    ap.add_argument("--out", type=Path, default=Path("data/models/sentence_relevance.json"))
    ap.add_argument("--free", nargs="*", default=None, metavar="FEATURE",
                    help="fit only these weights (a new feature), the others stay as in --prior")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    current = load_sentence_model(args.prior)
    prior = np.array(current.weights)
    unknown = [f for f in args.free or () if f not in SENTENCE_FEATURES]
    if unknown:
        ap.error(f"--free: unknown features {unknown}")
    free = np.array([f in args.free for f in SENTENCE_FEATURES]) if args.free else None
    qs: list[Question] = []
    for spec in args.genre:
        name, _, rest = spec.partition("=")
        index_dir, _, sets = rest.partition(":")
        qs += collect(name, Path(index_dir), [Path(p) for p in sets.split(",")], args.candidates)
    genres = sorted({q.genre for q in qs})
    print(f"{'held-out genre':16} {'questions':>9} | {'P@1 fitted':>10} {'P@1 current':>11} | "
          f"{'P@3 fitted':>10} {'P@3 current':>11}")
    logo: dict[str, dict[str, float]] = {}
    for g in genres:
        train = [q for q in qs if q.genre != g]
        test = [q for q in qs if q.genre == g]
        w = fit(train, prior, args.l2, free)
        row = {"questions": len(test), "p1_fitted": precision(test, w, 1), "p1_current": precision(test, prior, 1),
               "p3_fitted": precision(test, w, 3), "p3_current": precision(test, prior, 3)}
        logo[g] = {k: round(v, 3) for k, v in row.items()}
        print(f"{g:16} {len(test):>9} | {row['p1_fitted']:>10.3f} {row['p1_current']:>11.3f} | "
              f"{row['p3_fitted']:>10.3f} {row['p3_current']:>11.3f}")
    w = fit(qs, prior, args.l2, free)
    overall = {"questions": len(qs), "p1_fitted": round(precision(qs, w, 1), 3),
               "p1_current": round(precision(qs, prior, 1), 3)}
    print(f"all genres (fitted on all): {overall}")
    for name, a, b in zip(SENTENCE_FEATURES, prior, w, strict=True):
        print(f"  {name:22} {a:+.3f} -> {b:+.3f}")
    model = SentenceModel(tuple(float(v) for v in w), {
        "fitted_on": {g: sum(q.genre == g for q in qs) for g in genres}, "candidates": args.candidates,
        "l2": args.l2, "free": list(args.free or []), "training_figures": overall, "leave_one_genre_out": logo,
        "note": "written by python -m evals.fit_sentence_model; do not edit by hand"})
    args.out.write_text(model.to_json() + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
