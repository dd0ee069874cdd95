"""Answerability: decide whether the evidence found actually states the answer, else refuse politely.

Why a separate decision: saying "the documents don't contain this" is as important as answering
(an invented fact about a province we have no report on is the worst outcome). The signals are
cheap and explainable, each recorded in ``Answer.meta``:

- a place the question names is not covered by any retrieved document;
- a year the question asks about is not stated (or the evidence states a different year);
- the best sentences match too little of the question's weighted terms;
- a "X là bao nhiêu" question whose X is not in the evidence, or with no number at all;
- a rare topic term of the question that none of the candidate documents contain;
- a name the question writes that no document mentions at all ("chồng người Hàn Quốc").

Thresholds were calibrated on the reference questions and on our own probe set
(tests/assistant/data/probes.jsonl), not on any single question.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.answer_model import AnswerFeatures, AnswerModel
from assistant.answer_typing import AnswerTyper
from assistant.counting import counted_noun, counts
from assistant.evidence import Evidence, ScoredSentence, Sentence, stated_years, tokens
from assistant.lexicon import WordList
from assistant.query import QueryInfo
from assistant.question_cues import (
    asking_clause,
    asking_sentence,
    defined_term,
    defines,
    in_story,
    inner_names,
    is_how_to,
)
from assistant.selection import figure_asked, goes_on, sides
from assistant.types import ScoredChunk
from index.legal import KIND_FAQ, KIND_LAW
from index.normalize import fold

__all__ = ["Thresholds", "Verdict", "asked_type", "assess", "extract_features", "refusal_message", "unknown_names"]


@dataclass(frozen=True)
class Thresholds:
    """Cut-offs of the declared features (data/models/answerability.json overrides none of these; the
    learned model weighs the features, these only define them)."""

    rare_idf: float = 4.0  # terms at least this rare are "topic" terms
    max_absent_term_share: float = 0.07  # one absent topic phrase this heavy marks the topic as absent
    min_how_to_coverage: float = 0.8  # a "how do I ..." sentence that really describes it
    # a sentence with under this share of the best one's coverage does not supply the asked value (swept on the
    # fitting sets: 0.3 and 0.5 decide the same, 0.7 refuses one more answerable law question)
    min_value_coverage_share: float = 0.5


@dataclass(frozen=True)
class Verdict:
    """The shared answer-stage decision: every answerer (extractive or LLM) obeys it."""

    answerable: bool
    reason: str  # "ok" or why not (see module doc)
    detail: dict[str, Any] = field(default_factory=dict)
    missing: tuple[str, ...] = ()  # places/years/terms not found, for the refusal message
    answer_type: str = ""  # the value the question asks for ("duration", "person", ...; "" for none)
    features: AnswerFeatures | None = None
    probability: float = 1.0


def assess(ev: Evidence, chosen: Sequence[ScoredSentence], th: Thresholds,
           model: AnswerModel | None = None, typer: AnswerTyper | None = None,
           contexts: Sequence[ScoredChunk] = (), words: WordList | None = None) -> Verdict:
    """Whether the chosen sentences answer the question.

    Two refusals are structural (nothing retrieved; a place no document covers). Everything else is a
    declared feature of the evidence (coverage, absent topic terms, a conflicting year, the asked
    value type missing, a definition not stated, ...) weighed by the fitted model; the reason given
    for a refusal is the strongest failing feature.
    """
    info = ev.info
    expected = asked_type(info, typer)
    if not chosen:
        return Verdict(False, "no_context", answer_type=expected)
    missing_places = tuple(p for p in ev.missing_places if not in_story(info.question, p))
    if missing_places and _place_scoped(ev):
        return Verdict(False, "place_not_covered", missing=missing_places, answer_type=expected)
    feats, reasons, detail = extract_features(ev, chosen, th, typer, expected, contexts, words)
    vetoes = [r for r in reasons if r[0] in _VETOES or r[0].startswith("no_")]
    if model is None:
        p = 1.0 if not reasons else 0.0
        ok = not reasons
    else:
        p = model.probability(feats)
        ok = model.answers(p, flagged=bool(reasons), coverage=feats.floor_coverage()) and not vetoes
    detail["flags"] = [r[0] for r in reasons]
    detail["vetoed"] = bool(vetoes)
    if vetoes:
        reasons = vetoes + [r for r in reasons if r not in vetoes]
    detail["p"] = round(p, 3)
    if ok:
        return Verdict(True, "ok", detail, answer_type=expected, features=feats, probability=p)
    reason, missing = reasons[0] if reasons else ("low_support", ())
    return Verdict(False, reason, detail, missing=missing, answer_type=expected, features=feats, probability=p)


# What the question asks for is provably absent: the asked value type (a date, a fee, a place) is not in
# the evidence, no sentence says what the asked term is, or the figures are for another year/quarter.
# These hold whatever the other features say; the model weighs the rest.
_VETOES = frozenset(["definition_not_stated", "year_not_covered", "period_not_covered", "count_not_stated",
                     "measure_not_stated", "name_not_covered", "asked_thing_not_stated", "anchor_not_stated"])


def _place_scoped(ev: Evidence) -> bool:
    """Whether the documents that answer are about places (reports on a province), so a place they do
    not cover means the figure asked for is missing. A law or an FAQ page holds wherever the citizen
    lives: "chồng tôi làm việc ở Bình Dương" does not make a question about residence law unanswerable."""
    top = [r.sentence.source for r in ev.ranked[:5]]
    return not top or any(ev.chunk_places.get(s) for s in top)


def asked_type(info: QueryInfo, typer: AnswerTyper | None) -> str:
    """The value type the question asks for; a comparison ("which province is higher, A or B")
    chooses between sides it names, so its answer is their figures, not a new place or name."""
    if typer is None:
        return ""
    kind = typer.expected(info.question)
    if info.qtype == "compare" and kind in ("place", "name", "person", "organization"):
        return ""
    if info.qtype == "why":
        return ""  # a reason, whatever figures or dates the question mentions
    return kind


def extract_features(ev: Evidence, chosen: Sequence[ScoredSentence], th: Thresholds, typer: AnswerTyper | None,
                     expected: str, contexts: Sequence[ScoredChunk] = (), words: WordList | None = None
                     ) -> tuple[AnswerFeatures, list[tuple[str, tuple[str, ...]]], dict[str, Any]]:
    """The declared features of the evidence, the failing ones as (reason, missing) strongest first."""
    info = ev.info
    best = chosen[0]
    reasons: list[tuple[str, tuple[str, ...]]] = []
    covered_terms: set[str] = set()
    for r in chosen:
        covered_terms |= r.matched
    covered_terms |= _place_terms_answered(ev, chosen)
    coverage = sum(ev.terms.weights[t] for t in covered_terms) / ev.terms.total
    detail: dict[str, Any] = {"coverage": round(coverage, 3), "best_coverage": round(best.coverage, 3),
                              "best_score": round(best.score, 3)}

    year_conflict = _year_conflict(ev, chosen, typer)
    if year_conflict:
        reasons.append(("year_not_covered", (year_conflict,)))

    # rare topic terms that the candidate documents never mention: words, not the seam between two words
    # ("chiều thứ" of "chiều thứ Bảy") and not the asking phrase ("bao lâu"), which no document need state
    weights = ev.terms.weights
    asking = typer.asking_words(ev.info.question) if typer is not None else frozenset()
    absent = [t for t in weights
              if not ev.in_candidates(t) and ev.stats is not None and ev.stats.known(t)
              and ev.stats.idf(t) >= th.rare_idf and not _junction(ev, t)
              and not set(t.split()) <= asking and (" " not in t or words is None or words.is_word(t, info.question))]
    absent_share = sum(weights[t] for t in absent) / ev.terms.total
    heavy = [t for t in absent if " " in t and weights[t] / ev.terms.total >= th.max_absent_term_share]
    detail["absent_terms"] = {t: round(weights[t] / ev.terms.total, 3) for t in absent}
    detail["absent_share"] = round(absent_share, 3)
    if heavy:
        reasons.append(("topic_not_covered", tuple(absent)))

    # a statement to judge ("Đúng hay sai: Bộ trưởng Bộ Công an …") is about its names: the verdict weighs them
    unknown = unknown_names(ev) if typer is None or not typer.asks_truth(info.question) else ()
    if unknown:
        reasons.append(("name_not_covered", unknown))

    type_missing = False
    if expected and typer is not None:
        # every type the question asks ("làm việc mấy giờ, ở đâu?": an hour and a place), not only the main one
        wanted = typer.expected_all(info.question) if info.qtype not in ("compare", "why") else (expected,)
        # the value must be in a sentence about the question, not in one quoted beside it for completeness
        strong = [r for r in chosen if r.coverage >= th.min_value_coverage_share * best.coverage]
        # ... or in one that goes on from such a sentence in its paragraph ("… Obama đã cùng … Bourdain ăn bún
        # chả …. Cảnh quay …. Hai người …, tổng hóa đơn … khoảng 6 đô la Mỹ"): its subject is a sentence before
        about = strong + [r for r in chosen if r not in strong and figure_asked(info.qtype, expected)
                          and any(goes_on(ev, s, r) for s in strong)]
        # a second value asked ("lệ phí hết bao nhiêu, bao lâu thì có") may stand in a sentence of its own on the
        # same page, which matches the question's words less
        page = [r for r in chosen if r.sentence.source == best.sentence.source] if len(wanted) > 1 else []

        def states(rs: Sequence[ScoredSentence], kind: str) -> bool:
            return any(typer.has_asked(r.sentence.text, kind, ev.terms.weights) for r in rs)

        lacking = [k for k in wanted if not states(about + page, k)]
        if not lacking and not any(states(about, k) for k in wanted):
            lacking = [expected]  # ... but one of them at least in a sentence about the question
        type_missing = bool(lacking)
        if type_missing:
            reasons.append((f"no_{lacking[0]}", ()))
        elif expected == "duration" and not _anchored(ev, about):
            reasons.append(("anchor_not_stated", ()))
    # a procedure page describes procedures; a report or a law barely matching a how-to question does not
    # ... but what a law obliges answers what one must do ("Hết hạn tạm trú thì phải làm gì?": "… công dân phải làm
    # thủ tục gia hạn tạm trú")
    obliged = ev.kinds.get(best.sentence.source) == KIND_LAW and typer is not None \
        and typer.binds(fold(info.question)) and typer.binds(best.sentence.folded)
    how_to_low = is_how_to(info) and best.coverage < th.min_how_to_coverage \
        and ev.kinds.get(best.sentence.source) != KIND_FAQ and not obliged
    if how_to_low:
        reasons.append(("how_to_not_described", ()))
    # a question asking a value ("Nguyễn Du tên chữ là gì?" asks a name) asks no definition
    term = defined_term(info, typer.term_nouns if typer is not None else ()) if not expected else ""
    definition_missing = bool(term) and not any(defines(r.sentence.folded, term) for r in chosen)
    if definition_missing:
        reasons.append(("definition_not_stated", (term,)))
    focus_missing = bool(ev.terms.focus) and not any(_states(r, f) for f in ev.terms.focus for r in chosen)
    if focus_missing:
        reasons.append(("focus_missing", ev.terms.focus))
    head = typer.asked_thing(info.question) if typer is not None else ()
    if head and not any(r.matches(head) for r in chosen):
        reasons.append(("asked_thing_not_stated", (" ".join(head),)))
    # "bao nhiêu X" counts X only when a count is asked ("bao nhiêu tuổi" asks an age, "bao nhiêu ngày" a duration)
    head = counted_noun(info) if expected in ("number", "") else ()
    count_missing = bool(head) and not any(counts(r.sentence, head) for r in chosen)
    if count_missing:
        reasons.append(("count_not_stated", (" ".join(head),)))
    # "nặng bao nhiêu tấn": a figure in that unit, not any figure of a sentence about the subject
    if ev.measures and not all(any(rx.search(r.sentence.folded) for r in chosen) for rx in ev.measures):
        count_missing = True
        reasons.append(("measure_not_stated", ()))
    asked = _quarters(fold(info.question))
    period_missing = bool(asked) and not any(asked & _quarters(ev.docs[r.sentence.source].folded) for r in chosen)
    if period_missing:
        reasons.append(("period_not_covered", tuple(f"quý {q}" for q in sorted(asked))))
    dense = _chunk_signal(best, contexts, "dense")
    pred_cov, pred_gap = _predicate_support(ev, chosen, typer)
    if pred_cov == 0.0:
        # the sentence names the subject but says nothing the question asks of it ("Lý Thường Kiệt mất
        # năm nào?" answered by a sentence about his campaign): not a veto, but no longer a "clean" case
        reasons.append(("predicate_not_stated", ()))
    feats = AnswerFeatures(
        coverage=coverage, best_coverage=best.coverage, absent_share=absent_share, heavy_absent=float(bool(heavy)),
        year_conflict=float(bool(year_conflict)), expects_type=float(bool(expected)), type_missing=float(type_missing),
        definition_missing=float(definition_missing), focus_missing=float(focus_missing),
        count_missing=float(count_missing), period_missing=float(period_missing), how_to_low=float(how_to_low),
        best_is_question=float(best.sentence.text.rstrip().endswith("?")), dense=dense,
        chunk_rank=1.0 / (1 + best.in_chunk_rank) if best.in_chunk_rank < 99 else 0.0,
        # documents beyond the sides the question compares: two reports for "Bắc Ninh vs Bình Định" are
        # expected, two for a one-sided question are a sign of a stitched-together answer
        sources=float(max(0, len({r.sentence.source for r in chosen}) - sides(ev))),
        english=float(info.language == "en"),
        best_score=best.score, predicate_coverage=pred_cov, predicate_gap=pred_gap,
        asking_coverage=ev.terms.share_stated(asking_sentence(ev.info.question), covered_terms),
        clause_coverage=ev.terms.share_stated(asking_clause(ev.info.question), covered_terms),
    )
    detail["features"] = feats.as_dict()
    return feats, reasons, detail


# where a time limit runs from, in a question ("trong vòng bao nhiêu ngày kể từ khi người thân mất"), folded
_ANCHOR = re.compile(r"\b(?:ke tu|tinh tu)(?: (?:khi|ngay|luc|thoi diem))? ((?:\w+ ?){1,8})")


def _anchored(ev: Evidence, stating: Sequence[ScoredSentence]) -> bool:
    """Whether a sentence stating the asked duration also states what the question says it runs from: "03 ngày làm
    việc kể từ ngày nhận đủ hồ sơ" is the time to decide, not the time to apply "kể từ khi người thân mất". True
    when the question names no start."""
    m = _ANCHOR.search(fold(ev.info.question))
    if m is None:
        return True
    anchor = [t for t in tokens(m.group(1)) if t in ev.terms.weights]
    total = sum(ev.terms.weights[t] for t in anchor)
    return not total or any(sum(ev.terms.weights[t] for t in anchor if t in r.matched) >= 0.5 * total
                            for r in stating)


def unknown_names(ev: Evidence) -> tuple[str, ...]:
    """Names the question writes that no document of the corpus mentions at all: "Tôi lấy chồng người Hàn
    Quốc thì đăng ký kết hôn ở đâu" asks about a case the pages do not cover, however well they describe the
    usual one. Topic terms the corpus does not know are left out of the absent-term signal (they are mostly
    typos and chat words); a capitalised name inside a sentence is none of those. Places are the gazetteer's
    (a law holds wherever the citizen lives), and an English question's words are not the documents' own."""
    if ev.stats is None or ev.info.language != "vi":
        return ()
    place_words = {t for p in (*ev.info.places, *ev.info.place_mentions) for t in tokens(p)}
    out: list[str] = []
    question = ev.info.question
    for run in inner_names(question):
        words = [w for w in run.split() if not set(tokens(w)) <= place_words]
        folded = [t for w in words for t in tokens(w)]
        if not folded:
            continue
        if len(folded) == 1:
            known = ev.stats.known(folded[0])  # "do Úc cấp": the word itself
        else:
            # a run of several words is a name the corpus knows when it writes any pair of them, or when each of
            # its words is known beside the word before or after the run: "thứ Bảy Công an" is a day, then an
            # office ("thứ bảy", "công an"); but "Nhật Bản được" is no name the corpus knows for writing "bản được"
            pairs = [f"{a} {b}" for a, b in zip(folded, folded[1:], strict=False)]
            known = any(ev.stats.known(t) for t in pairs)
            if not known and len(folded) == 2:
                before = re.search(rf"(\w+)\W+{re.escape(words[0])}", question)
                after = re.search(rf"{re.escape(words[-1])}\s+(\w+)", question)
                first = before is not None and any(ev.stats.known(f"{t} {folded[0]}")
                                                   for t in tokens(before.group(1))[-1:])
                last = after is not None and any(ev.stats.known(f"{folded[-1]} {t}")
                                                 for t in tokens(after.group(1))[:1])
                known = first and last
        if not known:
            out.append(" ".join(words))
    return tuple(out)


def _predicate_support(ev: Evidence, chosen: Sequence[ScoredSentence], typer: AnswerTyper | None
                       ) -> tuple[float, float]:
    """How well the evidence states what the question asks *about* its subject.

    Names (capitalised words: a person, a place, a law) are rare and so weigh most in coverage; a
    sentence naming "Lý Thường Kiệt" covers "Lý Thường Kiệt mất năm nào?" well without saying when he
    died. Leaving the name terms out measures the predicate ("mất") on its own."""
    names: set[str] = set()
    if typer is not None:
        q = ev.info.question
        for kind in ("person", "organization"):
            for sp in typer.spans(q, kind):
                names.update(tokens(sp.text))
    names.update(t for p in ev.info.places for t in tokens(p))
    if ev.info.places:
        names |= _PLACE_KINDS | {"thanh", "pho", "phuong"}  # "thị xã La Gi": the kind goes with the name
    rest = {t: w for t, w in ev.terms.weights.items() if not set(t.split()) & names}
    total = sum(rest.values())
    if total <= 0:
        return 1.0, 0.0
    best = chosen[0]
    cov = sum(w for t, w in rest.items() if t in best.matched) / total
    stated: set[str] = set()
    for r in chosen:
        stated |= r.matched
    # a word of the context the question is read in (the previous question's, in parentheses) is not asked
    gaps = [w for t, w in rest.items() if " " not in t and t not in stated and t not in ev.terms.aside]
    return cov, (max(gaps) / ev.terms.total if gaps else 0.0)


def _chunk_signal(r: ScoredSentence, contexts: Sequence[ScoredChunk], key: str) -> float:
    """A retrieval signal of the chunk holding the sentence (its best one), 0 when none holds it."""
    vals = [c.signals.get(key, 0.0) for c in contexts if c.chunk.source == r.sentence.source
            and c.chunk.start <= r.sentence.start and r.sentence.end <= c.chunk.end + 1]
    return max(vals, default=0.0)


def _year_conflict(ev: Evidence, chosen: Sequence[ScoredSentence], typer: AnswerTyper | None = None) -> str:
    """The asked year the evidence contradicts: its figure is stated for another year (a report on
    2023 for a 2024 question). A year that is only a date inside the question ("hạn đến năm 2031")
    and that no chosen sentence contradicts is not a conflict."""
    info = ev.info
    q_years = set(info.years)
    best = chosen[0]
    # "đến năm 2030" in the question is a target: a sentence stating that target answers it
    targets = q_years - stated_years(fold(info.question))
    for y in info.years:
        if typer is not None and typer.names_document(info.question, y):
            continue  # "Luật Căn cước 2023": the year names the law, it asks for no time
        if in_story(info.question, str(y)):
            continue
        sent_years = [_figure_years(r.sentence, typer) for r in chosen]
        if any(y in ys for ys in sent_years):
            continue
        if y in targets and any(str(y) in r.sentence.folded for r in chosen):
            continue
        near: set[int] = set()
        for r in chosen:
            for s in ev.paragraph(r.sentence):
                near |= stated_years(s.folded)
        measured = info.qtype in ("how_many", "compare", "when", "other")
        conflicting = measured and any(ys and not (ys & q_years) for ys in sent_years)
        if info.qtype in ("how_many", "compare"):
            rivals = [r for r in ev.ranked[:5] if r.coverage >= 0.9 * best.coverage and r not in chosen
                      and re.search(r"\d", r.sentence.text.replace(str(y), ""))]
            conflicting = conflicting or any(
                (ys := _figure_years(r.sentence, typer)) and not (ys & q_years) for r in rivals)
        # a law or a procedure page holds whatever year the citizen is in ("sinh tháng 11/2008"): only a report is
        # about the years it reports on
        reports_years = any(ev.report_years.get(r.sentence.source)
                            and ev.kinds.get(r.sentence.source) not in (KIND_LAW, KIND_FAQ) for r in chosen)
        in_docs = any(y in ev.doc_years(r.sentence.source) for r in chosen)
        if (conflicting and y not in near) or (reports_years and not in_docs and measured):
            return str(y)
    return ""


def _figure_years(sentence: Sentence, typer: AnswerTyper | None) -> frozenset[int]:
    """The years a sentence states a fact for; a year naming a law ("theo Luật Nghĩa vụ quân sự năm 2015") dates
    the law, not the fact, so it contradicts no year the question asks about."""
    years = stated_years(sentence.folded)
    if typer is None:
        return years
    return frozenset(y for y in years if not typer.names_document(sentence.text, y))


def _junction(ev: Evidence, bigram: str) -> bool:
    """Whether an absent bigram straddles two words the documents do state: "hoạch chuyển" in "kế
    hoạch chuyển đổi số" is the seam between "kế hoạch" and "chuyển đổi", not a topic of its own.
    Vietnamese words are mostly two syllables, so a syllable pair is only a topic when it is a word."""
    if " " not in bigram:
        return False
    a, b = bigram.split()
    seq = tokens(ev.info.expansion if ev.info.language == "en" else ev.info.restored or ev.info.question)
    for i in range(1, len(seq) - 2):
        if seq[i] == a and seq[i + 1] == b and ev.in_candidates(f"{seq[i - 1]} {a}") \
                and ev.in_candidates(f"{b} {seq[i + 2]}"):
            return True
    return False


_QUARTER = re.compile(r"\bquy\s+(iv|iii|ii|i|[1-4])\b")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _quarters(folded: str) -> set[int]:
    return {_ROMAN.get(q, 0) or int(q) for q in _QUARTER.findall(folded)}


_PLACE_KINDS = frozenset(["tinh", "thi", "xa", "huyen"])


def _place_terms_answered(ev: Evidence, chosen: Sequence[ScoredSentence]) -> set[str]:
    """Terms naming a place ("Bắc Kạn", "tỉnh Bắc") that a two-place answer states implicitly: a
    sentence quoted from the report *about* that place need not repeat its name."""
    places = [p for p in ev.info.places if ev.place_docs.get(p)]
    if len(places) < 2:
        return set()
    sources = {r.sentence.source for r in chosen}
    out: set[str] = set()
    for place in places:
        if not sources & set(ev.place_docs[place]):
            continue
        own = set(tokens(place))
        for t in ev.terms.weights:
            words = set(t.split())
            if words & own and words <= own | _PLACE_KINDS:
                out.add(t)
    return out


def _states(r: ScoredSentence, term: str) -> bool:
    return r.sentence.states(term, window=3)


@dataclass(frozen=True)
class RefusalTexts:
    """The refusal wording of one language, from the corpus pack's ``messages.toml``."""

    prefix: str
    default: str
    place_not_covered: str
    place_not_covered_covers: str
    year_not_covered: str
    definition_not_stated: str
    where_to_ask: str
    part_not_stated: str  # one part of a two-part question the documents do not answer ("{part}")


