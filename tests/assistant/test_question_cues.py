"""Unit tests of question cues: which sentences say what a term is, and the names a question writes."""

from __future__ import annotations

import pytest

from assistant.answer_typing import load_typer
from assistant.question_cues import defines, inner_names
from assistant.vocabulary import GENERIC_PHRASES, STOPWORDS
from index.normalize import fold


@pytest.mark.parametrize("sentence,term", [
    ("Căn cước điện tử là căn cước của công dân được thể hiện thông qua tài khoản định danh điện tử.",
     "can cuoc dien tu"),
    ("Khu vực giao nhau giữa ba nước Thái Lan, Lào và Myanmar được gọi là \"Tam giác vàng\".", "tam giac vang"),
    ("Tên gọi bắt nguồn từ tên địa phương \"Hủa Xi Pan\", có nghĩa là \"phiến đá khổng lồ\".", "hua xi pan"),
    ("Những xe này được binh sĩ mệnh danh là \"những chiếc Curie nhỏ\".", "nhung chiec curie nho"),
    ("The area where three countries meet is known as the Golden Triangle.", "the golden triangle"),
    # an apposition saying what the term is one of
    ("Gần hồ là động Puông, một hang đá vôi dài khoảng 300 mét.", "dong puong"),
    # what a term that opens a sentence is regarded as, later in it
    ("Năm 1076, Quốc Tử Giám được thành lập bên cạnh Văn Miếu, được coi là trường đại học đầu tiên.", "quoc tu giam"),
    ("Cổng Dịch vụ công quốc gia được xây dựng từ năm 2019, được xem là đầu mối một cửa.", "cong dich vu cong quoc gia"),
    ("Điều lệ này, sau khi được thông qua, được coi là văn bản gốc.", "dieu le nay"),
])
def test_sentences_that_say_what_a_term_is(sentence: str, term: str) -> None:
    assert defines(fold(sentence), term)


@pytest.mark.parametrize("sentence,term", [
    ("Tôi đã đến Tam giác vàng vào năm ngoái.", "tam giac vang"),
    ("Người dân gọi điện cho Công an cấp xã.", "cong an"),
    ("Căn cước điện tử được sử dụng để thực hiện thủ tục hành chính.", "can cuoc dien tu"),
    # a regarded-as statement about something else: another subject opens the sentence
    ("Văn Miếu được xây năm 1070, nơi sau này được coi là nơi thờ Khổng Tử; Quốc Tử Giám mở năm 1076.", "quoc tu giam"),
    # ... or it comes too far after the term: another statement
    ("Quốc Tử Giám có nhiều bia đá ghi tên các tiến sĩ đỗ đạt qua các khoa thi suốt ba thế kỷ của nhiều triều đại "
     "phong kiến, và phong tục ấy được coi là quý.", "quoc tu giam"),
])
def test_sentences_that_only_mention_the_term(sentence: str, term: str) -> None:
    assert not defines(fold(sentence), term)


@pytest.mark.parametrize("question,term", [
    ("VNeID là gì?", "vneid"),
    ("\"Hủa Xi Pan\" nghĩa là gì?", "hua xi pan"),  # "nghĩa là gì" asks the same as "là gì"
    ("Định danh điện tử có nghĩa là gì?", "dinh danh dien tu"),
    ("Từ \"Nguyên Đán\" có nghĩa là gì?", "nguyen dan"),  # "từ" announces the term
    ("Tên \"Hoàn Kiếm\" có nghĩa là gì?", "hoan kiem"),  # a quoted term is the term, whatever announces it
    ("Chữ “Đai” trong võ có nghĩa là gì?", "dai"),
    ("Chữ ký số là gì?", "chu ky so"),  # ... "chữ" does not, nor "tư" / "tự"
    ("Tư pháp là gì?", "tu phap"),
    ("Mục tiêu của kế hoạch chuyển đổi số tỉnh là gì?", ""),  # a long subject asks for content
    # a name in parentheses is another name of the term, not part of it
    ("Căn cước điện tử (CCĐT) là gì?", "can cuoc dien tu"),
    ("Sách nôi (incunabula) là gì?", "sach noi"),
    # a definition asked outright: a long term is still a term
    ("Thế nào là người gốc Việt Nam chưa xác định được quốc tịch?", "nguoi goc viet nam chua xac dinh duoc quoc tich"),
    ("Định nghĩa chữ ký số?", "chu ky so"),
    ("Thế nào là hồ sơ đầy đủ, hợp lệ?", ""),  # a comma: no one term
])
def test_the_term_a_definition_question_asks_about(question: str, term: str) -> None:
    from assistant.answer_typing import load_typer
    from assistant.query import analyze
    from assistant.question_cues import defined_term
    assert defined_term(analyze(question), load_typer().term_nouns) == term


def test_an_apposition_says_what_a_term_is_regarded_as() -> None:
    from assistant.question_cues import defines
    from index.normalize import fold

    s = fold('Ông là tác giả của "Bình Ngô đại cáo", áng văn được nhiều thế hệ coi là bản tuyên ngôn độc lập.')
    assert defines(s, "binh ngo dai cao")
    # a mere mention, or a later clause that calls something else by a name, defines nothing
    assert not defines(fold('Năm 1428, ông soạn "Bình Ngô đại cáo" để tuyên cáo thắng lợi.'), "binh ngo dai cao")
    assert not defines(fold("Bình Ngô đại cáo, Quân trung từ mệnh tập, Ức Trai thi tập là các tác phẩm."),
                       "binh ngo dai cao")


@pytest.mark.parametrize(("question", "names"), [
    ("Tôi lấy chồng người Hàn Quốc thì đăng ký kết hôn ở đâu?", ["Hàn Quốc"]),
    ("Tôi có bằng lái xe do Úc cấp, muốn đổi sang bằng lái Việt Nam thì cần gì?", ["Úc", "Việt Nam"]),
    # capitalised by position: the text's first word, a sentence's, a word after a colon
    ("Đúng hay sai: Theo luật, công dân phải khai báo. Các bước thế nào?", []),
    # acronyms and shorthand in capitals are not read as names; a mixed-case brand is
    ("Bằng lái xe quốc tế (IDP) có tích hợp vào VNeID được không?", ["VNeID"]),
    ("Chủ tịch UBND tỉnh Bình Định Phạm Anh Tuấn yêu cầu gì?", ["Bình Định Phạm Anh Tuấn"]),
])
def test_names_written_inside_a_question(question: str, names: list[str]) -> None:
    assert inner_names(question) == names


@pytest.mark.parametrize("question,head", [
    ("Vợ của nhà thơ Nguyễn Du tên là gì?", ("vo",)),
    ("Mộ của bác sĩ Yersin nằm ở đâu?", ("mo",)),
    ("Hài cốt của Marie Curie được đưa vào điện Panthéon năm nào?", ("hai", "cot")),
    # a generic measure of the subject, the citizen's own thing, or no "của" at the opening: nothing asked of it
    ("Tỷ lệ hồ sơ trực tuyến của tỉnh là bao nhiêu?", ()),
    ("Hộ chiếu của tôi còn 3 tháng nữa là hết hạn thì làm sao?", ()),
    ("Lệ phí cấp thẻ căn cước của công dân là bao nhiêu?", ()),
])
def test_the_thing_a_question_asks_of_its_subject(question: str, head: tuple[str, ...]) -> None:
    assert load_typer().asked_thing(question, STOPWORDS, GENERIC_PHRASES) == head

