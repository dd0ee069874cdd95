"""Sentence relevance: the features are declared, the weights are data, and the file must match the code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answer_typing import load_typer
from assistant.sentence_relevance import (
    DEFAULT_PATH,
    SENTENCE_FEATURES,
    SentenceModel,
    load_sentence_model,
    question_cues,
    sentence_features,
)
from index.normalize import fold


def _features(question: str, text: str, qtype: str = "other", **kw: object) -> dict[str, float]:
    typer = load_typer()
    cues = question_cues(qtype, fold(question), typer, question)
    args: dict[str, object] = dict(text=text, folded=fold(text), length=len(text.split()), is_question=False,
                                   coverage=0.5, about=0.0, own_coverage=0.5, near_coverage=0.0,
                                   follows_question=False, chunk_dense=0.9, defines=False, names_person=False,
                                   year_fit=0.0, rank=0, typer=typer)
    args.update(kw)
    return dict(zip(SENTENCE_FEATURES, sentence_features(cues, **args), strict=True))  # type: ignore[arg-type]


def test_the_asked_value_is_seen_in_any_genre() -> None:
    q = "Mã kích hoạt dùng được trong bao lâu?"
    assert _features(q, "Mã kích hoạt có hiệu lực trong 30 ngày kể từ ngày gửi.")["asked_value"] == 1.0
    assert _features(q, "Hệ thống gửi tin nhắn kèm mã kích hoạt.")["asked_value"] == 0.0


def test_retrieval_rank_and_sentence_shape_are_features() -> None:
    f = _features("Ai ký?", "Điều 1.", rank=3)
    assert f["chunk_rank"] == pytest.approx(0.25) and f["short"] == 1.0
    assert _features("Ai ký?", "x", rank=99)["chunk_rank"] == 0.0


def test_a_table_row_is_no_headline() -> None:
    q = "Nộp trực tuyến thì mấy ngày?"
    assert _features(q, "Thời hạn và lệ phí khi nộp hồ sơ trực tuyến")["headline"] == 1.0
    assert _features(q, "| Nộp trực tuyến | 05 ngày làm việc | Không thu phí |")["headline"] == 0.0


def test_the_shipped_model_loads_scores_in_coverage_units_and_records_its_figures() -> None:
    model = load_sentence_model(DEFAULT_PATH)
    assert model.weights[SENTENCE_FEATURES.index("coverage")] == pytest.approx(1.0)
    data = json.loads(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert set(data["leave_one_genre_out"]) >= {"reports", "laws", "faq", "encyclopedia"}
    x = [0.0] * len(SENTENCE_FEATURES)
    x[0] = 0.6
    assert model.score(x) == pytest.approx(0.6)


def test_a_model_file_that_does_not_match_the_features_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "m.json"
    p.write_text(json.dumps({"weights": {"coverage": 1.0}}), encoding="utf-8")
    with pytest.raises(ValueError, match="missing"):
        load_sentence_model(p)
    with pytest.raises(ValueError, match="weights"):
        SentenceModel((1.0,), {})


def test_a_cause_is_read_as_written_not_folded() -> None:
    q = "Vì sao có mâu thuẫn giữa hai người?"
    # folded, "công chúa" holds "chưa" and "thắp" is "thấp": neither states a cause
    assert _features(q, "Ông lấy công chúa Thiên Thành.", qtype="why")["cause_for_why"] == 0.0
    assert _features(q, "Hằng năm người dân thắp hương.", qtype="why")["cause_for_why"] == 0.0
    assert _features(q, "Hai người bất hòa vì chuyện đất đai.", qtype="why")["cause_for_why"] == 1.0
    assert _features(q, "Tỷ lệ còn thấp.", qtype="why")["cause_for_why"] == 1.0
