"""Citation markers: out-of-range dropped, renumbered by first use, quotes verbatim with offsets."""

from __future__ import annotations

import pytest

from assistant.citations import citation_from_span, finalize_citations, strip_markers
from assistant.types import Citation

DOC = "Tính đến quý I/2025, toàn tỉnh có 1.230 dịch vụ công trực tuyến toàn trình (chiếm 66%). Câu thứ hai."


def _cands(n: int) -> list[Citation]:
    return [Citation(n=i + 1, source=f"s{i + 1}.txt", title=f"T{i + 1}", quote=f"q{i + 1}", start=i, end=i + 1)
            for i in range(n)]


def test_quote_is_exact_substring_at_offsets() -> None:
    c = citation_from_span(1, "a.txt", "A", DOC, 0, DOC.index("%).") + 3)
    assert c.quote == DOC[c.start:c.end]
    assert c.quote.endswith("(chiếm 66%).")


@pytest.mark.parametrize("start,end", [(-1, 5), (5, 5), (0, len(DOC) + 1), (10, 3)])
def test_span_outside_document_is_rejected(start: int, end: int) -> None:
    with pytest.raises(ValueError):
        citation_from_span(1, "a.txt", "A", DOC, start, end)


def test_out_of_range_markers_dropped_and_used_ones_renumbered_in_order() -> None:
    text, cites = finalize_citations("B [3]. A [1]. Bịa [9]. Lại B [3].", _cands(3))
    assert text == "B [1]. A [2]. Bịa. Lại B [1]."
    assert [c.n for c in cites] == [1, 2]
    assert [c.source for c in cites] == ["s3.txt", "s1.txt"]  # candidate 2 was never used: not cited


def test_group_markers_keep_valid_members() -> None:
    text, cites = finalize_citations("X [2, 7] và Y [1；2].".replace("；", ";"), _cands(2))
    assert text == "X [1] và Y [2][1]."
    assert [c.source for c in cites] == ["s2.txt", "s1.txt"]


def test_no_markers_means_no_citations() -> None:
    text, cites = finalize_citations("Không có nguồn nào [0].", _cands(2))
    assert cites == ()
    assert text == "Không có nguồn nào."


def test_strip_markers() -> None:
    assert strip_markers("Đạt 85% [1], tăng [2].") == "Đạt 85%, tăng."
