"""What kind of value a question asks for: the asking clause decides, not a noun elsewhere in it."""

from __future__ import annotations

import pytest

from assistant.answer_typing import AnswerTyper, load_typer
from index.normalize import fold


@pytest.fixture(scope="module")
def typer() -> AnswerTyper:
    return load_typer()


@pytest.mark.parametrize(("question", "kind"), [
    # a noun naming one type in an earlier clause, the asking word of another in the last one
    ("e đổi sđt rồi, số cũ ko dùng nữa thì vneid cập nhật ở đâu v ạ", "place"),
    ("Số điện thoại cũ bị khóa thì đến cơ quan nào để cập nhật?", "organization"),
    # "how many" alone in the last clause: the whole question says of what
    ("Lệ phí cấp căn cước lần đầu là bao nhiêu, đổi thẻ thì bao nhiêu?", "money"),
    ("Bà qua đời ở tuổi bao nhiêu?", "age"),  # the age cue in either word order
    ("Tỷ lệ hồ sơ trực tuyến là bao nhiêu?", "percent"),
    ("Nếu mất thẻ thì bao lâu được cấp lại?", "duration"),
    ("Số điện thoại đường dây nóng là gì?", "phone"),
    # English "when" asks only as the question word, not as "when submitting"
    ("When did the law take effect?", "date"),
    ("Since when has Huế been a centrally governed city?", "date"),
    ("What file formats can I attach when submitting an application?", ""),
    # "who holds this office": the office is named, so only a person's name answers
    ("Ai là Bí thư Thị ủy La Gi?", "name"),
    ("Giám đốc Sở Thông tin và Truyền thông Bắc Ninh là ai?", "name"),
    ("Ai cấp thẻ căn cước cho công dân?", "person"),  # an office answers this one
    ("Tôi có thể gửi hồ sơ ở những chỗ nào?", "place"),  # "chỗ nào" is "where", as "ở đâu"
    ("lam can cuoc o cho nao", "place"),
    # a numbered document asked for, though the question names the fee or the procedure it regulates
    ("Which circular currently sets the fees for issuing ID cards?", "document"),
    ("Theo nghị định nào thì được làm liên thông khai sinh?", "document"),
    ("Lệ phí cấp thẻ căn cước theo văn bản nào?", "document"),
    # a fine, a wage or a sum is money, as a fee is; "phát hiện bao nhiêu" counts
    ("Không khai báo tạm vắng thì bị phạt bao nhiêu?", "money"),
    ("Lương tối thiểu vùng II hiện nay là bao nhiêu?", "money"),
    ("Công an đã phát hiện bao nhiêu vụ vi phạm?", "number"),
    # a yes/no that checks a sum, or compares prices, asks for money: only a stated sum settles it
    ("Lệ phí cấp lại thẻ khi bị mất có phải là 70.000 đồng không ạ?", "money"),
    ("Không đăng ký tạm trú thì có bị phạt 500 nghìn đồng không?", "money"),
    ("Làm online thì phí có rẻ hơn làm trực tiếp không?", "money"),
    ("chu ky so cua nha mang A co re hon nha mang B khong", "money"),
    # ... not a sum in the story told before the question, nor a comparison of anything else
    ("Tôi đã nộp 50.000 đồng rồi, sau đó có được hoàn lại không?", ""),
    ("Gia đình tôi đông người hơn thì có được ưu tiên không?", ""),
    # the cue nearest the question word: a cue further off names what the asked thing is about
    ("What phone number can I call with questions about funeral cost support?", "phone"),
    ("Quán bún chả Hương Liên mở cửa từ năm nào?", "date"),
    # "<day|month> mấy" asks which one, "mấy <unit>" how many
    ("Hằng năm đăng ký nghĩa vụ quân sự được tổ chức vào tháng mấy?", "month"),  # a date that names its month
    ("Mỗi tháng mấy ngày thì chi tiền?", "duration"),
    # the kind of name asked: a name answers, not a definition
    ("nguyen du ten chu la gi vay", "name"),
    ("Tên khoa học của voọc Cát Bà là gì?", "name"),
])
def test_the_asking_clause_decides_the_type(typer: AnswerTyper, question: str, kind: str) -> None:
    assert typer.expected(question) == kind


