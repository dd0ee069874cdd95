"""Yes/no verdicts on an FAQ page: the clause of the question that says what the answer says decides.

A citizen tells a story before asking ("… đã có tạm trú ở đó. Ở quê có bắt anh ấy khai báo tạm vắng
không?"), or asks to confirm a claim with a negation inside it ("…, không cần tự đi xóa, đúng không?").
The verdict compares the answer's clause with the question's clause about the same thing; the page's
own "… không?" heading is not read as a negation of the answer under it. Real index, real pipeline.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

PAGE = """# Câu hỏi thường gặp về cư trú

Tôi đi làm xa và đã đăng ký tạm trú ở nơi làm việc. Có cần khai báo tạm vắng ở quê không?

Trả lời: Người đã đăng ký tạm trú tại nơi ở mới thì không phải khai báo tạm vắng tại nơi thường trú.

Đăng ký thường trú ở nơi mới thì nơi thường trú cũ có phải tự đi xóa không?

Trả lời: Khi đăng ký thường trú ở nơi mới, nơi thường trú cũ sẽ được điều chỉnh tự động.

Khai báo tạm vắng có mất phí không?

Trả lời: Việc khai báo tạm vắng không thu lệ phí.

Đăng ký tạm trú trực tuyến thì nộp giấy tờ thế nào?

Trả lời: Khi đăng ký tạm trú trực tuyến, người dân tải lên bản chụp giấy tờ thay vì nộp bản gốc.

Người nước ngoài có tự đăng ký tạm trú trên ứng dụng VNeID được không?

Đáp: Không. Người nước ngoài được cơ sở lưu trú khai báo tạm trú qua trang thông tin của cơ quan quản lý xuất nhập cảnh.

Bị mất thẻ căn cước có phải trình báo, xin giấy xác nhận mất không?

