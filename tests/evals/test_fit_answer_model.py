"""The answerability fit's floor-only mode: the coverage floor is refitted from its target, nothing else moves."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from assistant.answer_model import FEATURE_NAMES, load_model
from evals.fit_answer_model import Example, refit_floor


def _example(genre: str, i: int, y: int, floor_coverage: float) -> Example:
    return Example(genre, f"{genre}-{i}", tuple(0.0 for _ in FEATURE_NAMES), y, False, False, floor_coverage)


def test_the_floor_alone_is_refitted_on_the_share_the_answer_stage_compares(tmp_path: Path) -> None:
    path = tmp_path / "answerability.json"
    weights = {name: 0.1 for name in FEATURE_NAMES}
    path.write_text(json.dumps({"weights": weights, "bias": 0.5, "threshold": 0.34, "clean_threshold": 0.34,
                                "coverage_floor": 0.3, "note": "fitted"}), encoding="utf-8")
    # answerable questions whose stories keep their coverage low, and unanswerable ones below any floor
    answerable = [_example("citizens", i, 1, c) for i, c in enumerate(np.linspace(0.2, 0.9, 50))]
    unanswerable = [_example("citizens", 100 + i, 0, 0.05) for i in range(5)]
    assert refit_floor(answerable + unanswerable, ["citizens"], 0.02, path) == 0
    written = json.loads(path.read_text(encoding="utf-8"))
    expected = float(np.quantile([e.floor_coverage for e in answerable], 0.02))
    assert written["coverage_floor"] == round(expected, 4) < 0.3
    assert written["weights"] == weights and written["threshold"] == 0.34 and written["bias"] == 0.5
    assert written["floor_fitted_on"]["citizens"] == {"answerable": 50, "answerable_below": 1, "unanswerable": 5,
                                                       "unanswerable_below": 5}
    model = load_model(path)  # the runtime reads what the script wrote
    assert model.coverage_floor == written["coverage_floor"]
    assert not model.answers(0.9, flagged=False, coverage=0.1) and model.answers(0.9, flagged=False, coverage=0.5)