@pytest.mark.parametrize(("sentence", "kind", "value"), [
    # a fee is stated by its sum, by its absence or by the duty to pay it
    ("Thủ tục không thu phí, lệ phí.", "fee", "không thu phí"),
    ("Lệ phí: 25.000 đồng/thẻ.", "fee", "25.000 đồng"),
    ("Người đó phải trả phí dịch vụ chuyển phát.", "fee", "trả phí"),
    ("Công dân nộp lệ phí khi đăng ký thường trú.", "fee", "nộp lệ phí"),
    ("Miễn lệ phí đăng ký khai sinh đúng hạn.", "fee", "Miễn lệ phí"),
    ("Trận Bạch Đằng diễn ra vào năm 938.", "date", "năm 938"),
    ("Chùa được xây dựng vào thế kỷ thứ XI.", "date", "thế kỷ thứ XI"),
    ("Sự kiện diễn ra vào mùa xuân năm Kỷ Dậu.", "date", "năm Kỷ Dậu"),  # a year of the sexagenary cycle
    ("Lễ hóa vàng thường tổ chức vào mùng 3 Tết.", "date", "mùng 3"),
    # a time set by an event, as a rule states when: "… được trả lại thẻ căn cước khi hết thời hạn tạm giữ"
    ("Người bị giữ thẻ được trả lại thẻ khi hết thời hạn tạm giữ.", "date", "khi hết"),
    ("Ông có hai người con trai.", "number", "hai"),  # numbers written as words
    ("Thời hạn giải quyết là 05 ngày làm việc.", "duration", "05 ngày làm việc"),
    ("Lệ phí là 25.000 đồng/thẻ.", "money", "25.000 đồng"),
    ("Tổng hóa đơn chỉ khoảng 6 đô la Mỹ, do khách trả.", "money", "6 đô la"),  # a foreign currency
    ("Vé vào cửa giá 12 euro.", "money", "12 euro"),
    ("Sáng ngày 9.5, đoàn công tác làm việc với UBND tỉnh.", "date", "ngày 9.5"),  # day.month as news write it
    ("Chiều 12.3, Ủy ban họp phiên thứ ba.", "date", "Chiều 12.3"),  # ... after the part of the day alone
    ("Hồ sơ nộp ngày Chủ nhật được tính tiếp nhận vào ngày làm việc tiếp theo.", "date", "ngày làm việc tiếp theo"),
    ("Mọi thắc mắc xin liên hệ Bộ phận một cửa, điện thoại 069 2345 515.", "phone", "069 2345 515"),  # 3-4-3 groups
    ("Hỗ trợ: điện thoại 0236 3811 666.", "phone", "0236 3811 666"),
    ("Gọi cán bộ phụ trách theo số 0912.345.678.", "phone", "0912.345.678"),
    ("1. Tờ khai đăng ký thuế Mẫu số 05-ĐK-TCT;", "form", "Mẫu số 05-ĐK-TCT"),
    ("Tờ khai thay đổi thông tin cư trú (Mẫu CT01), ghi rõ nội dung đề nghị.", "form", "Mẫu CT01"),
    # a month is named by a date that holds one; a year alone names none
    ("Thời gian: trong tháng 4 hằng năm.", "month", "tháng 4"),
    ("Luật có hiệu lực từ ngày 01/7/2024.", "month", "01/7/2024"),
    # a landline's eleven digits in any grouping
    ("Gọi tổng đài hỗ trợ theo số 0269 3 822 588 trong giờ hành chính.", "phone", "0269 3 822 588"),
    ("Lệ phí thực hiện theo Thông tư số 73/2024/TT-BTC của Bộ Tài chính.", "document", "73/2024/TT-BTC"),
    ("Thực hiện Nghị quyết 57-NQ/TW của Bộ Chính trị.", "document", "57-NQ/TW"),
])
def test_values_of_every_era_and_form_are_typed(typer: AnswerTyper, sentence: str, kind: str, value: str) -> None:
    assert value in [sp.text for sp in typer.spans(sentence, kind)]


def test_a_year_alone_names_no_month(typer: AnswerTyper) -> None:
    assert not typer.has("Đăng ký là trách nhiệm của công dân theo Luật Nghĩa vụ quân sự năm 2015.", "month")
    # ... nor a document's number
    assert not typer.has("Căn cứ: Nghị định số 13/2016/NĐ-CP quy định thủ tục đăng ký.", "month")


def test_a_date_or_a_ratio_is_no_document_number(typer: AnswerTyper) -> None:
    # a document number carries its issuer's code ("/TT-BTC", "-NQ/TW"); dates and "24/7" carry none
    assert not typer.has("Tổng đài hoạt động 24/7; hồ sơ nộp trước ngày 01/7/2025, tỷ lệ 3/4.", "document")


def test_the_number_of_an_item_is_no_sum(typer: AnswerTyper) -> None:
    # "12. Đồng ý …" folds to "12. dong y": the item's number and the verb "đồng ý" (agree) are no 12 đồng
    assert not typer.has("12. Đồng ý cho người khác đăng ký tạm trú vào chỗ ở của mình để vụ lợi.", "money")
    assert [sp.text for sp in typer.spans("2. Đồng thời, lệ phí 30.000đ được miễn.", "money")] == ["30.000đ"]
    assert [sp.text for sp in typer.spans("50.000 đồng/lần", "money")] == ["50.000 đồng"]  # a sum opening the line
    # a number a comma ends is no sum of the word after it, inside a sentence as at its start
    assert not typer.has("Vào tháng 12, động đất làm sập cầu.", "money")
    assert not typer.has("Các phòng D1, D2 nằm ở tầng hai.", "money")
    assert [sp.text for sp in typer.spans("Mức phí là 1.000.000 đồng.", "money")] == ["1.000.000 đồng"]
    # nor a number, however many digits it has ("12." was read as "1" and "2.")
    assert not typer.has("12. Các trường hợp khác theo quy định của pháp luật.", "number")
    assert [sp.text for sp in typer.spans("10) Người dân nộp 2 bộ hồ sơ.", "number")] == ["2"]
    assert [sp.text for sp in typer.spans("1.500 người tham gia.", "number")] == ["1.500"]


def test_a_ratio_is_no_part_of_a_date_or_a_document_number(typer: AnswerTyper) -> None:
    assert not typer.has("Luật số 59/2014/QH13 hết hiệu lực từ ngày 01/7/2024.", "percent")
    assert [sp.text for sp in typer.spans("Đã có 159/159 xã thành lập tổ công nghệ số.", "percent")] == ["159/159"]


