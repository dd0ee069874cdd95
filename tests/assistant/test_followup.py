"""Rule-based follow-up rewriting: follow-ups become standalone, standalone questions stay as they are."""

from __future__ import annotations

from assistant.followup import condense, is_follow_up
from assistant.types import Turn

BD_2025 = "Tính đến quý I/2025, tỉnh Bình Định có bao nhiêu dịch vụ công trực tuyến toàn trình?"


def _history(*user_questions: str) -> list[Turn]:
    turns: list[Turn] = []
    for q in user_questions:
        turns += [Turn("user", q), Turn("assistant", "Câu trả lời trước [1].")]
    return turns


def test_place_swap_keeps_the_previous_question() -> None:
    out = condense("Còn Bắc Ninh thì sao?", _history(BD_2025))
    assert out == "Tính đến quý I/2025, tỉnh Bắc Ninh có bao nhiêu dịch vụ công trực tuyến toàn trình?"


def test_place_swap_without_diacritics_and_in_english() -> None:
    expected = "Tính đến quý I/2025, tỉnh Bắc Kạn có bao nhiêu dịch vụ công trực tuyến toàn trình?"
    assert condense("con bac kan thi sao", _history(BD_2025)) == expected
    assert condense("What about Bắc Kạn?", _history(BD_2025)) == expected


def test_year_swap() -> None:
    out = condense("Còn năm 2023 thì sao?", _history("Năm 2024 tỉ lệ hồ sơ trực tuyến của Bắc Ninh đạt bao nhiêu?"))
    assert out == "Năm 2023 tỉ lệ hồ sơ trực tuyến của Bắc Ninh đạt bao nhiêu?"


def test_a_new_period_replaces_now_instead_of_being_dropped() -> None:
    prev = _history("Hiện nay Bình Định có bao nhiêu dịch vụ công trực tuyến toàn trình?")
    assert condense("còn năm 2022?", prev) == "Bình Định có bao nhiêu dịch vụ công trực tuyến toàn trình (năm 2022)?"
    assert condense("Thế còn quý I/2025 thì sao?", prev) == \
        "Bình Định có bao nhiêu dịch vụ công trực tuyến toàn trình (quý I/2025)?"


def test_new_topic_inherits_place_and_period() -> None:
    out = condense("Thế còn dịch vụ công trực tuyến một phần thì bao nhiêu?", _history(BD_2025))
    assert out.startswith("Dịch vụ công trực tuyến một phần thì bao nhiêu")
    assert "tỉnh Bình Định" in out and "quý I/2025" in out
    assert not out.lower().startswith("thế còn")


def test_follow_up_naming_its_own_place_does_not_inherit_the_old_one() -> None:
    out = condense("Còn tỷ lệ hồ sơ nộp trực tuyến ở Bắc Ninh thì sao?", _history(BD_2025))
    assert "Bắc Ninh" in out and "Bình Định" not in out
    assert "quý I/2025" in out  # the period still carries over


def test_bare_question_word_takes_the_previous_topic() -> None:
    out = condense("Tại sao?", _history("Vì sao Bắc Kạn bị xếp hạng thấp về chỉ số DTI năm 2022?"))
    assert out.startswith("Tại sao (")
    assert "Bắc Kạn" in out and "chỉ số DTI" in out


def test_vague_tail_takes_the_previous_question_kind() -> None:
    prev = "Thị xã La Gi đã cấp bao nhiêu căn cước công dân cho người từ 14 tuổi trở lên?"
    out = condense("Còn số trường hợp được cấp tài khoản định danh điện tử thì sao?", _history(prev))
    assert out.startswith("Số trường hợp được cấp tài khoản định danh điện tử là bao nhiêu")
    assert "La Gi" in out


def test_anaphora_appends_the_previous_topic() -> None:
    prev = "Tính đến 15/6/2023, Bắc Kạn có bao nhiêu yêu cầu tra cứu thông tin công dân với CSDL dân cư?"
    out = condense("Cơ quan nào đã hướng dẫn thực hiện việc tra cứu này?", _history(prev))
    assert out.startswith("Cơ quan nào đã hướng dẫn thực hiện việc tra cứu này")
    assert "Bắc Kạn" in out and "15/6/2023" in out
    assert "thông tin công dân với CSDL dân cư" in out
    assert "bao nhiêu" not in out  # the previous question word must not leak into the rewrite


