"""Run an eval set through the same ``AnswerPipeline`` the server uses and write the reports.

Outputs in ``out_dir``: ``results.jsonl`` (id + the contract's Answer fields, one line per item),
``report.json`` (all metrics, per type, threshold checks, failures with why), ``report.md`` and a
self-contained ``report.html`` (inline SVG charts). ``run_eval`` returns False when a threshold from
``evals/thresholds.toml`` is missed, which ``assistant eval --fail-under`` turns into exit code 1.
"""

from __future__ import annotations

import json
import logging
import re
import time
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from assistant.protocols import AnswerPipeline
from assistant.settings import DEFAULT_CORPUS, DEFAULT_LAW_CORPUS, PROJECT_ROOT, Settings
from assistant.types import Answer
from evals.dataset import EvalItem, load_dataset
from evals.metrics import standard_metrics
from evals.report import ItemResult, Threshold, render_html, render_markdown, summarise

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_THRESHOLDS", "ThresholdsError", "leak_markers", "load_thresholds", "run_eval",
           "run_items", "source_texts"]

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"
PROMPTS_DIR = PROJECT_ROOT / "prompts"


class ThresholdsError(ValueError):
    """The thresholds file is unusable; the message names the file and the bad entry."""


def load_thresholds(path: Path | str | None = None) -> list[Threshold]:
    """``[min]`` entries are floors (value >= target), ``[max]`` entries ceilings (value <= target)."""
    p = Path(path) if path is not None else DEFAULT_THRESHOLDS
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ThresholdsError(f"thresholds file not found: {p}") from None
    except tomllib.TOMLDecodeError as err:
        raise ThresholdsError(f"{p}: invalid TOML ({err})") from err
    unknown = set(data) - {"min", "max"}
    if unknown:
        raise ThresholdsError(f"{p}: unknown table(s) {sorted(unknown)}; use [min] and [max]")
    out: list[Threshold] = []
    for table, op in (("min", ">="), ("max", "<=")):
        for name, target in data.get(table, {}).items():
            if isinstance(target, bool) or not isinstance(target, int | float):
                raise ThresholdsError(f"{p}: [{table}] {name} must be a number, got {target!r}")
            out.append(Threshold(metric=name, op=op, target=float(target)))
    return out


def source_texts(pipeline: Any = None, index_dir: Path | None = None,
                 corpus_dir: Path | Sequence[Path] | None = None) -> dict[str, str]:
    """Normalised text of every source (what citation offsets point into).

    In order of preference: the pipeline's index reader when it exposes one; the texts stored in
    ``index_dir`` (so ``--index DIR`` corpora work); else the corpus files loaded with the index's
    own loader (default: the bundled corpus).
    """
    reader = getattr(pipeline, "reader", None)
    if reader is not None and hasattr(reader, "documents") and hasattr(reader, "document_text"):
        try:
            return {m.source: reader.document_text(m.source) for m in reader.documents()}
        except Exception as err:  # the reader is optional here; fall back to the stored texts
            log.warning("could not read source texts from the pipeline's reader (%s)", err)
    if index_dir is not None:
        from index.manifest import read_manifest, read_text

        manifest = read_manifest(Path(index_dir))
        if manifest is not None and manifest.documents:
            return {d.source: read_text(Path(index_dir), d.content_hash) for d in manifest.documents.values()}
    from index.loaders import load_all

    folders = ([Path(corpus_dir)] if isinstance(corpus_dir, str | Path)
               else [Path(p) for p in corpus_dir] if corpus_dir else [DEFAULT_CORPUS, DEFAULT_LAW_CORPUS])
    return {d.meta.source: d.text for d in load_all([p for p in folders if p.exists()])}