def test_a_documents_number_counts_nothing(typer: AnswerTyper) -> None:
    # "bao nhiêu …" is not answered by the number of a plan or a law
    assert [sp.text for sp in typer.spans("Kế hoạch số 407/KH-UBND đặt 12 mục tiêu.", "number")] == ["12"]
    assert not typer.has("Luật số 59/2014/QH13 và Nghị quyết 05-NQ/TU.", "number")


def test_the_elderly_state_no_age(typer: AnswerTyper) -> None:
    # "người cao tuổi" names the elderly, it states no age a "bao nhiêu tuổi" question asks for
    assert not typer.has("Người cao tuổi thuộc hộ nghèo được hưởng trợ cấp hằng tháng.", "age")
    assert typer.has("Người từ đủ 80 tuổi trở lên được hưởng trợ cấp.", "age")
    assert typer.has("Trẻ em chưa đủ tuổi thì không phải làm thẻ.", "age")


@pytest.mark.parametrize(("word", "says_yes"), [
    ("Có.", True), ("Được,", True), ("Đúng", True), ("co", True), ("dung", True), ("Yes,", True),
    ("Cơ", False), ("Dùng", False), ("Đừng", False), ("Cỏ", False), ("Không", False),
])
def test_an_answer_opens_with_yes_only_as_written(typer: AnswerTyper, word: str, says_yes: bool) -> None:
    # "Cơ quan quản lý căn cước không thu nhận …" folds to "co quan …": it says no "Có"
    assert typer.affirms(word) is says_yes


def test_an_ordinary_year_word_is_not_a_date(typer: AnswerTyper) -> None:
    assert not typer.has("Năm nay có kỳ thi tuyển sinh.", "date")
    # "khi đến" is "when coming to", no time set by an event
    assert not typer.has("Khi đến khai báo tạm vắng phải nộp đề nghị khai báo tạm vắng.", "date")


def test_a_name_is_a_person_not_an_office_or_a_place(typer: AnswerTyper) -> None:
    assert not typer.has("Thị ủy La Gi đã ban hành Kế hoạch số 82-KH/TU về chuyển đổi số.", "name")
    assert [sp.text for sp in typer.spans("Bí thư Thị ủy là ông Nguyễn Văn Hải.", "name")] == ["Nguyễn Văn Hải"]
    assert typer.has("Hồ sơ nộp tại Công an cấp xã.", "person")  # "ai" may be answered by an office


def test_folded_lookalikes_are_not_organisations(typer: AnswerTyper) -> None:
    # "số" folds to "sở", "bộ hồ sơ" to a ministry, "ban hành" to a board, "trường hợp" to a school
    assert not typer.has("Trong trường hợp bộ hồ sơ thiếu, cán bộ ban hành thông báo số 12.", "organization")
    assert typer.has("Sở Tư pháp chủ trì, phối hợp với Ban Chỉ đạo tỉnh.", "organization")


def test_a_word_that_only_folds_to_a_number_word_is_not_one(typer: AnswerTyper) -> None:
    # "từ" folds to "tu" like "tư" (four), "Nam" to "nam" like "năm" (five); written with diacritics they
    # are no numbers, so "kể từ ngày" is no duration and the 30 days are the only one
    s = "Trong thời hạn 30 ngày kể từ ngày có quyết định, người Việt Nam có năm người ở lại ba ngày."
    assert [sp.text for sp in typer.spans(s, "duration")] == ["Trong thời hạn 30 ngày", "ba ngày"]
    assert [sp.text for sp in typer.spans(s, "number")] == ["30", "năm", "ba"]
    # typed without diacritics, the folded word is all there is to go on
    assert [sp.text for sp in typer.spans("co nam nguoi o lai", "number")] == ["nam"]


def test_a_lead_in_that_folds_to_a_number_word_does_not_hide_the_figure(typer: AnswerTyper) -> None:
    # "Sau" (after) folds like "sáu" (six) and "không" after "nhưng" is no zero; the figure that follows
    # is the number, so both spans are durations
    assert [sp.text for sp in typer.spans("Sau 30 phút, người dân có thể đăng nhập lại.", "duration")] == [
        "Sau 30 phút"]
    s = "Cấp phiếu cho công dân; trường hợp phức tạp có thể kéo dài hơn nhưng không quá 02 ngày làm việc."
    assert [sp.text for sp in typer.spans(s, "duration")] == ["không quá 02 ngày làm việc"]
    # with no figure the lead-in rule still holds: "Sau đó" is no six
    assert not typer.has("Sau đó, người dân nhận kết quả.", "number")


