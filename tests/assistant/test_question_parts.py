"""Two questions in one: each part is found, answered in the one lead, and cited."""

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
    # one question, not two: a comparison of two sides, a bare "và", a comma before the asking clause
    ("Bộ phận một cửa của thị xã La Gi ở địa chỉ nào và làm việc mấy giờ?", 1),
    ("Bắc Ninh và Bình Định, tỉnh nào có tỷ lệ hồ sơ trực tuyến cao hơn?", 1),
    ("Ở Thế vận hội London 2012, Hoàng Xuân Vinh xếp thứ mấy?", 1),
    ("e đổi sđt rồi, số cũ ko dùng nữa thì vneid cập nhật ở đâu v ạ", 1),
    ("Đăng ký thường trú và tạm trú khác nhau thế nào?", 1),
    ("Thẻ căn cước có những thông tin gì?", 1),
])
def test_a_question_is_split_only_where_each_part_asks(question: str, parts: int) -> None:
    got = split_parts(question, analyze, load_typer())
    assert len(got) == parts, got
    assert parts == 1 or all(p.endswith("?") for p in got)


@pytest.fixture(scope="module")
def pipeline(law_corpus_index: Any) -> Any:
    return composition.build_pipeline(law_corpus_index.settings, reader=law_corpus_index.reader)


def test_each_part_gets_its_own_cited_lead(pipeline: Any) -> None:
    ans = pipeline.ask("Mỗi người có mấy căn cước điện tử, và căn cước điện tử có giá trị chứng minh về căn cước "
                       "không?")
    assert not ans.refused
    # one lead answers both parts, its markers at the end: "…01 căn cước điện tử; có, căn cước … [1][2]."
    lead = ans.answer.splitlines()[0]
    body, markers = re.match(r"(.*?)\s*((?:\[\d+\])+)\.$", lead).groups()
    assert "01 căn cước điện tử" in body and "; có, căn cước điện tử" in body, lead
    assert len(re.findall(r"\[\d+\]", markers)) == 2 and "[" not in body, lead
    assert [p["verdict"] for p in ans.meta["parts"]] == ["ok", "ok"]
    cited = {c.label for c in ans.citations}
    assert any("Điều 31" in lb for lb in cited) and any("Điều 33" in lb for lb in cited), cited


def test_a_part_the_documents_do_not_answer_says_so(pipeline: Any) -> None:
    ans = pipeline.ask("Mỗi người có mấy căn cước điện tử, và giá vé máy bay từ Hà Nội đi Đà Nẵng là bao nhiêu?")
    assert not ans.refused, ans.answer  # the first part is answerable
    # the answered part leads and ends with its marker; the unanswered one is said after it
    first = ans.answer.splitlines()[0]
    lead, _, after = first.partition("[")
    assert "01 căn cước điện tử" in lead and "vé máy bay" not in lead, first
    assert "không nêu" in after and "vé máy bay" in after, first
    assert [p["verdict"] == "ok" for p in ans.meta["parts"]] == [True, False]


def test_a_tail_without_a_subject_borrows_the_first_parts() -> None:
    assert split_parts("Trần Hưng Đạo mất năm nào, và ở đâu?", analyze, load_typer()) == [
        "Trần Hưng Đạo mất năm nào?", "Trần Hưng Đạo mất ở đâu?"]
    assert split_parts("Hồ sơ đăng ký tạm trú gồm những gì; nộp ở cơ quan nào?", analyze, load_typer()) == [
        "Hồ sơ đăng ký tạm trú gồm những gì?", "Hồ sơ đăng ký tạm trú nộp ở cơ quan nào?"]


def test_context_in_brackets_added_by_a_follow_up_is_not_a_second_question() -> None:
    q = "Buổi làm việc đó diễn ra vào ngày nào (tỉnh Bình Định; Đề án 06)?"
    assert split_parts(q, analyze, load_typer()) == [q]
