"""CI gate: the project's own Q&A set through the real pipeline must meet evals/thresholds.toml.

This is the same run as ``assistant eval evals/qa.jsonl --fail-under`` (in-process, on the shared
session index), so a regression in retrieval, answering, refusals or injection handling fails CI.
The reports are written to ``$EVAL_GATE_OUT`` when set (CI artefact), else to a temp folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from evals.runner import run_eval

QA = Path(__file__).resolve().parents[2] / "evals" / "qa.jsonl"


@pytest.mark.slow
def test_project_qa_set_meets_the_thresholds(corpus_index: Any, tmp_path: Path) -> None:
    from assistant.composition import build_pipeline

    reader = corpus_index.reader
    pipeline = build_pipeline(corpus_index.settings, reader=reader)
    texts = {m.source: reader.document_text(m.source) for m in reader.documents()}
    out = Path(os.environ.get("EVAL_GATE_OUT") or tmp_path / "eval-qa")
    ok = run_eval(pipeline, QA, out, progress=False, sources_text=texts, settings=corpus_index.settings)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    missed = [f"{c['metric']} {c['op']} {c['target']}: got {c['value']}" for c in report["thresholds"]
              if c["passed"] is False]
    first = [f"{f['id']} ({f['type']}): {'; '.join(f['why'])}" for f in report["failures"][:15]]
    assert ok, "eval thresholds missed:\n  " + "\n  ".join(missed) + "\nfirst failures:\n  " + "\n  ".join(first)
