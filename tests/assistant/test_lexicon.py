"""The word list: a word of the question versus the seam between two words."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer_typing import load_typer
from assistant.lexicon import WordList, load_word_list
from assistant.settings import Settings


@pytest.fixture(scope="module")
def words() -> WordList:
    return load_word_list(Settings().words_path)


@pytest.mark.parametrize("pair", ["giao dien", "ket hon", "thuong tru", "dang ky", "kho de"])
def test_words_are_words(words: WordList, pair: str) -> None:
    assert words.is_word(pair)


@pytest.mark.parametrize("pair", ["chieu thu", "phan dang", "xong thi", "gay kho", "thi bi"])
def test_seams_between_words_are_not(words: WordList, pair: str) -> None:
    assert not words.is_word(pair)


def test_every_pair_of_a_longer_word_counts_and_comments_are_skipped(tmp_path: Path) -> None:
    f = tmp_path / "w.txt"
    f.write_text("# a comment line\nCơ sở dữ liệu\n", encoding="utf-8")
    w = load_word_list(f)
    assert len(w) == 3 and w.is_word("so du") and not w.is_word("lieu co")


def test_without_a_list_every_pair_counts() -> None:
    assert WordList().is_word("chieu thu") and load_word_list(None).is_word("xong thi")


def test_asking_phrases_are_not_topic_words() -> None:
    typer = load_typer()
    asking = typer.asking_words("Mã kích hoạt VNeID dùng được trong bao lâu?")
    assert {"bao", "lau"} <= asking and "kich" not in asking
    assert {"may", "gio"} <= typer.asking_words("Chiều thứ Bảy làm việc đến mấy giờ?")


def test_a_pair_written_with_diacritics_is_checked_as_written(words: WordList) -> None:
    # folded, "có kết" (the seam of "có kết quả") and "cố kết" (a word) are one pair; as written they differ
    assert not words.is_word("co ket", "Nộp đủ hồ sơ thì bao lâu có kết quả?")
    assert words.is_word("co ket", "Sự cố kết cộng đồng")
    assert words.is_word("co ket", "bao lau co ket qua")  # typed without diacritics: the folded pair is all there is
    assert words.is_word("giao dien", "Giao diện khó dùng")


def test_a_syllable_of_the_list_is_told_from_a_foreign_name(words: WordList) -> None:
    assert words.is_syllable("Động") and words.is_syllable("thường")
    assert not words.is_syllable("Yersin") and not words.is_syllable("Bourdain")
    assert WordList().is_syllable("Yersin")  # without a list, every word is one
