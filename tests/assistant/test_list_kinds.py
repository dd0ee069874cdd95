"""A question asking for a kind of items (papers, steps) gets the list whose heading names that kind.

The citizen's words ("những giấy tờ gì", "trình tự thế nào") are not the page's ("Hồ sơ gồm", "Các bước
thực hiện"), while a line beside the list shares the question's conditions ("lần đầu"). Real ingest of a
markdown page (whose unnumbered "##" headings must survive loading as lead-ins), real pipeline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

PAGE = """# Cấp hộ chiếu phổ thông

**Cơ quan thực hiện:** Phòng Quản lý xuất nhập cảnh Công an tỉnh

## Hồ sơ gồm

- 01 Tờ khai đề nghị cấp hộ chiếu phổ thông (Mẫu TK01);
- 02 ảnh chân dung cỡ 4 cm x 6 cm, phông nền màu trắng;
- Thẻ căn cước còn giá trị sử dụng.

## Trình tự thực hiện

1. Khai tờ khai trên Cổng dịch vụ công quốc gia.
2. Đến Phòng Quản lý xuất nhập cảnh nộp hồ sơ, chụp ảnh và thu nhận vân tay.
3. Nộp lệ phí và nhận giấy hẹn.

## Thời hạn giải quyết

- Cấp hộ chiếu lần đầu: không quá 08 ngày làm việc kể từ ngày nhận đủ hồ sơ.
- Cấp lại hộ chiếu bị mất: không quá 15 ngày làm việc.
"""


@pytest.fixture(scope="module")
def pipeline(page_pipeline: Callable[[str, dict[str, str]], Any]) -> Any:
    return page_pipeline("listkinds", {"ho-chieu.md": PAGE})


def test_papers_are_answered_by_the_list_headed_with_the_page_word_for_them(pipeline: Any) -> None:
    answer = pipeline.ask("Người lớn làm hộ chiếu lần đầu thì cần mang theo những giấy tờ gì?")
    assert not answer.refused, answer.meta
    lead = answer.answer.split("[", 1)[0].lower()
    assert "tờ khai" in lead and "02 ảnh chân dung" in lead and "thẻ căn cước" in lead, lead
    assert "08 ngày" not in lead, lead


def test_steps_are_answered_by_the_list_under_an_unnumbered_heading(pipeline: Any) -> None:
    answer = pipeline.ask("Đến Phòng Quản lý xuất nhập cảnh nộp hồ sơ hộ chiếu thì phải làm những bước nào?")
    assert not answer.refused, answer.meta
    lead = answer.answer.split("[", 1)[0]
    assert lead.startswith("Trình tự thực hiện:"), lead
    assert "nộp hồ sơ" in lead.lower() and "nộp lệ phí" in lead.lower(), lead


WAYS = """# Cấp lại thẻ bảo hiểm y tế

## Hồ sơ gồm

- Tờ khai tham gia, điều chỉnh thông tin bảo hiểm xã hội, bảo hiểm y tế (Mẫu TK1-TS).

## Hình thức nộp hồ sơ

- Nộp trực tiếp tại cơ quan Bảo hiểm xã hội cấp huyện.
- Nộp trực tuyến trên Cổng dịch vụ công quốc gia hoặc ứng dụng VssID.
- Gửi hồ sơ qua dịch vụ bưu chính công ích.

## Thời hạn giải quyết

- Cấp lại thẻ bị mất: không quá 07 ngày làm việc kể từ ngày nhận đủ hồ sơ.
"""


def test_ways_are_answered_by_the_list_headed_with_the_page_word_for_them(
        page_pipeline: Callable[[str, dict[str, str]], Any]) -> None:
    # "những kênh nào" is the citizen's word for the page's "Hình thức"; the papers list is also about "hồ sơ"
    pipeline = page_pipeline("listways", {"bhyt.md": WAYS})
    answer = pipeline.ask("Hồ sơ cấp lại thẻ bảo hiểm y tế bị mất nộp qua những kênh nào?")
    assert not answer.refused, answer.meta
    lead = answer.answer.split("[", 1)[0].lower()
    assert lead.startswith("hình thức nộp hồ sơ"), lead
    assert "bưu chính" in lead and "vssid" in lead, lead
