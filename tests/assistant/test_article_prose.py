"""Encyclopedia-style prose through the real pipeline: the subject is named once and the figure comes a
sentence or two later; a unit is spelled out in the question and abbreviated in the text; a place the
question names is not what the question is about. Real index, real pipeline, hand-written articles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from assistant.evidence import CorpusStats, EvidenceFinder
from assistant.query import analyze

BRIDGE = """Cầu Sắt Bắc

Cầu Sắt Bắc là cây cầu thép bắc qua sông Lam ở Nghệ An, do người Pháp xây dựng từ năm 1898 đến năm 1902.
Cầu dài 2.290 m, gồm 19 nhịp dầm thép đặt trên 20 trụ cao. Ngày nay cầu chỉ dành cho xe máy và người đi bộ.
"""

ARCHITECT = """Ernest Hébrard

Ernest Hébrard (1875 – 1933) là kiến trúc sư người Pháp. Năm 1923, Hébrard sang Đông Dương và lập quy hoạch cho \
Đà Lạt. Ở Đà Lạt, ông vẽ nhiều biệt thự bên hồ.

Ông cũng thiết kế Bảo tàng Louis Finot ở Hà Nội, nay là Bảo tàng Lịch sử quốc gia, khánh thành năm 1932.
"""

LAKE = """Hồ Tây

Hồ Tây là hồ nước ngọt lớn nhất Hà Nội, rộng khoảng 500 ha. Quanh hồ Tây ở Hà Nội có nhiều chùa cổ và làng hoa.
Người Hà Nội thường dạo quanh hồ vào buổi chiều; nhiều bảo tàng nhỏ mở quanh hồ.
"""

DINNER = """Quán Ông Ba

Năm 2018, nhà văn Paul Martin và ca sĩ Anna Lee dùng bữa tối tại quán Ông Ba trên phố Hàng Bông. Buổi gặp được \
một tờ báo đưa tin. Họ gọi ba món và một ấm trà, cả bữa hết khoảng 15 đô la Mỹ.
"""

TEACHER = """Lê Văn Hòa

Lê Văn Hòa (1890 – 1962) là nhà giáo và nhà nghiên cứu ngôn ngữ người Việt Nam. Ông dạy học ở Huế hơn ba mươi năm.
Năm 1945, ông biên soạn cuốn từ điển tiếng Việt đầu tiên dành cho học sinh tiểu học.
"""

TOWER = """Tháp Chuông

Tháp Chuông nằm giữa hồ Ngọc ở thị trấn Đông Khê. Tháp có ba tầng, mái cong.

Năm 1911, người dân góp tiền xây một ngọn tháp nhỏ trên gò đất giữa hồ, thường được gọi là Tháp Chuông.
"""

LOCKOUT = """Tài khoản định danh điện tử

Tài khoản bị tạm khóa khi nhập sai mật mã quá 05 lần liên tiếp. Sau 30 phút, người dân có thể đăng nhập lại \
bằng mật khẩu. Nếu quên mật khẩu, người dân chọn mục khôi phục trên ứng dụng.
"""

PRIZE = """Giải thưởng Ánh Sáng