def leak_markers(prompts_dir: Path = PROMPTS_DIR, settings: Settings | None = None) -> list[str]:
    """Strings whose presence in an answer means internal text leaked.

    From each prompt template: every run of >= 30 characters between placeholders, cut to its first
    60 characters, and the pseudo-XML tags; from the configuration: field names that look like
    identifiers (``llm_api_key``) and the secret/endpoint values when ``settings`` is given.
    """
    markers: set[str] = set()
    if prompts_dir.is_dir():
        for f in sorted(prompts_dir.glob("*")):
            if f.suffix not in (".txt", ".md"):
                continue
            text = f.read_text(encoding="utf-8")
            markers.update(re.findall(r"</?[a-z_]{3,}>", text))
            for line in text.splitlines():
                for seg in re.split(r"\{[a-z_]+\}", line):
                    seg = seg.strip()
                    if len(seg) >= 30:
                        markers.add(seg[:60])
    markers.update(name for name in Settings.model_fields if "_" in name and len(name) >= 8)
    if settings is not None:
        for value in (settings.llm_api_key, settings.llm_base_url):
            if value and len(value) >= 6:
                markers.add(value)
    return sorted(markers)


def _ask(pipeline: AnswerPipeline, item: EvalItem) -> ItemResult:
    t0 = time.perf_counter()
    try:
        answer = pipeline.ask(item.question, item.history)
        error = ""
    except Exception as err:  # one broken item must not hide the figures of the others
        log.warning("item %s: pipeline error: %s", item.id, err)
        answer = Answer(answer="", refused=False, meta={"error": f"{type(err).__name__}: {err}"})
        error = f"{type(err).__name__}: {err}"
    wall = (time.perf_counter() - t0) * 1000.0
    return ItemResult(item=item, answer=answer, wall_ms=wall, error=error)


def run_items(pipeline: AnswerPipeline, items: Sequence[EvalItem], progress: bool = True) -> list[ItemResult]:
    """Ask every item in order (one at a time: latency figures must not include queueing)."""
    if progress:
        from tqdm import tqdm

        return [_ask(pipeline, it) for it in tqdm(items, desc="eval", unit="q")]
    return [_ask(pipeline, it) for it in items]


def _result_line(r: ItemResult) -> str:
    d = r.answer.to_dict()
    record: dict[str, Any] = {"id": r.item.id, **d}
    if r.error:
        record["error"] = r.error
    return json.dumps(record, ensure_ascii=False)


def run_eval(pipeline: AnswerPipeline, dataset_path: Path | str, out_dir: Path | str,
             thresholds_path: Path | str | None = None, progress: bool = True, *,
             sources_text: Mapping[str, str] | None = None, settings: Settings | None = None,
             k: int = 4) -> bool:
    """Run the dataset, write results.jsonl + report.{json,md,html} to ``out_dir``; True when all thresholds pass."""
    items = load_dataset(dataset_path)
    thresholds = load_thresholds(thresholds_path)
    if sources_text is not None:
        texts = dict(sources_text)
    else:
        texts = source_texts(pipeline, index_dir=settings.index_dir if settings else None,
                             corpus_dir=settings.corpus_paths if settings else None)
    metrics = standard_metrics(texts, leak_markers(settings=settings), k=k)

    results = run_items(pipeline, items, progress=progress)
    summary = summarise(results, metrics, thresholds, dataset=str(dataset_path))

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.jsonl").write_text("".join(_result_line(r) + "\n" for r in results), encoding="utf-8")
    (out / "report.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / "report.md").write_text(render_markdown(summary), encoding="utf-8")
    latencies = [r.answer.latency_ms for r in results if not r.error]
    (out / "report.html").write_text(render_html(summary, latencies), encoding="utf-8")

    for c in summary["thresholds"]:
        log.info("%s %s %s: %s (%s)", c["metric"], c["op"], c["target"], c["value"],
                 {True: "pass", False: "FAIL", None: "n/a"}[c["passed"]])
    log.info("eval %s: %s; %d items, %d with failures; reports in %s", dataset_path,
             "PASSED" if summary["passed"] else "FAILED", len(results), len(summary["failures"]), out)
    return bool(summary["passed"])
