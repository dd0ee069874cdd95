"""The corpus pack's evidence terms: read from ``terms.toml``, folded once, and what scoring does with them."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.evidence import CorpusStats, EvidenceFinder
from assistant.query import analyze
from assistant.vocabulary import DEFAULT_TERMS, EvidenceTerms, load_terms

PAGE = "Tỉnh đã cắt giảm 120 TTHC trong năm.\nHọc sinh đóng các khoản thu theo quy định."


def _finder(terms: EvidenceTerms) -> EvidenceFinder:
    return EvidenceFinder(CorpusStats([PAGE], terms), lambda _s: PAGE, terms=terms)


def test_the_shipped_pack_is_read_folded() -> None:
    terms = load_terms(DEFAULT_TERMS)
    assert terms.abbreviations["tthc"] == "thu tuc hanh chinh"
    assert ("hoc phi", "khoan thu") in terms.everyday
    assert any("software park" in rx for rx, _ in terms.english)


def test_an_abbreviation_in_a_sentence_states_its_full_form() -> None:
    shipped, none = _finder(load_terms(DEFAULT_TERMS)), _finder(EvidenceTerms())
    row = next(s for s in shipped._doc("p.txt").sentences if "TTHC" in s.text)  # noqa: SLF001
    bare = next(s for s in none._doc("p.txt").sentences if "TTHC" in s.text)  # noqa: SLF001
    assert {"thu", "tuc", "hanh", "chinh"} <= row.toks and "thu tuc" in row.bigrams
    assert "hanh" not in bare.toks


def test_an_everyday_word_is_also_scored_on_the_official_term() -> None:
    info = analyze("Học phí phải đóng những gì?")
    assert "khoan thu" in _finder(load_terms(DEFAULT_TERMS)).query_terms(info).weights
    assert "khoan thu" not in _finder(EvidenceTerms()).query_terms(info).weights


def test_an_english_word_gets_the_documents_vietnamese() -> None:
    info = analyze("How many high-quality workers were trained?")
    assert "chat luong" in _finder(load_terms(DEFAULT_TERMS)).query_terms(info).weights


@pytest.mark.parametrize(("text", "message"), [
    ("[abbreviations]\ntthc = 3\n", r"\[abbreviations\] must map words to words"),
    ("[english]\n'(unclosed' = \"x\"\n", r"\[english\] pattern"),
    ("[abbreviations\n", "cannot read the evidence terms"),
])
def test_a_bad_pack_file_is_an_error_naming_it(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "terms.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message) as err:
        load_terms(path)
    assert str(path) in str(err.value)
    assert load_terms(None) == EvidenceTerms()


def test_a_verb_and_its_re_particle_make_one_term() -> None:
    # "cấp lại" (reissue) is a procedure of its own: the sentence on it outranks the one on "cấp lần đầu"
    law = ("2. Công dân không phải nộp lệ phí khi được cấp thẻ căn cước lần đầu.\n"
           "3. Công dân phải nộp lệ phí khi cấp đổi, cấp lại thẻ căn cước.")
    finder = EvidenceFinder(CorpusStats([law]), lambda _s: law)
    terms = finder.query_terms(analyze("Xin cấp lại thẻ căn cước thì có phải nộp lệ phí không?")).weights
    assert "cap lai" in terms and "lai" not in terms  # the pair is a term, the particle alone is none
    assert "phi khong" not in terms  # other stopwords still break pairs


def test_asking_for_a_phone_number_in_english_searches_the_vietnamese_words() -> None:
    # "Mọi thắc mắc xin liên hệ …, điện thoại 0269 …": the language's general words, not a corpus pack's
    weights = _finder(load_terms(DEFAULT_TERMS)).query_terms(
        analyze("What phone number can I call with questions about the fee?")).weights
    assert {"dien thoai", "lien he", "thac mac"} <= weights.keys()
