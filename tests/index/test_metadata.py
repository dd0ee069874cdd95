"""Metadata of the five real reports, checked against what their texts say, plus the gazetteer."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.loaders import load_document
from index.metadata import extract_meta, parse_date
from index.normalize import clutter_spans, normalize_text
from index.types import DocumentMeta

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"


def meta_of(prefix: str) -> DocumentMeta:
    (path,) = sorted(CORPUS.glob(f"{prefix}_*.txt"))
    return load_document(path, path.name).meta


def test_000_binh_dinh_c06_visit_2025() -> None:
    meta = meta_of("000")
    # "việc triển khai Đề án 06 tại Bình Định", "Trường ĐH Quy Nhơn" is a passing mention
    assert meta.places == ("Bình Định",)
    # reports "Tính đến quý I/2025" and "năm 2025"; 2030/2035 are targets, 22.12.2024 is a resolution's date
    assert meta.years == (2025,)
    assert meta.published is None  # the text states no publication date
    assert meta.outlet == "TRỌNG LỢI - Nguồn Báo Bình Định"
    assert meta.title.startswith("Sáng 9.5, tại trụ sở UBND tỉnh")
    assert len(meta.title) <= 121


def test_001_bac_ninh_2024() -> None:
    meta = meta_of("001")
    assert meta.places == ("Bắc Ninh",)
    # "năm 2024 là điểm sáng ... (từ 62,87% năm 2023 lên 98,94% năm 2024)"; "Luật ... từ năm 2006" is history
    assert meta.years == (2024, 2023)
    assert meta.published is None
    assert meta.outlet == "Theo Thùy Vy (Báo Bắc Ninh)"
    assert (
        meta.title
        == "Không chỉ là xu hướng tất yếu, chuyển đổi số còn là yêu cầu khách quan mang tính thời đại."
    )


def test_002_bac_kan_first_half_2023() -> None:
    meta = meta_of("002")
    assert meta.places == ("Bắc Kạn",)
    # "Ngày đăng: 21/07/2023"; the "Thứ Hai, 07/10/2024" header is the site's date, not the article's
    assert meta.published == "2023-07-21"
    assert meta.years == (2023, 2022)  # "6 tháng đầu năm 2023", "DTI năm 2022"
    assert 2024 not in meta.years
    assert meta.outlet == "Thu Hiền"
    assert meta.title == "Bắc Kạn sơ kết 6 tháng đầu năm về chuyển đổi số và Đề án 06"


def test_003_la_gi_binh_thuan() -> None:
    meta = meta_of("003")
    # "thị xã La Gi" throughout; the text never names Bình Thuận, the gazetteer knows it
    assert meta.places == ("La Gi", "Bình Thuận")
    assert "Bình Thuận" not in (CORPUS / "003_55716df2aa7fbea7.txt").read_text(encoding="utf-8")
    assert meta.published is None
    assert meta.outlet == ""  # the article ends with body text, no byline
    assert 2030 not in meta.years and 2025 not in meta.years  # targets ("Đến năm 2030")
    assert meta.title.startswith("Tại phiên họp thứ 3 của Ủy ban Chuyển đổi số Quốc gia")


def test_004_binh_dinh_march_2023() -> None:
    meta = meta_of("004")
    assert meta.places == ("Bình Định",)
    # "Ngày đăng : 07:28, 08/03/2023" and "Huy Phúc 08/03/2023 07:28"
    assert meta.published == "2023-03-08"
    assert meta.years[:2] == (2023, 2022)  # published 2023; "Đến cuối năm 2022", "Trong năm 2022"
    assert 2025 not in meta.years and 2030 not in meta.years  # plans after publication
    assert meta.outlet == "Huy Phúc"
    assert meta.title == "Chuyển đổi số quyết tâm của cả hệ thống chính trị tỉnh Bình Định"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("21/07/2023", "2023-07-21"),
        ("07:28, 08/03/2023", "2023-03-08"),
        ("22.12.2024", "2024-12-22"),
        ("12-10-2024", "2024-10-12"),
        ("2025-05-09T08:00:00+07:00", "2025-05-09"),
        ("32/13/2023", None),
        ("không có ngày", None),
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_published_is_not_taken_from_a_cited_resolution() -> None:
    text = normalize_text(
        "Tỉnh triển khai Nghị quyết số 05-NQ/TU ngày 20/09/2021 về chuyển đổi số.\nKết quả năm 2024 đạt 90%."
    )
    meta = extract_meta("x.txt", text)
    assert meta.published is None
    assert meta.years == (2024,)


def test_published_label_without_diacritics_and_sidecar_priority() -> None:
    text = "Ngay dang: 05/01/2024\nTinh Bac Ninh dat 93,18% ho so truc tuyen nam 2023."
    assert extract_meta("x.txt", text).published == "2024-01-05"
    meta = extract_meta("x.txt", text, {"published": "2024-02-01", "title": "Tiêu đề khác", "url": "u"})
    assert meta.published == "2024-02-01"
    assert meta.title == "Tiêu đề khác"
    assert meta.url == "u"
    assert meta.places == ("Bắc Ninh",)


def test_places_ranked_by_frequency_and_town_specificity() -> None:
    text = normalize_text(
        "Thị xã La Gi đẩy mạnh chuyển đổi số.\n"
        "Thị xã La Gi đạt 98,91% hồ sơ đúng hạn, cao hơn mức của Bình Thuận.\n"
        "Đoàn công tác của Đồng Nai đến thăm La Gi."
    )
    assert extract_meta("x.txt", text).places == ("La Gi", "Bình Thuận", "Đồng Nai")


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Ngày đăng ký 12/3/2023 là hạn cuối.\nNội dung bài.", None),  # "đăng ký" = register
        ("Cập nhật 128.402 nhân khẩu ngày 15/6/2023.\nNội dung.", None),
        ("Cập nhật: 10:20 22/12/2024\nNội dung.", "2024-12-22"),
        ("Đăng ngày 05/01/2024\nNội dung.", "2024-01-05"),
        ("Hà Nội, ngày 2 tháng 1 năm 2023\nNgày đăng: ngày 21 tháng 7 năm 2023\nNội dung.", "2023-07-21"),
        ("Bài viết nêu 3 kết quả.\nKế hoạch ban hành ngày 15/6/2023.", None),
        ("UBND TỈNH BÌNH ĐỊNH\nBình Định, ngày 21 tháng 7 năm 2023\nKẾ HOẠCH\nNội dung.", "2023-07-21"),
        ("Số: 407/KH-UBND\nBắc Kạn, ngày 27/6/2023\nKế hoạch thực hiện.", "2023-06-27"),
    ],
)
def test_published_needs_a_label_right_before_the_date(text: str, published: str | None) -> None:
    assert extract_meta("x.txt", normalize_text(text)).published == published


# --------------------------------------------------------------------------- places only as written


def test_a_law_is_not_about_nam_dinh() -> None:
    """"người Việt Nam định cư ở nước ngoài" holds the syllables of "Nam Định", not the province."""
    from index.loaders import load_all

    laws = {d.meta.source: d.meta for d in load_all([CORPUS.parent / "corpus-law"])}
    assert laws["luat-cu-tru.txt"].places == ()
    text = normalize_text("Người Việt Nam định cư ở nước ngoài được cấp giấy chứng nhận căn cước.")
    assert extract_meta("x.txt", text).places == ()


@pytest.mark.parametrize(("text", "places"), [
    ("Tỉnh Nam Định đẩy mạnh chuyển đổi số.", ("Nam Định",)),
    ("Đoàn công tác làm việc tại tỉnh nam định về Đề án 06.", ("Nam Định",)),  # after a prefix
    ("NAM ĐỊNH ĐẨY MẠNH CHUYỂN ĐỔI SỐ\nNội dung.", ("Nam Định",)),  # a headline in capitals
    ("Kiều bào là người Việt Nam định cư ở nước ngoài.", ()),
    ("Binh Dinh co 1.230 dich vu cong truc tuyen.", ("Bình Định",)),  # typed without diacritics
    ("nguoi Viet Nam dinh cu o nuoc ngoai", ()),
    ("Bình định kỳ hằng năm, các đơn vị báo cáo.", ()),  # "bình định kỳ": not the province
])
def test_document_places_need_the_name_as_written(text: str, places: tuple[str, ...]) -> None:
    assert extract_meta("x.txt", normalize_text(text)).places == places


def test_a_print_view_header_is_no_title() -> None:
    # a page printed from a portal opens with the portal's name, its address and the print date
    text = normalize_text(
        "Cổng thông tin điện tử Công an tỉnh - In trang\n"
        "Địa chỉ trang: https://congan.tinh.example.vn/huong-dan/sang-ten-xe\n"
        "Ngày in: 14/06/2025 09:42\n"
        "==========================================\n"
        "HƯỚNG DẪN THỦ TỤC SANG TÊN XE\n\n"
        "Người mua xe phải làm thủ tục sang tên trong thời hạn 30 ngày.\n")
    meta = extract_meta("sang-ten.txt", text)
    assert meta.title == "HƯỚNG DẪN THỦ TỤC SANG TÊN XE"
    assert [text[a:b] for a, b in clutter_spans(text)][:3] == [
        "Cổng thông tin điện tử Công an tỉnh - In trang",
        "Địa chỉ trang: https://congan.tinh.example.vn/huong-dan/sang-ten-xe", "Ngày in: 14/06/2025 09:42"]
    # a sentence that names a web address is content
    content = normalize_text("Nộp hồ sơ tại https://dichvucong.gov.vn hoặc tại Bộ phận một cửa.\n")
    assert clutter_spans(content) == []
