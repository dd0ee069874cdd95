"""What a "bao nhiêu X" / "mấy X" question counts: hand-made questions and sentences through the shared helpers."""

from __future__ import annotations

import pytest

from assistant.counting import counted_noun, counts
from assistant.evidence import CorpusStats, EvidenceFinder
from assistant.query import analyze


@pytest.mark.parametrize(("question", "head"), [
    ("Tỉnh có bao nhiêu hệ thống thông tin?", ("he", "thong")),
    ("Tập đoàn cứ điểm gồm tổng cộng mấy cứ điểm?", ("cu", "diem")),  # "mấy" counts as "bao nhiêu"
    ("co may loai phieu ly lich tu phap", ("loai", "phieu")),  # unmarked: "may" is all the user gave
    ("Xe máy của tôi có mấy bánh?", ("banh",)),  # "xe máy" holds no "mấy"; the later one counts
    ("Nghị quyết Đại hội lần thứ mấy xác định việc đó?", ()),  # an ordinal, not a count
    ("Kể tên mấy làng nghề nổi tiếng quanh phố cổ.", ()),  # "name a few": a list, not a count
    ("thứ 7 phường có làm chứng thực ko, mấy h ạ", ()),  # an hour
    ("Hộ chiếu dùng được mấy năm?", ()),  # a duration
    ("Động dài bao nhiêu mét?", ()),  # a measure
    ("Bao nhiêu người đã kích hoạt?", ()),  # people are counted under many nouns
    ("file dinh kem dc toi da bn MB, nhan dinh dang j", ("mb",)),  # the phrase ends at the comma
])
def test_the_counted_noun(question: str, head: tuple[str, ...]) -> None:
    assert counted_noun(analyze(question)) == head


def test_a_count_is_a_number_next_to_the_noun() -> None:
    text = "Tập đoàn gồm 49 cứ điểm, chia thành ba phân khu. Quân Pháp xây dựng nơi đây thành tập đoàn cứ điểm."
    finder = EvidenceFinder(CorpusStats([text]), lambda _s: text)
    counting, naming = finder._doc("a.txt").sentences  # noqa: SLF001 - the parser the evidence stage uses
    assert counts(counting, ("cu", "diem")) and not counts(naming, ("cu", "diem"))


def test_name_a_few_asks_a_list_not_a_number() -> None:
    from assistant.answer_typing import load_typer

    for question in ("Kể tên mấy làng nghề nổi tiếng quanh phố cổ.", "Kể tên các làng nghề quanh phố cổ."):
        assert analyze(question).qtype == "list"
        assert load_typer().expected(question) == ""
    assert analyze("Có mấy làng nghề quanh phố cổ?").qtype == "how_many"
