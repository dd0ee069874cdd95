"""BM25 over Vietnamese syllables: folded matching, phrase bonus, diacritic bonus, numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.chunking import Chunker
from index.lexical import LexicalIndex, query_terms, tokenize
from index.loaders import load_all
from index.types import Chunk

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"


@pytest.fixture(scope="module")
def corpus_chunks() -> list[Chunk]:
    chunker = Chunker(700, 1)
    return [c for doc in load_all([CORPUS]) for c in chunker.split(doc)]


@pytest.fixture(scope="module")
def corpus_lexical(corpus_chunks: list[Chunk]) -> LexicalIndex:
    return LexicalIndex.build(corpus_chunks)


def _chunk(cid: str, text: str, **kw: object) -> Chunk:
    return Chunk(chunk_id=cid, source=f"{cid}.txt", text=text, start=0, end=len(text), **kw)  # type: ignore[arg-type]


def test_numbers_tokenize_the_vietnamese_way() -> None:
    assert "f:1230" in tokenize("có 1.230 dịch vụ")
    assert "f:1230" in query_terms("1230 dich vu")
    assert "f:98.81" in tokenize("đạt 98,81%")
    assert "f:98.81" in query_terms("98.81%")
    assert "f:98.81" in query_terms("98,81")
    # a date keeps its parts searchable
    assert {"f:22.12.2024", "f:2024"} <= set(tokenize("ngày 22.12.2024"))


def test_folded_and_exact_forms_and_bigrams() -> None:
    terms = set(tokenize("Dịch vụ công"))
    assert {"f:dich", "f:vu", "f:cong", "e:dịch", "e:vụ", "e:công", "b:dich_vu", "b:vu_cong"} <= terms
    # bigrams never cross punctuation or lines
    assert "b:cong_tinh" not in set(tokenize("dịch vụ công. Tỉnh"))
    assert "b:cong_tinh" not in set(tokenize("dịch vụ công\ntỉnh"))
    # zero-width characters inside a word do not split it (normalisation first)
    assert "f:cong" in set(tokenize("c\u200bông"))


def test_unaccented_query_gets_no_exact_bonus_terms() -> None:
    q = query_terms("dich vu cong")
    assert not any(t.startswith("e:") for t in q)
    q2 = query_terms("dịch vụ công")
    assert "e:dịch" in q2


def test_phrase_beats_scattered_syllables() -> None:
    # the same syllables in both passages: only adjacency (bigrams) can tell them apart
    idx = LexicalIndex.build([
        _chunk("scattered", "Công chức trực tuyến hỗ trợ dịch vụ cho người dân."),
        _chunk("phrase", "Dịch vụ công trực tuyến hỗ trợ cho chức người dân."),
    ])
    hits = idx.search("dich vu cong truc tuyen", 2)
    assert [h[0] for h in hits] == ["phrase", "scattered"]
    assert hits[0][1] > hits[1][1]


def test_diacritics_in_query_prefer_the_exact_form() -> None:
    # identical once folded: only the exact-diacritic bonus can rank them
    idx = LexicalIndex.build([
        _chunk("can-bo", "Đội ngũ cán bộ hồ sơ số."),
        _chunk("can-thiet", "Đội ngũ cần bộ hồ sơ số."),
    ])
    hits = idx.search("cần bộ hồ sơ", 2)
    assert hits[0][0] == "can-thiet" and hits[0][1] > hits[1][1]
    hits = idx.search("cán bộ hồ sơ", 2)
    assert hits[0][0] == "can-bo" and hits[0][1] > hits[1][1]
    # without diacritics neither form is preferred
    hits = idx.search("can bo ho so", 2)
    assert {h[0] for h in hits} == {"can-bo", "can-thiet"}
    assert hits[0][1] == pytest.approx(hits[1][1])


def test_no_match_and_empty_query() -> None:
    idx = LexicalIndex.build([_chunk("a", "Chuyển đổi số quốc gia.")])
    assert idx.search("xyzzy", 5) == []
    assert idx.search("", 5) == []
    assert idx.search("chuyen doi so", 0) == []
    assert LexicalIndex.build([]).search("chuyen doi so", 3) == []


def test_unaccented_query_finds_binh_dinh_passage(corpus_lexical: LexicalIndex,
                                                   corpus_chunks: list[Chunk]) -> None:
    by_id = {c.chunk_id: c for c in corpus_chunks}
    hits = corpus_lexical.search("binh dinh dich vu cong truc tuyen", 5)
    assert hits
    first = by_id[hits[0][0]]
    assert "Bình Định" in first.places
    assert "dịch vụ công trực tuyến" in first.text.lower()


def test_exact_words_query_returns_that_passage_first(corpus_lexical: LexicalIndex,
                                                      corpus_chunks: list[Chunk]) -> None:
    target = next(c for c in corpus_chunks if "99,88%" in c.text)
    sentence = next(s for s in target.text.split(". ") if "99,88%" in s)
    assert corpus_lexical.search(sentence, 3)[0][0] == target.chunk_id
    # the same words typed without diacritics, and the figure typed English-style
    from index.normalize import fold

    assert corpus_lexical.search(fold(sentence).replace("99,88", "99.88"), 3)[0][0] == target.chunk_id


def test_number_typed_without_thousands_separator(corpus_lexical: LexicalIndex,
                                                  corpus_chunks: list[Chunk]) -> None:
    with_dot = [c for c in corpus_chunks if "728.400" in c.text]
    assert with_dot
    hits = corpus_lexical.search("728400 tai khoan dinh danh", 3)
    assert hits[0][0] in {c.chunk_id for c in with_dot}


def test_saved_index_answers_exactly_like_the_built_one(corpus_lexical: LexicalIndex) -> None:
    again = LexicalIndex.from_bytes(corpus_lexical.to_bytes())
    assert again is not None and again.ids == corpus_lexical.ids
    for q in ["binh dinh dich vu cong truc tuyen", "tỷ lệ số hóa hồ sơ 99,88%", "728400 tài khoản"]:
        assert again.search(q, 8) == corpus_lexical.search(q, 8)
    empty = LexicalIndex.from_bytes(LexicalIndex.build([]).to_bytes())
    assert empty is not None and empty.search("chuyen doi so", 3) == []
