"""Fit the answerability model on Q&A sets of several genres; report leave-one-genre-out accuracy.

Why a script: the weights that decide "answer or say the documents do not say" must come from data
of every genre (reports, laws, FAQ pages, encyclopedia prose), with the figure that shows they hold on
a genre they were not fitted on. The threshold is set from a target false-refusal rate.

    python -m evals.fit_answer_model --genre reports=IDX:evals/qa.jsonl,evals/holdout.jsonl \\
        --genre laws=IDX2:evals/laws-fit.jsonl ... [--target-frr 0.03] [--out data/models/answerability.json]

Labels: an answerable item whose chosen sentences hold one of its ``must_include`` phrases is a 1 (answering
is right); an unanswerable item is a 0; an answerable item whose evidence holds none is left out (neither
answering nor refusing is right for it, and it would teach the model about retrieval misses).
"""

from __future__ import annotations

import argparse
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answer_model import FEATURE_NAMES, AnswerModel
from evals.answer_stage import decided_items
from evals.metrics import contains_phrase

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Example:
    genre: str
    item_id: str
    x: tuple[float, ...]
    y: int
    reasons: bool  # whether any feature flag fired (for comparison with the flags-only decision)
    veto: bool  # whether a veto fired (the answer stage refuses whatever the model says)
    floor_coverage: float = 0.0  # the share the answer stage compares with the coverage floor


def collect(genre: str, index_dir: Path, datasets: Sequence[Path]) -> list[Example]:
    """Features and labels of every item, read through the same pipeline the server uses."""
    out: list[Example] = []
    for item, _ev, chosen, verdict in decided_items(index_dir, datasets):
        if verdict.features is None:
            continue  # structural refusal (nothing retrieved, place not covered): not the model's call
        if item.expects_refusal:
            y = 0
        else:
            text = " ".join(r.sentence.text for r in chosen)
            if not any(contains_phrase(text, m) for m in item.must_include):
                continue
            y = 1
        fired = verdict.reason != "ok" or bool(verdict.detail.get("flags"))
        out.append(Example(genre, item.id, tuple(verdict.features.vector()), y, fired,
                           bool(verdict.detail.get("vetoed")), verdict.features.floor_coverage()))
    return out


