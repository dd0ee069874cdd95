"""Unit tests of table rows read out in words: hand-made pages parsed as the evidence stage parses them."""

from __future__ import annotations

from assistant.evidence import CorpusStats, Evidence, EvidenceFinder, QueryTerms
from assistant.query import analyze
from assistant.table_rows import is_row, row_as_prose, row_cells

PAGE = """# Hướng dẫn hưởng bảo hiểm xã hội một lần

## 3. Thời hạn và phí

| Hình thức nộp | Thời hạn giải quyết | Phí |
|---|---|---|
| Nộp trực tiếp | 10 ngày làm việc | Không thu phí |
| Nộp trực tuyến | 05 ngày làm việc | Không thu phí |
Người dân nhận kết quả qua ứng dụng VNeID.

Hạng B, C1 | 10 năm kể từ ngày cấp
"""


def _evidence(text: str) -> Evidence:
    finder = EvidenceFinder(CorpusStats([text]), lambda _s: text)
    doc = finder._doc("page.md")  # noqa: SLF001 - the parser the evidence stage uses
    return Evidence(analyze("mấy ngày"), QueryTerms({}, 0.0, ()), [], {"page.md": doc})


def _find(ev: Evidence, part: str):  # type: ignore[no-untyped-def]
    return next(s for s in ev.docs["page.md"].sentences if part in s.text)


def test_a_row_is_read_with_its_tables_headers() -> None:
    ev = _evidence(PAGE)
    row = _find(ev, "Nộp trực tuyến")
    assert row_as_prose(ev, row) == "Nộp trực tuyến — Thời hạn giải quyết: 05 ngày làm việc; Phí: Không thu phí"
    # without the headers (a header's figure the row does not quote): the cells after a colon
    assert row_as_prose(ev, row, named=False) == "Nộp trực tuyến: 05 ngày làm việc; Không thu phí"


def test_the_header_row_and_a_headerless_row() -> None:
    ev = _evidence(PAGE)
    header = _find(ev, "Hình thức nộp")
    assert row_as_prose(ev, header) == "Hình thức nộp: Thời hạn giải quyết; Phí"  # no header above it
    assert row_as_prose(ev, _find(ev, "Hạng B")) == "Hạng B, C1: 10 năm kể từ ngày cấp"


def test_prose_is_no_row() -> None:
    ev = _evidence(PAGE)
    assert row_as_prose(ev, _find(ev, "Hướng dẫn hưởng")) == ""
    assert not is_row("Người dân nộp hồ sơ tại Công an xã.")
    assert row_cells("| A | 05 ngày |  |") == ["A", "05 ngày"]


def test_a_row_is_about_its_pages_title() -> None:
    # a row is a fragment: "| Nộp trực tuyến | 05 ngày làm việc |" states the page's procedure through its title
    ev = _evidence(PAGE)
    row = _find(ev, "Nộp trực tuyến")
    assert {"bao hiem", "xa hoi", "thoi han"} <= row.context  # the title, the table's header
    assert "bao hiem" not in _find(ev, "Người dân nhận").context  # a line outside the table: its heading only
