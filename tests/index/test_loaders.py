"""Loading real and generated files: encodings, formats, bad inputs, sidecars."""

from __future__ import annotations

import hashlib
import json
import random
import unicodedata
from pathlib import Path

import pytest

from index.chunking import Chunker
from index.errors import UnusableDocument
from index.loaders import SUPPORTED_SUFFIXES, iter_sources, load_all, load_document
from index.normalize import normalize_text

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"
CORPUS_FILES = sorted(CORPUS.glob("*.txt"))
SAMPLE = (CORPUS / "000_fa699dd7983e293e.txt").read_text(encoding="utf-8")
EXPECTED = normalize_text(SAMPLE)
TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def cp1258_bytes(text: str) -> bytes:
    """Encode like a Vietnamese Windows app: precomposed base letters, combining tone marks."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in parts if c in TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        out.append(base + tone)
    return "".join(out).encode("cp1258")


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --------------------------------------------------------------------------- corpus


def test_corpus_files_load_with_offsets_equal_to_plain_normalisation() -> None:
    for path in CORPUS_FILES:
        doc = load_document(path, path.name)
        assert doc.meta.source == path.name
        assert doc.text == normalize_text(path.read_text(encoding="utf-8"))
        assert doc.content_hash == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()


def test_load_all_loads_the_corpus_in_source_order() -> None:
    docs = load_all([CORPUS])
    assert [d.meta.source for d in docs] == [p.name for p in CORPUS_FILES]


# --------------------------------------------------------------------------- iter_sources


def test_iter_sources_expands_folders_sorted_with_relative_posix_sources(tmp_path: Path) -> None:
    root = tmp_path / "kho"
    write(root, "b.txt", "Văn bản B.")
    write(root, "a.md", "# Văn bản A")
    write(root, "sub/c.html", "<p>Văn bản C</p>")
    write(root, "sub/c.html.json", '{"title": "C"}')
    write(root, ".hidden.txt", "ẩn")
    write(root, ".git/config.txt", "ẩn")
    write(root, "Thumbs.db", b"\x00")
    write(root, "~$bao-cao.docx", b"lock")
    write(root, "anh.png", b"\x89PNG\r\n\x1a\n")
    single = write(tmp_path, "le.txt", "Một tệp lẻ.")
    got = iter_sources([root, single])
    # the PNG is returned so that ingest reports it (load_document says why) instead of dropping it
    assert [s for _, s in got] == ["a.md", "anh.png", "b.txt", "sub/c.html", "le.txt"]
    assert got[3][0] == root / "sub" / "c.html"
    with pytest.raises(UnusableDocument, match=r"anh\.png: unsupported file type '\.png'"):
        load_document(*got[1])


def test_iter_sources_corpus_and_duplicates() -> None:
    got = iter_sources([CORPUS, CORPUS_FILES[0]])
    assert [s for _, s in got] == [p.name for p in CORPUS_FILES]


def test_iter_sources_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UnusableDocument, match="khong-co"):
        iter_sources([tmp_path / "khong-co"])


def test_supported_suffixes() -> None:
    assert {".txt", ".md", ".html", ".htm", ".docx", ".pdf"} == SUPPORTED_SUFFIXES


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("utf8.txt", SAMPLE.encode("utf-8")),
        ("utf8-bom.txt", b"\xef\xbb\xbf" + SAMPLE.encode("utf-8")),
        ("utf16-le-bom.txt", b"\xff\xfe" + SAMPLE.encode("utf-16-le")),
        ("utf16-be-bom.txt", b"\xfe\xff" + SAMPLE.encode("utf-16-be")),
        ("utf16-le.txt", SAMPLE.encode("utf-16-le")),
        ("utf16-be.txt", SAMPLE.encode("utf-16-be")),
        ("cp1258.txt", cp1258_bytes(SAMPLE)),
        ("nfd.txt", unicodedata.normalize("NFD", SAMPLE).encode("utf-8")),
        ("crlf.txt", SAMPLE.replace("\n", "\r\n").encode("utf-8")),
    ],
)
def test_encodings_all_give_the_same_normalised_text(tmp_path: Path, name: str, data: bytes) -> None:
    doc = load_document(write(tmp_path, name, data), name)
    assert doc.text == EXPECTED
    assert "Bình Định" in doc.meta.places


def test_cp1258_really_uses_combining_tone_marks() -> None:
    raw = cp1258_bytes("Định").decode("cp1258")
    assert raw != "Định" and unicodedata.normalize("NFC", raw) == "Định"


def test_cp1258_all_corpus_files(tmp_path: Path) -> None:
    for path in CORPUS_FILES:
        original = path.read_text(encoding="utf-8")
        doc = load_document(write(tmp_path, path.name, cp1258_bytes(original)), path.name)
        assert doc.text == normalize_text(original)


def test_zero_width_and_new_tone_style_are_normalised(tmp_path: Path) -> None:
    dirty = "Tỉnh uỷ\u200b chỉ đạo hoá\u200d đơn\u00a0điện tử\u202e."
    doc = load_document(write(tmp_path, "zw.txt", dirty), "zw.txt")
    assert doc.text == "Tỉnh ủy chỉ đạo hóa đơn điện tử."


def test_english_windows_1252_text_with_smart_quotes(tmp_path: Path) -> None:
    data = "The \u201cVNeID\u201d app \u2013 caf\u00e9 r\u00e9sum\u00e9.".encode("cp1252")
    doc = load_document(write(tmp_path, "en.txt", data), "en.txt")
    assert doc.text == "The \u201cVNeID\u201d app \u2013 caf\u00e9 r\u00e9sum\u00e9."


def test_a_stray_nul_byte_does_not_make_a_text_binary(tmp_path: Path) -> None:
    data = SAMPLE.encode("utf-8").replace(b"UBND", b"UB\x00ND", 1)
    doc = load_document(write(tmp_path, "nul.txt", data), "nul.txt")
    assert doc.text == EXPECTED


# --------------------------------------------------------------------------- bad inputs


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty"),
        ("spaces.txt", b" \n\t \r\n", "empty"),
        ("zw-only.txt", "\u200b\u200b\ufeff\n".encode(), "no text"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary|PNG"),
        ("png-no-nul.txt", b"\x89PNG\r\n\x1a\nIHDRabc", "PNG"),
        ("zip.txt", b"PK\x03\x04" + b"abc" * 50, "ZIP"),
        ("random.txt", random.Random(7).randbytes(4096) + b"\x00\x00", "binary"),
        ("latin-garbage.txt", bytes(range(0x80, 0x100)) * 20, "UTF-8"),
        ("broken-utf8.txt", "Tỉnh Bình Định ".encode() * 50 + b"\xe1\xba" + " tiếp".encode(), "UTF-8"),
        ("fake.docx", b"this is not a word file", "docx"),
        ("fake.pdf", b"hello", "PDF"),
        ("sheet.xlsx", b"PK\x03\x04", "unsupported"),
    ],
)
def test_unusable_inputs_raise_clear_errors_naming_the_file(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    path = write(tmp_path, name, data)
    with pytest.raises(UnusableDocument, match=reason) as info:
        load_document(path, name)
    assert name in str(info.value)


def test_size_cap(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", "Câu văn bản tiếng Việt. " * 100)
    with pytest.raises(UnusableDocument, match="limit"):
        load_document(path, "big.txt", max_bytes=1000)
    assert load_document(path, "big.txt", max_bytes=10_000).text.startswith("Câu văn bản")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnusableDocument, match="no such file"):
        load_document(tmp_path / "mat.txt", "mat.txt")


@pytest.mark.slow
def test_five_megabyte_text_loads_and_chunks(tmp_path: Path) -> None:
    corpus = "\n\n".join(p.read_text(encoding="utf-8") for p in CORPUS_FILES)
    unit = corpus.encode("utf-8")
    data = (unit + b"\n\n") * (5 * 1024 * 1024 // len(unit) + 1)
    text = data.decode("utf-8")
    raw = text.encode("utf-8")
    assert 5 * 1024 * 1024 <= len(raw) < 6 * 1024 * 1024
    doc = load_document(write(tmp_path, "big.txt", raw), "big.txt")
    assert doc.text == normalize_text(text)
    chunks = Chunker(max_chars=700).split(doc)
    assert len(chunks) > 2000
    assert all(c.text == doc.text[c.start : c.end] for c in chunks[:: max(1, len(chunks) // 200)])


# --------------------------------------------------------------------------- html


HTML = """<!doctype html>
<html><head>
<meta charset="utf-8">
<title>Tin tức - Cổng TTĐT tỉnh</title>
<meta property="og:title" content="Bình Định đẩy mạnh Đề án 06">
<meta property="article:published_time" content="2025-05-09T08:00:00+07:00">
<meta name="author" content="Báo Bình Định">
<script>var secret = "mã theo dõi";</script>
<style>.x { color: red }</style>
</head>
<body>
<header><div class="logo">CỔNG THÔNG TIN</div><nav><a href="/">Trang chủ</a> | <a href="/tin">Tin tức</a></nav></header>
<div class="breadcrumb">Trang chủ » Chuyển đổi số</div>
<main>
<article>
<h1>Bình Định đẩy mạnh Đề án 06</h1>
<p>Tính đến quý I/2025, toàn tỉnh có 1.230 dịch vụ công trực tuyến toàn trình.</p>
<!-- ghi chú biên tập: không hiển thị -->
<p>Tỷ lệ hồ sơ trực tuyến đạt 85%.<br>Hồ sơ đúng hạn đạt&nbsp;99,81%.</p>
<script>alert(1)</script>
<form><label>Tìm kiếm</label><input name="q"><button>Gửi đi</button></form>
<ul><li>Giáo dục: học bạ số</li><li>Y tế: khám bằng CCCD</li></ul>
<table><tr><td>Năm</td><td>Tỷ lệ</td></tr><tr><td>2025</td><td>85%</td></tr></table>
<div class="share-buttons">Chia sẻ Facebook</div>
</article>
</main>
<aside>Tin liên quan: Bắc Ninh</aside>
<footer>Bản quyền © Sở TT&amp;TT</footer>
</body></html>
"""


def test_html_keeps_article_text_and_drops_page_furniture(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path, "tin.html", HTML), "tin.html")
    text = doc.text
    assert "Tính đến quý I/2025, toàn tỉnh có 1.230 dịch vụ công trực tuyến toàn trình." in text.split("\n")
    assert "Tỷ lệ hồ sơ trực tuyến đạt 85%." in text.split("\n")
    assert "Hồ sơ đúng hạn đạt 99,81%." in text.split("\n")
    assert "- Giáo dục: học bạ số" in text.split("\n")  # a list item keeps its mark
    assert "2025 | 85%" in text
    for junk in (
        "alert(1)",
        "<script>",
        "mã theo dõi",
        "color: red",
        "Trang chủ",
        "CỔNG THÔNG TIN",
        "ghi chú biên tập",
        "Tìm kiếm",
        "Gửi đi",
        "Tin liên quan",
        "Bản quyền",
        "Chia sẻ",
    ):
        assert junk not in text, junk
    assert doc.meta.title == "Bình Định đẩy mạnh Đề án 06"
    assert doc.meta.published == "2025-05-09"
    assert doc.meta.outlet == "Báo Bình Định"
    assert doc.meta.places[0] == "Bình Định"
    assert 2025 in doc.meta.years


def test_html_without_article_uses_body_and_h1_title(tmp_path: Path) -> None:
    html = (
        "<html><body><nav>Menu chính</nav><h1>Bắc Kạn sơ kết Đề án 06</h1>"
        "<div><p>Đoạn một.</p><p>Đoạn hai.</p></div><script>alert(1)</script></body></html>"
    )
    doc = load_document(write(tmp_path, "x.htm", html), "x.htm")
    assert doc.text == "Bắc Kạn sơ kết Đề án 06\n\nĐoạn một.\n\nĐoạn hai."
    assert doc.meta.title == "Bắc Kạn sơ kết Đề án 06"


def test_html_in_utf16(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path, "u16.html", b"\xff\xfe" + HTML.encode("utf-16-le")), "u16.html")
    assert "1.230 dịch vụ công" in doc.text and "alert(1)" not in doc.text


def test_html_that_is_only_furniture_is_unusable(tmp_path: Path) -> None:
    path = write(
        tmp_path, "nav.html", "<html><body><nav>Trang chủ</nav><script>alert(1)</script></body></html>"
    )
    with pytest.raises(UnusableDocument, match="no text"):
        load_document(path, "nav.html")


# --------------------------------------------------------------------------- markdown


def test_markdown_is_lightly_stripped(tmp_path: Path) -> None:
    md = (
        "---\ntitle: Báo cáo Đề án 06\ndate: 2024-12-22\n---\n"
        "# Kết quả năm 2024\n\n"
        "Tỉnh **Bắc Ninh** cấp [728.400 tài khoản](https://vneid.gov.vn) định danh.\n\n"
        "![ảnh minh họa](bac-ninh-ok.jpg)\n\n"
        "> Trích dẫn quan trọng.\n"
    )
    doc = load_document(write(tmp_path, "bc.md", md), "bc.md")
    assert doc.text.split("\n") == [
        "Kết quả năm 2024",
        "",
        "Tỉnh Bắc Ninh cấp 728.400 tài khoản định danh.",
        "",
        "Trích dẫn quan trọng.",
    ]
    assert doc.meta.title == "Báo cáo Đề án 06"
    assert doc.meta.published == "2024-12-22"
    assert doc.meta.places == ("Bắc Ninh",)


# --------------------------------------------------------------------------- docx


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = "Báo cáo chuyển đổi số Bắc Kạn"
    document.add_heading("Kết quả 6 tháng đầu năm 2023", level=1)
    document.add_paragraph("Tỉnh Bắc Kạn có 1.298 dịch vụ công trực tuyến.")
    document.add_paragraph("Tỷ lệ hồ sơ trực tuyến đạt 72%.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Chỉ tiêu"
    table.cell(0, 1).text = "Kết quả"
    table.cell(1, 0).text = "CCCD"
    table.cell(1, 1).text = "100%"
    document.add_paragraph("Hết.")
    path = tmp_path / "bao-cao.docx"
    document.save(str(path))

    doc = load_document(path, "bao-cao.docx")
    assert doc.text.split("\n") == [
        "Kết quả 6 tháng đầu năm 2023",
        "Tỉnh Bắc Kạn có 1.298 dịch vụ công trực tuyến.",
        "Tỷ lệ hồ sơ trực tuyến đạt 72%.",
        "Chỉ tiêu | Kết quả",
        "CCCD | 100%",
        "Hết.",
    ]
    assert doc.meta.title == "Báo cáo chuyển đổi số Bắc Kạn"
    assert doc.meta.places == ("Bắc Kạn",)
    assert doc.meta.published is None  # the template's "created" date is not a publication date
    assert doc.meta.years == (2023,)


def test_corrupt_docx(tmp_path: Path) -> None:
    path = write(tmp_path, "hong.docx", b"PK\x03\x04" + b"\x00garbage" * 20)
    with pytest.raises(UnusableDocument, match="hong.docx"):
        load_document(path, "hong.docx")


# --------------------------------------------------------------------------- pdf


def make_pdf(lines: list[str]) -> bytes:
    """A minimal one-page PDF with Helvetica text (hand-written, no PDF library needed)."""
    ops = ["BT", "/F1 12 Tf", "20 150 Td"]
    for i, line in enumerate(lines):
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(("0 -16 Td " if i else "") + f"({escaped}) Tj")
    ops.append("ET")
    content = ("\n".join(ops) if lines else "").encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 200] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_text_layer(tmp_path: Path) -> None:
    path = write(
        tmp_path, "bc.pdf", make_pdf(["Binh Dinh: 1.230 dich vu cong truc tuyen.", "Ty le dat 85%."])
    )
    doc = load_document(path, "bc.pdf")
    assert "Binh Dinh: 1.230 dich vu cong truc tuyen." in doc.text
    assert "Ty le dat 85%." in doc.text
    assert doc.meta.places == ("Bình Định",)
    chunks = Chunker().split(doc)
    assert chunks and all(c.text == doc.text[c.start : c.end] for c in chunks)


def test_pdf_without_text_layer_needs_ocr(tmp_path: Path) -> None:
    path = write(tmp_path, "scan.pdf", make_pdf([]))
    with pytest.raises(UnusableDocument, match="OCR") as info:
        load_document(path, "scan.pdf")
    assert "scan.pdf" in str(info.value)


def test_truncated_pdf(tmp_path: Path) -> None:
    path = write(tmp_path, "cut.pdf", make_pdf(["Xin chao"])[:60])
    with pytest.raises(UnusableDocument, match="cut.pdf"):
        load_document(path, "cut.pdf")


# --------------------------------------------------------------------------- sidecar


def test_sidecar_overrides_metadata(tmp_path: Path) -> None:
    path = write(tmp_path, "bai.txt", SAMPLE)
    write(
        tmp_path,
        "bai.txt.json",
        json.dumps(
            {
                "url": "https://baobinhdinh.vn/bai",
                "title": "Đoàn C06 làm việc với Bình Định",
                "published": "2025-05-09",
            },
            ensure_ascii=False,
        ),
    )
    doc = load_document(path, "bai.txt")
    assert doc.meta.url == "https://baobinhdinh.vn/bai"
    assert doc.meta.title == "Đoàn C06 làm việc với Bình Định"
    assert doc.meta.published == "2025-05-09"
    assert doc.meta.years[0] == 2025
    assert doc.text == EXPECTED  # the sidecar never changes the text


def test_bad_sidecar_is_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path, "bai.txt", SAMPLE)
    write(tmp_path, "bai.txt.json", "{not json")
    with pytest.raises(UnusableDocument, match=r"bai\.txt\.json"):
        load_document(path, "bai.txt")


def test_markdown_section_headings_stay_lead_ins(tmp_path: Path) -> None:
    md = ("# Đăng ký xe máy\n\n## Trình tự thực hiện\n\n1. Kê khai.\n2. Nộp lệ phí.\n\n"
          "## 2. Hồ sơ gồm\n\n- Tờ khai;\n\n## Biển số định danh là gì?\n\nBiển số gắn với chủ xe.\n")
    doc = load_document(write(tmp_path, "xe.md", md), "xe.md")
    lines = [x for x in doc.text.split("\n") if x]
    # an unnumbered heading announces what follows; a numbered one and a question read as headings already
    assert lines == ["Đăng ký xe máy", "Trình tự thực hiện:", "1. Kê khai.", "2. Nộp lệ phí.", "2. Hồ sơ gồm",
                     "- Tờ khai;", "Biển số định danh là gì?", "Biển số gắn với chủ xe."]


def test_html_lists_and_tables_keep_one_line_per_item(tmp_path: Path) -> None:
    html = ("<html><body><article><h1>Cấp lại thẻ</h1><h2>Các bước thực hiện</h2>\n<ol>\n  <li>Kê khai tờ khai.</li>\n"
            "  <li><p>Nộp hồ sơ.</p></li>\n</ol>\n<h3>Hồ sơ</h3><ul>\n <li>Tờ khai;</li>\n <li>Thẻ cũ.</li>\n</ul>\n"
            "<table>\n<tr><th>Trường hợp</th><th>Thời hạn</th></tr>\n<tr><td>Mất thẻ</td><td>07 ngày</td></tr>\n"
            "</table></article></body></html>")
    doc = load_document(write(tmp_path, "the.html", html), "the.html")
    assert "Các bước thực hiện:\n\n1. Kê khai tờ khai.\n2. Nộp hồ sơ." in doc.text
    assert "Hồ sơ:\n\n- Tờ khai;\n- Thẻ cũ." in doc.text
    assert "Trường hợp | Thời hạn |\nMất thẻ | 07 ngày |" in doc.text