def test_riêng_is_kept_because_it_carries_meaning() -> None:
    prev = "Năm 2024 tỉ lệ hồ sơ trực tuyến toàn tỉnh Bắc Ninh đạt bao nhiêu?"
    out = condense("Riêng các huyện thì tăng từ bao nhiêu lên bao nhiêu?", _history(prev))
    assert out.startswith("Riêng các huyện thì tăng từ bao nhiêu lên bao nhiêu")
    assert "Bắc Ninh" in out and "năm 2024" in out


def test_standalone_questions_pass_through_unchanged() -> None:
    history = _history(BD_2025)
    for q in (
        "Thị xã La Gi hiện đang thực hiện bao nhiêu thủ tục hành chính dịch vụ công trực tuyến?",
        "Chỉ số An toàn thông tin mạng của tỉnh Bắc Ninh đứng thứ mấy trong cả nước?",
        "tinh den 15/6/2023 bac kan co bao nhieu dich vu cong truc tuyen",
    ):
        assert condense(q, history) == q
        assert not is_follow_up(q, BD_2025)


def test_no_history_means_no_rewrite() -> None:
    assert condense("Còn Bắc Ninh thì sao?", []) == "Còn Bắc Ninh thì sao?"
    assert condense("Còn Bắc Ninh thì sao?", [Turn("assistant", "Xin chào")]) == "Còn Bắc Ninh thì sao?"


def test_chained_follow_ups_resolve_through_the_history() -> None:
    history = _history(BD_2025, "Còn Bắc Ninh thì sao?")
    out = condense("Còn Bắc Kạn thì sao?", history)
    assert out == "Tính đến quý I/2025, tỉnh Bắc Kạn có bao nhiêu dịch vụ công trực tuyến toàn trình?"


def test_a_follow_up_marker_carries_the_previous_topic_in_any_genre() -> None:
    # FAQ: "Thế …" opens a follow-up as written; the asked kind and the topic come from the previous question
    fee = _history("Đổi thẻ căn cước vì thay đổi thông tin, nộp trực tiếp thì mất bao nhiêu?")
    out = condense("Thế nếu nộp online thì sao?", fee)
    assert out.startswith("Nếu nộp online là bao nhiêu (") and "thẻ căn cước" in out
    # laws: "Còn …" with a topic word of its own still needs what it is about
    out = condense("Còn quyền của công dân thì sao?", _history("Công dân có nghĩa vụ gì về thẻ căn cước?"))
    assert out.startswith("Quyền của công dân (") and "thẻ căn cước" in out and " gì " not in out
    # folded, "thế" is also "thẻ" (a card): a question opening with it stands alone
    assert condense("Thẻ căn cước hết hạn thì làm sao?", fee) == "Thẻ căn cước hết hạn thì làm sao?"


def test_a_pronoun_takes_the_name_the_previous_answer_gave() -> None:
    history = [Turn("user", "Ai sáng lập ra môn võ Vovinam?"),
               Turn("assistant", "Vovinam do võ sư Nguyễn Lộc sáng lập năm 1938 tại Hà Nội [1].")]
    out = condense("Ông ấy mất năm nào?", history)
    assert "Nguyễn Lộc" in out and "Hà Nội" not in out  # a person, not the place the answer also named


def test_an_act_presupposed_done_takes_the_previous_topic() -> None:
    # "Nộp xong …": the submission the conversation is about, with no word of what was submitted
    prev = "Làm bằng lái xe quốc tế nộp trực tiếp hết bao nhiêu tiền?"
    out = condense("Nộp xong thì mất bao lâu mới nhận được?", _history(prev))
    assert out.startswith("Nộp xong thì mất bao lâu mới nhận được") and "bằng lái xe quốc tế" in out
    assert condense("Nộp xong thì mất bao lâu mới nhận được?", []) == "Nộp xong thì mất bao lâu mới nhận được?"
    # an act of its own named first: a new question
    own = "Đăng ký kết hôn xong thì bao lâu được cấp giấy chứng nhận kết hôn?"
    assert condense(own, _history(prev)) == own
