"""The direct answer (the lead: the text before the first ``[n]``) over every shipped Q&A set.

Every number and name in a lead must appear in a quote the answer cites, digits unchanged; the lead
is short; an English question gets an English lead. Real indexes of each genre (reports + laws, FAQ
pages, encyclopedia articles), the real pipeline, every item of every set.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant import composition
from assistant.lead import grounded
from assistant.pipeline import validate_history
from evals.dataset import load_dataset

EVALS = Path(__file__).resolve().parents[2] / "evals"
REPORT_AND_LAW_SETS = ["qa.jsonl", "holdout.jsonl", "holdout2.jsonl", "holdout3.jsonl", "laws.jsonl",
                       "laws-fit.jsonl", "laws-fit3.jsonl", "yesno-fit.jsonl"]
MARKER = re.compile(r"\[\d+\]")


def _index(tmp_path_factory: pytest.TempPathFactory, fresh_settings: Callable[..., Any], embedder: Any,
           name: str, folders: list[Path]) -> Any:
    settings = fresh_settings(tmp_path_factory.mktemp(name))
    parts = composition.build_index_parts(settings, embedder=embedder)
    report = composition.ingest(settings, folders, progress=False, parts=parts)
    assert not report.failed, report.summary_lines()
    return composition.build_pipeline(settings, reader=composition.open_reader(settings, parts=parts))


@pytest.fixture(scope="module")
def pipelines(law_corpus_index: Any, tmp_path_factory: pytest.TempPathFactory,
              fresh_settings: Callable[..., Any], embedder: Any) -> dict[str, Any]:
    laws = composition.build_pipeline(law_corpus_index.settings, reader=law_corpus_index.reader)
    faq = _index(tmp_path_factory, fresh_settings, embedder, "faq-index", [EVALS / "corpora" / "faq"])
    enc = _index(tmp_path_factory, fresh_settings, embedder, "enc-index", [EVALS / "corpora" / "encyclopedia"])
    # the sets over documents written after the engine, each over its own pages
    faq2 = _index(tmp_path_factory, fresh_settings, embedder, "faq2-index", [EVALS / "corpora" / "faq2"])
    faq3 = _index(tmp_path_factory, fresh_settings, embedder, "faq3-index", [EVALS / "corpora" / "faq3"])
    faq4 = _index(tmp_path_factory, fresh_settings, embedder, "faq4-index", [EVALS / "corpora" / "faq4"])
    enc2 = _index(tmp_path_factory, fresh_settings, embedder, "enc2-index", [EVALS / "corpora" / "encyclopedia2"])
    enc3 = _index(tmp_path_factory, fresh_settings, embedder, "enc3-index", [EVALS / "corpora" / "encyclopedia3"])
    # citizens' questions over everything a portal would publish: the bundled reports and laws, every FAQ page
    citizen = _index(tmp_path_factory, fresh_settings, embedder, "citizen-index",
                     [*law_corpus_index.settings.corpus_paths,
                      *(EVALS / "corpora" / name for name in ("faq", "faq2", "faq3", "faq4"))])
    out = {name: laws for name in REPORT_AND_LAW_SETS}
    out.update({"faq.jsonl": faq, "faq-fit.jsonl": faq, "encyclopedia.jsonl": enc, "encyclopedia-fit.jsonl": enc,
                "faq-fit2.jsonl": faq2, "faq-fit3.jsonl": faq3, "faq-fit4.jsonl": faq4, "encyclopedia-fit2.jsonl": enc2,
                "encyclopedia-fit3.jsonl": enc3, "citizen-fit.jsonl": citizen, "citizen-fit2.jsonl": citizen})
    return out


def _answers(pipelines: dict[str, Any]) -> Iterator[tuple[str, Any, Any]]:
    for name, pipeline in pipelines.items():
        for item in load_dataset(EVALS / name):
            history = validate_history([{"role": t.role, "content": t.content} for t in item.history], 10, 2000)
            yield name, item, pipeline.ask(item.question, history)


@pytest.fixture(scope="module")
def answered(pipelines: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    return [(n, i, a) for n, i, a in _answers(pipelines) if not a.refused]


PAGE_SETS = ["faq.jsonl", "faq-fit.jsonl", "encyclopedia.jsonl", "encyclopedia-fit.jsonl", "faq-fit2.jsonl",
             "faq-fit3.jsonl", "faq-fit4.jsonl", "encyclopedia-fit2.jsonl", "encyclopedia-fit3.jsonl", "citizen-fit.jsonl",
             "citizen-fit2.jsonl"]


def test_every_shipped_set_is_read() -> None:
    # a Q&A set added to evals/ must be added here too, with the index of its documents
    assert {p.name for p in EVALS.glob("*.jsonl")} == set(REPORT_AND_LAW_SETS) | set(PAGE_SETS)


def test_every_lead_is_grounded_in_a_quote_it_cites(answered: list[tuple[str, Any, Any]]) -> None:
    assert len(answered) > 400
    problems = []
    for name, item, ans in answered:
        first = MARKER.search(ans.answer)
        assert first is not None, (name, item.id, ans.answer[:200])
        lead = ans.answer[:first.start()]
        missing = grounded(lead, [c.quote for c in ans.citations])
        if missing:
            problems.append((name, item.id, missing, lead))
    assert not problems, problems[:10]


def test_leads_are_short(answered: list[tuple[str, Any, Any]]) -> None:
    long = [(n, i.id, len(a.answer.split("[", 1)[0])) for n, i, a in answered
            if len(a.answer.split("[", 1)[0]) > 300]
    assert not long, long[:10]


def test_english_questions_get_an_english_lead(answered: list[tuple[str, Any, Any]]) -> None:
    english = [(n, i, a) for n, i, a in answered if i.type == "english"]
    assert len(english) >= 15
    for name, item, ans in english:
        lead = ans.answer.split("[", 1)[0]
        assert not lead.startswith(("Theo ", "Có.", "Không.", "Tài liệu")), (name, item.id, lead)
