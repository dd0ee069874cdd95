"""What kind of value a question asks for: the asking clause decides, not a noun elsewhere in it."""

from __future__ import annotations

import pytest

from assistant.answer_typing import AnswerTyper, load_typer


@pytest.fixture(scope="module")
def typer() -> AnswerTyper:
    return load_typer()


@pytest.mark.parametrize(("question", "kind"), [
    # a noun naming one type in an earlier clause, the asking word of another in the last one
    ("e đổi sđt rồi, số cũ ko dùng nữa thì vneid cập nhật ở đâu v ạ", "place"),
    ("Số điện thoại cũ bị khóa thì đến cơ quan nào để cập nhật?", "organization"),
    # "how many" alone in the last clause: the whole question says of what
    ("Lệ phí cấp căn cước lần đầu là bao nhiêu, đổi thẻ thì bao nhiêu?", "money"),
    ("Tỷ lệ hồ sơ trực tuyến là bao nhiêu?", "percent"),
    ("Nếu mất thẻ thì bao lâu được cấp lại?", "duration"),
    ("Số điện thoại đường dây nóng là gì?", "phone"),
    # English "when" asks only as the question word, not as "when submitting"
    ("When did the law take effect?", "date"),
    ("Since when has Huế been a centrally governed city?", "date"),
    ("What file formats can I attach when submitting an application?", ""),
])
def test_the_asking_clause_decides_the_type(typer: AnswerTyper, question: str, kind: str) -> None:
    assert typer.expected(question) == kind