def test_a_date_holds_no_duration_and_a_range_of_dates_is_one(typer: AnswerTyper) -> None:
    # "13 tháng" of "ngày 13 tháng 3" and "3 năm" of "tháng 3 năm 2024" are parts of dates, no lengths of time
    assert typer.spans("Hồ sơ nộp ngày 13 tháng 3 năm 2024.", "duration") == []
    assert [sp.text for sp in typer.spans("Ngày 13 tháng 3 năm 2024, sau 20 ngày chờ đợi.", "duration")] == [
        "sau 20 ngày"]
    # from one date to another is how long it lasted ("kéo dài bao lâu")
    s = "Trận đánh diễn ra từ ngày 13 tháng 3 đến ngày 7 tháng 5 năm 1954."
    assert [sp.text for sp in typer.spans(s, "duration")] == ["từ ngày 13 tháng 3 đến ngày 7 tháng 5 năm 1954"]
    assert [sp.text for sp in typer.spans("Áp dụng từ 01/7/2024 đến 31/12/2024.", "duration")] == [
        "từ 01/7/2024 đến 31/12/2024"]
    # two dates that no "từ … đến" joins are no range
    assert typer.spans("Ngày 01/7/2024 và ngày 31/12/2024 là hai mốc.", "duration") == []


def test_the_frame_of_the_asking_phrase(typer: AnswerTyper) -> None:
    # an asking phrase: the word before it and the words after it
    assert typer.frame("Cơ sở dữ liệu về cư trú do cơ quan nào quản lý?", "organization")[:3] == (
        "do", ("quan", "ly"), False)
    # a noun naming the measure: the words after it, which a sentence states before its figure
    assert typer.frame("Tỷ lệ số hóa hồ sơ đạt bao nhiêu?", "percent")[:3] == ("", ("so", "hoa"), True)


def test_a_range_asked_finds_its_start_where_the_sentence_writes_the_asking_noun(typer: AnswerTyper) -> None:
    question = "Đợt cao điểm chạy từ ngày nào đến ngày nào?"
    frame = typer.frame(question, "date")
    text = "Kế hoạch ban hành ngày 27/6/2023 về đợt cao điểm (bắt đầu từ ngày 01/7/2023 và kết thúc ngày 10/10/2023)."
    by_value = {sp.text: typer.in_frame(text, sp, frame) for sp in typer.spans(text, "date")}
    # "từ ngày 01/7/2023" sits where "từ ngày nào" does, the noun between; the plan's own date does not
    assert by_value["01/7/2023"] == 1 and by_value["27/6/2023"] == 0


def test_a_capitalised_number_word_inside_a_sentence_is_a_name(typer: AnswerTyper) -> None:
    s = "Sở hướng dẫn cán bộ Một cửa các cấp tra cứu 6.400 lần; huyện Ba Vì có ba xã. Năm người đến."
    # "Một cửa" and "Ba Vì" are names ("Vì" is no Roman numeral either); "ba" and a sentence's first "Năm" count
    assert [sp.text for sp in typer.spans(s, "number")] == ["6.400", "ba", "Năm"]


@pytest.mark.parametrize(("question", "asks"), [
    ("So sánh tỷ lệ hồ sơ trực tuyến của Bắc Ninh với Bình Định", True),
    ("Tỉnh nào có tỷ lệ cao hơn, Bình Định hay Bắc Ninh?", True),
    ("Which province has a higher share, Binh Dinh or Bac Ninh?", True),
    # both figures asked, no verdict: the lead names no "higher" side
    ("Tỷ lệ đúng hạn của Bình Định và của La Gi lần lượt là bao nhiêu?", False),
])
def test_a_two_sided_question_asks_for_an_order_only_when_it_says_so(typer: AnswerTyper, question: str,
                                                                      asks: bool) -> None:
    assert typer.asks_order(question) is asks


@pytest.mark.parametrize(("question", "kinds"), [
    # two asking clauses: both values must be stated for the question to be answered
    ("Trung tâm Phục vụ hành chính công của tỉnh làm việc mấy giờ, ở đâu?", ("place", "clock")),
    # a story clause names a type ("sđt") without asking for it
    ("e đổi sđt rồi, số cũ ko dùng nữa thì vneid cập nhật ở đâu v ạ", ("place",)),
    # a bare "how many" in the last clause asks what the whole question is about
    ("Lệ phí cấp căn cước lần đầu là bao nhiêu, đổi thẻ thì bao nhiêu?", ("money",)),
    # whether there is a fee is asked only alone: beside another question, that one decides
    ("xin xac nhan thong tin cu tru co mat phi khong", ("fee",)),
    ("Vậy có mất đồng nào không hay miễn phí?", ("fee",)),
    ("Is it free to get a new card?", ("fee",)),
    ("ho so xin tro cap nguoi cao tuoi nop o dau, co mat phi gi khong", ("place",)),
    ("Lệ phí là bao nhiêu?", ("money",)),
    # the form a procedure is filed on; "mau gi" typed without marks is a colour as well ("màu gì")
    ("Cá nhân đăng ký mã số thuế thì khai theo tờ khai mẫu số mấy?", ("form",)),
    ("Which form do I need to fill in to register my residence?", ("form",)),
    ("men lam cua gom bat trang mau gi", ()),
    # which month, not how many months
    ("Hằng năm đăng ký lần đầu được tổ chức vào tháng mấy?", ("month",)),
    ("Tạm trú tối đa mấy tháng?", ("duration",)),
])
def test_every_type_the_asking_clauses_ask_for(typer: AnswerTyper, question: str, kinds: tuple[str, ...]) -> None:
    assert typer.expected_all(question) == kinds


