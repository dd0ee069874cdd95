"""The one reader of a corpus pack's TOML files: normalised strings, and errors that name the file and the entry."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.pack_file import PackFile


def test_lists_and_tables_are_read_normalised(tmp_path: Path) -> None:
    path = tmp_path / "pack.toml"
    path.write_text('names = ["Thanh Hoá "]\n[map]\n"Khánh Hoà" = "Nha Trang"\n', encoding="utf-8")
    pack = PackFile(path, "the test pack")
    assert pack.words("names") == ("Thanh Hóa",)  # one tone-mark style, like the documents
    assert pack.table("map") == {"Khánh Hòa": "Nha Trang"}
    assert pack.words("absent") == () and pack.table("absent") == {}


@pytest.mark.parametrize(("text", "message"), [
    ("names = 3\n", "'names' must be a list of words"),
    ('names = ["", "x"]\n', "'names' must be a list of words"),
    ("[map]\nx = 1\n", r"\[map\] must map words to words"),
])
def test_a_bad_entry_names_the_file_and_the_entry(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "pack.toml"
    path.write_text(text, encoding="utf-8")
    pack = PackFile(path, "the test pack")
    with pytest.raises(ValueError, match=message) as err:
        pack.words("names") if "names" in text else pack.table("map")
    assert str(path) in str(err.value)


def test_an_unreadable_file_is_an_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "pack.toml"
    path.write_bytes(b"\xff\xfe not utf-8 [")
    with pytest.raises(ValueError, match="cannot read the test pack") as err:
        PackFile(path, "the test pack")
    assert str(path) in str(err.value)
    with pytest.raises(ValueError, match="cannot read the test pack"):
        PackFile(tmp_path / "missing.toml", "the test pack")
