"""Which sentences are quoted: end-to-end on the bundled laws (real index, real model)."""

from __future__ import annotations

from typing import Any

import pytest

from assistant import composition


@pytest.fixture(scope="module")
def pipeline(law_corpus_index: Any) -> Any:
    return composition.build_pipeline(law_corpus_index.settings, reader=law_corpus_index.reader)


def test_a_near_tie_in_the_same_article_is_quoted_too(pipeline: Any) -> None:
    # Luật Cư trú, Điều 16, khoản 1: its first sentence names where such a person resides, the next one the
    # fallback when the vessel is not registered there; both match the question about as well, and the answer
    # needs both
    ans = pipeline.ask("Người làm nghề lưu động trên tàu, thuyền thì nơi cư trú được xác định ở đâu?")
    assert not ans.refused
    assert "nơi đăng ký phương tiện" in ans.answer and "thường xuyên đậu, đỗ" in ans.answer
    quoted = " ".join(c.quote for c in ans.citations if c.label == "Luật Cư trú, Điều 16, khoản 1")
    assert "nơi đăng ký phương tiện" in quoted and "thường xuyên đậu, đỗ" in quoted, ans.citations


def test_the_lead_takes_the_value_in_the_questions_frame(pipeline: Any) -> None:
    # "do cơ quan nào quản lý": Điều 36 says "do Bộ Công an thống nhất quản lý"; other quoted sentences
    # name other bodies ("Chính phủ quy định chi tiết …") in other frames
    ans = pipeline.ask("Cơ sở dữ liệu về cư trú do cơ quan nào quản lý?")
    assert not ans.refused
    assert "Bộ Công an" in ans.answer.split("[", 1)[0], ans.answer
