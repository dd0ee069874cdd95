"""A citizen's case against a rule's bound (``assistant/conditions.py``), read with the shipped language data.

Each decision gets hand-made text: which figures of a question are its case and which are a claim about the rule,
which bounds a sentence sets (before or after the figure, both ends of a range, a clock time), and whether the case
meets them. The end-to-end verdicts are in ``test_yes_no.py``.
"""

from __future__ import annotations

import pytest

from assistant.answer_typing import AnswerTyper, load_typer
from assistant.conditions import ConditionReader, Quantity


@pytest.fixture(scope="module")
def typer() -> AnswerTyper:
    return load_typer()


@pytest.mark.parametrize(("question", "dims"), [
    ("Con tôi mới 8 tuổi thì có được làm thẻ thư viện không?", [("age", 8.0)]),
    ("Tôi trả sách muộn khoảng 2 tuần rồi", [("days", 14.0)]),
    ("e o tro hon 1 nam roi", [("days", 365.0)]),
    ("khach den luc 23h30 dem", [("hours", 23.5)]),
    ("I'm going abroad for 4 months", [("days", 120.0)]),
    ("Mỗi người chỉ được 5 m2 sàn", [("area", 5.0)]),
    # a figure the question bounds itself is a claim about the rule, not the case
    ("Có phải từ đủ 12 tuổi trở lên mới phải nộp phí không?", []),
    ("Trẻ dưới 6 tuổi có được miễn phí không?", []),
    # a date is no span of days or months
    ("Ngày 15 tháng 5 năm 2020 tôi nộp hồ sơ", []),
    ("Phí làm thẻ là bao nhiêu?", []),
])
def test_the_case_a_question_tells(typer: AnswerTyper, question: str, dims: list[tuple[str, float]]) -> None:
    assert [(c.dim, c.value) for c in typer.cases(question)] == dims


@pytest.mark.parametrize(("sentence", "case", "relation"), [
    ("Trẻ em dưới 12 tuổi được cấp thẻ miễn phí.", "8 tuổi", "meets"),
    ("Trẻ em dưới 12 tuổi được cấp thẻ miễn phí.", "12 tuổi", "fails"),  # "dưới" excludes its figure
    ("Người từ đủ 12 tuổi trở lên phải nộp phí.", "8 tuổi", "fails"),
    ("Người từ đủ 12 tuổi trở lên phải nộp phí.", "12 tuổi", "meets"),
    ("Sách trả chậm từ 07 ngày trở lên thì phải nộp phạt.", "3 ngày", "fails"),
    ("Sách trả chậm từ 07 ngày trở lên thì phải nộp phạt.", "2 tuần", "meets"),  # weeks are days
    ("Người vắng mặt từ 12 tháng liên tục trở lên bị xóa tên.", "hơn 1 năm", "meets"),  # words between the bound
    # both ends of one range
    ("Thẻ quá hạn từ 03 tháng đến dưới 01 năm thì phải làm lại bài kiểm tra.", "5 tháng", "meets"),
    ("Thẻ quá hạn từ 03 tháng đến dưới 01 năm thì phải làm lại bài kiểm tra.", "1 năm", "fails"),
    ("Thẻ quá hạn từ 03 tháng đến dưới 01 năm thì phải làm lại bài kiểm tra.", "2 tháng", "fails"),
    ("Diện tích không thấp hơn 08 m2 sàn/người.", "5 m2", "fails"),
    ("Hồ sơ được xét khi đã trả chậm không quá 07 ngày làm việc.", "5 ngày làm việc", ""),  # a cap: no condition
    ("Chỉ nhận hồ sơ nộp sau ít nhất 07 ngày làm việc.", "5 ngày làm việc", "fails"),
    # working days are not calendar days
    ("Chỉ nhận hồ sơ nộp sau ít nhất 07 ngày làm việc.", "10 ngày", ""),
    # the condition comes before "thì"; the consequence's bound ("trước 08 giờ") is not the case's
    ("Khách đến sau 23 giờ thì thông báo trước 08 giờ ngày hôm sau.", "23h30", "meets"),
    ("Khách đến sau 23 giờ thì thông báo trước 08 giờ ngày hôm sau.", "22 giờ", "fails"),
    # no bound in the case's dimension, or no bound at all
    ("Trẻ em dưới 12 tuổi được cấp thẻ miễn phí.", "2 tuần", ""),
    ("Thẻ có giá trị 5 năm.", "2 năm", ""),
])
def test_a_case_meets_or_fails_a_bound(typer: AnswerTyper, sentence: str, case: str, relation: str) -> None:
    cases = typer.cases(f"Tôi {case} rồi")
    assert cases, case
    assert typer.case_relation(cases, sentence) == relation


def test_a_case_that_both_meets_and_fails_decides_nothing(typer: AnswerTyper) -> None:
    cases = typer.cases("Phòng rộng 20 m2, mỗi người được 5 m2")
    assert len(cases) == 2
    assert typer.case_relation(cases, "Diện tích không thấp hơn 08 m2 sàn/người.") == ""


def test_a_case_met_is_stated_by_the_sentence(typer: AnswerTyper) -> None:
    cases = typer.cases("Bé nhà tôi 8 tuổi")
    assert typer.bracketed(cases, "Trẻ em dưới 12 tuổi được cấp thẻ miễn phí.") == {"8 tuoi"}
    assert not typer.bracketed(cases, "Người từ đủ 12 tuổi trở lên phải nộp phí.")


@pytest.mark.parametrize(("text", "binds"), [
    ("co phai nop phi khong", True),
    ("co bat buoc lam the khong", True),
    ("do i have to pay", True),
    ("co phai la the moi khong", False),  # "is it the new card", not "must"
    ("the nay dung duoc, phai khong", False),
    ("tre em duoi 12 tuoi duoc cap the mien phi", False),
])
def test_what_states_an_obligation(typer: AnswerTyper, text: str, binds: bool) -> None:
    assert typer.binds(text) is binds


def test_a_bound_word_must_be_known() -> None:
    with pytest.raises(ValueError, match="unknown bound"):
        ConditionReader({"tuoi": ("age", 1.0)}, {"duoi": "less"}, {}, [], {}, [], [])


def test_a_quantity_keeps_its_words() -> None:
    reader = ConditionReader({"tuoi": ("age", 1.0)}, {"duoi": "<"}, {}, [], {}, [], [])
    assert reader.cases("Con tôi 8 tuổi") == (Quantity("age", 8.0, 8, "8 tuoi"),)
    assert reader.relation(reader.cases("Con tôi 8 tuổi"), "Trẻ dưới 12 tuổi") == "meets"


def test_no_units_read_no_conditions() -> None:
    from assistant.conditions import load_conditions

    reader = load_conditions({})
    assert reader.cases("Con tôi 8 tuổi") == ()
    assert reader.relation((Quantity("age", 8.0, 0, "8 tuoi"),), "Trẻ dưới 12 tuổi") == ""


@pytest.mark.parametrize(("question", "age"), [
    ("Bé nhà tôi mới 8 tháng tuổi", 8 / 12),  # an age told in months
    ("My son is a 10-year-old boy", 10.0),  # a unit of several words, hyphenated
])
def test_an_age_told_otherwise(typer: AnswerTyper, question: str, age: float) -> None:
    (case,) = typer.cases(question)
    assert case.dim == "age" and case.value == pytest.approx(age, abs=1e-3)
    assert typer.case_relation((case,), "Trẻ em dưới 06 tuổi được miễn phí.") == ("meets" if age < 6 else "fails")