def test_a_cue_written_as_other_words_asks_nothing() -> None:
    typer = load_typer()
    # "Mộ của" folds to "mo cua", the cue of "mở cửa" (opening hours), but the question asks a place
    assert typer.expected("Mộ của bác sĩ Yersin nằm ở đâu?") == "place"
    assert typer.expected("Bộ phận một cửa mở cửa lúc mấy giờ?") == "clock"
    # "Ái", "Ải" fold to "ai" (who), but a name or a mountain pass asks for no person
    assert typer.expected("Nguyễn Ái Quốc đọc Tuyên ngôn độc lập năm nào?") == "date"
    assert typer.expected("Ải Chi Lăng nằm ở tỉnh nào?") == "place"
    assert typer.expected("Hội nghị do ai chủ trì?") == "person"
    assert typer.expected("bo phan mot cua mo cua luc nao") == "clock"  # typed without diacritics: as folded
    assert typer.expected("Thẻ này cấp cho nào vậy?") != "place"  # "cho" (for) is no "chỗ" (a place)


@pytest.mark.parametrize(("clause", "negated"), [
    ("Người chưa đủ 14 tuổi không được tự mình đề nghị", True),
    ("quan phap xay dung tap doan cu diem khong lo", True),  # typed without diacritics: read folded
    ("Quân Pháp xây dựng một tập đoàn cứ điểm khổng lồ", False),
    ("Du khách đến thăm chùa Một Cột", False),
    ("Nước chấm chua ngọt và quả cam", False),
    ("Các hành vi bị nghiêm cấm", True),
])
def test_a_negation_written_as_another_word_negates_nothing(typer: AnswerTyper, clause: str, negated: bool) -> None:
    assert typer.negated(clause) is negated


def test_the_claim_of_a_yes_no_question_and_its_tail(typer: AnswerTyper) -> None:
    from index.normalize import fold
    q = fold("Khai báo tạm vắng có mất phí không?")
    body = typer.strip_yes_no_tail(q)
    assert len(body) == len(q) and "khong" not in body  # blanked, so offsets into the question hold
    assert typer.claim_of(body).split() == ["mat", "phi"]
    assert typer.claim_of(fold("Hộ chiếu xin gia hạn được không")) == ""


def test_a_yes_no_tail_before_context_a_rewrite_appended_still_ends_the_question(typer: AnswerTyper) -> None:
    from index.normalize import fold
    q = "Vậy có mất phí không (khai báo tạm vắng)?"
    assert typer.is_yes_no_tail(q)
    body = typer.strip_yes_no_tail(fold(q))
    assert len(body) == len(fold(q)) and "khong" not in body
    assert "(khai bao tam vang)" in body  # the context stays: its words are the question's
    assert not typer.is_yes_no_tail("Lệ phí là bao nhiêu (không tính phí ship)?")


@pytest.mark.parametrize(("question", "kind"), [
    ("Người lớn làm hộ chiếu lần đầu thì cần mang theo những giấy tờ gì?", "papers"),
    ("Hồ sơ đăng ký kết hôn gồm những gì?", "papers"),
    ("Thủ tục khai tử ở phường diễn ra theo trình tự thế nào?", "steps"),
    ("Mua xe máy mới thì phải làm những bước nào để lấy biển số?", "steps"),
    ("What documents do I need for a passport?", "papers"),
    ("Nộp hồ sơ ở đâu?", ""),
    ("Lệ phí cấp hộ chiếu là bao nhiêu?", ""),
])
def test_the_kind_of_items_a_list_question_asks_for(typer: AnswerTyper, question: str, kind: str) -> None:
    assert typer.list_kind(question) == kind


def test_a_heading_names_a_kind_of_items_in_its_own_words(typer: AnswerTyper) -> None:
    assert typer.names_list_kind("2. Hồ sơ gồm", "papers")
    assert typer.names_list_kind("III. CÁC BƯỚC THỰC HIỆN", "steps")
    assert typer.names_list_kind("Lệ phí: Bước 1:", "steps")  # a run of "Bước 1:" lines is a list of steps
    assert not typer.names_list_kind("4. Thời hạn giải quyết", "papers")
    assert typer.asking_words("thủ tục diễn ra theo trình tự thế nào") >= {"trinh", "tu"}


def test_a_word_that_begins_with_a_number_word_is_no_number(typer: AnswerTyper) -> None:
    found = typer.spans("Bắc Ninh thuộc nhóm 8 địa phương cấp phiếu lý lịch tư pháp qua VNeID, có tư vấn.", "number")
    assert [s.text for s in found] == ["8"]
    assert [s.text for s in typer.spans("Hà Nội có bốn quận", "number")] == ["bốn"]


def test_a_statement_asked_to_be_confirmed_asks_for_its_truth(typer: AnswerTyper) -> None:
    assert typer.asks_truth("Công dân dưới 14 tuổi được cấp thẻ căn cước theo nhu cầu, đúng hay sai?")
    assert typer.asks_truth("Đúng hay sai: hộ một người thì người đó là chủ hộ.")
    assert typer.asks_truth("Is it true that a child needs a card?")
    assert typer.asks_truth("the duoi 14 tuoi cap theo nhu cau dung khong")  # typed unmarked: read folded
    # "dùng" folds like "đúng": written with its marks it asks no truth
    assert not typer.asks_truth("Thẻ căn cước cũ có dùng được không?")
    assert not typer.asks_truth("Khai báo tạm vắng có mất phí không?")


