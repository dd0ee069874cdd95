"""normalize_text / fold / clutter_spans on synthetic edge cases and the real corpus."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from index.normalize import clutter_spans, fold, normalize_text

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"
CORPUS_FILES = sorted(CORPUS.glob("*.txt"))


def corpus_text(prefix: str) -> str:
    (path,) = [p for p in CORPUS_FILES if p.name.startswith(prefix)]
    return normalize_text(path.read_text(encoding="utf-8"))


def test_corpus_present() -> None:
    assert len(CORPUS_FILES) == 5


@pytest.mark.parametrize(
    ("variant", "canonical"),
    [
        ("hoà", "hòa"),
        ("thuỷ", "thủy"),
        ("khoẻ", "khỏe"),
        ("Hoà Bình", "Hòa Bình"),
        ("Khánh Hoà", "Khánh Hòa"),
        ("Tỉnh uỷ", "Tỉnh ủy"),
        ("khoá XX", "khóa XX"),
        ("hoá đơn", "hóa đơn"),
        ("HOÀ", "HÒA"),
        ("Thuỵ", "Thụy"),
        ("xoè", "xòe"),
        ("toà án", "tòa án"),
    ],
)
def test_both_tone_styles_normalise_to_the_corpus_style(variant: str, canonical: str) -> None:
    assert normalize_text(variant) == canonical
    assert normalize_text(canonical) == canonical
    # and the decomposed (NFD) spelling of either style too
    assert normalize_text(unicodedata.normalize("NFD", variant)) == canonical
    assert normalize_text(unicodedata.normalize("NFD", canonical)) == canonical


@pytest.mark.parametrize(
    "word", ["quý", "Quỳ", "hoàn", "ngoài", "khuya", "thuyền", "toán", "khoảng", "thuở", "hoạch", "uyển"]
)
def test_tone_rule_leaves_closed_syllables_and_qu_alone(word: str) -> None:
    assert normalize_text(word) == word


def test_corpus_uses_one_tone_style_after_normalisation() -> None:
    new_style = re.compile(r"(?<![qQ])[oO][àáảãạèéẻẽẹ](?!\w)|(?<![qQ])[uU][ỳýỷỹỵ](?!\w)")
    raw_004 = (CORPUS / "004_d6ff605c696d3f9a.txt").read_text(encoding="utf-8")
    assert new_style.search(raw_004), "004 really contains new-style spellings (hoá, uỷ, khoá)"
    for path in CORPUS_FILES:
        assert not new_style.search(normalize_text(path.read_text(encoding="utf-8"))), path.name
    # the two spellings of the same word now compare equal across documents
    assert not re.search(r"\bhoá\b", corpus_text("004")) and "hóa đơn điện tử" in corpus_text("004")


def test_nfd_corpus_normalises_to_the_same_text() -> None:
    for path in CORPUS_FILES:
        raw = path.read_text(encoding="utf-8")
        assert normalize_text(unicodedata.normalize("NFD", raw)) == normalize_text(raw)


@pytest.mark.parametrize(
    "invisible",
    ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
    + ["\u00ad"],
)
def test_zero_width_and_bidi_characters_are_removed(invisible: str) -> None:
    dirty = f"Đề{invisible} án 0{invisible}6 VNe{invisible}ID"
    assert normalize_text(dirty) == "Đề án 06 VNeID"


def test_zero_width_inside_a_decomposed_letter_still_composes() -> None:
    # "ệ" written as e + ZWSP + circumflex + dot below must become one character
    assert normalize_text("hi\u0065\u200b\u0302\u0323n") == "hiện"


@pytest.mark.parametrize("space", ["\u00a0", "\u2002", "\u2003", "\u2009", "\u202f", "\u3000", "\u205f"])
def test_unicode_spaces_become_plain_spaces(space: str) -> None:
    assert normalize_text(f"dịch{space}vụ") == "dịch vụ"


def test_newlines_and_control_characters() -> None:
    assert normalize_text("a\r\nb\rc\nd") == "a\nb\nc\nd"
    assert normalize_text("a\tb\x00c\x07d\x1be") == "a\tbcde"
    assert normalize_text("trang 1\x0ctrang 2") == "trang 1\ntrang 2"
    assert normalize_text("dòng\u2028mới") == "dòng\nmới"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hoà\u200b bình\r\n\u00a0thuỷ",
        unicodedata.normalize("NFD", "Khoẻ mạnh, QUÝ I/2025"),
        "\ufeffĐầu file có BOM",
    ],
)
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


def test_normalize_is_idempotent_on_corpus() -> None:
    for path in CORPUS_FILES:
        once = normalize_text(path.read_text(encoding="utf-8"))
        assert normalize_text(once) == once


def test_fold_strips_marks_and_lowercases() -> None:
    assert fold("Đường Hòa Bình") == "duong hoa binh"
    assert fold("ĐẮK LẮK, Bắc Kạn") == "dak lak, bac kan"
    assert fold("Tỷ lệ đạt 98,81%") == "ty le dat 98,81%"
    assert fold("İstanbul") == "istanbul"  # "İ".lower() is two chars; fold keeps one


def test_fold_is_length_preserving_on_the_whole_corpus() -> None:
    for path in CORPUS_FILES:
        text = normalize_text(path.read_text(encoding="utf-8"))
        folded = fold(text)
        assert len(folded) == len(text), path.name
        # offsets map 1:1: a folded hit is the same word in the original
        i = folded.find("chuyen doi so")
        assert i >= 0 and fold(text[i : i + 13]) == "chuyen doi so"


def test_fold_length_preserving_on_odd_characters() -> None:
    weird = "ǅǈǋ ẞ ﬁ İ Å Ω K ǰ ΐ"
    assert len(fold(weird)) == len(weird)


def test_clutter_in_real_corpus() -> None:
    expectations = {
        "001": ["bac ninh ok.jpg"],
        "002": ["Thứ Hai, 07/10/2024", "Ngày đăng: 21/07/2023 - Lượt xem: 47", "Xem với cỡ chữ"],
        "004": [
            "Chuyển đổi số - Ngày đăng : 07:28, 08/03/2023",
            "h1-khai-truong-trung-tam-ioc-binh-dinh.png",
            "h2-ong-tran-kim-kha-gd-so-gio-thieu-ioc.jpg",
            "h4-ct-ubnd-pham-anh-tuan.jpg",
            "Huy Phúc 08/03/2023 07:28",
        ],
        "000": ["Ảnh: TRỌNG LỢI"],
    }
    for prefix, items in expectations.items():
        text = corpus_text(prefix)
        found = {text[s:e] for s, e in clutter_spans(text)}
        for item in items:
            assert item in found, (prefix, item, found)


def test_clutter_spans_never_cover_content() -> None:
    for path in CORPUS_FILES:
        text = normalize_text(path.read_text(encoding="utf-8"))
        spans = clutter_spans(text)
        assert spans == sorted(spans)
        for (_s1, e1), (s2, _e2) in zip(spans, spans[1:], strict=False):
            assert e1 <= s2
        covered = sum(e - s for s, e in spans)
        assert covered < 0.05 * len(text), path.name
        for s, e in spans:
            piece = text[s:e]
            assert piece == piece.strip() and piece
            # clutter is short page furniture, never a body sentence with figures
            assert len(piece) < 120, piece
            assert "%" not in piece
    text = corpus_text("000")
    quote = "Tính đến quý I/2025, toàn tỉnh có 1.230 dịch vụ công trực tuyến toàn trình"
    q = text.index(quote)
    assert all(e <= q or s >= q + len(quote) for s, e in clutter_spans(text))


def test_duplicate_header_lines_in_004_keep_their_first_occurrence() -> None:
    text = corpus_text("004")
    title = "Chuyển đổi số quyết tâm của cả hệ thống chính trị tỉnh Bình Định"
    first = text.index(title)
    second = text.index(title, first + 1)
    spans = clutter_spans(text)
    assert (second, second + len(title)) in spans
    assert all(not (s <= first < e) for s, e in spans)


def test_synthetic_clutter() -> None:
    text = normalize_text(
        "Trang chủ > Tin tức > Chuyển đổi số\n"
        "Lượt xem: 1.234\n"
        "Xem với cỡ chữ A A A\n"
        "anh-dai-dien 2024.JPEG\n"
        "Tỉnh đã có 1.230 dịch vụ công trực tuyến.\n"
        "Chia sẻ | Facebook | Zalo\n"
    )
    pieces = [text[s:e] for s, e in clutter_spans(text)]
    assert "Trang chủ > Tin tức > Chuyển đổi số" in pieces
    assert "Lượt xem: 1.234" in pieces
    assert "Xem với cỡ chữ A A A" in pieces
    assert "anh-dai-dien 2024.JPEG" in pieces
    assert "Chia sẻ | Facebook | Zalo" in pieces
    assert all("dịch vụ công" not in p for p in pieces)


def test_clutter_works_without_diacritics() -> None:
    text = "Ngay dang: 21/07/2023 - Luot xem: 47\nNoi dung bai viet o day.\n"
    pieces = [text[s:e] for s, e in clutter_spans(text)]
    assert pieces == ["Ngay dang: 21/07/2023 - Luot xem: 47"]


def test_more_news_site_furniture_is_clutter_but_lookalike_content_is_not() -> None:
    text = normalize_text(
        "Tags: chuyển đổi số, VNeID\n"
        "Cỡ chữ: A- A A+\n"
        "Lượt đọc: 1.234\n"
        "In bài viết | Email | Facebook\n"
        "Tin liên quan\n"
        "Ngày đăng ký 12/3/2023 là hạn cuối nộp hồ sơ.\n"
        "Cập nhật 128.402 nhân khẩu vào cơ sở dữ liệu dân cư.\n"
        "Chia sẻ: Facebook, Zalo\n"
        "Tính đến ngày 30/6/2023\n"
        "Nguyễn Văn An 09/05/2025 10:15\n"
        "09/05/2025 10:15\n"
    )
    pieces = [text[s:e] for s, e in clutter_spans(text)]
    assert pieces == [
        "Tags: chuyển đổi số, VNeID",
        "Cỡ chữ: A- A A+",
        "Lượt đọc: 1.234",
        "In bài viết | Email | Facebook",
        "Tin liên quan",
        "Chia sẻ: Facebook, Zalo",
        "Nguyễn Văn An 09/05/2025 10:15",
        "09/05/2025 10:15",
    ]


def test_a_cue_found_on_folded_text_may_be_written_as_other_words() -> None:
    from index.normalize import written_otherwise

    q = "Mộ của bác sĩ Yersin nằm ở đâu?"
    at = fold(q).find("mo cua")
    assert written_otherwise(q, at, at + 6, ["mở cửa"])  # "Mộ của" is no "mở cửa"
    q = "Bộ phận một cửa mở cửa lúc mấy giờ?"
    at = fold(q).find("mo cua")
    assert not written_otherwise(q, at, at + 6, ["mở cửa"])
    assert not written_otherwise("mo cua luc may gio", 0, 6, ["mở cửa"])  # no diacritics: as folded