Không bắt buộc phải có giấy xác nhận mất thẻ. Tuy nhiên, để phòng kẻ xấu lợi dụng thẻ bị mất, người dân nên báo \
ngay cho Công an nơi gần nhất hoặc báo mất thẻ trên ứng dụng VNeID.
"""


@pytest.fixture(scope="module")
def pipeline(page_pipeline: Callable[[str, dict[str, str]], Any]) -> Any:
    return page_pipeline("yesno", {"hoi-dap-cu-tru.md": PAGE})


def _lead(answer: Any) -> str:
    assert not answer.refused, answer.meta
    return answer.answer.split("[", 1)[0]


@pytest.mark.parametrize(("question", "verdict"), [
    # a story first, then the asking clause
    ("Chồng tôi đi làm xa gần hai năm và đã có tạm trú ở đó. Ở quê anh ấy có cần khai báo tạm vắng không?",
     "Không"),
    # a claim to confirm, with a negation in a side clause
    ("Nghe nói đăng ký thường trú ở nhà mới thì nơi thường trú cũ được điều chỉnh tự động, không cần tự đi xóa, "
     "đúng không?", "Đúng"),  # a statement to confirm is "right", not "yes"
    ("Đăng ký tạm trú trực tuyến phải nộp bản gốc giấy tờ, đúng hay sai?", "Không đúng"),
    ("khai bao tam vang co mat phi khong", "Không"),
    # a contrast denies what follows it: "bản chụp thay vì bản gốc"
    ("Đăng ký tạm trú trực tuyến có phải nộp bản gốc giấy tờ không?", "Không"),
    ("Đăng ký tạm trú trực tuyến thì tải lên bản chụp giấy tờ được không?", "Có"),
    # the page's answer opens with a bare verdict ("Đáp: Không."); the sentence after it has no negation
    ("Người nước ngoài tự đăng ký tạm trú trên VNeID được không?", "Không"),
    # the answer's opening states the verdict; the sentence matching the question best goes on from it
    ("Tôi làm mất thẻ căn cước, có phải lên Công an trình báo mất thẻ rồi mới được làm lại không?", "Không"),
])
def test_the_verdict_follows_the_clause_that_is_asked(pipeline: Any, question: str, verdict: str) -> None:
    lead = _lead(pipeline.ask(question))
    assert lead.startswith(verdict + "."), lead


def test_a_figure_in_the_story_before_the_question_is_not_a_claim(pipeline: Any) -> None:
    # "3 tháng" is told, not asked: the answer's silence on it is no "no", and its "không thu" still is
    lead = _lead(pipeline.ask("Bé nhà tôi được 3 tháng tuổi, giờ khai báo tạm vắng có mất phí không?"))
    assert lead.startswith("Không."), lead


LAW = """Điều 38. Lệ phí
4. Không thu lệ phí đối với trường hợp cấp, cấp đổi, cấp lại giấy chứng nhận căn cước cho người gốc Việt Nam chưa xác định được quốc tịch.
Điều 39. Chia sẻ dữ liệu
3. Cơ quan nhà nước không được thu thập lại dữ liệu hoặc yêu cầu tổ chức, cá nhân cung cấp lại dữ liệu mà cơ quan đó đang quản lý, trừ trường hợp yêu cầu cung cấp dữ liệu phục vụ xác minh.
Điều 40. Nơi cư trú của người chưa thành niên
2. Người chưa thành niên có thể có nơi cư trú khác với nơi cư trú của cha, mẹ nếu được cha, mẹ đồng ý.
"""


@pytest.fixture(scope="module")
def law_pipeline(page_pipeline: Callable[[str, dict[str, str]], Any]) -> Any:
    return page_pipeline("yesno-law", {"luat.txt": LAW})


@pytest.mark.parametrize(("question", "verdict"), [
    # who the claim is about ("chưa xác định được quốc tịch") is not the claim ("có phải đóng lệ phí")
    ("Người gốc Việt chưa xác định được quốc tịch khi làm giấy chứng nhận căn cước có phải đóng lệ phí không?",
     "Không"),
    # "không được thu thập lại …, cá nhân cung cấp lại dữ liệu …": the forbidding reaches the item asked about
    ("Cơ quan nhà nước có được yêu cầu tôi nộp lại dữ liệu mà chính cơ quan đó đang quản lý không?", "Không"),
    # "chưa thành niên" (a minor) negates nothing
    ("Con tôi chưa thành niên thì có được có nơi cư trú khác với cha mẹ không?", "Có"),
])
def test_the_claim_not_its_subject_decides_and_a_ban_reaches_its_items(law_pipeline: Any, question: str,
                                                                       verdict: str) -> None:
    lead = _lead(law_pipeline.ask(question))
    assert lead.startswith(verdict + "."), lead


OFFICES = """Điều 50. Trách nhiệm quản lý nhà nước
4. Bộ trưởng Bộ Quốc phòng thực hiện quản lý nhà nước về giao dịch điện tử trong lĩnh vực cơ yếu và quốc phòng.
5. Tỉnh đã hoàn thành kết nối dữ liệu học bạ số với hệ thống của Bộ GD&ĐT.
6. Giấy phép lái xe hạng A1 không thời hạn vẫn có giá trị sử dụng; việc đổi sang thẻ PET là tự nguyện.
7. Cơ quan đăng ký xe cấp biển số trong thời hạn 02 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.
8. Thông tin được tích hợp vào thẻ căn cước gồm thông tin thẻ bảo hiểm y tế, giấy phép lái xe, trừ thông tin trên giấy tờ do Bộ Quốc phòng cấp.
9. Sau khi tiếp nhận hồ sơ đăng ký thường trú đầy đủ, hợp lệ, cơ quan đăng ký cư trú kiểm tra, đối chiếu thông tin với Cơ sở dữ liệu quốc gia về dân cư, xác minh khi cần thiết, cập nhật thông tin về nơi thường trú mới của người đăng ký vào Cơ sở dữ liệu về cư trú và thông báo cho người đăng ký về việc đã cập nhật thông tin, trong thời hạn 07 ngày làm việc kể từ ngày nhận đủ hồ sơ.
"""


@pytest.fixture(scope="module")
def offices_pipeline(page_pipeline: Callable[[str, dict[str, str]], Any]) -> Any:
    return page_pipeline("yesno-offices", {"luat-offices.txt": OFFICES})


@pytest.mark.parametrize(("question", "verdict"), [
    # the sentence states the claim of another ministry than the one the question names
    ("Đúng hay sai: Bộ trưởng Bộ Công an thực hiện quản lý nhà nước về giao dịch điện tử trong lĩnh vực quốc phòng?",
     "Không đúng"),
    ("Bộ trưởng Bộ Quốc phòng có quản lý nhà nước về giao dịch điện tử trong lĩnh vực cơ yếu không?", "Có"),
    # a name written short ("Bộ GD&ĐT") may be the question's own ("Bộ Giáo dục")
    ("Dữ liệu học bạ số đã được kết nối với hệ thống của Bộ Giáo dục chưa?", "Có"),
    # an obligation asked about, and the sentence that says there is none ("tự nguyện"), in either language
    ("Giấy phép lái xe hạng A1 có bắt buộc phải đổi sang thẻ PET không?", "Không"),
    ("My class A1 licence was issued on paper. Am I required to exchange it for the PET card?", "No:"),
    # a law writes "02 ngày" where a citizen writes "2 ngày": the same figure
    ("Cơ quan đăng ký xe cấp biển số trong 2 ngày làm việc, đúng không?", "Đúng"),
    ("Cơ quan đăng ký xe cấp biển số trong 5 ngày làm việc, đúng không?", "Không đúng"),
    # an English question's capitals ("Can I …") are its own words, no name the Vietnamese sentence lacks
    ("Can I get my driving licence and health insurance card integrated into my chip ID card?", "Yes:"),
])
def test_a_claim_the_sentence_states_of_someone_else_is_denied(offices_pipeline: Any, question: str,
                                                               verdict: str) -> None:
    lead = _lead(offices_pipeline.ask(question))
    assert lead.startswith(verdict if verdict.endswith(":") else verdict + "."), lead


def test_the_lead_of_a_claimed_figure_quotes_the_clause_that_writes_it(offices_pipeline: Any) -> None:
    # the sentence is too long to quote whole: the clause the lead quotes is the one with the figure the verdict
    # was read on, not the one matching most of the question's other words
    lead = _lead(offices_pipeline.ask("Đúng hay sai: Hồ sơ đăng ký thường trú đầy đủ, hợp lệ được cơ quan đăng ký cư "
                                      "trú cập nhật thông tin trong vòng 07 ngày làm việc?"))
    assert lead.startswith("Đúng.") and "07 ngày làm việc" in lead, lead


def _verdict_on(question: str, text: str, title: str, coverage: float = 0.8) -> str:
    """The verdict ``lead._yes_no`` gives on the one sentence of a one-line page titled ``title``, the sentence
    stating ``coverage`` of the question's terms."""
    from assistant.answer_typing import load_typer
    from assistant.evidence import CorpusStats, Evidence, EvidenceFinder, ScoredSentence
    from assistant.lead import _question_terms, _yes_no
    from assistant.query import analyze

    typer = load_typer()
    finder = EvidenceFinder(CorpusStats([text]), lambda _s: text, typer=typer)
    info = analyze(question)
    terms = finder.query_terms(info)
    doc = finder._doc("page.txt")  # noqa: SLF001 - the parser the evidence stage uses
    sentence = doc.sentences[0]
    matched = frozenset(t for t in terms.weights if sentence.states(t))
    ranked = [ScoredSentence(sentence, 1.0, coverage, matched, 0)]
    names = frozenset({"judo"})  # what the question writes capitalised
    ev = Evidence(info, terms, ranked, {"page.txt": doc}, titles={"page.txt": title}, names=names)
    return _yes_no(ev, ranked[0], typer, _question_terms(ev))


