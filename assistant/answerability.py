"""Answerability: decide whether the evidence found actually states the answer, else refuse politely.

Why a separate decision: saying "the documents don't contain this" is as important as answering
(an invented fact about a province we have no report on is the worst outcome). The signals are
cheap and explainable, each recorded in ``Answer.meta``:

- a place the question names is not covered by any retrieved document;
- a year the question asks about is not stated (or the evidence states a different year);
- the best sentences match too little of the question's weighted terms;
- a "X là bao nhiêu" question whose X is not in the evidence, or with no number at all;
- a rare topic term of the question that none of the candidate documents contain.

Thresholds were calibrated on the reference questions and on our own probe set
(tests/assistant/data/probes.jsonl), not on any single question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.evidence import _YEAR, Evidence, ScoredSentence
from assistant.query import QueryInfo

__all__ = ["Thresholds", "Verdict", "assess", "refusal_message"]


@dataclass(frozen=True)
class Thresholds:
    min_coverage: float = 0.30  # share of weighted question terms the chosen sentences must match
    min_best_coverage: float = 0.22  # ... and the single best sentence
    rare_idf: float = 4.0  # terms at least this rare are "topic" terms ...
    max_absent_share: float = 0.15  # ... and may carry at most this share of the question's weight
                                    # when the candidate documents never state them
    max_absent_term_share: float = 0.07  # ... or one such phrase (bigram) alone


@dataclass(frozen=True)
class Verdict:
    answerable: bool
    reason: str  # "ok" or why not (see module doc)
    detail: dict[str, Any] = field(default_factory=dict)
    missing: tuple[str, ...] = ()  # places/years/terms not found, for the refusal message


def assess(ev: Evidence, chosen: Sequence[ScoredSentence], th: Thresholds) -> Verdict:
    info = ev.info
    if not chosen:
        return Verdict(False, "no_context")
    if ev.missing_places:
        return Verdict(False, "place_not_covered", missing=ev.missing_places)
    best = chosen[0]
    covered_terms: set[str] = set()
    for r in chosen:
        covered_terms |= r.matched
    coverage = sum(ev.terms.weights[t] for t in covered_terms) / ev.terms.total
    detail: dict[str, Any] = {"coverage": round(coverage, 3), "best_coverage": round(best.coverage, 3),
              "best_score": round(best.score, 3)}

    # years
    q_years = set(info.years)
    for y in info.years:
        sent_years = [{int(x) for x in _YEAR.findall(r.sentence.folded)} for r in chosen]
        if any(y in ys for ys in sent_years):
            continue
        near = set()
        for r in chosen:
            for s in ev.neighbours(r.sentence):
                near |= {int(x) for x in _YEAR.findall(s.folded)}
        conflicting = any(ys and not (ys & q_years) for ys in sent_years)
        in_docs = any(y in ev.doc_years(r.sentence.source) for r in chosen)
        if (conflicting and y not in near) or not in_docs:
            return Verdict(False, "year_not_covered", detail, missing=(str(y),))

    # rare topic terms that the candidate documents never mention
    stats_weights = ev.terms.weights
    absent = [t for t in stats_weights
              if not ev.in_candidates(t) and ev.stats is not None and ev.stats.known(t)
              and ev.stats.idf(t) >= th.rare_idf]
    share = sum(stats_weights[t] for t in absent) / ev.terms.total
    detail["absent_terms"] = {t: round(stats_weights[t] / ev.terms.total, 3) for t in absent}
    detail["focus"] = list(ev.terms.focus)
    detail["absent_share"] = round(share, 3)
    heavy = [t for t in absent if " " in t and stats_weights[t] / ev.terms.total >= th.max_absent_term_share]
    if share > th.max_absent_share or heavy:
        return Verdict(False, "topic_not_covered", detail, missing=tuple(absent))

    multi_place = sum(1 for p in info.places if ev.place_docs.get(p)) >= 2
    if coverage < th.min_coverage or (best.coverage < th.min_best_coverage and not multi_place):
        return Verdict(False, "low_support", detail)

    if ev.terms.focus and not any(_states(r, f) for f in ev.terms.focus for r in chosen):
        return Verdict(False, "focus_missing", detail, missing=ev.terms.focus)
    if info.qtype == "how_many" and not any(re.search(r"\d", r.sentence.text) for r in chosen):
        return Verdict(False, "no_number", detail)
    return Verdict(True, "ok", detail)


def _states(r: ScoredSentence, term: str) -> bool:
    return r.sentence.states(term, window=3)


_WHERE_VI = ("Bạn có thể tra cứu hoặc hỏi thêm tại Cổng Dịch vụ công quốc gia (dichvucong.gov.vn), "
             "mục hỗ trợ trong ứng dụng VNeID, hoặc Bộ phận Một cửa của UBND xã/phường nơi bạn cư trú.")
_WHERE_EN = ("You may find it on the National Public Service Portal (dichvucong.gov.vn), in the support "
             "section of the VNeID app, or at the one-stop office (Bộ phận Một cửa) of your commune/ward.")


def refusal_message(verdict: Verdict, info: QueryInfo, covered_places: Sequence[str], language: str) -> str:
    """A polite refusal that says what is missing and where to ask; it states no facts of its own."""
    places = ", ".join(covered_places)
    if language == "en":
        why = "The available documents do not contain this information"
        if verdict.reason == "place_not_covered":
            why += f": they contain no report on {', '.join(verdict.missing)}"
            if places:
                why += f" (they cover {places})"
        elif verdict.reason == "year_not_covered":
            why += f": they have no figures for {', '.join(verdict.missing)} on this topic"
        return f"Sorry — {why[0].lower()}{why[1:]}. {_WHERE_EN}"
    why = "các tài liệu hiện có không chứa thông tin để trả lời câu hỏi này"
    if verdict.reason == "place_not_covered":
        why = f"các tài liệu hiện có không có thông tin về {', '.join(verdict.missing)}"
        if places:
            why += f" (các tài liệu chỉ đề cập đến {places})"
    elif verdict.reason == "year_not_covered":
        why = (f"các tài liệu hiện có không có số liệu năm {', '.join(verdict.missing)} "
               "cho nội dung này")
    return f"Xin lỗi, {why}. {_WHERE_VI}"
