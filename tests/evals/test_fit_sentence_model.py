"""The sentence-relevance fit: a new feature's weight can be fitted alone, every other weight kept."""

from __future__ import annotations

import numpy as np

from assistant.sentence_relevance import SENTENCE_FEATURES
from evals.fit_sentence_model import Question, fit, precision


def _questions(signal: int) -> list[Question]:
    """Two candidates per question with equal coverage; only feature ``signal`` tells the relevant one."""
    n = len(SENTENCE_FEATURES)
    qs = []
    for i in range(20):
        x = np.zeros((2, n))
        x[:, 0] = 0.5  # coverage, the scale anchor
        x[i % 2, signal] = 1.0
        y = np.zeros(2)
        y[i % 2] = 1.0
        qs.append(Question("g", f"q{i}", x, y))
    return qs


def test_only_the_free_weight_moves_and_it_learns_the_signal() -> None:
    signal = SENTENCE_FEATURES.index("defines")
    prior = np.zeros(len(SENTENCE_FEATURES))
    prior[0] = 1.0
    prior[SENTENCE_FEATURES.index("chunk_dense")] = 0.3
    free = np.array([i == signal for i in range(len(SENTENCE_FEATURES))])
    w = fit(_questions(signal), prior, 0.01, free)
    assert w[signal] > 0.1  # the relevant candidate now ranks first
    kept = [i for i in range(len(SENTENCE_FEATURES)) if i != signal]
    assert np.allclose(w[kept], prior[kept])
    assert precision(_questions(signal), w, 1) == 1.0
    assert precision(_questions(signal), prior, 1) < 1.0
