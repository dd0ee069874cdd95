"""Unit tests of list blocks in documents: hand-made texts parsed as the evidence stage parses them."""

from __future__ import annotations

from assistant.answer_typing import load_typer
from assistant.evidence import CorpusStats, Evidence, EvidenceFinder, QueryTerms
from assistant.lists import enclosing_list, list_items, lists_asked_inline
from assistant.query import analyze

PAGE = """# Hướng dẫn đăng ký tạm trú trực tuyến

Người dân có thể đăng ký tạm trú mà không cần đến trụ sở Công an.

## 2. Hồ sơ cần chuẩn bị

- Tờ khai thay đổi thông tin cư trú (Mẫu CT01);
- Bản chụp giấy tờ chứng minh chỗ ở hợp pháp;
- Ý kiến đồng ý của chủ hộ. Chủ nhà xác nhận ngay trên ứng dụng VNeID.

## 3. Các bước nộp hồ sơ trên Cổng dịch vụ công quốc gia

1. Truy cập dichvucong.gov.vn và đăng nhập.
2. Tại ô tìm kiếm, nhập "Đăng ký tạm trú".
3. Tải lên tệp giấy tờ chứng minh chỗ ở hợp pháp.

## 4. Thời hạn và lệ phí

Trong thời hạn 03 ngày làm việc, cơ quan đăng ký cư trú thẩm định hồ sơ.
"""

LAW = """Điều 24. Xóa đăng ký thường trú
1. Người thuộc một trong các trường hợp sau đây thì bị xóa đăng ký thường trú:
a) Chết;
b) Ra nước ngoài để định cư;
c) Vắng mặt liên tục tại nơi thường trú từ 12 tháng trở lên.
2. Cơ quan đã đăng ký thường trú có thẩm quyền xóa đăng ký thường trú.
Điều 25. Trách nhiệm
"""


def _evidence(text: str, source: str = "page.md", question: str = "các bước là gì") -> Evidence:
    finder = EvidenceFinder(CorpusStats([text]), lambda _s: text)
    doc = finder._doc(source)  # noqa: SLF001 - the parser the evidence stage uses
    return Evidence(analyze(question), QueryTerms({}, 0.0, ()), [], {source: doc})


def _find(ev: Evidence, start: str, source: str = "page.md"):  # type: ignore[no-untyped-def]
    return next(s for s in ev.docs[source].sentences if s.text.startswith(start))


def test_a_step_belongs_to_the_numbered_list_under_its_heading() -> None:
    ev = _evidence(PAGE)
    block = enclosing_list(ev, _find(ev, "2. Tại ô"))
    assert block is not None
    head, items = block
    assert head.text.endswith("Các bước nộp hồ sơ trên Cổng dịch vụ công quốc gia")
    assert [i.text[:2] for i in items] == ["1.", "2.", "3."]  # the next heading ("4. Thời hạn") is no step


def test_a_bullet_with_a_second_sentence_is_one_item() -> None:
    ev = _evidence(PAGE)
    block = enclosing_list(ev, _find(ev, "- Bản chụp"))
    assert block is not None
    head, items = block
    assert "Hồ sơ cần chuẩn bị" in head.text
    assert len(items) == 3 and items[-1].text.startswith("- Ý kiến")
    # the item's second sentence is a fact of its own: a question it answers is not answered by the list
    assert enclosing_list(ev, _find(ev, "Chủ nhà xác nhận")) is None


def test_a_sentence_outside_any_list_has_none() -> None:
    ev = _evidence(PAGE)
    assert enclosing_list(ev, _find(ev, "Người dân có thể")) is None
    assert enclosing_list(ev, _find(ev, "Trong thời hạn 03")) is None


def test_points_belong_to_the_clause_that_announces_them() -> None:
    ev = _evidence(LAW, "law.txt")
    block = enclosing_list(ev, _find(ev, "b) Ra nước", "law.txt"))
    assert block is not None
    head, items = block
    assert head.text.startswith("1. Người thuộc") and [i.text[:2] for i in items] == ["a)", "b)", "c)"]


