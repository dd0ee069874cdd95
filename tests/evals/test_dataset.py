"""The project's eval set is only worth its figures if every gold item is grounded in the corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.dataset import DatasetError, EvalItem, load_dataset, parse_item
from evals.metrics import contains_phrase
from index.normalize import fold, normalize_text

PROJECT_ROOT = Path(__file__).resolve().parents[2]
QA = PROJECT_ROOT / "evals" / "qa.jsonl"
# every set the project ships: the project set and the held-out sets written by people who had not read the code
SETS = [QA, *sorted((PROJECT_ROOT / "evals").glob("holdout*.jsonl"))]
CORPUS = PROJECT_ROOT / "data" / "corpus"
DEV = PROJECT_ROOT.parent / "shared" / "evals" / "dev.jsonl"
REQUIRED_TYPES = {"factoid", "multi_doc", "list", "why", "unanswerable", "no_diacritics", "follow_up",
                  "citizen", "official", "english", "injection"}


@pytest.fixture(scope="module")
def qa() -> list[EvalItem]:
    return load_dataset(QA)


@pytest.fixture(scope="module", params=SETS, ids=lambda p: p.name)
def each_set(request: pytest.FixtureRequest) -> list[EvalItem]:
    return load_dataset(request.param)


def test_the_held_out_sets_are_shipped() -> None:
    assert len(SETS) >= 4, SETS


@pytest.fixture(scope="module")
def corpus_texts() -> dict[str, str]:
    return {p.name: normalize_text(p.read_text(encoding="utf-8")) for p in CORPUS.glob("*.txt")}


def test_qa_set_is_large_and_covers_every_type(qa: list[EvalItem]) -> None:
    assert len(qa) >= 90
    counts = {t: sum(1 for i in qa if i.type == t) for t in REQUIRED_TYPES}
    assert all(n >= 5 for n in counts.values()), counts
    assert not {i.type for i in qa} - REQUIRED_TYPES


def test_every_evidence_span_is_verbatim_in_a_named_source(each_set: list[EvalItem],
                                                           corpus_texts: dict[str, str]) -> None:
    for item in each_set:
        if item.expects_refusal:
            assert not item.sources and not item.evidence and not item.must_include, item.id
            continue
        assert item.sources and item.evidence, f"{item.id}: answerable items need sources and evidence"
        for source in item.sources:
            assert source in corpus_texts, f"{item.id}: unknown source {source}"
        for ev in item.evidence:
            assert any(normalize_text(ev) in corpus_texts[s] for s in item.sources), f"{item.id}: {ev[:80]}"
        # every named source backs at least one evidence span (multi_doc items name two)
        for source in item.sources:
            assert any(normalize_text(ev) in corpus_texts[source] for ev in item.evidence), f"{item.id}: {source}"


def test_must_include_strings_are_in_the_sources_and_the_gold_answer(each_set: list[EvalItem],
                                                                    corpus_texts: dict[str, str]) -> None:
    for item in each_set:
        for m in item.must_include:
            assert any(contains_phrase(corpus_texts[s], m) for s in item.sources), f"{item.id}: {m!r} not in sources"
            assert contains_phrase(item.answer, m), f"{item.id}: {m!r} not in the gold answer"


def test_follow_ups_have_history_and_others_mostly_not(qa: list[EvalItem]) -> None:
    for item in qa:
        if item.type == "follow_up":
            assert len(item.history) >= 2 and item.history[0].role == "user", item.id
    assert all(i.type == "follow_up" or not i.history for i in qa)


def test_no_diacritics_items_really_have_none(qa: list[EvalItem]) -> None:
    for item in qa:
        if item.type == "no_diacritics":
            assert fold(item.question) == item.question.lower(), item.id


@pytest.mark.skipif(not DEV.exists(), reason="the shared dev set is not available here")
def test_questions_are_not_copied_from_the_dev_set(qa: list[EvalItem]) -> None:
    dev = {fold(normalize_text(i.question)).strip() for i in load_dataset(DEV)}
    copied = [i.id for i in qa if fold(normalize_text(i.question)).strip() in dev]
    assert not copied


# --------------------------------------------------------------------------- loader


def _write(tmp_path: Path, lines: list[str]) -> Path:
    p = tmp_path / "set.jsonl"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_loader_reads_items_and_ignores_unknown_fields(tmp_path: Path) -> None:
    rec = {"id": "a1", "question": "Câu hỏi?", "history": [{"role": "user", "content": "trước"}],
           "type": "factoid", "must_include": ["1.230"], "sources": ["x.txt"], "evidence": ["1.230"],
           "difficulty": "hard"}
    p = _write(tmp_path, [json.dumps(rec, ensure_ascii=False), "", json.dumps({"id": 2, "question": "Q2"})])
    items = load_dataset(p)
    assert [i.id for i in items] == ["a1", "2"]
    assert items[0].history[0].content == "trước" and items[0].line == 1
    assert items[0].answerable and not items[1].answerable  # no gold data at all -> expect a refusal
    assert items[1].line == 3


def test_loader_reports_every_bad_line_with_its_number(tmp_path: Path) -> None:
    p = _write(tmp_path, [
        json.dumps({"id": "ok", "question": "Q"}),
        "{not json",
        json.dumps({"id": "x", "question": ""}),
        json.dumps({"id": "y", "question": "Q", "history": [{"role": "system", "content": "hi"}]}),
        json.dumps({"id": "z", "question": "Q", "must_include": "1.230"}),
        json.dumps({"id": "ok", "question": "again"}),
        json.dumps(["a list"]),
    ])
    with pytest.raises(DatasetError) as exc:
        load_dataset(p)
    msg = str(exc.value)
    for line in ("line 2", "line 3", "line 4", "line 5", "line 6", "line 7"):
        assert line in msg, msg
    assert "line 1:" not in msg
    assert "duplicate id 'ok'" in msg and "must_include" in msg and "history[0]" in msg


def test_loader_rejects_missing_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="not found"):
        load_dataset(tmp_path / "nope.jsonl")
    with pytest.raises(DatasetError, match="no items"):
        load_dataset(_write(tmp_path, [""]))


def test_parse_item_types() -> None:
    problems: list[str] = []
    assert parse_item({"id": True, "question": "Q"}, 9, problems) is None
    assert problems and problems[0].startswith("line 9")
    item = parse_item({"id": "u", "question": "Q", "type": "unanswerable", "sources": []})
    assert item is not None and item.expects_refusal


def test_project_set_must_include_strings_are_in_its_evidence(qa: list[EvalItem]) -> None:
    for item in qa:
        for m in item.must_include:
            assert any(contains_phrase(ev, m) for ev in item.evidence), f"{item.id}: {m!r} not in evidence"


def test_articles_field_is_read_and_checked() -> None:
    item = parse_item({"id": "a", "question": "q", "articles": ["luat-cu-tru.txt#20", "luat-can-cuoc.txt#5a"]})
    assert item is not None and item.articles == ("luat-cu-tru.txt#20", "luat-can-cuoc.txt#5a")
    problems: list[str] = []
    assert parse_item({"id": "b", "question": "q", "articles": ["Điều 20"]}, 3, problems) is None
    assert problems and "line 3" in problems[0] and "file.txt#12" in problems[0]


def test_law_sets_name_existing_articles() -> None:
    from index.legal import parse_legal

    laws = PROJECT_ROOT / "data" / "corpus-law"
    structures = {p.name: parse_legal(normalize_text(p.read_text(encoding="utf-8"))) for p in laws.glob("*.txt")}
    for name in ("laws.jsonl", "laws-fit.jsonl"):
        path = PROJECT_ROOT / "evals" / name
        if not path.is_file():
            continue
        for item in load_dataset(path):
            for gold in item.articles:
                file, _, number = gold.rpartition("#")
                assert file in structures and structures[file].article(number) is not None, (item.id, gold)
