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

from assistant.evidence import Evidence, ScoredSentence, Sentence, stated_years, tokens
from assistant.query import QueryInfo
from assistant.question_cues import defined_term, defines
from assistant.vocabulary import STOPWORDS
from index.normalize import fold

__all__ = ["Thresholds", "Verdict", "assess", "refusal_message"]


@dataclass(frozen=True)
class Thresholds:
    min_coverage: float = 0.30  # share of weighted question terms the chosen sentences must match
    min_best_coverage: float = 0.22  # ... and the single best sentence
    rare_idf: float = 4.0  # terms at least this rare are "topic" terms ...
    max_absent_share: float = 0.2  # ... and may carry at most this share of the question's weight
                                    # when the candidate documents never state them
    max_absent_term_share: float = 0.07  # ... or one such phrase (bigram) alone
    min_how_to_coverage: float = 0.8  # a "how do I ..." needs a sentence that really describes it


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
    covered_terms |= _place_terms_answered(ev, chosen)
    coverage = sum(ev.terms.weights[t] for t in covered_terms) / ev.terms.total
    detail: dict[str, Any] = {"coverage": round(coverage, 3), "best_coverage": round(best.coverage, 3),
              "best_score": round(best.score, 3)}

    # years ("đến năm 2025" in the question is a target: it may match a target in the text)
    q_years = set(info.years)
    q_folded = fold(info.question)
    targets = set(info.years) - stated_years(q_folded)
    for y in info.years:
        sent_years = [stated_years(r.sentence.folded) for r in chosen]
        if any(y in ys for ys in sent_years):
            continue
        if y in targets and any(str(y) in r.sentence.folded for r in chosen):
            continue
        near: set[int] = set()
        for r in chosen:
            for s in ev.paragraph(r.sentence):
                near |= stated_years(s.folded)
        # a figure stated for another year contradicts the asked year; for who/why/list questions a
        # date inside the quoted sentence (a resolution's date, say) is incidental
        measured = info.qtype in ("how_many", "compare", "when", "other")
        conflicting = measured and any(ys and not (ys & q_years) for ys in sent_years)
        if info.qtype in ("how_many", "compare"):
            # a near-equal sentence giving the same measure for another year: the asked year is missing
            rivals = [r for r in ev.ranked[:5] if r.coverage >= 0.9 * best.coverage and r not in chosen
                      and re.search(r"\d", r.sentence.text.replace(str(y), ""))]
            conflicting = conflicting or any(
                (ys := stated_years(r.sentence.folded)) and not (ys & q_years) for r in rivals)
        in_docs = any(y in ev.doc_years(r.sentence.source) for r in chosen)
        if (conflicting and y not in near) or not in_docs:
            return Verdict(False, "year_not_covered", detail, missing=(str(y),))

    # rare topic terms that the candidate documents never mention
    stats_weights = ev.terms.weights
    absent = [t for t in stats_weights
              if not ev.in_candidates(t) and ev.stats is not None and ev.stats.known(t)
              and ev.stats.idf(t) >= th.rare_idf and not _junction(ev, t)]
    share = sum(stats_weights[t] for t in absent) / ev.terms.total
    detail["absent_terms"] = {t: round(stats_weights[t] / ev.terms.total, 3) for t in absent}
    detail["focus"] = list(ev.terms.focus)
    detail["absent_share"] = round(share, 3)
    # a "why" question names the situation in its own words ("khó chủ động" for "còn bị động"): one
    # phrase the reports do not use is no sign the cause is missing
    term_share = th.max_absent_term_share * (2 if info.qtype == "why" else 1)
    heavy = [t for t in absent if " " in t and stats_weights[t] / ev.terms.total >= term_share]
    if share > th.max_absent_share or heavy:
        return Verdict(False, "topic_not_covered", detail, missing=tuple(absent))

    multi_place = sum(1 for p in info.places if ev.place_docs.get(p)) >= 2
    if coverage < th.min_coverage or (best.coverage < th.min_best_coverage and not multi_place):
        return Verdict(False, "low_support", detail)

    wanted = answer_kind(info)
    if wanted and not any(_KIND_PATTERNS[wanted].search(r.sentence.folded) for r in chosen):
        return Verdict(False, f"no_{wanted}", detail)
    if is_how_to(info) and best.coverage < th.min_how_to_coverage:
        return Verdict(False, "how_to_not_described", detail)
    if _ASKS_WHERE.search(fold(info.question)) and not any(_GIVES_PLACE.search(r.sentence.folded) for r in chosen):
        # "làm CCCD ở đâu": a sentence that mentions CCCD but names no office or address is no answer
        return Verdict(False, "how_to_not_described", detail)
    term = defined_term(info)
    if term and not any(defines(r.sentence.folded, term) for r in chosen):
        # "VNeID là gì": sentences that use the word without saying what it is do not answer
        return Verdict(False, "definition_not_stated", detail, missing=(term,))
    if ev.terms.focus and not any(_states(r, f) for f in ev.terms.focus for r in chosen):
        return Verdict(False, "focus_missing", detail, missing=ev.terms.focus)
    if info.qtype == "how_many" and not any(re.search(r"\d|\b[IVXL]{1,5}\b", r.sentence.text) for r in chosen):
        return Verdict(False, "no_number", detail)
    head = counted_noun(info)
    if head and not any(_counts(r.sentence, head) for r in chosen):
        return Verdict(False, "count_not_stated", detail, missing=(" ".join(head),))
    asked = _quarters(q_folded)
    if asked and not any(asked & _quarters(ev.docs[r.sentence.source].folded) for r in chosen):
        return Verdict(False, "period_not_covered", detail, missing=tuple(f"quý {q}" for q in sorted(asked)))
    return Verdict(True, "ok", detail)