DEFAULT_MESSAGES = Path(__file__).resolve().parents[1] / "data" / "packs" / "default" / "messages.toml"


def load_refusal_texts(path: Path | None = None) -> dict[str, RefusalTexts]:
    """``{"vi": ..., "en": ...}`` from a messages file; a missing key is an error naming the file."""
    p = path or DEFAULT_MESSAGES
    data = tomllib.loads(p.read_text(encoding="utf-8"))
    try:
        return {lang: RefusalTexts(**data[lang]) for lang in ("vi", "en")}
    except (KeyError, TypeError) as err:
        raise ValueError(f"{p}: refusal messages for 'vi' and 'en' need every field of RefusalTexts ({err})") from err


def refusal_message(verdict: Verdict, info: QueryInfo, covered_places: Sequence[str], language: str,
                    texts: dict[str, RefusalTexts] | None = None) -> str:
    """A polite refusal that says what is missing and where to ask; it states no facts of its own."""
    t = (texts or load_refusal_texts())["en" if language == "en" else "vi"]
    missing = ", ".join(verdict.missing)
    why = t.default
    if verdict.reason in ("place_not_covered", "name_not_covered"):
        why = t.place_not_covered.format(missing=missing)
        if covered_places and verdict.reason == "place_not_covered":
            why += t.place_not_covered_covers.format(places=", ".join(covered_places))
    elif verdict.reason == "year_not_covered":
        why = t.year_not_covered.format(missing=missing)
    elif verdict.reason == "definition_not_stated":
        why = t.definition_not_stated
    return f"{t.prefix}{why}. {t.where_to_ask}"
