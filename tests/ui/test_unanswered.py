"""The unanswered-questions report on the project's real embedding model (no fakes)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from ui.unanswered import UnansweredItem, build_report, cluster, report_csv, trend_svg

PASSWORD = ["Quên mật khẩu VNeID thì làm sao?", "Làm thế nào để lấy lại mật khẩu tài khoản VNeID?",
            "Tôi bị quên mật khẩu định danh điện tử"]
PASSPORT = ["Thủ tục làm hộ chiếu mất bao lâu?", "Làm hộ chiếu online mất mấy ngày?",
            "Cấp hộ chiếu phổ thông bao lâu thì có?"]
MARRIAGE = ["Đăng ký kết hôn cần giấy tờ gì?", "Hồ sơ đăng ký kết hôn gồm những gì?"]


def test_questions_are_grouped_by_topic_and_named_by_a_typical_member(embedder: Any) -> None:
    now = datetime.now(UTC)
    items = []
    for i, q in enumerate(PASSWORD * 2 + PASSPORT + MARRIAGE):  # the password questions asked twice
        ts = (now - timedelta(days=i % 5)).isoformat(timespec="seconds")
        items.append(UnansweredItem(q, ts, "refused" if i % 2 else "thumbs_down"))

    def embed(texts: Any) -> np.ndarray:
        return np.stack([embedder.embed_query(t) for t in texts])

    report = build_report(items, embed, days=30)
    groups = {frozenset(it.question for it in g.items): g for g in report.groups}
    assert frozenset(PASSWORD) in groups and frozenset(PASSPORT) in groups and frozenset(MARRIAGE) in groups
    first = report.groups[0]
    assert first.count == 6 and first.label in PASSWORD  # largest group first, labelled by a member
    assert groups[frozenset(PASSPORT)].label in PASSPORT
    assert sum(report.totals) == len(items) and len(report.buckets) == 30 and report.bucket_days == 1
    assert sum(first.trend) == 6
    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    assert len(rows) == len(items) and {r["group"] for r in rows} == {str(n) for n in range(1, 4)}
    assert rows[0]["group_label"] == first.label and rows[0]["group_count"] == "6"


def test_clustering_keeps_distant_vectors_apart_and_merges_near_ones() -> None:
    v = np.array([[1, 0, 0], [0.99, 0.1, 0], [0, 1, 0], [0, 0.98, 0.2], [0, 0, 1]], dtype=np.float32)
    groups = sorted(sorted(g) for g in cluster(v, 0.9))
    assert groups == [[0, 1], [2, 3], [4]]
    assert cluster(np.zeros((0, 3), dtype=np.float32), 0.9) == []


def test_trend_chart_is_plain_svg_with_a_text_alternative() -> None:
    svg = trend_svg([0, 2, 5], ["2025-01-01", "2025-01-02", "2025-01-03"], title="<b>Xu hướng</b>")
    assert svg.startswith("<svg") and 'role="img"' in svg and "&lt;b&gt;Xu hướng" in svg
    assert "<script" not in svg and svg.count("<rect") == 3