# "bao nhiêu X": X names what is counted; words after "bao nhiêu" that are units or fillers, not a noun
_NOT_COUNTED = frozenset(["phan", "tram", "tien", "ty", "trieu", "nghin", "dong", "lan", "so", "thi", "la",
                          "con", "nua", "the", "vay", "a", "ha", "nhi", "roi", "dau", "duoc", "va", "cua"])


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


_ANY_PERSON = frozenset(["nguoi", "ai"])


def counted_noun(info: QueryInfo) -> tuple[str, ...]:
    """The head of the counted noun phrase in a Vietnamese "bao nhiêu X …" question, as one or two
    folded syllables ("bao nhiêu chữ ký số" -> ("chu", "ky")); empty when there is none.

    Why: a report that mentions X but counts something else (or counts nothing) does not answer
    "how many X" — quoting "tỷ lệ sử dụng chữ ký số … còn thấp" for "cấp bao nhiêu chữ ký số" is
    a nearby sentence, not an answer.
    """
    f = fold(info.question)
    m = re.search(r"\bbao nhieu\s+([a-z0-9][a-z0-9 ,]*)", f)
    if not m:
        return ()
    words = tokens(m.group(1))
    if words and words[0] == "luot":  # "bao nhiêu lượt tra cứu": a measure word; "tra cứu" is counted
        words = words[1:]
    if words and words[0] in _ANY_PERSON:
        return ()  # "bao nhiêu người": reports count people as "nhân lực", "trường hợp", "nhân khẩu" …
    if not words or words[0] in _NOT_COUNTED or words[0] in STOPWORDS or words[0].isdigit():
        return ()
    if len(words) >= 2 and words[1] not in STOPWORDS and not words[1].isdigit():
        return (words[0], words[1])
    return (words[0],)


def _counts(sent: Sentence, head: tuple[str, ...], window: int = 5, after: int = 8) -> bool:
    """Whether a number precedes ``head`` within ``window`` syllables ("hơn 21.000 chữ ký số") or follows
    it within ``after`` (the "số X là N" phrasing); a head
    stated only through an abbreviation ("CSDL" for "cơ sở dữ liệu") needs just a number in the sentence."""
    seq = _COUNT_TOKEN.findall(sent.folded)
    n = len(head)
    term = " ".join(head)
    if (term in sent.bigrams or term in sent.toks) and f" {term} " not in f" {' '.join(seq)} ":
        return any(_is_count(t) for t in seq)
    for j in range(len(seq) - n + 1):
        if tuple(seq[j:j + n]) != head:
            continue
        if any(_is_count(seq[i]) for i in range(max(0, j - window), j)):
            return True
        if any(_is_count(seq[i]) for i in range(j + n, min(len(seq), j + n + after))):
            return True  # "số doanh nghiệp CNTT … là 96 đơn vị"
    return False


# Folded syllables, with a percentage kept whole ("100%"): "100% hồ sơ" is a share, not a count.
_COUNT_TOKEN = re.compile(r"\d[\d.,]*\s*%|[a-z0-9]+")


def _is_count(token: str) -> bool:
    return token[0].isdigit() and not token.endswith("%")


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