def test_a_clause_list_skips_the_points_nested_in_it() -> None:
    ev = _evidence(LAW, "law.txt")
    heading = _find(ev, "Điều 24.", "law.txt")
    assert [i.text[:2] for i in list_items(ev, heading)] == ["1.", "2."]


def test_a_clause_that_announces_points_is_their_lead_in_not_an_item() -> None:
    ev = _evidence(LAW, "law.txt")
    clause = _find(ev, "1. Người thuộc", "law.txt")
    block = enclosing_list(ev, clause)
    assert block is not None and block[0] == clause and [i.text[:2] for i in block[1]] == ["a)", "b)", "c)"]
    # the clause without points is an item of its article's clauses
    block = enclosing_list(ev, _find(ev, "2. Cơ quan", "law.txt"))
    assert block is not None and [i.text[:2] for i in block[1]] == ["1.", "2."]


def test_bullets_under_a_step_are_part_of_that_step() -> None:
    text = ("III. CÁC BƯỚC THỰC HIỆN\nBước 1: Nộp hồ sơ.\n- tại Bộ phận một cửa;\n- hoặc trực tuyến.\n"
            "Bước 2: Nhận kết quả.\nIV. LỆ PHÍ\n")
    ev = _evidence(text, "steps.txt")
    block = enclosing_list(ev, _find(ev, "Bước 2", "steps.txt"))
    assert block is not None
    head, items = block
    assert head.text == "III. CÁC BƯỚC THỰC HIỆN"
    assert [s.text for s in items] == ["Bước 1: Nộp hồ sơ.", "Bước 2: Nhận kết quả."]


ORIGINAL = """Điều 10. Thông điệp dữ liệu có giá trị như bản gốc
Thông điệp dữ liệu có giá trị như bản gốc khi đáp ứng đủ các yêu cầu sau đây:
1. Thông tin được bảo đảm toàn vẹn kể từ khi được khởi tạo lần đầu tiên.
Thông tin được xem là toàn vẹn khi thông tin đó chưa bị thay đổi;
2. Thông tin có thể truy cập và sử dụng được dưới dạng hoàn chỉnh.
Điều 11. Thông điệp dữ liệu có giá trị dùng làm chứng cứ
"""


def test_a_paragraph_inside_a_clause_does_not_end_the_list() -> None:
    ev = _evidence(ORIGINAL, "law.txt")
    lead_in = _find(ev, "Thông điệp dữ liệu có giá trị như bản gốc khi", "law.txt")
    assert [i.text[:2] for i in list_items(ev, lead_in)] == ["1.", "2."]
    block = enclosing_list(ev, _find(ev, "2. Thông tin", "law.txt"))
    assert block is not None and block[0] == lead_in and [i.text[:2] for i in block[1]] == ["1.", "2."]


def test_a_paragraph_then_a_new_numbering_is_not_bridged() -> None:
    text = ("Các bước:\n1. Nộp hồ sơ.\n2. Nhận kết quả.\nSau đó người dân có thể tra cứu.\n"
            "1. Một danh sách khác.\n")
    ev = _evidence(text, "page.txt")
    assert [i.text[:2] for i in list_items(ev, _find(ev, "Các bước", "page.txt"))] == ["1.", "2."]


def test_a_long_list_is_listed_whole() -> None:
    # a law's point list runs past ten items ("a)" … "n)"): a citizen asking what a card shows gets every one
    letters = "abcdđeghiklmn"
    text = "2. Thông tin được in trên thẻ gồm:\n" + "".join(f"{x}) Mục thứ {i + 1};\n" for i, x in enumerate(letters))
    ev = _evidence(text, "law.txt")
    items = list_items(ev, _find(ev, "2. Thông tin", "law.txt"))
    assert [i.text[:2] for i in items] == [f"{x})" for x in letters]


INLINE = """Điều 15. Thông tin trong cơ sở dữ liệu
1. Thông tin nhân dạng.
2. Thông tin sinh trắc học gồm ảnh khuôn mặt, vân tay, mống mắt, ADN, giọng nói.
3. Nội dung khai báo gồm họ và tên, số định danh, nơi cư trú.
4. Hồ sơ gồm:
a) Tờ khai;
b) Ảnh;
c) Giấy tờ khác.
"""


