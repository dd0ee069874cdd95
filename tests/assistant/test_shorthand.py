"""The chat-shorthand table: shipped data, the loader's errors, and what is written out."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings
from assistant.shorthand import load_shorthand


@pytest.fixture(scope="module")
def shipped() -> object:
    return load_shorthand(Settings().shorthand_path)


@pytest.mark.parametrize(("typed", "expanded"), [
    ("e đổi sđt r, vneid cập nhật ở đâu", "em đổi số điện thoại r, vneid cập nhật ở đâu"),
    # a one-letter word opening the question is capitalised as the sentence's first word, not an initial
    ("E làm mất cccd, giờ xin cấp lại", "em làm mất cccd, giờ xin cấp lại"),
    ("K biết đk ở đâu", "không biết đăng ký ở đâu"),
    ("bằng lái hạng E lái xe gì", "bằng lái hạng E lái xe gì"),
    ("E-mail, E2 và E", "E-mail, E2 và E"),
    ("up ảnh hđ thuê nhà bị mờ nên hs tạm trú bị trả", "up ảnh hợp đồng thuê nhà bị mờ nên hồ sơ tạm trú bị trả"),
    ("đk tạm trú cho con dc ko", "đăng ký tạm trú cho con được không"),
    ("HS và SĐT", "HS và SĐT"),  # capitals: an acronym or initials, kept
    ("mã 50k, tk-01, www.k.vn", "mã 50k, tk-01, www.k.vn"),  # inside numbers, codes and addresses: kept
])
def test_shipped_table_writes_out_what_citizens_type(shipped: object, typed: str, expanded: str) -> None:
    assert shipped.expand(typed) == expanded  # type: ignore[attr-defined]


def test_a_malformed_line_names_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "shorthand.tsv"
    bad.write_text("# comment\nko\tkhông\nhai chữ\tx\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"shorthand.tsv, line 3"):
        load_shorthand(bad)


def test_an_operator_table_replaces_the_shipped_one(tmp_path: Path) -> None:
    own = tmp_path / "own.tsv"
    own.write_text("xn\txác nhận\n", encoding="utf-8")
    table = load_shorthand(own)
    assert table.expand("giấy xn cư trú, ko") == "giấy xác nhận cư trú, ko"
