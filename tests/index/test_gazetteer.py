"""The gazetteer: the shipped pack's places, how a question and a document name them, and the pack file's checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.composition import gazetteer_of
from assistant.followup import condense
from assistant.query import analyze
from assistant.settings import Settings
from assistant.types import Turn
from index.gazetteer import DEFAULT_GAZETTEER, Gazetteer, load_gazetteer
from index.metadata import extract_meta
from index.normalize import fold, normalize_text

SHIPPED = load_gazetteer(DEFAULT_GAZETTEER)


def test_gazetteer_has_63_canonical_provinces() -> None:
    assert len(SHIPPED.provinces) == 63
    assert len(set(SHIPPED.provinces)) == 63
    assert len({fold(p) for p in SHIPPED.provinces}) == 63
    for name in SHIPPED.provinces:
        assert normalize_text(name) == name  # same tone style as documents ("Hòa", "Thanh Hóa")
    for town, province in SHIPPED.towns.items():
        assert province in SHIPPED.provinces, town
        assert SHIPPED.province_of(town) == province
    assert SHIPPED.province_of("Bắc Ninh") == "Bắc Ninh"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tinh binh dinh co bao nhieu dich vu cong", ["Bình Định"]),
        ("BINH DINH va BAC NINH", ["Bình Định", "Bắc Ninh"]),
        ("Bắc Kạn và Bắc Ninh", ["Bắc Kạn", "Bắc Ninh"]),
        ("thi xa la gi da cap bao nhieu CCCD", ["La Gi"]),
        ("chuyen doi so la gi", []),  # "là gì", not La Gi
        ("Chuyển đổi số là gì?", []),
        ("Khánh Hoà và Thanh Hoá", ["Khánh Hòa", "Thanh Hóa"]),
        ("tỉnh Hòa Bình", ["Hòa Bình"]),
        ("xây dựng hòa bình", []),
        ("TP.HCM và TP. Hà Nội", ["Hồ Chí Minh", "Hà Nội"]),
        ("tư tưởng Hồ Chí Minh", []),
        ("thành phố Hồ Chí Minh", ["Hồ Chí Minh"]),
        ("Thái Bình Dương", []),
        ("tỉnh Thái Bình", ["Thái Bình"]),
        ("năm định hướng", []),  # not Nam Định
        ("Nam Định", ["Nam Định"]),
        ("Đắk Lắk, Đắc Lắc và Daklak", ["Đắk Lắk"]),
        ("Quy Nhơn", ["Quy Nhơn"]),
        ("quản trị hệ thống", []),  # not Quảng Trị
        ("What about Bac Kan in 2023?", ["Bắc Kạn"]),
        ("Hanoi, Ho Chi Minh City and Danang", ["Hà Nội", "Hồ Chí Minh", "Đà Nẵng"]),
        ("In Binh Dinh's 2025 report", ["Bình Định"]),
        ("", []),
    ],
)
def test_find_places(text: str, expected: list[str]) -> None:
    assert SHIPPED.find_places(text) == expected



def test_questions_still_match_places_folded() -> None:
    assert SHIPPED.find_places("nam dinh co bao nhieu dich vu cong") == ["Nam Định"]
    assert SHIPPED.find_places("Còn Bắc Ninh thì sao?") == ["Bắc Ninh"]


def test_not_a_place_only_inside_its_phrase() -> None:
    """"Thái Bình Dương" (the Pacific) names no province, but Thái Bình named beside it still counts."""
    assert SHIPPED.find_places("Thái Bình Dương") == []
    assert SHIPPED.find_places("tỉnh Thái Bình giáp biển, không giáp Thái Bình Dương") == ["Thái Bình"]


OTHER_MAP = """
provinces = ["Gyeonggi", "Seoul"]
prefixes = ["tỉnh"]
needs_case = []
needs_prefix = []
not_places = []
[towns]
"Suwon" = "Gyeonggi"
[aliases]
"Xơ-un" = "Seoul"
"""


def test_a_pack_lists_its_own_places(tmp_path: Path) -> None:
    """Another corpus's pack scopes by its own map: nothing about Vietnam's provinces is in code."""
    path = tmp_path / "gazetteer.toml"
    path.write_text(OTHER_MAP, encoding="utf-8")
    other = load_gazetteer(path)
    assert other.find_places("Thủ tục ở Xơ-un và Suwon thế nào?") == ["Seoul", "Suwon"]
    assert other.province_of("Suwon") == "Gyeonggi"
    assert other.find_places("Bình Định có bao nhiêu dịch vụ công?") == []
    text = normalize_text("Suwon triển khai dịch vụ công.\nSuwon là thành phố của Gyeonggi.")
    assert extract_meta("x.txt", text, gazetteer=other).places == ("Suwon", "Gyeonggi")
    assert analyze("Suwon có bao nhiêu dịch vụ công?", gazetteer=other).places == ("Suwon",)
    history = [Turn("user", "Suwon có bao nhiêu dịch vụ công?"), Turn("assistant", "…")]
    assert condense("Còn Seoul thì sao?", history, gazetteer=other) == "Seoul có bao nhiêu dịch vụ công?"


def test_no_gazetteer_scopes_by_no_place() -> None:
    empty = load_gazetteer(None)
    assert empty == Gazetteer() and empty.find_places("Bình Định và Hà Nội") == []
    assert extract_meta("x.txt", "Bình Định đẩy mạnh chuyển đổi số.", gazetteer=empty).places == ()


def test_settings_choose_the_pack_file(tmp_path: Path) -> None:
    path = tmp_path / "gazetteer.toml"
    path.write_text(OTHER_MAP, encoding="utf-8")
    assert gazetteer_of(Settings(gazetteer_path=path)).provinces == ("Gyeonggi", "Seoul")
    assert gazetteer_of(Settings()).provinces == SHIPPED.provinces


@pytest.mark.parametrize(("text", "message"), [
    ('provinces = ["A"]\n[towns]\n"B" = "C"\n', "town 'B' belongs to 'C'"),
    ('provinces = ["A"]\n[aliases]\n"X" = "Y"\n', "alias 'X' names 'Y'"),
    ('provinces = "A"\n', "'provinces' must be a list"),
    ('provinces = [\n', "cannot read the gazetteer"),
])
def test_a_bad_pack_file_is_an_error_naming_it(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "gazetteer.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as err:
        load_gazetteer(path)
    assert str(path) in str(err.value)


def test_mentions_are_the_names_as_written() -> None:
    # what the question writes, whatever spelling, for the words it spends on a place
    assert [w for w, _ in SHIPPED.mentions("Mình lên Sài Gòn ở nhờ, còn vợ ở TP HCM")] == ["Sài Gòn", "TP HCM"]
    assert SHIPPED.mentions("Chủ tịch Hồ Chí Minh") == []  # a person's name, as find_places reads it
