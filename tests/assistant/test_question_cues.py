"""Unit tests of the definition cue: which sentences say what a term is."""

from __future__ import annotations

import pytest

from assistant.question_cues import defines
from index.normalize import fold


@pytest.mark.parametrize("sentence,term", [
    ("Căn cước điện tử là căn cước của công dân được thể hiện thông qua tài khoản định danh điện tử.",
     "can cuoc dien tu"),
    ("Khu vực giao nhau giữa ba nước Thái Lan, Lào và Myanmar được gọi là \"Tam giác vàng\".", "tam giac vang"),
    ("Tên gọi bắt nguồn từ tên địa phương \"Hủa Xi Pan\", có nghĩa là \"phiến đá khổng lồ\".", "hua xi pan"),
    ("Những xe này được binh sĩ mệnh danh là \"những chiếc Curie nhỏ\".", "nhung chiec curie nho"),
    ("The area where three countries meet is known as the Golden Triangle.", "the golden triangle"),
])
def test_sentences_that_say_what_a_term_is(sentence: str, term: str) -> None:
    assert defines(fold(sentence), term)


@pytest.mark.parametrize("sentence,term", [
    ("Tôi đã đến Tam giác vàng vào năm ngoái.", "tam giac vang"),
    ("Người dân gọi điện cho Công an cấp xã.", "cong an"),
    ("Căn cước điện tử được sử dụng để thực hiện thủ tục hành chính.", "can cuoc dien tu"),
])
def test_sentences_that_only_mention_the_term(sentence: str, term: str) -> None:
    assert not defines(fold(sentence), term)