def test_a_year_in_a_law_s_name_names_the_law(typer: AnswerTyper) -> None:
    assert typer.names_document("Theo Luật Căn cước năm 2023, ai được cấp thẻ?", 2023)
    assert typer.names_document("Until when is it valid under the 2023 Law on Electronic Transactions?", 2023)
    assert typer.names_document("Nghị định 59/2022 quy định gì về định danh?", 2022)
    # a year the question asks about, even beside a law's name, is a time
    assert not typer.names_document("Năm 2023 Bình Định tiếp nhận bao nhiêu hồ sơ?", 2023)
    assert not typer.names_document("Theo Luật Cư trú, năm 2024 có bao nhiêu người đăng ký?", 2024)


def test_a_word_that_holds_a_negation_word_negates_nothing(typer: AnswerTyper) -> None:
    assert not typer.negated("Người chưa thành niên có thể có nơi cư trú khác")  # a minor
    assert not typer.negated("Hãng hàng không cấp vé điện tử")
    assert typer.negated("Người chưa thành niên chưa được cấp thẻ")  # the second "chưa" negates
    # an alternative question's "không hay" ("… có phải lăn tay không hay chỉ chụp ảnh?") asks, it does not negate
    assert not typer.negated("cháu có phải lăn tay như người lớn không hay chỉ chụp ảnh thôi")
    assert typer.negated("cháu không phải lăn tay")
    assert typer.negated("nguoi chua du 14 tuoi")


def test_a_forbidding_negation_reaches_the_clauses_after_it_until_an_exception(typer: AnswerTyper) -> None:
    assert typer.negates_onwards("Cơ quan nhà nước không được thu thập lại dữ liệu")
    assert typer.negates_onwards("Nghiêm cấm chiếm đoạt")
    assert not typer.negates_onwards("Không thu lệ phí")  # denies one thing; the next item is its own
    assert typer.ends_scope("trừ trường hợp yêu cầu cung cấp dữ liệu phục vụ cập nhật")
    assert not typer.ends_scope("cá nhân cung cấp lại dữ liệu mà cơ quan đó đang quản lý")


def test_a_rate_is_no_sum_of_money(typer: AnswerTyper) -> None:
    # "tỷ lệ" (a rate) opens with the word for a billion; "2023, tỷ lệ …" states no money
    assert not typer.has("Trong 6 tháng đầu năm 2023, tỷ lệ hồ sơ phát sinh trực tuyến đạt 52,3%", "money")
    assert typer.has("Tỉnh đã bố trí 2,5 tỷ đồng cho chuyển đổi số", "money")
    assert typer.has("Kinh phí 300 triệu", "money")


def test_a_reference_to_a_part_of_a_law_or_an_item_number_is_no_value(typer: AnswerTyper) -> None:
    # "bao nhiêu cm" is not answered by "4. … quy định tại khoản 2 và khoản 3 Điều này"
    assert not typer.has("4. Bộ trưởng quy định kích thước theo khoản 2 và khoản 3 Điều này.", "number")
    assert typer.has("2. Trong thời hạn 07 ngày làm việc, cơ quan thẩm định.", "number")
    assert typer.has("Toàn tỉnh có 1.230 dịch vụ công trực tuyến.", "number")
    assert typer.has("Tỉnh thí điểm 8 xã, phường chuyển đổi số.", "number")  # "điểm 8" is no point of a law
    assert typer.has("Bản sao dùng được nhiều lần.", "number")  # "mấy lần" is answered by "nhiều lần"


def test_not_is_no_zero(typer: AnswerTyper) -> None:
    assert not typer.has("Trường hợp không có hoặc không thu nhận được thông tin.", "number")
    assert typer.has("Tỉnh có hai mươi hồ sơ.", "number")


def test_a_life_span_states_the_years_of_birth_and_death(typer: AnswerTyper) -> None:
    text = fold("Alexandre Yersin (22 tháng 9 năm 1863 – 1 tháng 3 năm 1943) là bác sĩ.")
    (birth_at, birth_end, birth), (death_at, death_end, death) = sorted(typer.implied_values(text))
    assert "1863" in text[birth_at:birth_end] and "sinh" in birth and "mat" not in birth
    assert "1943" in text[death_at:death_end] and "qua doi" in death
    assert typer.implied_words(fold("Trần Hưng Đạo (1228 – 1300), tên thật là Trần Quốc Tuấn")) >= {"sinh", "mat"}
    assert not typer.implied_words(fold("Chỉ tiêu giai đoạn 2021 – 2025"))


def test_a_life_span_answers_only_when_someone_was_born_or_died(typer: AnswerTyper) -> None:
    # "Marie Curie nhập quốc tịch Pháp vào năm nào?": the years of her life are no year she became French
    text = "Marie Curie (1867 – 1934) là nhà vật lý người Ba Lan, sau nhập quốc tịch Pháp."
    assert typer.has(text, "date")
    assert not typer.has_asked(text, "date", {"nhap", "quoc tich", "phap"})
    assert typer.has_asked(text, "date", {"sinh"}) and typer.has_asked(text, "date", {"mat"})
    # a year written elsewhere in the sentence still answers
    assert typer.has_asked("Marie Curie (1867 – 1934) nhập quốc tịch Pháp năm 1895.", "date", {"nhap"})
    # a processing time answers any "bao lâu", not only "có kết quả"
    assert typer.has_asked("Trong thời hạn 07 ngày làm việc kể từ ngày nhận đủ hồ sơ.", "duration", {"cap"})