def fit(xs: np.ndarray, ys: np.ndarray, l2: float = 0.05, steps: int = 4000, lr: float = 0.2) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression on standardised features; weights returned in raw units."""
    mu = xs.mean(axis=0)
    sd = xs.std(axis=0)
    sd[sd == 0] = 1.0
    z = (xs - mu) / sd
    w = np.zeros(z.shape[1])
    b = 0.0
    pos = ys.mean()
    # balance the classes so the threshold, not the class ratio of our sets, sets the trade-off
    sw = np.where(ys == 1, 0.5 / max(pos, 1e-6), 0.5 / max(1 - pos, 1e-6))
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g = (p - ys) * sw
        w -= lr * (z.T @ g / len(ys) + l2 * w)
        b -= lr * g.mean()
    raw_w = w / sd
    raw_b = b - float((w * mu / sd).sum())
    return raw_w, raw_b


def threshold_for(p_pos: np.ndarray, target_frr: float) -> float:
    """The highest threshold that refuses at most ``target_frr`` of the answerable examples."""
    if len(p_pos) == 0:
        return 0.5
    return float(np.clip(np.quantile(p_pos, target_frr), 0.01, 0.99))


def decide(p: np.ndarray, flagged: np.ndarray, vetoed: np.ndarray, thr: float, thr_clean: float,
           coverage: np.ndarray | None = None, floor: float = 0.0) -> np.ndarray:
    """The answer stage's decision: never past a veto or below the coverage floor; with no flag raised a
    lower probability suffices (``thr_clean``), with one raised the model must clear ``thr``. 1.0 / 0.0."""
    below = coverage < floor if coverage is not None else np.zeros_like(p, dtype=bool)
    return np.where(vetoed | below, 0.0, np.where(flagged, p >= thr, p >= thr_clean)).astype(float)


def evaluate(p: np.ndarray, ys: np.ndarray, thr: float) -> dict[str, float]:
    ans = p >= thr
    pos, neg = ys == 1, ys == 0
    return {"n": int(len(ys)), "accuracy": float((ans == pos).mean()),
            "answerable_refused": float((~ans[pos]).mean()) if pos.any() else 0.0,
            "unanswerable_refused": float((~ans[neg]).mean()) if neg.any() else 0.0}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--genre", action="append", required=True,
                    help="NAME=INDEX_DIR:set.jsonl[,set2.jsonl] (repeat per genre)")
    ap.add_argument("--target-frr", type=float, default=0.03)
    ap.add_argument("--floor-frr", type=float, default=0.01,
                    help="the coverage floor refuses at most this share of the answerable examples (0: no floor); "
                         "the leave-one-genre-out table applies the floor fitted on the other genres")
    ap.add_argument("--clean-factor", type=float, default=0.5,
                    help="questions no feature flag fires on need this share of the threshold (chosen by the "
                         "leave-one-genre-out table: 0.5 matched the better of the model and the flags on each genre)")
    ap.add_argument("--exclude", default="",
                    help="comma-separated features left out of the fit (weight 0), e.g. best_score, whose scale "
                         "moves whenever the sentence-relevance weights are refitted")
    ap.add_argument("--floor-only", action="store_true",
                    help="keep the fitted weights and threshold of --out; refit only the coverage floor, on the share "
                         "the answer stage compares (the best of the question's, its asking sentence's and its last "
                         "clause's coverage), from --floor-frr over these sets")
    ap.add_argument("--out", type=Path, default=Path("data/models/answerability.json"))
    args = ap.parse_args(argv)
    excluded = [n for n in args.exclude.split(",") if n]
    unknown = [n for n in excluded if n not in FEATURE_NAMES]
    if unknown:
        ap.error(f"unknown features {unknown}; known: {', '.join(FEATURE_NAMES)}")
    logging.basicConfig(level=logging.WARNING)
    examples: list[Example] = []
    for spec in args.genre:
        name, rest = spec.split("=", 1)
        index, sets = rest.split(":", 1)
        got = collect(name, Path(index), [Path(s) for s in sets.split(",")])
        print(f"{name}: {len(got)} examples ({sum(e.y for e in got)} answerable with evidence)")
        examples.extend(got)
    genres = sorted({e.genre for e in examples})
    if args.floor_only:
        return refit_floor(examples, genres, args.floor_frr, args.out)
    xs = np.array([e.x for e in examples], dtype=float)
    for n in excluded:
        xs[:, FEATURE_NAMES.index(n)] = 0.0  # a constant column: the L2 penalty keeps its weight at 0
    ys = np.array([e.y for e in examples], dtype=float)
    gs = np.array([e.genre for e in examples])
    floor_cov = np.array([e.floor_coverage for e in examples])
    vetoed = np.array([e.veto for e in examples])
    flagged = np.array([e.reasons for e in examples])
    logo: dict[str, Any] = {}
    print(f"\n{'held-out genre':16} {'n':>4} {'accuracy':>9} {'ans. refused':>13} {'unans. refused':>15} | flags only")
    for g in genres:
        tr, te = gs != g, gs == g
        w, b = fit(xs[tr], ys[tr])
        p_tr = 1 / (1 + np.exp(-(xs[tr] @ w + b)))
        thr = threshold_for(p_tr[ys[tr] == 1], args.target_frr)
        p_te = 1 / (1 + np.exp(-(xs[te] @ w + b)))
        floor_tr = float(np.quantile(floor_cov[tr][ys[tr] == 1], args.floor_frr)) if args.floor_frr > 0 else 0.0
        res = evaluate(decide(p_te, flagged[te], vetoed[te], thr, args.clean_factor * thr, floor_cov[te], floor_tr),
                       ys[te], 0.5)
        single = evaluate(decide(p_te, flagged[te], vetoed[te], thr, thr, floor_cov[te], floor_tr), ys[te], 0.5)
        rules = np.array([0.0 if e.reasons else 1.0 for e in examples])[te]
        rule_res = evaluate(rules, ys[te], 0.5)
        logo[g] = {"model": res, "flags_only": rule_res, "model_one_threshold": single}
        print(f"{g:16} {res['n']:4} {res['accuracy']:9.3f} {res['answerable_refused']:13.3f} "
              f"{res['unanswerable_refused']:15.3f} | {rule_res['accuracy']:.3f} / {rule_res['answerable_refused']:.3f}"
              f" / {rule_res['unanswerable_refused']:.3f}")
    w, b = fit(xs, ys)
    p_all = 1 / (1 + np.exp(-(xs @ w + b)))
    thr = threshold_for(p_all[ys == 1], args.target_frr)
    thr_clean = args.clean_factor * thr
    floor = float(np.quantile(floor_cov[ys == 1], args.floor_frr)) if args.floor_frr > 0 else 0.0
    overall = evaluate(decide(p_all, flagged, vetoed, thr, thr_clean, floor_cov, floor), ys, 0.5)
    model = AnswerModel(weights={n: round(float(v), 5) for n, v in zip(FEATURE_NAMES, w, strict=True)},
                        bias=round(b, 5), threshold=round(thr, 4), clean_threshold=round(min(thr, thr_clean), 4),
                        coverage_floor=round(floor, 4))
    print(f"\nall genres (fitted on all): {overall}; threshold {model.threshold} for target FRR {args.target_frr}")
    payload = {"weights": model.weights, "bias": model.bias, "threshold": model.threshold,
               "clean_threshold": model.clean_threshold, "clean_factor": args.clean_factor,
               "coverage_floor": model.coverage_floor, "floor_false_refusal": args.floor_frr,
               "target_false_refusal": args.target_frr, "excluded": excluded, "fitted_on": {g: int((gs == g).sum()) for g in genres},
               "training_figures": overall, "leave_one_genre_out": logo,
               "note": "written by python -m evals.fit_answer_model; do not edit by hand"}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


def refit_floor(examples: Sequence[Example], genres: Sequence[str], floor_frr: float, path: Path) -> int:
    """The coverage floor alone, refitted where new sets (citizens' stories, chat phrasing) show that it refuses
    more answerable questions than its target; the weights and thresholds stay as fitted."""
    payload = json.loads(path.read_text(encoding="utf-8"))
    cov = np.array([e.floor_coverage for e in examples])
    ys = np.array([e.y for e in examples])
    gs = np.array([e.genre for e in examples])
    old = float(payload.get("coverage_floor", 0.0))
    floor = float(np.quantile(cov[ys == 1], floor_frr)) if floor_frr > 0 else 0.0
    print(f"\n{'genre':16} {'answerable':>10} {'below old':>10} {'below new':>10} | {'unanswerable':>12} "
          f"{'below old':>10} {'below new':>10}")
    table: dict[str, Any] = {}
    for g in genres:
        pos, neg = (gs == g) & (ys == 1), (gs == g) & (ys == 0)
        row = {"answerable": int(pos.sum()), "answerable_below": int((cov[pos] < floor).sum()),
               "unanswerable": int(neg.sum()), "unanswerable_below": int((cov[neg] < floor).sum())}
        table[g] = row
        print(f"{g:16} {row['answerable']:10} {int((cov[pos] < old).sum()):10} {row['answerable_below']:10} | "
              f"{row['unanswerable']:12} {int((cov[neg] < old).sum()):10} {row['unanswerable_below']:10}")
    payload.update({"coverage_floor": round(floor, 4), "floor_false_refusal": floor_frr,
                    "floor_fitted_on": table, "floor_compares": "floor_coverage"})
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"coverage floor {old} -> {round(floor, 4)} (refuses at most {floor_frr} of the answerable); wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