def test_no_verdict_from_a_sentence_that_does_not_name_what_is_asked_about() -> None:
    question = "Đai vàng có phải là đai đầu tiên trong Judo không?"
    # a line of another article, matched on folded syllables only ("đại" is "đai" folded): no verdict
    assert _verdict_on(question, 'Bộ "Đại Việt sử ký" là bộ sử đầu tiên.', "Lê Văn Hưu") == ""
    # the same claim where the article is about Judo: its title names it, and the sentence settles the question
    assert _verdict_on(question, "Đai vàng là đai đầu tiên của võ sinh.", "Judo") == "yes"


def test_a_case_the_rule_excepts_turns_its_verdict_over() -> None:
    rule = ("Việc tách hộ phải được chủ hộ, chủ sở hữu chỗ ở hợp pháp đồng ý, trừ trường hợp thành viên hộ gia đình "
            "đăng ký tách hộ là vợ, chồng đã ly hôn mà vẫn được cùng sử dụng chỗ ở hợp pháp đó.")
    # the question tells the excepted case (divorced, still sharing the home): consent is not needed, so "yes"
    divorced = ("Chúng tôi đã ly hôn nhưng theo bản án tôi vẫn được cùng sử dụng căn nhà chung với chồng cũ. Anh ấy "
                "là chủ hộ. Vậy tôi có tách hộ được không khi anh ấy không đồng ý?")
    assert _verdict_on(divorced, rule, "Luật") == "yes"
    # the rule alone, with no exception, says "no" to the same question
    assert _verdict_on(divorced, rule.split(", trừ")[0] + ".", "Luật") == "no"
    # an exception opening the sentence excepts from all that follows, no one case: the rule decides
    fronted = "2. Trừ trường hợp pháp luật có quy định khác, cơ quan nhà nước không thu phí việc chia sẻ dữ liệu."
    assert _verdict_on("Cơ quan nhà nước có thu phí khi chia sẻ dữ liệu cho nhau không?", fronted, "Luật") == "no"
    # a question that denies the excepted case is under the rule
    sentence = ("Người đi khỏi nơi thường trú từ 12 tháng liên tục trở lên phải khai báo tạm vắng, trừ trường hợp đã "
                "đăng ký tạm trú tại nơi ở mới.")
    assert _verdict_on("Tôi đi làm xa hơn 1 năm, chỗ làm ko đăng ký tạm trú, có phải khai báo tạm vắng ko?",
                       sentence, "Luật") == "yes"