def test_a_processing_time_states_when_the_result_comes(typer: AnswerTyper) -> None:
    # "trong thời hạn 07 ngày làm việc kể từ ngày nhận đủ hồ sơ": the time to settle the papers answers "bao lâu
    # có kết quả"; a validity counted from the day of issue ("06 tháng kể từ ngày cấp") does not
    text = fold("Trong thời hạn 07 ngày làm việc kể từ ngày nhận đủ hồ sơ, cơ quan thẩm định.")
    [(at, end, words)] = typer.implied_values(text)
    assert text[at:end] == "07 ngay lam viec" and {"ket qua", "giai quyet"} <= words
    assert not typer.implied_words(fold("Giấy có giá trị 06 tháng kể từ ngày cấp."))


def test_a_value_of_the_question_falls_in_the_range_a_sentence_states(typer: AnswerTyper) -> None:
    eight, three = typer.cases("Bé nhà tôi mới 8 tuổi thì làm thế nào?"), typer.cases("Con tôi 3 tuổi")
    under_14 = fold("Hộ chiếu cấp cho người chưa đủ 14 tuổi có thời hạn 05 năm.")
    from_14 = fold("Hộ chiếu cấp cho người từ đủ 14 tuổi trở lên có thời hạn 10 năm.")
    six_to_14 = fold("Người từ đủ 06 tuổi đến dưới 14 tuổi cùng người đại diện hợp pháp đến cơ quan quản lý căn cước.")
    assert typer.bracketed(eight, under_14) == {"8 tuoi"} and not typer.bracketed(eight, from_14)
    assert typer.bracketed(eight, six_to_14) == {"8 tuoi"}
    # "dưới 14 tuổi" is the end of the range "từ đủ 06 tuổi đến dưới 14 tuổi", which holds no 3-year-old
    assert not typer.bracketed(three, six_to_14) and typer.bracketed(three, fold("Trẻ dưới 06 tuổi")) == {"3 tuoi"}
    assert not typer.bracketed(typer.cases("Hộ chiếu dùng mấy năm?"), under_14)  # no value asked


@pytest.mark.parametrize(("question", "stated", "not_stated"), [
    # asked with no unit: a figure in a unit of that dimension answers, not a year or a distance
    ("Vườn quốc gia rộng bao nhiêu?", "Vườn có diện tích 123.326 ha.", "Vườn cách thành phố khoảng 50 km."),
    ("Sông rộng bao nhiêu?", "Đoạn này sông rộng khoảng 150 m.", "Cầu được xây năm 1898."),  # a width
    ("Con rùa nặng khoảng bao nhiêu?", "Cá thể này nặng khoảng 169 kg.", "Cá thể chết năm 2016."),
    ("con rua nang bao nhieu", "Con rùa nặng hai tấn.", "Con rùa sống 100 năm."),
    ("Tháp cao bao nhiêu và có mấy tầng?", "Tháp cao 21 m, gồm bảy tầng.", "Tháp xây năm 1844."),
    ("Cáp treo dài khoảng bao nhiêu?", "Tuyến cáp dài 6.292,5 m.", "Tuyến cáp có 2 ga."),
    ("How tall is the tower?", "Tháp cao 21 m.", "Tháp xây năm 1844."),
    # the dimension's noun, qualified before the question word
    ("Nhà thuê thì diện tích tối thiểu mỗi người phải là bao nhiêu?", "không thấp hơn 08 m2 sàn/người.",
     "Hợp đồng thuê từ 12 tháng."),
])
def test_a_dimension_asked_with_no_unit_is_answered_by_a_figure_in_its_units(
        typer: AnswerTyper, question: str, stated: str, not_stated: str) -> None:
    measures = typer.dimension_measures(question)
    assert measures
    assert all(rx.search(fold(stated).lower()) for rx in measures)
    assert not any(rx.search(fold(not_stated).lower()) for rx in measures)


@pytest.mark.parametrize("question", [
    "Mật khẩu phải dài bao nhiêu ký tự?",  # a count of characters
    "Động dài bao nhiêu mét?",  # the unit is named: units.tsv answers it
    "Trận đánh kéo dài bao nhiêu?",  # a time
    "Tỉnh có bao nhiêu xã?",
    "Chiều dài của mật khẩu tối thiểu là bao nhiêu ký tự?",  # a count, however the dimension is named
])
def test_no_dimension_is_asked(typer: AnswerTyper, question: str) -> None:
    assert typer.dimension_measures(question) == ()


def test_the_subject_of_a_sentence_that_lists_items_itself(typer: AnswerTyper) -> None:
    assert typer.inline_subject("3. Thông tin sinh trắc học gồm ảnh khuôn mặt, vân tay, mống mắt, ADN, giọng nói.") \
        == "3. thong tin sinh trac hoc"
    # the last item joined by "và" counts: three items
    assert typer.inline_subject("Hồ sơ bao gồm tờ khai, ảnh chân dung và bản sao giấy khai sinh.") == "ho so"
    assert typer.inline_subject("The application includes a form, a photo and a copy of the birth certificate.") \
        == "the application"
    assert typer.inline_subject("Hồ sơ gồm tờ khai và ảnh.") == ""  # two items
    assert typer.inline_subject("Hồ sơ gồm:") == ""  # announces the lines below
    assert typer.inline_subject("Người dân nộp hồ sơ tại Công an xã, phường, thị trấn.") == ""  # no list word


