"""Answer-or-refuse on same-topic pairs (tests/assistant/data/probes_refusal.jsonl: 28 answerable,
20 unanswerable questions written from the corpus). Each unanswerable probe shares its topic with an
answerable one but asks something the reports never state (a count of another thing, another quarter,
a procedure, a fee), so a "nearby" sentence must not pass for an answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assistant import composition

PROBES = [json.loads(line) for line in
          (Path(__file__).parent / "data" / "probes_refusal.jsonl").read_text(encoding="utf-8").splitlines()
          if line.strip()]


@pytest.fixture(scope="module")
def results(corpus_index: Any) -> list[tuple[dict[str, Any], Any]]:
    pipeline = composition.build_pipeline(corpus_index.settings, reader=corpus_index.reader)
    return [(p, pipeline.ask(p["question"])) for p in PROBES]


def test_probe_set_pairs_answerable_and_unanswerable() -> None:
    assert len(PROBES) >= 40
    assert sum(p["answerable"] for p in PROBES) >= 20 and sum(not p["answerable"] for p in PROBES) >= 15
    assert len({p["id"] for p in PROBES}) == len(PROBES)


def test_same_topic_unanswerable_probes_are_refused(results: list[tuple[dict[str, Any], Any]]) -> None:
    unanswerable = [(p, a) for p, a in results if not p["answerable"]]
    answered = [p["id"] for p, a in unanswerable if not a.refused]
    assert len(answered) <= len(unanswerable) * 0.1, answered
    assert all(a.citations == () for p, a in unanswerable if a.refused)


def test_answerable_probes_are_answered_with_the_fact(results: list[tuple[dict[str, Any], Any]]) -> None:
    answerable = [(p, a) for p, a in results if p["answerable"]]
    refused = [p["id"] for p, a in answerable if a.refused]
    assert len(refused) <= max(1, len(answerable) // 20), refused
    wrong = [p["id"] for p, a in answerable if not all(m in a.answer for m in p["must_include"])]
    assert len(wrong) <= len(answerable) * 0.1, wrong
    wrong_source = [p["id"] for p, a in answerable if not a.refused
                    and not any(c.source in p["sources"] for c in a.citations)]
    assert not wrong_source, wrong_source


def test_count_of_another_thing_is_refused(results: list[tuple[dict[str, Any], Any]]) -> None:
    by_q = {p["question"]: a for p, a in results}
    ans = by_q["Bình Định đã cấp bao nhiêu chữ ký số cá nhân cho người dân?"]
    # refused because no quoted sentence counts personal signatures (or states no number at all)
    assert ans.refused and ans.meta["verdict"] in ("count_not_stated", "no_number")
    ans = by_q["Bắc Ninh đã cấp bao nhiêu chữ ký số công cộng cho người dân?"]
    assert not ans.refused and "21.000" in ans.answer


def test_another_quarter_is_refused(results: list[tuple[dict[str, Any], Any]]) -> None:
    by_q = {p["question"]: a for p, a in results}
    ans = by_q["Tính đến quý III/2025 Bình Định có bao nhiêu dịch vụ công trực tuyến toàn trình?"]
    assert ans.refused and ans.citations == ()
    ans = by_q["Số dịch vụ công trực tuyến toàn trình của Bình Định tính đến quý I/2025 là bao nhiêu?"]
    assert not ans.refused and "1.230" in ans.answer


def test_article_byline_and_date_are_quoted_verbatim(results: list[tuple[dict[str, Any], Any]],
                                                     corpus_index: Any) -> None:
    by_q = {p["question"]: a for p, a in results}
    ans = by_q["Bài viết về chuyển đổi số ở Bắc Ninh là của tác giả nào?"]
    assert not ans.refused and ans.meta["verdict"] == "article_author"
    (cite,) = ans.citations
    assert "Thùy Vy" in cite.quote and "Báo Bắc Ninh" in cite.quote
    assert corpus_index.reader.document_text(cite.source)[cite.start:cite.end] == cite.quote
    ans = by_q["Bài về hội nghị sơ kết chuyển đổi số 6 tháng đầu năm của Bắc Kạn được đăng ngày nào?"]
    assert not ans.refused and "21/07/2023" in ans.citations[0].quote
    # a report without a byline: the author question is refused, not answered with a nearby sentence
    ans = by_q["Bài viết về chuyển đổi số ở thị xã La Gi do ai viết?"]
    assert ans.refused and ans.citations == () and ans.meta["verdict"] == "article_meta_missing"


def test_a_value_quoted_beside_the_answer_does_not_supply_it(corpus_index: Any) -> None:
    # Bắc Kạn's report gives no activation rate; a near-tie sentence quoted for completeness holds a "100%"
    # about schools, which must not count as the asked percentage
    pipeline = composition.build_pipeline(corpus_index.settings, reader=corpus_index.reader)
    ans = pipeline.ask("Tỷ lệ tài khoản định danh điện tử đã được kích hoạt ở tỉnh Bắc Kạn là bao nhiêu?")
    assert ans.refused and ans.citations == (), ans.answer
