"""Two questions in one: each part is found, answered on its own line, and cited."""

from __future__ import annotations

import re
from typing import Any

import pytest

from assistant import composition
from assistant.answer_typing import load_typer
from assistant.query import analyze
from assistant.question_parts import split_parts


@pytest.mark.parametrize(("question", "parts"), [
    ("Mỗi người được cấp mấy căn cước điện tử, và căn cước điện tử có dùng để chứng minh nhân thân được không?",
     2),
    ("Hồ sơ đăng ký tạm trú gồm những gì; nộp ở cơ quan nào?", 2),
    ("How many days does registration take, and which office handles it?", 2),
    # one question, not two: a comparison of two sides, an elliptical tail, a plain "và"
    ("Bắc Ninh và Bình Định, tỉnh nào có tỷ lệ hồ sơ trực tuyến cao hơn?", 1),
    ("Trần Hưng Đạo mất năm nào, và ở đâu?", 1),
    ("Đăng ký thường trú và tạm trú khác nhau thế nào?", 1),
    ("Thẻ căn cước có những thông tin gì?", 1),
])
def test_a_question_is_split_only_where_each_part_asks(question: str, parts: int) -> None:
    got = split_parts(question, analyze, load_typer())
    assert len(got) == parts, got
    assert all(p.endswith("?") for p in got)


@pytest.fixture(scope="module")
def pipeline(law_corpus_index: Any) -> Any:
    return composition.build_pipeline(law_corpus_index.settings, reader=law_corpus_index.reader)


def test_each_part_gets_its_own_cited_lead(pipeline: Any) -> None:
    ans = pipeline.ask("Mỗi người có mấy căn cước điện tử, và căn cước điện tử có giá trị chứng minh về căn cước "
                       "không?")
    assert not ans.refused
    leads = ans.answer.split("\nTheo ", 1)[0].splitlines()
    assert len(leads) == 2, ans.answer
    assert "01 căn cước điện tử" in leads[0] and re.search(r"\[\d+\]", leads[0])
    assert leads[1].startswith("Có.") and re.search(r"\[\d+\]", leads[1])
    assert [p["verdict"] for p in ans.meta["parts"]] == ["ok", "ok"]
    cited = {c.label for c in ans.citations}
    assert any("Điều 31" in lb for lb in cited) and any("Điều 33" in lb for lb in cited), cited


def test_a_part_the_documents_do_not_answer_says_so(pipeline: Any) -> None:
    ans = pipeline.ask("Mỗi người có mấy căn cước điện tử, và giá vé máy bay từ Hà Nội đi Đà Nẵng là bao nhiêu?")
    assert not ans.refused, ans.answer  # the first part is answerable
    leads = ans.answer.split("\nTheo ", 1)[0].splitlines()
    assert "01 căn cước điện tử" in leads[0]
    assert any("không nêu" in line and "vé máy bay" in line for line in leads), leads
    assert [p["verdict"] == "ok" for p in ans.meta["parts"]] == [True, False]


def test_context_in_brackets_added_by_a_follow_up_is_not_a_second_question() -> None:
    q = "Buổi làm việc đó diễn ra vào ngày nào (tỉnh Bình Định; Đề án 06)?"
    assert split_parts(q, analyze, load_typer()) == [q]
