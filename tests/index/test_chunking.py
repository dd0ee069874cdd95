"""Sentence splitting and chunking on the real corpus: exact offsets, no clutter, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.chunking import Chunker, split_sentences
from index.loaders import load_document
from index.normalize import clutter_spans, normalize_text
from index.types import Document, DocumentMeta

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"
CORPUS_FILES = sorted(CORPUS.glob("*.txt"))


@pytest.fixture(scope="module")
def docs() -> list[Document]:
    return [load_document(p, p.name) for p in CORPUS_FILES]


def doc_for(docs: list[Document], prefix: str) -> Document:
    (doc,) = [d for d in docs if d.meta.source.startswith(prefix)]
    return doc


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


# Real corpus sentences that contain abbreviations, decimal/thousand separators,
# dates with dots, document numbers, URLs and "./." endings: each must come out
# of the splitter as exactly one sentence.
WHOLE_SENTENCES = {
    "000": [
        "Hiện tỉnh đã triển khai 25 dịch vụ công thiết yếu theo Đề án 06, trong đó 13 dịch vụ thuộc ngành CA "
        "có tỷ lệ nộp hồ sơ trực tuyến đạt 94% và 12 dịch vụ do UBND tỉnh quản lý đạt 98,81%.",
        "Tính đến quý I/2025, toàn tỉnh có 1.230 dịch vụ công trực tuyến toàn trình (chiếm 66%) và 278 dịch vụ "
        "công trực tuyến một phần (15%).",
        "Đồng thời, tỉnh đã hoàn thành kết nối dữ liệu học bạ số với hệ thống của Bộ GD&ĐT.",
        "Gắn liền với triển khai Đề án 06, tỉnh cũng đang tích cực thực hiện Nghị quyết 57-NQ/TW.",
        "Trong lĩnh vực thuế, 90% DN và hộ kinh doanh đã sử dụng hóa đơn điện tử khởi tạo từ máy tính tiền, "
        "với gần 13 triệu hóa đơn được giao dịch, tổng giá trị khoảng 8.784 tỷ đồng.",
    ],
    "001": [
        "Bắc Ninh là địa phương đầu tiên cả nước đáp ứng các yêu cầu về kỹ thuật và thuộc nhóm 8 địa phương đầu "
        "tiên cả nước triển khai dịch vụ Cấp phiếu lý lịch tư pháp qua ứng dụng VNeID phục vụ người dân từ ngày "
        "12-10-2024.",
    ],
    "002": [
        "Trong đó, nhiều tiêu chí tỉnh để mất điểm đáng tiếc.",  # glued to the previous one in the source
        "Các hệ thống thông tin, nền tảng số, các phần mềm, CSDL của tỉnh và các ngành tiếp tục được duy trì, "
        "xây dựng.",  # "thực hiện.Các hệ thống": missing space in the source
        "Tỷ lệ hồ sơ thanh toán trực tuyến trên cổng DVCQG còn thấp (1,49%).",
        "Nguồn kinh phí để thực hiện Đề án 06 chưa được bố trí.",
    ],
    "004": [
        "Hệ thống xác thực người dùng tập trung của tỉnh đã được đưa vào vận hành tại địa chỉ: "
        "https://egov.binhdinh.gov.vn.",
        "Tỷ lệ hồ sơ trực tuyến trên tổng số hồ sơ đạt tỷ lệ trên 17,3%.",
        "Hạ tầng mạng băng rộng cáp quang phủ trên 73% hộ gia đình, 100% xã.",
        "Ông Trần Kim Kha, Giám đốc Sở TT&TT Bình Định giới thiệu các dịch vụ Trung tâm IOC của tỉnh Bình Định",
    ],
}


@pytest.mark.parametrize(("prefix", "sentence"), [(p, s) for p, ss in WHOLE_SENTENCES.items() for s in ss])
def test_real_sentences_are_split_exactly(docs: list[Document], prefix: str, sentence: str) -> None:
    assert sentence in sentences(doc_for(docs, prefix).text)


def test_first_sentence_of_000_survives_dates_numbers_and_document_numbers(docs: list[Document]) -> None:
    text = doc_for(docs, "000").text
    first = sentences(text)[0]
    assert first.startswith("Sáng 9.5, tại trụ sở UBND tỉnh")
    assert "Nghị quyết 57-NQ/TW ngày 22.12.2024 của Bộ Chính trị" in first
    assert first.endswith("Đề án chuyển đổi số trong các cơ quan Đảng.")


def test_plan_number_and_dates_do_not_split(docs: list[Document]) -> None:
    text = doc_for(docs, "002").text
    got = [s for s in sentences(text) if "407/KH-UBND" in s]
    assert len(got) == 1
    assert got[0].startswith("Để góp phần giảm chi phí")
    assert got[0].endswith("kết thúc vào ngày 10/10/2023.")


def test_slash_dot_ending_stays_with_its_sentence(docs: list[Document]) -> None:
    for prefix in ("002", "004"):
        ends = [s for s in sentences(doc_for(docs, prefix).text) if s.endswith("./.")]
        assert len(ends) == 1
        assert len(ends[0]) > 50


def test_ellipsis_glued_to_next_sentence_splits(docs: list[Document]) -> None:
    got = sentences(doc_for(docs, "002").text)
    assert any(s.endswith("hỗ trợ nghiệp vụ...") for s in got)
    assert any(s.startswith("Trong đó, có 45 hệ thống thông tin") for s in got)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "PGS.TS. Nguyễn Văn An phát biểu tại TP. Hồ Chí Minh. Th.S Lê Bình cũng dự.",
            ["PGS.TS. Nguyễn Văn An phát biểu tại TP. Hồ Chí Minh.", "Th.S Lê Bình cũng dự."],
        ),
        ("Sách, vở, bút v.v. đều được hỗ trợ.", ["Sách, vở, bút v.v. đều được hỗ trợ."]),
        ("Đạt 1.230 hồ sơ, tỷ lệ 98,81%, tăng 9.5 lần.", ["Đạt 1.230 hồ sơ, tỷ lệ 98,81%, tăng 9.5 lần."]),
        ("Ông nói: “Tốt quá!” Rồi ông đi.", ["Ông nói: “Tốt quá!”", "Rồi ông đi."]),
        ("Chờ đã… Sau đó đi. Xong!", ["Chờ đã…", "Sau đó đi.", "Xong!"]),
        ("Có thật không? Có.", ["Có thật không?", "Có."]),
        ("Tiêu đề\nDòng hai không dấu chấm\n\nĐoạn ba.", ["Tiêu đề", "Dòng hai không dấu chấm", "Đoạn ba."]),
        ("1. Mục tiêu chung\n2. Giải pháp", ["1. Mục tiêu chung", "2. Giải pháp"]),
        ("Bộ TT&TT và Sở GD&ĐT phối hợp.", ["Bộ TT&TT và Sở GD&ĐT phối hợp."]),
        ("Gặp ông N. V. An tại đây. Xong.", ["Gặp ông N. V. An tại đây.", "Xong."]),
        ("Kết quả đạt 72%.Các nhóm tiện ích tăng.", ["Kết quả đạt 72%.", "Các nhóm tiện ích tăng."]),
        (
            "Truy cập TP.HCM hoặc dichvucong.gov.vn để nộp.",
            ["Truy cập TP.HCM hoặc dichvucong.gov.vn để nộp."],
        ),
        ("“Phải làm ngay…” - Giám đốc Sở nói.", ["“Phải làm ngay…” - Giám đốc Sở nói."]),
        (
            "Làm theo chỉ đạo của TW. Sau đó báo cáo UBND.",
            ["Làm theo chỉ đạo của TW.", "Sau đó báo cáo UBND."],
        ),
        ("I. MỤC TIÊU\na. Nội dung thứ nhất", ["I. MỤC TIÊU", "a. Nội dung thứ nhất"]),
        ("   ", []),
    ],
)
def test_split_sentences_synthetic(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_hard_wrapped_lines_are_joined_but_headlines_and_lists_are_not() -> None:
    text = (
        "Báo cáo kết quả\n"
        "Tính đến quý I/2025, toàn tỉnh có 1.230 dịch vụ công\n"
        "trực tuyến toàn trình (chiếm 66%) và 278 dịch vụ công trực\n"
        "tuyến một phần (15%). Tỷ lệ hồ sơ được nộp trực tuyến đạt 85%.\n"
        "Khai trương Trung tâm giám sát, điều hành đô thị thông minh\n"
        "h1-khai-truong-trung-tam-ioc.png\n"
        "- Mục một của danh sách các nhiệm vụ trọng tâm năm 2025\n"
        "- mục hai"
    )
    assert sentences(text) == [
        "Báo cáo kết quả",
        "Tính đến quý I/2025, toàn tỉnh có 1.230 dịch vụ công\ntrực tuyến toàn trình (chiếm 66%) và 278 "
        "dịch vụ công trực\ntuyến một phần (15%).",
        "Tỷ lệ hồ sơ được nộp trực tuyến đạt 85%.",
        "Khai trương Trung tâm giám sát, điều hành đô thị thông minh",
        "h1-khai-truong-trung-tam-ioc.png",
        "- Mục một của danh sách các nhiệm vụ trọng tâm năm 2025",
        "- mục hai",
    ]


def test_split_sentences_respects_range_and_returns_absolute_offsets() -> None:
    text = "Câu một. Câu hai. Câu ba."
    spans = split_sentences(text, 9, 17)
    assert spans == [(9, 17)]
    assert text[9:17] == "Câu hai."


def test_sentence_spans_are_ordered_trimmed_and_cover_all_words(docs: list[Document]) -> None:
    for doc in docs:
        spans = split_sentences(doc.text)
        prev_end = 0
        for s, e in spans:
            assert prev_end <= s < e
            piece = doc.text[s:e]
            assert piece == piece.strip()
            assert doc.text[prev_end:s].strip() == ""  # nothing between sentences but whitespace
            prev_end = e
        assert doc.text[prev_end:].strip() == ""


@pytest.mark.parametrize("max_chars", [400, 700, 1000])
def test_every_chunk_is_an_exact_slice_within_size(docs: list[Document], max_chars: int) -> None:
    chunker = Chunker(max_chars=max_chars)
    for doc in docs:
        chunks = chunker.split(doc)
        assert chunks
        for i, chunk in enumerate(chunks):
            assert chunk.text == doc.text[chunk.start : chunk.end]
            assert len(chunk.text) <= max_chars
            assert chunk.ordinal == i
            assert chunk.source == doc.meta.source
            assert chunk.title == doc.meta.title
            assert chunk.places == doc.meta.places
            assert chunk.years == doc.meta.years
            assert chunk.published == doc.meta.published
        assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_no_clutter_inside_any_chunk(docs: list[Document]) -> None:
    clutter_words = ("Xem với cỡ chữ", "Lượt xem", ".jpg", ".png", "Ngày đăng", "Thứ Hai, 07/10/2024")
    for doc in docs:
        spans = clutter_spans(doc.text)
        for max_chars in (400, 700, 1000):
            for chunk in Chunker(max_chars=max_chars).split(doc):
                for s, e in spans:
                    assert e <= chunk.start or s >= chunk.end, (doc.meta.source, doc.text[s:e])
                for word in clutter_words:
                    assert word not in chunk.text


def test_every_content_sentence_is_in_some_chunk(docs: list[Document]) -> None:
    for doc in docs:
        spans = clutter_spans(doc.text)
        chunks = Chunker(max_chars=400).split(doc)
        for s, e in split_sentences(doc.text):
            if any(a <= s and e <= b for a, b in spans):
                continue
            # a sentence may end in clutter ("... Ảnh: TRỌNG LỢI"); its content part must be covered
            content_end = min([a for a, b in spans if s < a < e] + [e])
            assert any(c.start <= s and content_end <= c.end for c in chunks) or any(
                c.start <= s < c.end for c in chunks
            ), doc.text[s:e]


def test_chunk_ids_are_stable_across_runs(docs: list[Document]) -> None:
    first = [c.chunk_id for d in docs for c in Chunker().split(d)]
    reloaded = [load_document(p, p.name) for p in CORPUS_FILES]
    second = [c.chunk_id for d in reloaded for c in Chunker().split(d)]
    assert first == second


def test_overlap_repeats_one_sentence(docs: list[Document]) -> None:
    doc = doc_for(docs, "000")
    with_overlap = Chunker(max_chars=400, overlap_sentences=1).split(doc)
    without = Chunker(max_chars=400, overlap_sentences=0).split(doc)
    overlapping_pairs = sum(
        1 for a, b in zip(with_overlap, with_overlap[1:], strict=False) if b.start < a.end
    )
    assert overlapping_pairs > 0
    assert all(b.start >= a.end for a, b in zip(without, without[1:], strict=False))
    for a, b in zip(with_overlap, with_overlap[1:], strict=False):
        if b.start < a.end:
            shared = doc.text[b.start : a.end]
            assert (b.start, a.end) in split_sentences(doc.text) or shared.strip() in doc.text[
                a.start : a.end
            ]


def test_long_sentence_is_split_at_clause_or_space_never_mid_word() -> None:
    clause = "tỷ lệ hồ sơ trực tuyến đạt 85%, hồ sơ giải quyết đúng hạn đạt 99,81%"
    text = "Kết quả: " + "; ".join([clause] * 60) + "."
    doc = Document(DocumentMeta(source="long.txt"), text, "h")
    chunks = Chunker(max_chars=300, overlap_sentences=1).split(doc, skip_spans=[])
    assert len(chunks) > 5
    for c in chunks:
        assert c.text == text[c.start : c.end]
        assert len(c.text) <= 300
        assert c.start == 0 or not (text[c.start - 1].isalnum() and text[c.start].isalnum())
        assert c.end == len(text) or not (text[c.end - 1].isalnum() and text[c.end].isalnum())
    assert chunks[0].start == 0 and chunks[-1].end == len(text)


def test_a_giant_word_does_not_hang_or_break_offsets() -> None:
    text = "Xem " + "x" * 5000 + " tại đây. Câu sau."
    doc = Document(DocumentMeta(source="w.txt"), text, "h")
    chunks = Chunker(max_chars=200).split(doc, skip_spans=[])
    assert all(c.text == text[c.start : c.end] and len(c.text) <= 200 for c in chunks)
    assert "".join(c.text for c in chunks if "x" * 50 in c.text).count("x") == 5000  # nothing lost
    assert "Câu sau." in chunks[-1].text


def test_explicit_skip_spans_are_honoured() -> None:
    text = normalize_text("Câu một đúng. Câu hai đúng.\nQUẢNG CÁO\nCâu ba đúng.")
    ad = text.index("QUẢNG CÁO")
    doc = Document(DocumentMeta(source="s.txt"), text, "h")
    chunks = Chunker(max_chars=1000).split(doc, skip_spans=[(ad, ad + len("QUẢNG CÁO"))])
    assert [c.text for c in chunks] == ["Câu một đúng. Câu hai đúng.", "Câu ba đúng."]


def test_headline_starts_a_new_chunk_when_the_current_one_is_half_full(docs: list[Document]) -> None:
    doc = doc_for(docs, "002")
    chunks = Chunker(max_chars=700).split(doc)
    heading = "Đề án 06 thực hiện đạt những kết quả khả quan"
    assert any(c.text.startswith(heading) for c in chunks)


def test_trailing_byline_joins_the_last_chunk(docs: list[Document]) -> None:
    for prefix, byline in (("002", "Thu Hiền"), ("004", "Huy Phúc")):
        last = Chunker(max_chars=700).split(doc_for(docs, prefix))[-1]
        assert last.text.endswith(byline) and len(last.text) > 100


def test_chunker_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="max_chars"):
        Chunker(max_chars=10)
    with pytest.raises(ValueError, match="overlap"):
        Chunker(overlap_sentences=-1)


def test_invariants_hold_on_random_messy_text() -> None:
    """Seeded random mixes of Vietnamese letters, marks, punctuation, clutter and control characters."""
    import random

    from index.metadata import extract_meta
    from index.normalize import fold

    pieces = list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ  ,.;:!?…“”\"'()-/%0123456789\n\n\t") + [
        "\u0300", "\u0301", "\u0309", "\u0303", "\u0323", "\u200b", "\u00a0", "\r\n", "./.", "TP. ",
        "v.v. ", "1.230", "98,81%", "oà", "uỷ", "Quý ", "Bình Định", "Ngày đăng: 21/07/2023",
        "Lượt xem: 4", "x.jpg\n", "\u202e", "\x00", "\ufeff", "İ", "thị xã La Gi ",
        " dài dài dài dài dài dài dài dài dài dài dài\n",
    ]  # fmt: skip
    rng = random.Random(20250509)
    for _ in range(300):
        raw = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 300)))
        text = normalize_text(raw)
        assert normalize_text(text) == text
        assert len(fold(text)) == len(text)
        clutter = clutter_spans(text)
        prev = 0
        for s, e in split_sentences(text):
            assert prev <= s < e <= len(text) and text[s:e] == text[s:e].strip()
            prev = e
        doc = Document(extract_meta("r.txt", text), text, "h")
        for max_chars in (50, 700):
            for chunk in Chunker(max_chars, rng.randint(0, 2)).split(doc):
                assert chunk.text == text[chunk.start : chunk.end]
                assert len(chunk.text) <= max_chars
                assert all(e <= chunk.start or s >= chunk.end for s, e in clutter)
