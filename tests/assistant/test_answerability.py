"""Refuse what the documents don't say, answer what they do — measured on our own probe set
(tests/assistant/data/probes.jsonl: 30 answerable, 16 unanswerable questions written from the corpus)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant import composition

PROBES = [json.loads(line) for line in (Path(__file__).parent / "data" / "probes.jsonl").read_text().splitlines()
          if line.strip()]


@pytest.fixture(scope="module")
def pipeline(corpus_index: Any) -> Any:
    return composition.build_pipeline(corpus_index.settings, reader=corpus_index.reader)


@pytest.fixture(scope="module")
def results(pipeline: Any) -> list[tuple[dict[str, Any], Any]]:
    return [(p, pipeline.ask(p["question"])) for p in PROBES]


def test_answerable_probes_are_answered_with_the_fact(results: list[tuple[dict[str, Any], Any]]) -> None:
    answerable = [(p, a) for p, a in results if p["answerable"]]
    refused = [p["id"] for p, a in answerable if a.refused]
    assert len(refused) <= max(1, len(answerable) // 20), refused  # at most 5 % wrongly refused
    wrong = [p["id"] for p, a in answerable if not all(m in a.answer for m in p["must_include"])]
    assert len(wrong) <= len(answerable) * 0.15, wrong
    wrong_source = [p["id"] for p, a in answerable if not any(c.source in p["sources"] for c in a.citations)]
    assert len(wrong_source) <= len(answerable) * 0.1, wrong_source


def test_unanswerable_probes_are_refused(results: list[tuple[dict[str, Any], Any]]) -> None:
    unanswerable = [(p, a) for p, a in results if not p["answerable"]]
    answered = [p["id"] for p, a in unanswerable if not a.refused]
    assert len(answered) <= len(unanswerable) * 0.15, answered
    for _, a in unanswerable:
        if a.refused:
            assert a.citations == ()


def test_place_not_in_corpus_names_it_and_points_to_help(pipeline: Any) -> None:
    ans = pipeline.ask("Tỉnh Cà Mau có bao nhiêu dịch vụ công trực tuyến toàn trình?")
    assert ans.refused and ans.citations == ()
    assert ans.meta["verdict"] == "place_not_covered"
    assert "Cà Mau" in ans.answer
    assert "dichvucong.gov.vn" in ans.answer and "Một cửa" in ans.answer
    assert not any(ch.isdigit() for ch in ans.answer.replace("dichvucong", ""))  # no invented figures


def test_year_the_documents_do_not_report(pipeline: Any) -> None:
    ans = pipeline.ask("Bắc Kạn xếp thứ mấy về chỉ số DTI năm 2021?")
    assert ans.refused
    assert ans.meta["verdict"] in ("year_not_covered", "topic_not_covered")


def test_fact_not_stated_for_a_covered_province(pipeline: Any) -> None:
    ans = pipeline.ask("Thị xã La Gi có bao nhiêu trường tiểu học triển khai học bạ số?")
    assert ans.refused
    assert ans.citations == ()


def test_how_to_question_is_refused_in_english_too(pipeline: Any) -> None:
    ans = pipeline.ask("How do I change the phone number registered in my VNeID account?")
    assert ans.refused
    assert ans.answer.startswith("Sorry")
    assert "dichvucong.gov.vn" in ans.answer


def test_same_topic_with_covered_place_is_answered(pipeline: Any) -> None:
    ans = pipeline.ask("Bình Định có bao nhiêu trường tiểu học triển khai học bạ số?")
    assert not ans.refused
    assert "128/212" in ans.answer
