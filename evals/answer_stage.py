"""The shared answer stage's view of every item of some Q&A sets, for the fitting scripts.

Why one place: the sentence-relevance and answerability fits must read each question exactly as the server
does (follow-up condensed, the same retrieval, the same evidence and verdict), so both get it from here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from evals.dataset import EvalItem, load_dataset

__all__ = ["decided_items"]


def decided_items(index_dir: Path, datasets: Sequence[Path]) -> Iterator[tuple[EvalItem, Any, Any, Any]]:
    """(item, evidence, chosen sentences, verdict) for every non-injection item, through the real pipeline."""
    from assistant import composition
    from assistant.pipeline import validate_history

    settings = Settings(index_dir=index_dir, chroma_host="")
    pipeline = composition.build_pipeline(settings)
    extractive = pipeline._fallback  # noqa: SLF001 - the scripts read the shared answer stage directly
    for path in datasets:
        for item in load_dataset(path):
            if item.type == "injection":
                continue
            turns = validate_history(list(item.history), 10, 2000)
            standalone = pipeline._standalone(item.question, turns)  # noqa: SLF001
            contexts = pipeline._retriever.retrieve(standalone, settings.top_k)  # noqa: SLF001
            ev, chosen, verdict = extractive.evidence(standalone, contexts)
            yield item, ev, chosen, verdict
