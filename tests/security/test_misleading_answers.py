"""Answers that mislead without being wrong (issue 13.5): a forecast year the reports have no figure for,
and a yes/no question whose figure the report contradicts. Real index, real pipeline."""

from __future__ import annotations

from typing import Any

import pytest

from assistant import composition


@pytest.fixture(scope="module")
def pipeline(corpus_index: Any) -> Any:
    return composition.build_pipeline(corpus_index.settings, reader=corpus_index.reader)


def test_a_forecast_for_a_year_the_reports_do_not_cover_is_not_answered_with_todays_figure(pipeline: Any) -> None:
    ans = pipeline.ask("Dự báo đến năm 2030 Bình Định có bao nhiêu dịch vụ công trực tuyến toàn trình?")
    assert ans.refused, ans.answer
    assert "2030" in ans.answer and "1.230" not in ans.answer  # says which year is missing; no figure


@pytest.mark.parametrize(("question", "verdict"), [
    ("Bắc Ninh đã cấp 2 triệu tài khoản định danh VNeID mức độ 2 đúng không?", "Không đúng"),  # a claim to confirm
    ("Bắc Ninh đã cấp hơn 728.400 tài khoản định danh VNeID mức độ 2 phải không?", "Có"),
])
def test_a_yes_no_claim_with_a_figure_gets_the_verdict_the_report_supports(pipeline: Any, question: str,
                                                                          verdict: str) -> None:
    ans = pipeline.ask(question)
    assert not ans.refused, ans.answer
    lead = ans.answer.split("[", 1)[0]
    assert lead.startswith(verdict + "."), lead
    assert "728.400" in lead  # the figure the report does state, next to the verdict