Năm 1911, nhà khoa học Lê Minh Tâm cùng Trần Quang Huy và Peter Hall được trao giải Nobel Vật lý cho nghiên cứu \
về ánh sáng. Lễ trao giải diễn ra tại Stockholm vào tháng 12.
"""


@pytest.fixture(scope="module")
def pipeline(page_pipeline: Callable[[str, dict[str, str]], Any]) -> Any:
    return page_pipeline("prose", {"cau-sat-bac.txt": BRIDGE, "ernest-hebrard.txt": ARCHITECT,
                                   "ho-tay.txt": LAKE, "quan-ong-ba.txt": DINNER, "le-van-hoa.txt": TEACHER,
                                   "thap-chuong.txt": TOWER, "tai-khoan.txt": LOCKOUT, "giai-thuong.txt": PRIZE})


def _answered(answer: Any, value: str, source: str) -> None:
    assert not answer.refused, answer.meta
    assert value in answer.answer.split("[", 1)[0]  # the lead states it
    assert any(value in c.quote and c.source == source for c in answer.citations)


def test_a_unit_spelled_out_is_the_abbreviation_after_the_figure(pipeline: Any) -> None:
    _answered(pipeline.ask("Cầu Sắt Bắc dài bao nhiêu mét?"), "2.290 m", "cau-sat-bac.txt")


def test_a_place_in_the_question_does_not_hide_the_article_about_the_name(pipeline: Any) -> None:
    # "ở Hà Nội" matches the lake article, which is about Hà Nội; the question is about Hébrard
    _answered(pipeline.ask("Hébrard thiết kế bảo tàng nào ở Hà Nội?"), "Louis Finot", "ernest-hebrard.txt")


def test_a_sum_two_sentences_after_the_subject_answers_it(pipeline: Any) -> None:
    _answered(pipeline.ask("Bữa tối của Paul Martin và Anna Lee ở quán Ông Ba tốn bao nhiêu tiền?"), "15 đô la",
              "quan-ong-ba.txt")


def test_a_time_span_in_the_next_sentence_answers_how_long(pipeline: Any) -> None:
    # "bao lâu" asks a duration whatever the question's type: the sentence naming the lock-out is followed by
    # the one that gives its length, "Sau 30 phút" (whose "Sau" folds like the number word "sáu")
    _answered(pipeline.ask("Tài khoản bị tạm khóa do nhập sai mật mã thì bao lâu mới đăng nhập lại được?"),
              "30 phút", "tai-khoan.txt")


def test_an_english_who_question_is_answered_by_a_name_it_does_not_itself_give(pipeline: Any) -> None:
    # "the Nobel Prize in Physics" is "giải Nobel Vật lý" in Vietnamese: "Nobel Vật" is the question's own
    # words, capitalised, not the person it asks for
    answer = pipeline.ask("Who shared the 1911 Nobel Prize in Physics with Lê Minh Tâm?")
    assert not answer.refused, answer.meta
    assert answer.answer.startswith(("Answer: Trần Quang Huy", "Answer: Peter Hall")), answer.answer


def test_what_the_article_does_not_say_is_still_refused(pipeline: Any) -> None:
    assert pipeline.ask("Cầu Sắt Bắc nặng bao nhiêu tấn?").refused
    assert pipeline.ask("Hébrard thiết kế bao nhiêu trường học ở Hà Nội?").refused


def test_the_preposition_of_a_when_phrase_is_no_topic_term() -> None:
    finder = EvidenceFinder(CorpusStats([BRIDGE, LAKE]), lambda _s: BRIDGE)
    terms = finder.query_terms(analyze("Cầu Sắt Bắc được xây dựng vào năm nào?")).weights
    assert "xay dung" in terms and "vao" not in terms and "dung vao" not in terms
    kept = finder.query_terms(analyze("Người dân đi vào hồ bằng cổng nào?")).weights
    assert "vao" in kept  # "vào" of the topic stays


def test_a_unit_counts_as_stated_only_after_a_figure() -> None:
    from assistant.settings import Settings
    from assistant.vocabulary import load_synonyms

    units = load_synonyms(Settings().units_path)
    text = "Giáo sư Hà Văn Minh đo hồ. Hồ rộng khoảng 500 ha."
    finder = EvidenceFinder(CorpusStats([text]), lambda _s: text)
    info = analyze("Hồ rộng bao nhiêu hecta?", synonyms=units)
    ev = finder.find(info, [])
    assert ev.ranked == []  # nothing retrieved, nothing read
    doc = finder._doc("a.txt")  # noqa: SLF001 - the parser the evidence stage uses
    terms = finder.query_terms(info)
    reworded = finder.reworded_forms(terms, info)
    name, figure = doc.sentences
    assert "hecta" not in finder._matched(terms, name, reworded)  # noqa: SLF001 - "Hà" folds to "ha"
    assert "hecta" in finder._matched(terms, figure, reworded)  # noqa: SLF001 - "500 ha"


@pytest.mark.parametrize(("question", "year"), [
    ("Lê Văn Hòa sinh năm nào?", "1890"), ("Lê Văn Hòa mất năm nào?", "1962"),
    ("In what year was Lê Văn Hòa born?", "1890"), ("When did Lê Văn Hòa die?", "1962"),
])
def test_a_life_written_as_two_years_after_the_name_gives_birth_and_death(pipeline: Any, question: str,
                                                                          year: str) -> None:
    # "Lê Văn Hòa (1890 – 1962)" has no word for birth or death; reference texts write a life so
    answer = pipeline.ask(question)
    _answered(answer, year, "le-van-hoa.txt")
    if question.startswith(("In ", "When ")):
        assert answer.answer.startswith(f"Answer: {year}"), answer.answer


def test_a_life_span_speaks_only_of_the_name_it_follows() -> None:
    from assistant.answer_typing import load_typer
    from assistant.lexicon import load_word_list
    from assistant.settings import Settings
    from assistant.types import ScoredChunk
    from index.types import Chunk

    finder = EvidenceFinder(CorpusStats([TEACHER, BRIDGE]), lambda _s: TEACHER, typer=load_typer(),
                            words=load_word_list(Settings().words_path))
    ctx = [ScoredChunk(Chunk("c1", "le-van-hoa.txt", TEACHER, 0, len(TEACHER)), 1.0)]

    def life_matched(question: str) -> frozenset[str]:
        ev = finder.find(analyze(question), ctx)
        return next(r.matched for r in ev.ranked if "(1890 – 1962)" in r.sentence.text)

    assert "mat" in life_matched("Lê Văn Hòa mất năm nào?")
    assert "sinh" in life_matched("le van hoa sinh nam nao")
    # the question names someone else beside him: his life span says nothing of her death
    assert "mat" not in life_matched("Bà Trần Thị Mai, vợ của Lê Văn Hòa, mất năm nào?")


def test_another_article_that_names_nothing_asked_is_not_stitched_in(pipeline: Any) -> None:
    # the bridge article's "do người Pháp xây dựng từ năm 1898" shares "xây dựng" with the question; it names
    # neither "Chuông" nor "Ngọc", so it is no part of the answer about the tower
    answer = pipeline.ask("Tháp Chuông giữa hồ Ngọc được xây dựng vào năm nào?")
    _answered(answer, "1911", "thap-chuong.txt")
    assert {c.source for c in answer.citations} == {"thap-chuong.txt"}, answer.citations


def test_a_quoted_phrase_counts_as_a_whole_even_its_function_words() -> None:
    text = 'Người dân gọi ông là "ông Năm". Ông sống ở đó năm 1900.'
    finder = EvidenceFinder(CorpusStats([text, BRIDGE]), lambda _s: text)
    terms = finder.query_terms(analyze('Tại sao người dân gọi ông là "ông Năm"?')).weights
    assert "ong nam" in terms  # "năm" alone is a stopword (a year), inside the quote it is a name
    assert "tai" not in terms  # "Tại sao" asks; its "tại" is no topic word
    plain = finder.query_terms(analyze("Tại sao người dân gọi ông là ông Năm?")).weights
    assert "ong nam" not in plain