def test_a_permission_granted_for_a_bound_the_case_meets_answers_however_the_act_is_worded() -> None:
    rule = "Công dân Việt Nam dưới 14 tuổi được cấp thẻ căn cước theo nhu cầu."
    # "làm thẻ … được không" asks the permission "được cấp" grants, for "10 tuổi" under "dưới 14 tuổi"
    # (the sentence words the act otherwise, so it states little of the question)
    asked = "Con em mới 10 tuổi thì có làm thẻ căn cước cho cháu được không ạ?"
    assert _verdict_on(asked, rule, "Luật", coverage=0.3) == "yes"
    # a case the bound does not take in ("16 tuổi"): the rule is about others, no verdict
    assert _verdict_on(asked.replace("mới 10", "16"), rule, "Luật", coverage=0.3) == ""


FEES = """Điều 5. Lệ phí đăng ký cư trú
1. Công dân nộp lệ phí khi đăng ký thường trú, đăng ký tạm trú theo quy định của pháp luật về phí và lệ phí.
2. Cơ quan đăng ký cư trú niêm yết công khai thủ tục tại trụ sở.
"""


@pytest.fixture(scope="module")
def fees_pipeline(page_pipeline: Callable[[str, dict[str, str]], Any]) -> Any:
    return page_pipeline("yesno-fees", {"luat-phi.txt": FEES})


def test_a_sum_or_a_price_the_documents_never_state_is_not_confirmed_or_denied(fees_pipeline: Any) -> None:
    # the law says a fee is paid, not how much: a yes/no that checks a sum or compares prices is refused
    for question in ("Lệ phí đăng ký thường trú có phải là 20.000 đồng không?",
                     "Lệ phí đăng ký tạm trú ở thành phố có cao hơn ở nông thôn không?"):
        answer = fees_pipeline.ask(question)
        assert answer.refused, answer.answer
    # ... while whether a fee is paid at all is what it does say
    answer = fees_pipeline.ask("Đăng ký thường trú có phải nộp lệ phí không?")
    assert not answer.refused and _lead(answer).startswith("Có."), answer.answer


FEE_TABLE = """# Lệ phí cấp thẻ thư viện

| Trường hợp | Nộp trực tiếp | Nộp trực tuyến |
|---|---|---|
| Cấp thẻ lần đầu | Không thu lệ phí | Không thu lệ phí |
| Cấp lại thẻ bị mất | 30.000 đồng/thẻ | 15.000 đồng/thẻ |

Bạn đọc làm thẻ tại quầy tiếp nhận ở tầng 1 của thư viện.
"""


@pytest.mark.parametrize(("question", "verdict"), [
    # a row that says there is no fee answers "does it cost" with no, and "is it free" with yes
    ("Con tôi đi làm thẻ thư viện lần đầu thì có phải đóng lệ phí không?", "Không."),
    ("Làm thẻ thư viện lần đầu có miễn phí không?", "Có."),
    # ... a row with a sum answers "does it cost" with yes
    ("Tôi làm mất thẻ thư viện, đi cấp lại có mất phí không?", "Có."),
])
def test_whether_there_is_a_fee_is_settled_by_what_the_page_says_of_it(
        page_pipeline: Callable[[str, dict[str, str]], Any], question: str, verdict: str) -> None:
    answer = page_pipeline("yesno-fee-table", {"le-phi-the-thu-vien.md": FEE_TABLE}).ask(question)
    assert not answer.refused and _lead(answer).startswith(verdict), answer.answer