def test_a_sentence_listing_what_the_question_names_answers_it_whole() -> None:
    typer = load_typer()
    ev = _evidence(INLINE, "law.txt", "Cơ sở dữ liệu lưu những loại thông tin sinh trắc học nào?")
    assert lists_asked_inline(ev, typer.inline_subject, _find(ev, "2. Thông tin sinh", "law.txt"))
    # it lists something the question does not name
    assert not lists_asked_inline(ev, typer.inline_subject, _find(ev, "3. Nội dung", "law.txt"))
    # a line ending in ":" announces the lines below it; it lists nothing itself
    assert not lists_asked_inline(ev, typer.inline_subject, _find(ev, "4. Hồ sơ", "law.txt"))
    # one thing is no list
    assert not lists_asked_inline(ev, typer.inline_subject, _find(ev, "1. Thông tin nhân", "law.txt"))


def test_an_entry_deep_in_a_long_catalogue_does_not_make_it_the_answer() -> None:
    # a law's 25 kinds of data on a person: item 14 matching a question about the card is one entry of that
    # catalogue, not the list asked for; an early item still belongs to it, and the catalogue is quoted past ten
    text = "Điều 9. Thông tin trong cơ sở dữ liệu\n" + "".join(f"{i}. Mục thứ {i}.\n" for i in range(1, 26))
    ev = _evidence(text, "law.txt")
    assert enclosing_list(ev, _find(ev, "14.", "law.txt")) is None
    block = enclosing_list(ev, _find(ev, "3.", "law.txt"))
    assert block is not None and len(block[1]) == 20


def test_a_kind_list_comes_from_the_page_whose_title_names_the_procedure() -> None:
    # the residence page's answer line matches "mang theo … căn cước" best and its own papers list is near it; the
    # papers asked for are those of the renewal page, whose title names "đổi … căn cước", though none of its items
    # is among the best-ranked sentences
    from assistant.evidence import ScoredSentence
    from assistant.selection import select_sentences

    texts = {
        "doi.md": "# Thủ tục cấp đổi thẻ căn cước\n\n## 2. Thành phần hồ sơ\n\n- Thẻ đang sử dụng.\n"
                  "- Quyết định cải chính hộ tịch.\n",
        "tru.md": "# Thủ tục đăng ký thường trú\n\nĐáp: Người nộp hồ sơ cần mang theo thẻ căn cước.\n\n"
                  "## 2. Hồ sơ gồm\n\n- Tờ khai thay đổi thông tin cư trú.\n- Giấy tờ chứng minh chỗ ở hợp pháp.\n\n"
                  + "\n\n".join(f"Trường hợp {k} xuất trình thẻ căn cước để đối chiếu." for k in range(1, 41)) + "\n",
    }
    finder = EvidenceFinder(CorpusStats(list(texts.values())), lambda s: texts[s])
    docs = {s: finder._doc(s) for s in texts}  # noqa: SLF001 - the parser the evidence stage uses
    answer_line = next(s for s in docs["tru.md"].sentences if s.text.startswith("Đáp"))
    # forty lines of the residence page rank above every line of the renewal page
    others = sorted((s for d in docs.values() for s in d.sentences if s is not answer_line),
                    key=lambda s: s.source != "tru.md")
    ranked = [ScoredSentence(answer_line, 1.0, 0.6, frozenset({"can cuoc", "mang"}), 0)] + [
        ScoredSentence(s, 0.5 - 0.001 * i, 0.2, frozenset({"can cuoc"}), 99) for i, s in enumerate(others)]
    question = "Đi đổi thẻ căn cước cần mang theo những gì?"
    ev = Evidence(analyze(question), QueryTerms({"doi": 2.0, "can cuoc": 2.0, "mang": 1.0}, 5.0, ()), ranked, docs,
                  titles={"doi.md": "Thủ tục cấp đổi thẻ căn cước", "tru.md": "Thủ tục đăng ký thường trú"})
    typer = load_typer()
    chosen = select_sentences(ev, True, lambda text: typer.names_list_kind(text, typer.list_kind(question)))
    assert {r.sentence.source for r in chosen} == {"doi.md"}, [r.sentence.text for r in chosen]
    assert any(r.sentence.text.startswith("- Quyết định cải chính") for r in chosen)
