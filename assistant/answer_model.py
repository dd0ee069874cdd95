"""The learned answerability model: declared evidence features, weights fitted by a script.

Why learned: hand-set coverage thresholds tuned on five reports refused a quarter of what laws,
encyclopedia prose and FAQ pages do answer, and let weak matches from unrelated documents through.
``evals/fit_answer_model.py`` fits a logistic regression on Q&A sets of several genres, reports its
leave-one-genre-out accuracy, and sets the threshold from a target false-refusal rate; the weights,
the threshold and those figures are stored in ``data/models/answerability.json``.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path

__all__ = ["AnswerFeatures", "AnswerModel", "FEATURE_NAMES", "load_model"]

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "models" / "answerability.json"


@dataclass(frozen=True)
class AnswerFeatures:
    """What the evidence shows about a question; every field is a number the model weighs."""

    coverage: float  # share of the question's weighted terms the chosen sentences state
    best_coverage: float  # ... the best sentence alone
    absent_share: float  # share carried by rare topic terms no candidate document states
    heavy_absent: float  # one heavy topic phrase absent
    year_conflict: float  # the evidence states the asked measure for another year
    expects_type: float  # the question asks for a typed value (a duration, a person, ...)
    type_missing: float  # ... and no chosen sentence states one
    definition_missing: float  # "X là gì" and no sentence says what X is
    focus_missing: float  # the subject a "X là bao nhiêu" names is not stated
    count_missing: float  # "bao nhiêu X" and no sentence counts X
    period_missing: float  # an asked quarter the documents do not cover
    how_to_low: float  # a how-to question the best sentence barely describes
    best_is_question: float  # the best sentence is itself a question (an FAQ heading)
    dense: float  # dense similarity of the question and the best sentence's passage
    chunk_rank: float  # 1 / (1 + retrieval rank of that passage)
    sources: float  # documents the chosen sentences come from beyond the sides the question compares
    english: float  # the question is in English (terms come through a glossary)
    best_score: float  # the best sentence's relevance score
    predicate_coverage: float  # share of the question's terms other than names that the best sentence states
    predicate_gap: float  # weight share of the heaviest non-name question word no chosen sentence states
    # share of the question's last sentence (the one that asks, after any story the citizen tells first)
    # that the chosen sentences state; equal to ``coverage`` for a one-sentence question
    asking_coverage: float = 0.0
    # ... of the asking sentence's last clause ("…, giờ đi đăng ký lấy biển thì lệ phí hết bao nhiêu"), for the
    # coverage floor only (no fitted weight): a long story before it is no sign of an off-corpus question
    clause_coverage: float = 0.0

    def floor_coverage(self) -> float:
        """The share of the question the coverage floor compares: the best of the whole question's, its asking
        sentence's and that sentence's last clause's, so that a story told first is no sign of an off-corpus
        question."""
        return max(self.coverage, self.asking_coverage, self.clause_coverage)

    def as_dict(self) -> dict[str, float]:
        return {k: round(v, 4) for k, v in asdict(self).items()}

    def vector(self) -> list[float]:
        return [float(getattr(self, n)) for n in FEATURE_NAMES]


FEATURE_NAMES = tuple(f.name for f in fields(AnswerFeatures))


@dataclass(frozen=True)
class AnswerModel:
    """Logistic regression over ``AnswerFeatures``; answerable when ``probability >= threshold``."""

    weights: dict[str, float]
    bias: float
    threshold: float  # what a question on which some feature flag fired must clear
    clean_threshold: float = 0.0  # what suffices when no flag fired (0: same as ``threshold``)
    coverage_floor: float = 0.0  # below this share of the question's terms nothing is answered

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(FEATURE_NAMES)
        if unknown:
            raise ValueError(f"answerability model has unknown features {sorted(unknown)}; refit it")
        if not 0.0 < self.threshold < 1.0:
            raise ValueError(f"answerability threshold must be in (0, 1), got {self.threshold}")

    def answers(self, p: float, flagged: bool, coverage: float = 1.0) -> bool:
        """Whether probability ``p`` answers: a lower bar when no feature flag fired; never when the
        evidence states less of the question than the fitted floor (garbled or off-corpus text)."""
        if coverage < self.coverage_floor:
            return False
        return p >= (self.threshold if flagged or not self.clean_threshold else self.clean_threshold)

    def probability(self, f: AnswerFeatures) -> float:
        z = self.bias + sum(self.weights.get(n, 0.0) * v for n, v in zip(FEATURE_NAMES, f.vector(), strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def load_model(path: Path | None = None) -> AnswerModel:
    """Read the fitted model; a missing or malformed file is an error naming the file (refit it)."""
    p = path or DEFAULT_PATH
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        return AnswerModel(weights={k: float(v) for k, v in data["weights"].items()}, bias=float(data["bias"]),
                           threshold=float(data["threshold"]),
                           clean_threshold=float(data.get("clean_threshold", 0.0)),
                           coverage_floor=float(data.get("coverage_floor", 0.0)))
    except (OSError, KeyError, TypeError, ValueError) as err:
        raise ValueError(f"cannot read the answerability model {p}: {err}; run python -m evals.fit_answer_model") from err