def test_a_fee_is_free_or_not_against_what_the_question_asks() -> None:
    from assistant.answer_typing import load_typer

    typer = load_typer()
    assert typer.fee_verdict("có mất phí không", "Thủ tục không thu lệ phí.") == "no"
    assert typer.fee_verdict("có miễn phí không", "Thủ tục không thu lệ phí.") == "yes"
    assert typer.fee_verdict("Is it free?", "Lệ phí: 25.000 đồng/thẻ.") == "no"
    # a fine is no fee: the sentence settles nothing
    assert typer.fee_verdict("có mất phí không", "Không đăng ký có thể bị phạt tiền 10.000.000 đồng.") == ""


LIBRARY = """Điều 3. Thẻ thư viện
1. Trẻ em dưới 12 tuổi không phải nộp phí làm thẻ thư viện.
2. Người từ đủ 12 tuổi trở lên phải nộp phí làm thẻ thư viện.
Điều 4. Trả sách
1. Bạn đọc mượn sách được giữ sách tối đa 30 ngày.
2. Sách trả chậm từ 07 ngày trở lên thì bạn đọc phải nộp tiền phạt.
"""


@pytest.fixture(scope="module")
def library_pipeline(page_pipeline: Callable[[str, dict[str, str]], Any]) -> Any:
    return page_pipeline("yesno-library", {"noi-quy-thu-vien.txt": LIBRARY})


@pytest.mark.parametrize(("question", "verdict", "quoted"), [
    # the case ("8 tuổi") meets one rule's bound ("dưới 12 tuổi") and fails the other's ("từ đủ 12 tuổi trở lên")
    ("Con tôi mới 8 tuổi, làm thẻ thư viện cho cháu có phải nộp phí không?", "Không", "dưới 12 tuổi"),
    ("Tôi năm nay 30 tuổi, làm thẻ thư viện có phải nộp phí không?", "Có", "từ đủ 12 tuổi"),
    # the case meets the bound of the obligation asked about, in other words ("trả tiền" for "nộp phí"): that
    # rule applies, and gives the verdict
    ("Bé nhà tôi 8 tuổi, đi làm thẻ đọc sách có phải trả tiền không?", "Không", "dưới 12 tuổi"),
    # a bound the case fails lifts the obligation: 3 days late is under "từ 07 ngày trở lên"
    ("Tôi trả sách chậm 3 ngày thì có phải nộp tiền phạt không?", "Không", "từ 07 ngày"),
    ("Tôi trả sách chậm 2 tuần thì có phải nộp tiền phạt không?", "Có", "từ 07 ngày"),
    # the asking clause's own figure is the case, not a claim that "10" is the rule's figure ("07")
    ("Trả sách chậm 10 ngày có phải nộp tiền phạt không?", "Có", "từ 07 ngày"),
    ("Người 15 tuổi làm thẻ thư viện có phải nộp phí không?", "Có", "từ đủ 12 tuổi"),
    # a cap on what a rule grants ("tối đa 30 ngày") is no condition on the case: 20 days kept is no obligation
    ("Tôi giữ sách được 20 ngày rồi, có phải trả ngay không?", "Không", "tối đa 30 ngày"),
])
def test_the_case_a_citizen_tells_is_held_against_the_rules_bound(library_pipeline: Any, question: str,
                                                                  verdict: str, quoted: str) -> None:
    answer = library_pipeline.ask(question)
    lead = _lead(answer)
    assert lead.startswith(verdict if verdict.endswith(":") else verdict + "."), lead
    assert quoted in lead, answer.answer  # the rule that applies is the one stated


def test_a_follow_up_yes_no_is_decided_on_its_own_words_not_the_context_carried_over(library_pipeline: Any) -> None:
    from assistant.types import Turn

    first = "Bạn đọc được giữ sách mượn trong bao lâu?"
    history = [Turn("user", first), Turn("assistant", library_pipeline.ask(first).answer)]
    # the rewrite appends the previous topic in brackets ("… không (Bạn đọc được giữ sách mượn)?"): the
    # "… không" before it still asks, it does not negate the claim
    answer = library_pipeline.ask("Vậy trả chậm 10 ngày thì có phải nộp tiền phạt không?", history=history)
    assert _lead(answer).startswith("Có."), answer.answer
    # a claim no sentence states ("đặt cọc") gets no verdict from a sentence that matches only the carried topic
    answer = library_pipeline.ask("Vậy mượn sách có phải đặt cọc không?", history=history)
    assert not _lead(answer).startswith(("Có.", "Không.")), answer.answer