# What kind of value a question wants, from its folded wording, and how that value looks in a sentence.
_KIND_CUES: tuple[tuple[str, str], ...] = (
    ("money", r"\bbao nhieu tien\b|\bbao nhieu (?:ty|trieu|nghin|ngan)? ?dong\b|\bbao nhieu (?:ty|trieu)\b|\bhet bao nhieu\b|^(?:\w+ ){0,3}(?:le phi|muc phi|phi|gia)\b.*\bbao nhieu\b(?! lan)"
              r"|\bmuc phi\b|(?<!quoc )(?<!tham )\bgia bao nhieu\b"
              r"|\bhow much (?:does|is|do)\b.*\b(?:cost|fee|charge)|\bfee\b|\bcost\b"),
    ("clock", r"\bgio nao\b|\bmay gio\b|\bgio lam viec\b|\bwhat time\b|\bopening hours\b"),
    ("phone", r"\bso dien thoai\b|\bduong day nong\b|\btong dai\b|\bhotline\b|\bphone\b"),
    ("percent", r"\bty le\b.*\bbao nhieu\b|\bti le\b.*\bbao nhieu\b|\bbao nhieu phan tram\b"
                r"|\bwhat (?:percentage|share|proportion)\b"),
    ("duration", r"\bbao nhieu ngay\b|\bmat bao lau\b|\btrong bao lau\b|\bbao lau thi\b|\bhow long\b"),
    ("date", r"\bngay nao\b|\bkhi nao\b|\btu khi nao\b|\bthoi diem nao\b|\bnam nao\b|\bthang nao\b"
             r"|\bon what date\b|\bwhat date\b|\bwhen\b"),
)
_KIND_PATTERNS: dict[str, re.Pattern[str]] = {
    "money": re.compile(r"\d[\d.,]*\s*(?:dong|vnd|d\b|nghin|trieu|ty)|\bmien phi\b|\bkhong (?:mat|thu) phi\b"),
    # "01 năm", "6 tháng": a count of units (a year number like "năm 2025" is not a duration)
    "duration": re.compile(r"\b\d+\s*(?:ngay|gio|tuan|thang|phut|nam)\b|\bngay lam viec\b|\btrong ngay\b"),
    "clock": re.compile(r"\b\d{1,2}\s*(?:h|gio)\s*\d{0,2}\b|\b\d{1,2}:\d{2}\b"),
    "phone": re.compile(r"\b\d[\d .]{5,}\d\b|\b1900\b|\b18001\b|\b113\b|\b115\b"),
    "percent": re.compile(r"%|phan tram|\d+/\d+"),
    "date": re.compile(r"\b\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{2,4})?\b|\b(?:19|20)\d\d\b|\bquy\s+[iv1-4]+\b"
                       r"|\bthang\s+\d{1,2}\b"),
}
# "ở đâu" asks where to go, except for a rank ("đứng ở đâu trên bảng xếp hạng")
_WHERE_TO_GO = r"(?<!dung )(?<!xep )\bo dau\b(?! tren bang)|\bdia chi\b"
_HOW_TO = re.compile(r"\bcach (?:nao|de|lam|dang ky|lay|nop|cap|doi|xin|tao|kich hoat|dat lai|khoi phuc)"
                     r"|\bhuong dan (?:\w+ ){0,3}?(?:tung buoc|cach|chi tiet|thu tuc)"
                     r"|\b(?:lam (?:sao|the nao)|nhu the nao de|phai lam gi|can (?:nhung )?giay to gi"
                     r"|ho so gom|thu tuc (?:can|gom|gi)|can lam gi|cac buoc|trinh tu (?:thuc hien|dang ky))\b"
                     rf"|{_WHERE_TO_GO}"
                     r"|^cach\b|\bhow (?:do|can|should) (?:i|we|you|one)\b|\bhow to\b|\bwhere (?:do|can|should)\b")


_ASKS_WHERE = re.compile(rf"{_WHERE_TO_GO}|\bwhere\b")
_GIVES_PLACE = re.compile(r"\b(?:tai|o) (?:tru so|bo phan|cong an|ubnd|uy ban|trung tam|co quan|diem|quay|cong)\b"
                          r"|\bdia chi\b|https?://|\.gov\.vn\b|\bbo phan (?:mot cua|tiep nhan)\b")


def answer_kind(info: QueryInfo) -> str:
    """"money", "clock", "phone", "percent", "duration", "date" when the question wants such a value."""
    f = fold(info.question)
    for kind, rx in _KIND_CUES:
        if re.search(rx, f):
            return kind
    return ""


def is_how_to(info: QueryInfo) -> bool:
    """A procedural question ("làm thế nào để…", "cần những giấy tờ gì"): reports rarely describe procedures."""
    return bool(_HOW_TO.search(fold(info.question)))


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
        elif verdict.reason == "definition_not_stated":
            why = "The available documents mention this but do not explain what it is"
        return f"Sorry — {why[0].lower()}{why[1:]}. {_WHERE_EN}"
    why = "các tài liệu hiện có không chứa thông tin để trả lời câu hỏi này"
    if verdict.reason == "place_not_covered":
        why = f"các tài liệu hiện có không có thông tin về {', '.join(verdict.missing)}"
        if places:
            why += f" (các tài liệu chỉ đề cập đến {places})"
    elif verdict.reason == "year_not_covered":
        why = (f"các tài liệu hiện có không có số liệu năm {', '.join(verdict.missing)} "
               "cho nội dung này")
    elif verdict.reason == "definition_not_stated":
        why = "các tài liệu hiện có có nhắc đến nội dung này nhưng không giải thích nó là gì"
    return f"Xin lỗi, {why}. {_WHERE_VI}"
