"""The everyday <-> legal synonyms pack: loading, one-hop expansion both ways, errors that name the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.query import analyze
from assistant.settings import DEFAULT_SYNONYMS, Settings
from assistant.vocabulary import SynonymTable, load_synonyms


def test_the_default_pack_loads() -> None:
    table = load_synonyms(DEFAULT_SYNONYMS)
    assert len(table) >= 40
    assert "đăng ký thường trú" in table.expand("nhap ho khau cho con")  # folded, any case
    assert "ứng dụng định danh quốc gia" in table.expand("Cài VNeID thế nào?")
    assert "VNeID" not in table.expand("VNeID")  # nothing already asked is added back
    # what citizens call the papers of everyday procedures
    assert "giấy phép lái xe" in table.expand("Bằng lái ô tô hết hạn thì đổi ở đâu?")
    assert "giấy chứng nhận quyền sử dụng đất" in table.expand("làm sổ đỏ lần đầu")
    # ... and the time a procedure takes ("bao lâu có kết quả": the page's "Thời hạn giải quyết")
    assert "thời hạn giải quyết" in table.expand("Nộp đủ hồ sơ rồi thì bao lâu có kết quả?")


def test_expansion_is_one_hop_and_two_way_only_when_marked(tmp_path: Path) -> None:
    table = SynonymTable((("nhập hộ khẩu", "đăng ký thường trú"), ("đăng ký thường trú", "đăng ký cư trú")))
    assert table.expand("nhập hộ khẩu") == ("đăng ký thường trú",)  # no chain to "đăng ký cư trú"
    assert table.expand("Điều kiện đăng ký thường trú") == ("đăng ký cư trú",)  # legal words stay legal
    two = SynonymTable((("nhập hộ khẩu", "đăng ký thường trú"),), frozenset({0}))
    assert two.expand("Điều kiện đăng ký thường trú") == ("nhập hộ khẩu",)
    pack = tmp_path / "s.tsv"
    pack.write_text("vneid\tứng dụng định danh quốc gia\tboth\nnhập hộ khẩu\tđăng ký thường trú\n", encoding="utf-8")
    loaded = load_synonyms(pack)
    assert loaded.expand("ứng dụng định danh quốc gia") == ("vneid",)
    assert loaded.expand("đăng ký thường trú") == ()
    assert table.expand("hộ khẩu") == ()  # whole phrases only
    assert table.expand("Bình Định có bao nhiêu dịch vụ công") == ()


def test_missing_file_is_empty_and_bad_line_is_named(tmp_path: Path) -> None:
    assert len(load_synonyms(tmp_path / "none.tsv")) == 0
    assert len(load_synonyms(None)) == 0
    bad = tmp_path / "s.tsv"
    bad.write_text("# c\nlàm căn cước\tcấp thẻ căn cước\nchỉ một cột\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3"):
        load_synonyms(bad)


def test_query_analysis_carries_the_synonyms_into_search_texts() -> None:
    table = load_synonyms(DEFAULT_SYNONYMS)
    info = analyze("Làm căn cước cho con thì cần giấy tờ gì?", synonyms=table)
    assert "cấp thẻ căn cước" in info.synonyms and "hồ sơ" in info.synonyms
    dense, lexical = info.search_forms()
    assert all("cấp thẻ căn cước" in t for t in dense + lexical)
    # the answering side reads the question's own words: the synonyms are for retrieval only
    assert info.lexical_texts == (info.restored,) and "cấp thẻ" not in info.restored
    plain = analyze("Làm căn cước cho con thì cần giấy tờ gì?")
    assert plain.synonyms == () and plain.search_forms() == (plain.dense_texts, plain.lexical_texts)


def test_the_question_s_words_and_the_documents_wording_are_paired_for_matching() -> None:
    table = SynonymTable((("nhập hộ khẩu", "đăng ký thường trú"),))
    assert table.mentioned("Nhập hộ khẩu vào nhà thuê được không?") == (("nhap ho khau", "dang ky thuong tru"),)
    assert table.mentioned("Đăng ký thường trú, nhập hộ khẩu") == ()  # both said: nothing to stand in
    assert analyze("nhap ho khau cho con", synonyms=table).reworded == (("nhap ho khau", "dang ky thuong tru"),)


def test_a_sentence_in_the_documents_wording_states_the_everyday_words() -> None:
    from assistant.evidence import EvidenceFinder, QueryTerms, Sentence
    from index.normalize import fold

    text = "Công dân đăng ký thường trú tại chỗ ở thuê phải bảo đảm diện tích tối thiểu."
    toks = tuple(fold(text).replace(".", "").split())
    sent = Sentence("law.txt", 0, 0, 0, len(text), text, fold(text), frozenset(toks),
                    frozenset(f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)), len(toks), toks)
    terms = QueryTerms({"nhap": 1.0, "ho": 1.0, "khau": 1.0, "nhap ho": 1.0, "ho khau": 1.0, "thue": 1.0}, 6.0, ())
    plain = EvidenceFinder._matched(terms, sent)  # noqa: SLF001
    assert plain == frozenset({"thue"})
    said = frozenset({"nhap", "ho", "khau", "nhap ho", "ho khau"})
    assert EvidenceFinder._matched(terms, sent, [(said, "dang ky thuong tru")]) == said | {"thue"}  # noqa: SLF001
    assert EvidenceFinder._matched(terms, sent, [(said, "dang ky tam tru")]) == plain  # noqa: SLF001


def test_the_language_s_units_join_the_pack_and_keep_its_two_way_pairs() -> None:
    pack = SynonymTable((("a b", "c d"), ("vneid", "ứng dụng định danh")), frozenset({1}))
    units = load_synonyms(Settings().units_path)
    merged = pack.merged(units)
    assert len(merged) == len(pack) + len(units) and len(units) >= 10
    assert merged.expand("ứng dụng định danh") == ("vneid",)  # the pack's two-way pair still goes back
    # a unit spelled out in the question is what a document abbreviates after a figure
    assert ("met", "# m") in merged.mentioned("Động Phong Nha dài bao nhiêu mét?")
    assert ("ki lo met", "# km") in merged.mentioned("Sông dài bao nhiêu ki-lô-mét?")
    assert merged.expand("Sông dài bao nhiêu ki-lô-mét?") == ()  # how a value is written is not searched


def test_a_measure_asked_is_a_figure_in_any_form_of_its_unit() -> None:
    from assistant.counting import asked_measures

    units = load_synonyms(Settings().units_path)
    (length,) = asked_measures(analyze("Động Phong Nha dài bao nhiêu mét?", synonyms=units))
    assert length.search("dong dai 7.729 m, co song ngam") and length.search("cao 3143m")
    assert length.search("dai 7.729 met") and not length.search("nam 1902, ong ha van minh")
    (weight,) = asked_measures(analyze("Cầu nặng mấy tấn?", synonyms=units))
    assert weight.search("nang 1.200 tan") and not weight.search("xay dung tu nam 1898")
    assert asked_measures(analyze("Cầu dài 2 km thì đi bộ mất bao lâu?", synonyms=units)) == []  # a unit, not asked
    (coal,) = asked_measures(analyze("Mỗi năm mỏ khai thác bao nhiêu triệu tấn than?", synonyms=units))
    assert coal.search("khai thac khoang 40 trieu tan than") and not coal.search("cao toc dai khoang 80 km")


def test_a_time_asked_in_days_is_not_answered_in_months() -> None:
    from assistant.counting import asked_measures

    units = load_synonyms(Settings().units_path)
    (days,) = asked_measures(analyze("Xin giấy xác nhận độc thân thì mấy ngày mới lấy được?", synonyms=units))
    assert days.search("trong 03 ngay lam viec") and days.search("trong vong ba ngay")
    assert not days.search("giay co gia tri 06 thang ke tu ngay cap")
    assert asked_measures(analyze("Luật có hiệu lực từ ngày nào?", synonyms=units)) == []
