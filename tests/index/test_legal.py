"""The legal structure parser on the three bundled laws and on a .docx, .pdf and .html law made here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.legal import (
    KIND_FAQ,
    KIND_LAW,
    KIND_REPORT,
    cite_label,
    detect_kind,
    parse_legal,
    resolve_references,
)
from index.loaders import iter_sources, load_all, load_document
from index.normalize import normalize_text

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LAWS = PROJECT_ROOT / "data" / "corpus-law"
REPORTS = PROJECT_ROOT / "data" / "corpus"
EXPECTED = {  # file -> (title, articles): the corpus README's table
    "luat-can-cuoc.txt": ("Luật Căn cước", 46),
    "luat-cu-tru.txt": ("Luật Cư trú", 38),
    "luat-giao-dich-dien-tu.txt": ("Luật Giao dịch điện tử", 53),
}


@pytest.fixture(scope="module")
def laws() -> dict[str, str]:
    return {d.meta.source: d.text for d in load_all([LAWS])}


def test_bundled_laws_folder_readme_is_not_a_document() -> None:
    assert sorted(s for _, s in iter_sources([LAWS])) == sorted(EXPECTED)


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_every_article_of_the_bundled_laws(laws: dict[str, str], source: str) -> None:
    text = laws[source]
    s = parse_legal(text)
    title, n_articles = EXPECTED[source]
    assert s.title == title
    assert s.title_span is not None and text[s.title_span[0]:s.title_span[1]] == title
    assert [a.number for a in s.articles] == [str(i) for i in range(1, n_articles + 1)]
    heads = re.findall(r"^Điều (\d+)\. (.+)$", text, re.MULTILINE)
    assert [(a.number, a.heading) for a in s.articles] == heads
    for prev, a in zip(s.articles, s.articles[1:], strict=False):
        assert prev.end <= a.start  # articles never overlap
    for a in s.articles:
        assert text[a.start:a.heading_end] == a.title
        assert text[a.start:a.end] == text[a.start:a.end].strip()
        assert [c.number for c in a.clauses] == list(range(1, len(a.clauses) + 1))
        for c in a.clauses:
            assert a.start < c.start < c.end <= a.end
            assert text[c.start:].startswith(f"{c.number}. ")
            letters = [p.letter for p in c.points]
            assert letters == list("abcdđeghiklmnopqrstuvxy"[:len(letters)])
            for p in c.points:
                assert c.start < p.start < p.end <= c.end and text[p.start:].startswith(f"{p.letter}) ")


def test_clauses_and_points_of_a_known_article(laws: dict[str, str]) -> None:
    text = laws["luat-cu-tru.txt"]
    s = parse_legal(text)
    a = s.article("20")
    assert a is not None and a.title == "Điều 20. Điều kiện đăng ký thường trú"
    assert len(a.clauses) >= 6
    loc = s.locate(a.clauses[1].start + 5, a.clauses[1].start + 20)
    assert (loc.article, loc.clause) == (a, a.clauses[1])
    with_points = next(c for c in a.clauses if c.points)
    p = with_points.points[1]
    assert s.locate(p.start, p.end).point == p
    assert cite_label(s.title, a, with_points, p) == f"Luật Cư trú, Điều 20, khoản {with_points.number}, điểm b"
    # a span over two clauses is located at the article only
    two = s.locate(a.clauses[0].start, a.clauses[1].end)
    assert two.article == a and two.clause is None


def test_cross_references_resolve_inside_the_same_law(laws: dict[str, str]) -> None:
    text = laws["luat-cu-tru.txt"]
    s = parse_legal(text)
    refs = [r for a in s.articles for r in resolve_references(s, s.title, text, a.start, a.end)]
    assert len(refs) >= 30
    for r in refs:
        assert text[r.start:r.end] == r.text
        number = re.search(r"Điều (\d+)", r.target)
        assert number is not None and s.article(number.group(1)) is not None
        written = re.search(r"Điều (\d+)", r.text)
        here = s.article_at(r.start)
        assert here is not None
        # "Điều này" points at the article it is written in, "Điều 24 của Luật này" at Điều 24
        assert number.group(1) == (written.group(1) if written else here.number)
        clause = re.search(r"khoản (\d+)", r.text)
        if clause and "khoản" in r.target:
            assert f"khoản {clause.group(1)}" in r.target
    # references to another law are left alone
    other = "theo quy định tại khoản 2 Điều 7 của Luật Bảo hiểm y tế"
    assert resolve_references(s, s.title, other, 0, len(other)) == []


# --------------------------------------------------------------------------- other formats

_LAYOUT = [
    "QUỐC HỘI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Luật số: 99/2024/QH15",
    "LUẬT", "THỬ NGHIỆM CẤU TRÚC",
    "Chương I", "NHỮNG QUY ĐỊNH CHUNG",
    "Điều 1. Phạm vi điều chỉnh",
    "Luật này quy định về việc đăng ký của công dân tại nơi ở hợp pháp.",
    "Điều 2. Điều kiện đăng ký",
    "1. Công dân có chỗ ở hợp pháp thì được đăng ký.",
    "2. Hồ sơ đăng ký gồm:",
    "a) Tờ khai thay đổi thông tin;",
    "b) Giấy tờ chứng minh chỗ ở hợp pháp;",
    "đ) không phải điểm kế tiếp nên là một phần của điểm b.",
    "c) Giấy tờ khác theo quy định tại khoản 1 Điều này.",
    "Chương II", "ĐIỀU KHOẢN THI HÀNH",
    "Điều 3. Hiệu lực thi hành",
    "Luật này có hiệu lực thi hành từ ngày 01 tháng 7 năm 2025; Điều 2 của Luật này áp dụng ngay.",
]


def _check_layout(text: str) -> None:
    s = parse_legal(text)
    assert s.title == "Luật Thử nghiệm cấu trúc"
    assert s.number == "99/2024/QH15"
    assert [a.number for a in s.articles] == ["1", "2", "3"]
    assert [a.heading for a in s.articles] == ["Phạm vi điều chỉnh", "Điều kiện đăng ký", "Hiệu lực thi hành"]
    assert [(d.kind, d.number, d.title) for d in s.divisions] == [
        ("chuong", "I", "NHỮNG QUY ĐỊNH CHUNG"), ("chuong", "II", "ĐIỀU KHOẢN THI HÀNH")]
    a2 = s.articles[1]
    assert a2.end <= s.divisions[1].start  # a chapter heading is not part of the article before it
    assert [c.number for c in a2.clauses] == [1, 2]
    assert [p.letter for p in a2.clauses[1].points] == ["a", "b", "c"]
    assert "đ) không phải" in text[a2.clauses[1].points[1].start:a2.clauses[1].points[1].end]
    assert s.divisions_at(a2.start)[0].name == "Chương I. NHỮNG QUY ĐỊNH CHUNG"
    c = a2.clauses[1].points[2]
    refs = resolve_references(s, s.title, text, c.start, c.end)
    assert [(r.text, r.target) for r in refs] == [("khoản 1 Điều này", "Luật Thử nghiệm cấu trúc, Điều 2, khoản 1")]
    a3 = s.articles[2]
    refs = resolve_references(s, s.title, text, a3.start, a3.end)
    assert [r.target for r in refs] == ["Luật Thử nghiệm cấu trúc, Điều 2 (Điều kiện đăng ký)"]
    assert detect_kind(text, s) == KIND_LAW


def test_docx_law(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    for line in _LAYOUT:
        d.add_paragraph(line)
    path = tmp_path / "luat.docx"
    d.save(str(path))
    doc = load_document(path, "luat.docx")
    _check_layout(doc.text)
    assert (doc.meta.kind, doc.meta.title, doc.meta.number) == (KIND_LAW, "Luật Thử nghiệm cấu trúc", "99/2024/QH15")


def _unicode_font() -> Path | None:
    for p in (Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
              Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"), Path("/Library/Fonts/Arial Unicode.ttf")):
        if p.is_file():
            return p
    return None


def test_pdf_law(tmp_path: Path) -> None:
    fpdf = pytest.importorskip("fpdf")
    font = _unicode_font()
    if font is None:
        pytest.skip("no Unicode TrueType font on this machine to write Vietnamese into a PDF")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(font))
    pdf.set_font("DejaVu", size=11)
    for line in _LAYOUT:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "luat.pdf"
    pdf.output(str(path))
    doc = load_document(path, "luat.pdf")
    _check_layout(doc.text)
    assert doc.meta.kind == KIND_LAW


def test_html_law(tmp_path: Path) -> None:
    body = "".join(f"<p>{line}</p>" for line in _LAYOUT)
    path = tmp_path / "luat.html"
    path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    _check_layout(load_document(path, "luat.html").text)


# --------------------------------------------------------------------------- kinds


def test_reports_are_reports_and_laws_are_laws() -> None:
    for d in load_all([REPORTS]):
        assert d.meta.kind == KIND_REPORT, d.meta.source
        assert d.meta.number == ""
    for d in load_all([LAWS]):
        assert d.meta.kind == KIND_LAW and d.meta.title == EXPECTED[d.meta.source][0]


def test_faq_and_procedure_pages() -> None:
    faq = normalize_text("Hỏi: Làm căn cước ở đâu?\nĐáp: Tại công an xã.\nHỏi: Mất bao lâu?\nĐáp: 7 ngày.\n")
    assert detect_kind(faq) == KIND_FAQ
    procedure = normalize_text("Thủ tục đăng ký tạm trú\nTrình tự thực hiện: nộp hồ sơ.\n"
                               "Thành phần hồ sơ: tờ khai.\nThời hạn giải quyết: 3 ngày.\n")
    assert detect_kind(procedure) == KIND_FAQ
    # a page laid out in procedure sections, whatever it calls them ("Giấy tờ mang theo", "Các bước"), is one
    sections = normalize_text("# Đăng ký học lái xe mô tô\n\n## 1. Đối tượng\n\nCông dân đủ 18 tuổi.\n\n"
                              "## 2. Giấy tờ mang theo\n\n- Đơn đề nghị.\n\n## 3. Các bước đăng ký\n\n"
                              "1. Nộp đơn.\n")
    assert detect_kind(sections) == KIND_FAQ
    # ... while a report with one such heading is a report
    assert detect_kind(normalize_text("Báo cáo năm 2024\n\nKết quả thực hiện\n\nTỉnh đã cấp 10.000 thẻ.\n")) \
        == KIND_REPORT
    # a report quoting one article is still a report
    report = normalize_text("Tỉnh đã triển khai tốt.\nĐiều 5. Tổ chức thực hiện\nCác sở thực hiện.\n")
    assert detect_kind(report) == KIND_REPORT
