"""Unit tests of the lead: its list form and its grounding check, on hand-made sentences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.answer_typing import Span
from assistant.evidence import Sentence
from assistant.lead import _clause_around, _clauses, _definition, _headed, _titled, grounded, inline_items
from index.normalize import fold


def _sent(text: str, i: int) -> Sentence:
    return Sentence(source="law.txt", index=i, para=i, start=0, end=len(text), text=text, folded=fold(text),
                    toks=frozenset(), bigrams=frozenset(), length=len(text.split()))


def test_a_list_lead_holds_its_items_not_only_the_heading() -> None:
    items = [_sent("1. Giao dịch điện tử trong nội bộ cơ quan nhà nước.", 1),
             _sent("2. Giao dịch điện tử giữa các cơ quan nhà nước với nhau.", 2),
             _sent("3. Giao dịch điện tử giữa cơ quan nhà nước với cơ quan, tổ chức, cá nhân.", 3)]
    lead = inline_items("Các loại hình giao dịch điện tử của cơ quan nhà nước", items)
    assert lead.startswith("Các loại hình giao dịch điện tử của cơ quan nhà nước: giao dịch điện tử trong nội bộ")
    assert "với nhau; giao dịch" in lead and lead.endswith("cơ quan, tổ chức, cá nhân")
    assert "1." not in lead and "3." not in lead  # enumerators are the list's, not the lead's


def test_a_long_list_is_cut_to_the_lead_length_and_marked() -> None:
    items = [_sent(f"{k}) Hành vi thứ {k} bị nghiêm cấm theo quy định của pháp luật về căn cước, "
                   "kể cả khi được người khác đồng ý bằng văn bản.", k) for k in range(1, 12)]
    lead = inline_items("Các hành vi bị nghiêm cấm", items)
    assert len(lead) <= 280
    assert lead.endswith("…") and "hành vi thứ 1 bị nghiêm cấm" in lead


def test_names_keep_their_capitals_inside_the_list() -> None:
    items = [_sent("- Công an cấp xã nơi cư trú.", 1), _sent("- Cổng dịch vụ công quốc gia.", 2),
             _sent("- VNeID.", 3)]
    lead = inline_items("Nộp ở một trong các nơi sau", items)
    assert "công an cấp xã nơi cư trú; cổng dịch vụ công quốc gia" in lead
    assert lead.endswith("VNeID")


def test_two_parts_are_answered_in_one_lead_with_the_markers_at_the_end() -> None:
    from assistant.lead import join_leads
    assert join_leads(["Mỗi công dân được cấp 01 căn cước điện tử [1].", "Có. Căn cước điện tử có giá trị [2]."],
                      {"Có", "Không"}) \
        == "Mỗi công dân được cấp 01 căn cước điện tử; có, căn cước điện tử có giá trị [1][2]."
    # the same clause answering both parts is said once, the longer form kept
    assert join_leads(["90% doanh nghiệp dùng hóa đơn điện tử [1].",
                       "Trong lĩnh vực thuế, 90% doanh nghiệp dùng hóa đơn điện tử [1]."]) \
        == "Trong lĩnh vực thuế, 90% doanh nghiệp dùng hóa đơn điện tử [1]."
    assert join_leads(["Một câu [1]."]) == "Một câu [1]."


def test_a_name_is_a_run_of_capitalised_words_and_no_small_accented_letter_is_a_capital() -> None:
    quote = "Khi đăng ký tạm trú trực tuyến, người dân tải lên bản chụp giấy tờ."
    # "đúng" opens with a small letter: the verdict "Không đúng" is no name the quote must state
    assert grounded("Không đúng. Khi đăng ký tạm trú trực tuyến [1].", [quote]) == []
    assert grounded("Có. Bộ Ngoại giao cấp hộ chiếu [1].", [quote]) == ["Bộ Ngoại"]
    assert grounded("Có. Bộ Công an cấp thẻ [1].", ["do Bộ Công an cấp"]) == []


def test_a_comma_between_numbers_lists_them_and_breaks_no_clause() -> None:
    from assistant.lead import _clause_around

    text = ("Trường hợp người đăng ký thường trú quy định tại các khoản 1, 2, 3, 4, 5, 6 và 7 Điều này là người chưa "
            "thành niên thì trong tờ khai phải ghi rõ ý kiến đồng ý của cha, mẹ hoặc người giám hộ, trừ trường hợp "
            "đã có ý kiến đồng ý bằng văn bản.")
    lead = _clause_around(_sent(text, 0), None, ["thanh", "nien", "khoan"], room=150)
    assert "1, 2, 3, 4, 5, 6 và 7 Điều này" in lead and not lead.startswith("6 và 7"), lead


def test_a_sentence_too_long_to_quote_that_lists_after_a_colon_gives_its_items() -> None:
    from assistant.lead import _inline_list

    text = ("Trung tâm giám sát, điều hành đô thị thông minh (IOC) của tỉnh được triển khai với 08 dịch vụ: giám sát "
            "an toàn thông tin; an ninh trật tự của đô thị; giám sát thông tin trên môi trường mạng; giám sát, điều "
            "hành giao thông; phản ánh hiện trường; hệ thống giám sát DVC; Dashboard tổng hợp giám sát điều hành.")
    lead = _inline_list(_sent(text, 0), ["dich", "vu", "ioc"], room=280, least=3)
    assert lead.startswith("Trung tâm giám sát, điều hành đô thị thông minh (IOC) của tỉnh được triển khai với 08 dịch vụ: ")
    assert "phản ánh hiện trường" in lead and len(lead) <= 280  # the items past the third, as many as fit
    assert lead.endswith("; …")  # and it says more follow
    # a short sentence is quoted whole elsewhere; one that lists nothing after a colon is no list
    assert _inline_list(_sent("Hồ sơ gồm: tờ khai; giấy tờ; ảnh.", 1), [], room=280, least=3) == ""
    assert _inline_list(_sent("Ý kiến: " + "không có gì thêm, " * 20, 2), [], room=280, least=3) == ""


def test_room_the_list_leaves_goes_to_the_items_cut_shortest() -> None:
    items = [_sent("- Bước 1: Điền tờ khai, ghi rõ loại phiếu.", 1),
             _sent("- Bước 2: Nộp hồ sơ tại Bộ phận một cửa Sở Tư pháp, số 27 đường Hùng Vương, hoặc nộp trực tuyến.", 2),
             _sent("- Bước 3: Nộp lệ phí và nhận giấy hẹn trả kết quả.", 3),
             _sent("- Bước 4: Nhận phiếu tại nơi nộp hồ sơ hoặc qua đường bưu điện.", 4)]
    lead = inline_items("Các bước thực hiện", items)
    # four items share the lead; the short ones leave room for the long one, which keeps its address
    assert "số 27 đường Hùng Vương" in lead and "…" not in lead and len(lead) <= 280, lead


def test_a_yes_no_lead_weighs_the_question_words_its_clause_holds() -> None:
    # too long to quote whole: the first clause holds more of the question's words ("thẻ căn cước", common, and
    # the "cố" of "cố ý", folded like the everyday "có"), the third the claim's rare word ("cầm cố")
    text = ("7. Làm giả, sửa chữa, cố ý làm sai lệch nội dung thẻ căn cước, căn cước điện tử, giấy chứng nhận căn "
            "cước; chiếm đoạt, sử dụng trái phép thẻ căn cước, căn cước điện tử, giấy chứng nhận căn cước của người "
            "khác; thuê, cho thuê, cầm cố, nhận cầm cố, hủy hoại thẻ căn cước, giấy chứng nhận căn cước; sử dụng thẻ "
            "căn cước giả, căn cước điện tử giả, giấy chứng nhận căn cước giả.")
    terms = {"the": 0.4, "can": 0.3, "cuoc": 0.3, "co": 0.2, "cam": 4.0, "mang": 1.5, "vay": 2.0}
    weighed = _clause_around(_sent(text, 0), None, terms, 150, weighed=True)
    assert "cầm cố" in weighed and "cố ý" not in weighed, weighed
    # counted, the clause with the most of the question's words comes first
    assert "cố ý" in _clause_around(_sent(text, 0), None, terms, 150)


def test_brackets_belong_to_the_clause_they_stand_in() -> None:
    # "(Viettel)" and "(C06, Bộ CA)" are no clause breaks, nor is a comma inside them: the clause goes on after
    text = ("Tuyến cáp do Tập đoàn Công nghiệp Viễn thông Quân đội (Viettel) công bố, đoàn của Cục Cảnh sát quản lý "
            "hành chính (C06, Bộ CA) làm việc với tỉnh.")
    pieces = [text[a:b] for a, b in _clauses(text)]
    assert pieces == ["Tuyến cáp do Tập đoàn Công nghiệp Viễn thông Quân đội (Viettel) công bố",
                      "đoàn của Cục Cảnh sát quản lý hành chính (C06, Bộ CA) làm việc với tỉnh."], pieces


def test_a_definition_lead_is_the_whole_definition_without_its_asides() -> None:
    text = ("4. Người gốc Việt Nam chưa xác định được quốc tịch đang sinh sống tại Việt Nam (sau đây gọi là người gốc "
            "Việt Nam chưa xác định được quốc tịch) là người đang sinh sống tại Việt Nam, không có giấy tờ chứng minh "
            "có quốc tịch Việt Nam nhưng có cùng dòng máu về trực hệ với người đã từng có quốc tịch Việt Nam.")
    lead = _definition(_sent(text, 0), 280)
    # too long with its aside: the aside goes, the definition after "là" stays, as much as fits
    assert lead.startswith("Người gốc Việt Nam chưa xác định được quốc tịch đang sinh sống tại Việt Nam là người")
    assert "sau đây gọi là" not in lead and "cùng dòng máu về trực hệ" in lead and len(lead) <= 280, lead
    # short enough: the sentence as written, its acronym kept
    assert _definition(_sent("Chỉ số chuyển đổi số (DTI) là thước đo mức độ chuyển đổi số.", 0), 280) == (
        "Chỉ số chuyển đổi số (DTI) là thước đo mức độ chuyển đổi số")


def test_a_name_beside_the_asked_office_is_titled() -> None:
    text = "Đoàn của đại tá Vũ Văn Tấn làm việc với đồng chí Lâm Hải Giang, Phó Chủ tịch UBND tỉnh."
    def span(name: str) -> Span:
        return Span("name", text.index(name), text.index(name) + len(name), name)
    assert _titled(text, span("Lâm Hải Giang"), "pho chu tich")  # the office right after the name
    assert not _titled(text, span("Vũ Văn Tấn"), "pho chu tich")
    before = "Phó Chủ tịch UBND tỉnh Lâm Hải Giang chủ trì."
    assert _titled(before, Span("name", 23, 36, "Lâm Hải Giang"), "pho chu tich")  # ... or a few words before it


def test_an_organisation_opening_with_the_asked_head_answers_which() -> None:
    # "Bộ nào …": "Bộ Tư pháp", not the bare "Bộ" of "cấp Bộ", nor an organisation of another head
    assert _headed(Span("organization", 0, 10, "Bộ Tư pháp"), "bo")
    assert not _headed(Span("organization", 0, 2, "Bộ"), "bo")
    assert not _headed(Span("organization", 0, 24, "cơ quan quản lý căn cước"), "bo")
    assert _headed(Span("organization", 0, 24, "cơ quan quản lý căn cước"), "co quan")


def _lead(answer: Any) -> str:
    """What a citizen reads first: the answer up to its first citation marker."""
    return str(answer.answer.split("[", 1)[0])


def _poet(page_pipeline: Any, name: str, body: str) -> Any:
    """A pipeline over one encyclopedia page on Nguyễn Du holding ``body``."""
    return page_pipeline(name, {"nha_tho.txt": f"Nguyễn Du\n\n{body}\n"})


def test_a_value_comes_from_a_page_that_names_what_the_question_names(page_pipeline: Any) -> None:
    # "UNESCO … vinh danh" matches the poet's article ("đến năm 2015, UNESCO cũng vinh danh ông") as well as the
    # festival's: the festival's page gives the date
    pages = Path(__file__).resolve().parents[2] / "evals" / "corpora" / "encyclopedia3"
    pipeline = page_pipeline("named-page", {name: (pages / name).read_text(encoding="utf-8")
                                            for name in ("nguyen_du.txt", "hoi_giong.txt")})
    ans = pipeline.ask("Hội Gióng được UNESCO vinh danh là di sản của nhân loại vào ngày nào?")
    assert "16 tháng 11 năm 2010" in _lead(ans), ans.answer


def test_when_and_where_someone_died_come_from_the_sentence_saying_both(page_pipeline: Any) -> None:
    # "qua đời" is written "mất" by the article, and "tại kinh đô Huế" is the place; the life span "(1766 – 1820)"
    # implies the year but not the place, and no count is asked that it would be needed for
    bio = _poet(page_pipeline, "death-place", (
        "Nguyễn Du (1766 – 1820) là nhà thơ lớn của Việt Nam. Khu di tích Nguyễn Du ở huyện Nghi Xuân, tỉnh Hà Tĩnh "
        "là di tích quốc gia đặc biệt.\n\nNguyễn Du mất ngày 16 tháng 9 năm 1820, tại kinh đô Huế, do mắc bệnh dịch."))
    ans = bio.ask("Nguyễn Du qua đời năm nào, ở đâu?")
    assert "1820" in _lead(ans) and "Huế" in _lead(ans), ans.answer


def test_a_time_put_first_is_the_time_of_the_clauses_it_opens(page_pipeline: Any) -> None:
    # "Năm 1965, …, Hội đồng … đã ghi nhận ông …; đến năm 2015, UNESCO …": the council's recognition is 1965's,
    # though its words stand nearer to 2015
    bio = _poet(page_pipeline, "fronted-time", (
        "Nguyễn Du là nhà thơ lớn của Việt Nam. Năm 1965, nhân dịp kỷ niệm hai trăm năm ngày sinh của ông, Hội đồng "
        "Hòa bình Thế giới đã ghi nhận ông là danh nhân văn hóa thế giới; đến năm 2015, UNESCO cũng vinh danh ông nhân "
        "kỷ niệm 250 năm ngày sinh."))
    ans = bio.ask("In which year did the World Peace Council recognize Nguyễn Du as a world cultural figure?")
    assert ans.answer.startswith("Answer: Năm 1965"), ans.answer
    ans = bio.ask("In which year did UNESCO honour Nguyễn Du?")
    assert ans.answer.startswith("Answer: năm 2015"), ans.answer


def test_a_value_comes_from_the_sentence_naming_what_is_asked_of_the_subject(page_pipeline: Any) -> None:
    # "Mộ của bác sĩ Yersin": the article's opening names the doctor best, the sentence on his burial names the tomb;
    # his birthplace is no answer
    bio = page_pipeline("asked-thing", {"yersin.txt": (
        "Alexandre Yersin\n\nAlexandre Yersin (1863 – 1943) là bác sĩ, nhà vi khuẩn học người Pháp gốc Thụy Sĩ. "
        "Yersin sinh năm 1863 tại Aubonne, Thụy Sĩ. Năm 1890 Yersin sang Đông Dương làm bác sĩ trên tàu biển.\n\n"
        "Ông mất năm 1943 tại Nha Trang. Theo di nguyện, ông được an táng tại Suối Dầu, tỉnh Khánh Hòa, trong một "
        "ngôi mộ đơn sơ.\n")})
    ans = bio.ask("Mộ của bác sĩ Yersin nằm ở đâu?")
    assert not ans.refused and "Suối Dầu" in _lead(ans) and "Aubonne" not in _lead(ans), ans.answer


def test_a_sentence_denying_the_obligation_asked_is_a_no_whatever_the_faq_answer_opened_with(
        page_pipeline: Any) -> None:
    # the page's own question asked a permission and its answer opens "Được."; the citizen asks an obligation,
    # which the same sentence denies
    page = page_pipeline("denied-obligation", {"xac-nhan.txt": (
        "HƯỚNG DẪN XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ\n\nCÂU HỎI THƯỜNG GẶP\n\n"
        "1. Tôi đang tạm trú ở tỉnh khác, có xin xác nhận thông tin cư trú tại nơi tạm trú được không?\n"
        "Trả lời: Được. Công dân có thể nộp hồ sơ tại Công an cấp xã bất kỳ trên toàn quốc, không bắt buộc về nơi "
        "thường trú. Thông tin xác nhận được lấy từ Cơ sở dữ liệu về cư trú.\n")})
    ans = page.ask("Có bắt buộc phải về Công an xã nơi thường trú mới xin được xác nhận thông tin cư trú không?")
    assert ans.answer.startswith("Không."), ans.answer
    ans = page.ask("Tạm trú ở tỉnh khác thì có xin xác nhận thông tin cư trú tại nơi tạm trú được không?")
    assert ans.answer.startswith("Được") or ans.answer.startswith("Có"), ans.answer