def test_figures_are_compared_without_leading_zeros() -> None:
    """A law writes "07 ngày", "06 tháng"; a citizen writes "7 ngày": the figures a yes/no claim is checked on agree."""
    typer = load_typer()
    assert typer.figures("trong thời hạn 07 ngày làm việc") == typer.figures("trong 7 ngày làm việc") == ["7"]
    assert typer.figures("liên tục 24/7") == ["24", "7"]
    assert typer.figures("0,5% và 1.230 hồ sơ năm 2024") == ["0,5%", "1230", "2024"]
    # a date is one figure: "rút 1 lần" does not match the day of "trước ngày 01/7/2025"
    assert typer.figures("trước ngày 01/7/2025 phải sau đủ 12 tháng") == ["1/7/2025", "12"]
    assert typer.figures("ngày 1 tháng 7 năm 2025") == ["1/7/2025"]


def test_spans_are_memoised_without_sharing_the_list_a_caller_gets(typer: AnswerTyper) -> None:
    text = "Lệ phí là 25.000 đồng/thẻ, nộp trong 07 ngày làm việc."
    first = typer.spans(text, "money")
    assert [s.text for s in first] == ["25.000 đồng"]
    first.clear()  # a caller that edits its list leaves the memo as it was
    assert [s.text for s in typer.spans(text, "money")] == ["25.000 đồng"]
    assert typer.expected("Lệ phí là bao nhiêu tiền?") == typer.expected("Lệ phí là bao nhiêu tiền?") == "money"


def test_a_question_asking_whether_yet_is_answered_not_yet(typer: AnswerTyper) -> None:
    # "… đã … chưa?" asks whether something has happened yet: its "no" is "Chưa"
    assert typer.asks_yet("Con tôi năm nay 10 tuổi, đã bắt buộc phải đi làm thẻ căn cước chưa?")
    assert typer.asks_yet("cong an da qua han giai quyet chua a")  # typed without marks: read folded
    # "chùa" (a pagoda) is no "chưa" where the question writes its marks; "… không?" asks no "yet"
    assert not typer.asks_yet("Tôi muốn đi chùa?")
    assert not typer.asks_yet("Tôi có phải đổi thẻ căn cước không?")


def test_an_office_asked_by_which_asks_for_the_name_holding_it(typer: AnswerTyper) -> None:
    # "<office> <its organisation or place> nào": the person holding it, named beside the office in a sentence
    question = "Phó Chủ tịch UBND tỉnh Bình Định nào đã làm việc với đoàn công tác?"
    assert typer.expected(question) == "name"
    assert typer.asked_office(question) == "pho chu tich"
    assert typer.asked_office("Vua nào dời đô về Thăng Long?") == "vua"
    # "nào" of another asking phrase ("hôm nào") or of what the office did ("nội dung nào") asks no name
    assert typer.expected("Chủ tịch phường tiếp dân vào hôm nào trong tuần?") != "name"
    assert typer.asked_office("Chủ tịch UBND tỉnh đã chỉ đạo những nội dung nào?") == ""


def test_the_organisation_head_a_question_asks_by(typer: AnswerTyper) -> None:
    assert typer.asked_head("Bộ nào có trách nhiệm cung cấp thông tin hộ tịch?") == "bo"
    # a common noun is no head of a name: the question's own subject often opens with it
    assert typer.asked_head("Cơ quan nào cấp thẻ căn cước?") == ""
    assert typer.asked_head("Tài khoản giao dịch điện tử do ai cấp?") == ""


def test_one_foreign_word_after_a_place_word_is_a_place() -> None:
    from assistant.lexicon import load_word_list
    from assistant.settings import Settings

    typer = load_typer(vocabulary=load_word_list(Settings().words_path))
    # "ở nước nào?": the country is one word, and no Vietnamese one
    assert [sp.text for sp in typer.spans("Năm 1999, Liên đoàn được thành lập tại Hungary.", "place")] == ["Hungary"]
    # a Vietnamese word capitalised after "Tại" is no place: "Hội nghị" is a meeting; one the gazetteer knows is
    assert not typer.spans("Tại Hội nghị, lãnh đạo Sở đã báo cáo kết quả.", "place")
    assert [sp.text for sp in typer.spans("Ông mất năm 1820 tại kinh đô Huế, thọ 54 tuổi.", "place")] == ["Huế"]
    # without the word list a single word is never a place
    assert not load_typer().spans("Năm 1999, Liên đoàn được thành lập tại Hungary.", "place")


def test_a_cue_of_a_type_not_asked_is_no_asking_phrase(typer: AnswerTyper) -> None:
    # "mở cửa" cues opening hours, but "… mở cửa từ năm nào?" asks a year: the shop's opening is what the answer must
    # state, so its words stay topic words, while the year's asking phrase does not need stating
    asking = typer.asking_words("Quán bún chả Hương Liên mở cửa từ năm nào?")
    assert "mo" not in asking and {"nam", "nao"} <= asking
    assert {"mo", "cua"} <= typer.asking_words("Bộ phận một cửa mở cửa lúc mấy giờ?")
