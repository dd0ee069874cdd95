"""Which sentences to quote: the best one, plus those that state what it leaves out.

Why a module of its own: choosing sentences is where most answer quality is decided (a comparison
needs each side, a two-part question each part, a list of shortcomings all of its items), while
the extractive answerer only frames and cites what is chosen here. Works on ``Evidence`` only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from assistant.answer_typing import FIGURE_TYPES
from assistant.counting import counted_noun
from assistant.evidence import (
    PLACE_KINDS,
    Evidence,
    ScoredSentence,
    Sentence,
    place_terms,
    stated_years,
    tokens,
    year_adjustment,
)
from assistant.lists import ENUMERATED, announces, enclosing_list, list_items, lists_asked_inline
from assistant.sentence_relevance import SENTENCE_FEATURES
from index.normalize import fold

__all__ = ["FIGURE_QUESTIONS", "figure_asked", "goes_on", "select_sentences"]

_MAX_SENTENCES = {"list": 3, "why": 4, "compare": 4}
# how many sentences after the one naming a subject, in its paragraph, may still state its asked value
CONTINUATION_SPAN = 2
# ... for a figure or a date: a place or a name is typed too loosely ("tại Việt Nam") to be sought further on
FIGURE_QUESTIONS = frozenset(["how_many", "when"])


def figure_asked(qtype: str, expected: str) -> bool:
    """A figure is the answer: a how-many/when question, or any wording whose asked type (``expected``, the
    typer's) is a figure's (a duration, a fee, a date): the sentence after the one naming the subject may give it."""
    return qtype in FIGURE_QUESTIONS or expected in FIGURE_TYPES


_ASKED_VALUE = SENTENCE_FEATURES.index("asked_value")
_DEFAULT_MAX = 3


def select_sentences(ev: Evidence, wants_list: bool = False,
                     names_kind: Callable[[str], bool] | None = None,
                     inline_subject: Callable[[str], str] | None = None,
                     expected: str = "", asking: frozenset[str] = frozenset(),
                     thing: tuple[str, ...] = ()) -> list[ScoredSentence]:
    """The sentences to quote: the best one, plus others that state parts of the question it misses.

    A question about two places or two years (a comparison, "lần lượt") is answered facet by
    facet: each place/year gets its own best sentences from its own report, so the answer quotes
    both sides instead of two sentences from whichever report matched the wording best. A question
    whose answer is a list (``wants_list``: the items or steps asked for) is answered by the whole list
    of a document that holds the best sentence or a near-tie for it, or, when the question asks for a kind
    of items (papers, steps), the best-ranked list whose heading names that kind (``names_kind``); a
    sentence among the best-ranked that lists what the question names itself ("… gồm A, B, C";
    ``inline_subject`` reads what it lists) answers it alone, even when another matches the question's words
    better: an encyclopedia article's opening names a dish and the herbs served with it, while the sentence
    whose subject is those herbs is the one that lists them. A question asking a figure (``figure_asked``, with
    ``expected`` the typer's asked type) gets the sentence after the best one that states it. ``asking``: the
    syllables of the question's asking phrases ("bao lâu"), which a sentence stating them adds nothing by.
    ``thing``: what the question asks of its subject ("mộ" of "Mộ của bác sĩ Yersin nằm ở đâu?"), which the
    answer must name.
    """
    if not ev.ranked:
        return []
    qtype = ev.info.qtype
    facets = _facets(ev)
    if facets:
        chosen: list[ScoredSentence] = []
        for sources, years in facets:
            pool = _facet_pool(ev, sources, years, chosen)
            if pool:
                chosen.extend(_facet_sentences(ev, pool, years))
        if chosen:
            return chosen
    pool = ev.ranked
    if wants_list:
        block = _list_block(ev, pool, names_kind, inline_subject)
        if block:
            return block
    if qtype == "why":
        # "what limitations / why": the question's cue words ("hạn chế") and place name are in every
        # candidate passage; the topic they are about decides which one states the causes
        pool = _facet_pool(ev, list(dict.fromkeys(r.sentence.source for r in ev.ranked)), tuple(ev.info.years), [])
    limit = _MAX_SENTENCES.get(qtype, _DEFAULT_MAX)
    chosen = _greedy(ev, pool, limit, expected, asking, thing)
    # a near-tie for the best sentence in the same document is quoted even when it adds no new words of the
    # question: which of the two states the answer is unknown (a law's next clause often completes it: "… là
    # nơi đăng ký phương tiện" and "… là nơi phương tiện thường xuyên đậu, đỗ"); another document's near-tie
    # would stitch an answer together from two sources
    if len(chosen) < limit:
        for r in pool[1:3]:
            if r.sentence.source == chosen[0].sentence.source and all(c.sentence != r.sentence for c in chosen) \
                    and _near_tie(r, chosen[0], tuple(ev.info.years)):
                chosen.append(r)
                break
    return chosen


def _list_block(ev: Evidence, pool: Sequence[ScoredSentence],
                names_kind: Callable[[str], bool] | None = None,
                inline_subject: Callable[[str], str] | None = None) -> list[ScoredSentence]:
    """The lead-in and items of the list that answers a list question, or [] when no list does.

    Why: "các bước nộp hồ sơ" is answered by the six numbered lines under "3. Các bước nộp hồ sơ …", yet
    the line that matches the question's words best is often a single step or a sentence beside the list
    (a law's scope article names every duty in one line). A list is chosen when it holds the best
    sentence or a near-tie for it: the list is the form the question asks for.

    A question that asks for a kind of items ("những giấy tờ gì", "trình tự thế nào") names it in other
    words than the list's heading ("2. Hồ sơ gồm", "III. Các bước thực hiện"), while a line beside the list
    shares its conditions ("Cấp hộ chiếu lần đầu: không quá 08 ngày"): then the best-ranked list whose
    heading, lead-in or enumerator ("Bước 1:") names the kind answers it."""
    best = pool[0]
    by_key = {(r.sentence.source, r.sentence.index): r for r in pool}

    def members(block: tuple[Sentence, list[Sentence]]) -> list[ScoredSentence]:
        head, items = block
        found = [by_key[(s.source, s.index)] for s in (head, *items) if (s.source, s.index) in by_key]
        # the best-matching member first: it is what the verdict weighs; the lead lists the whole block
        return sorted(found, key=lambda m: -m.score)

    if names_kind is not None:
        def of_kind(sent: Sentence) -> tuple[Sentence, list[Sentence]] | None:
            """The list holding ``sent`` when its heading, lead-in or enumerator names the kind asked."""
            block = enclosing_list(ev, sent)
            if block is None:
                return None
            marker = ENUMERATED.match(block[1][0].text)
            return block if names_kind(f"{block[0].text} {marker.group(0) if marker else ''}") else None

        # the page whose title names the question's procedure best ("Thủ tục cấp đổi thẻ căn cước" for "đi đổi căn
        # cước cần mang theo những gì") answers with its list of that kind, though a line of another page matches
        # the question's words best and none of its items does ("2. Thành phần hồ sơ": "Thẻ … đang sử dụng")
        named = {src: _title_coverage(ev, src) for src in ev.docs}
        top = max(named, key=named.__getitem__, default="")
        if top and named[top] > named[best.sentence.source]:
            for sent in ev.docs[top].sentences:
                if (block := of_kind(sent)) is not None:
                    return members(block)
        # then the best sentence's page: another page's list of the same kind is about another procedure
        window = sorted(pool[:_KIND_WINDOW], key=lambda r: r.sentence.source != best.sentence.source)
        for r in window:
            if (block := of_kind(r.sentence)) is not None:
                return members(block)
    if inline_subject is not None:
        for r in pool[:_NEAR_WINDOW]:
            if lists_asked_inline(ev, inline_subject, r.sentence):
                return [r]  # the sentence is the list; the clauses beside it are other facts
    for r in pool[:_NEAR_WINDOW]:  # the list of the best-ranked sentence that is in one
        if r.score < _NEAR_TIE * best.score:
            break
        block = enclosing_list(ev, r.sentence)
        if block is not None:
            return members(block)
    return []


def _title_coverage(ev: Evidence, source: str) -> tuple[float, float]:
    """The weight of the question's word pairs that a page's title states, then of all its terms: a procedure is
    named by its pairs ("khai tử" of "Đăng ký khai tử"), where one syllable folds to many words ("tu") and a
    generic one ("thủ tục") names none."""
    said = ev.title_terms(source)
    weights = ev.terms.weights
    return (sum(w for t, w in weights.items() if " " in t and t in said),
            sum(w for t, w in weights.items() if t in said))


def _facet_sentences(ev: Evidence, pool: Sequence[ScoredSentence], years: tuple[int, ...]) -> list[ScoredSentence]:
    """Up to two sentences for one side; a near-tie for the best is quoted rather than a sentence
    that merely adds other words of the question (which of the two the user means is unknown),
    unless it reports on a year the side is not asked about."""
    sel = _greedy(ev, pool, 2)
    best = sel[0]
    if len(pool) > 1 and not best.sentence.folded.startswith(_OPENERS):
        runner = next((r for r in pool[1:3] if r.sentence != best.sentence), None)
        if runner is not None and runner not in sel and _near_tie(runner, best, years or tuple(ev.info.years)):
            sel = [best, runner]
    return sel


def _near_tie(r: ScoredSentence, best: ScoredSentence, years: tuple[int, ...]) -> bool:
    """Whether ``r`` matches the question about as well as ``best`` and reports on no other year."""
    return r.score >= _NEAR_TIE * best.score and not _other_year(r, years)


def _other_year(r: ScoredSentence, years: tuple[int, ...]) -> bool:
    stated = stated_years(r.sentence.folded)
    return bool(years) and bool(stated) and not stated & set(years)


_NEAR_TIE = 0.85
_NEAR_WINDOW = 10  # candidates looked at for a near-tie that meets the question's requirements, or a sentence listing what it names
_KIND_WINDOW = 30  # candidates whose lists are looked at for one that names the kind of items asked for
_Q_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")
_Q_RANGE = re.compile(r"(?<!\d)(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d(?!\d)")


def sides(ev: Evidence) -> int:
    """How many sides the question compares (two places, two years), 1 when it is one-sided: the number
    of documents an answer is expected to quote."""
    return max(1, len(_facets(ev)))


def _facets(ev: Evidence) -> list[tuple[list[str], tuple[int, ...]]]:
    """(sources, years) per side of a two-sided question, in the question's order; [] if one-sided."""
    info = ev.info
    places = [p for p in info.places if ev.place_docs.get(p)]
    if len(places) >= 2:
        years_of = _place_years(info.question, places, info.years)
        return [(_narrow(ev, list(ev.place_docs[p]), years_of[p]), years_of[p]) for p in places]
    if info.qtype != "compare" or _Q_RANGE.search(info.question):
        return []
    years = list(dict.fromkeys(info.years))
    if len(years) < 2:
        return []
    candidates = list(dict.fromkeys(r.sentence.source for r in ev.ranked))
    facets: list[tuple[list[str], tuple[int, ...]]] = [
        (_narrow(ev, candidates, (y,), strict=True), (y,)) for y in years]
    if any(not src for src, _ in facets) or len({frozenset(src) for src, _ in facets}) < len(facets):
        return []  # the reports do not split by year: one pool answers both
    return facets


def _place_years(question: str, places: Sequence[str], years: Sequence[int]) -> dict[str, tuple[int, ...]]:
    """The years each place is asked about: those written after it (before the next place), plus
    those written before the first place, which apply to all ("Năm 2023, A và B ...")."""
    q = fold(question)
    pos = sorted((q.find(fold(p)), p) for p in places)
    if pos[0][0] < 0:
        return {p: tuple(years) for p in places}  # places not written out: no way to pair them
    found = [(m.start(), int(m.group(1))) for m in _Q_YEAR.finditer(q) if int(m.group(1)) in years]
    lead = [y for at, y in found if at < pos[0][0]]
    out: dict[str, tuple[int, ...]] = {}
    for k, (start, place) in enumerate(pos):
        end = pos[k + 1][0] if k + 1 < len(pos) else len(q)
        out[place] = tuple(dict.fromkeys(lead + [y for at, y in found if start <= at < end]))
    return out


def _narrow(ev: Evidence, sources: list[str], years: Sequence[int], strict: bool = False) -> list[str]:
    """The sources reporting on ``years``: mainly (their latest year), else at all; all of them if none
    (or [] when ``strict``)."""
    if not years or (len(sources) < 2 and not strict):
        return sources
    main = [s for s in sources if ev.report_years.get(s, ())[:1] and ev.report_years[s][0] in years]
    if main:
        return main
    some = [s for s in sources if set(ev.report_years.get(s, ())) & set(years)]
    return some if some or strict else sources


def _facet_pool(ev: Evidence, sources: Sequence[str], years: tuple[int, ...],
                taken: Sequence[ScoredSentence]) -> list[ScoredSentence]:
    """The facet's candidate sentences, re-scored on the question's *measure* terms only.

    Within one facet the places, years and report names of the question say nothing about which
    sentence states the measure (and the other side's place name would pull in sentences that
    merely mention it), so coverage is recomputed without them, and years count for the facet's
    own years only.
    """
    info = ev.info
    wanted = set(sources)
    seen = {(c.sentence.source, c.sentence.index) for c in taken}
    side = {t for p in info.places for t in tokens(p)} | {str(y) for y in info.years} | _FACET_WORDS
    measure = {t: w * (0.3 if t in _KIND_TERMS else 1.0) for t, w in ev.terms.weights.items()
               if not set(t.split()) & side and t not in _REPORT_TERMS}
    total = sum(measure.values())
    pool: list[ScoredSentence] = []
    for r in ev.ranked:
        s = r.sentence
        if s.source not in wanted or (s.source, s.index) in seen:
            continue
        doc_years = ev.doc_years(s.source)
        delta = year_adjustment(years, s.folded, doc_years) - year_adjustment(info.years, s.folded, doc_years)
        if total > 0:
            # a phrase stated as written counts fully, its words merely close together a bit less
            stated = sum(w if t in r.matched else 0.8 * w for t, w in measure.items()
                         if t in r.matched or (" " in t and s.states(t)))
            delta += stated / total - r.coverage
        pool.append(replace(r, score=r.score + delta))
    pool.sort(key=lambda r: r.score, reverse=True)
    return pool


# Words that name a side of a comparison (place kinds, periods), not what is compared.
_FACET_WORDS = frozenset(["tinh", "thi", "xa", "huyen", "quy", "i", "ii", "iii", "iv", "cuoi", "dau"])
_REPORT_TERMS = frozenset(["bao cao", "bai viet", "viet", "bai", "tai lieu", "bai bao"])
# Words naming the kind of answer wanted ("hạn chế", "mô tả"): every side's passage may use them;
# what tells the right passage is the topic they are about.
_KIND_TERMS = frozenset(["han che", "han", "che", "kho khan", "kho", "khan", "nguyen nhan", "nguyen", "vuong mac",
                         "vuong", "mac", "bat cap", "bat", "ly do", "ly", "mo ta", "mo", "ta"])


_PLACE_KIND_WORDS = PLACE_KINDS | {"phuong"}
_OPENERS = ("trong do", "trong so do", "cu the", "theo do", "dong thoi")  # need the sentence before
_ANNOUNCES = re.compile(r":\s*$|\(1\)|\bgom\s*:|\bnhu sau\b|\bnhieu (?:han che|kho khan|vuong mac)\b"
                        r"|\bnhung (?:han che|kho khan|vuong mac)\b")
_NEGATIVE = re.compile(r"\b(?:chua|con (?:thap|cham|han che|nhieu|kho|phuc tap)|kho khan|han che|lung tung|"
                       r"mat ket noi|tre han|yeu kem|bat cap|thieu|doc lap|don le|cham|mat diem|thap)\b")


def _greedy(ev: Evidence, pool: Sequence[ScoredSentence], limit: int, expected: str = "",
            asking: frozenset[str] = frozenset(), thing: tuple[str, ...] = ()) -> list[ScoredSentence]:
    by_key = {(r.sentence.source, r.sentence.index): r for r in pool}
    counts = bool(ev.measures) or bool(counted_noun(ev.info))
    best = _answer_to(ev, _naming_thing(_meeting_requirements(pool, ev.measures, counts), pool, thing, expected),
                      by_key)
    chosen = [best]
    weights = ev.terms.weights
    total = ev.terms.total
    qtype = ev.info.qtype

    def add(sent: Sentence | None) -> bool:
        if sent is None or len(chosen) >= limit + 2:
            return False
        r = by_key.get((sent.source, sent.index))
        if r is None or any(c.sentence == sent for c in chosen):
            return False
        chosen.append(r)
        return True

    # a sentence that starts "Trong đó, ..." only makes sense with the one before it
    if best.sentence.folded.startswith(_OPENERS):
        add(ev.previous_sentence(best.sentence))
    # the asked value often comes a sentence or two after the one naming the subject ("… dùng bữa tối tại quán
    # Ông Ba …. Buổi gặp được đưa tin. Họ gọi …, cả bữa hết khoảng 15 đô la Mỹ"): quote the first that holds it
    if figure_asked(qtype, expected) and best.features and not best.features[_ASKED_VALUE]:
        nxt = ev.next_sentence(best.sentence)
        for _ in range(CONTINUATION_SPAN):
            if nxt is None or nxt.para != best.sentence.para:
                break
            r = by_key.get((nxt.source, nxt.index))
            if r is not None and r.features and r.features[_ASKED_VALUE] > 0 and goes_on(ev, best, r):
                add(nxt)
                break
            nxt = ev.next_sentence(nxt)
    # an announced list / explanation continues in the following sentences
    if qtype in ("list", "why", "other") and _ANNOUNCES.search(best.sentence.folded):
        nxt = ev.next_sentence(best.sentence)
        while nxt is not None and len(chosen) < limit + 1 and (
                nxt.para == best.sentence.para or announces(best.sentence)):
            add(nxt)
            nxt = ev.next_sentence(nxt)
    elif qtype != "compare" and announces(best.sentence):
        # "… có quyền rút lại … nếu đáp ứng đủ các yêu cầu sau đây:" answers a yes/no or a figure only with
        # the items it announces (the conditions, the cases): quote them with it
        for item in list_items(ev, best.sentence):
            if not add(item):
                break
    elif qtype == "list":
        # a list's subject named in one sentence ("Nghị quyết số 05 … với mục tiêu …") is often
        # itemised in the next one ("Nghị quyết xác định mục tiêu …: …")
        nxt = ev.next_sentence(best.sentence)
        r = by_key.get((nxt.source, nxt.index)) if nxt is not None else None
        if r is not None and r.score >= 0.6 * best.score:
            add(nxt)
    elif qtype == "why":
        nxt = ev.next_sentence(best.sentence)
        while nxt is not None and len(chosen) < limit - 1 and (
                _NEGATIVE.search(nxt.folded) or nxt.folded.startswith(_OPENERS)):
            add(nxt)
            nxt = ev.next_sentence(nxt)
    # a question in two parts ("X là gì, và Y là gì?") needs the best sentence for each part
    parts = _question_parts(ev) if qtype != "compare" else []
    if parts:
        for part in parts:
            part_total = sum(weights[t] for t in part)
            def part_gain(r: ScoredSentence, part: set[str] = part) -> float:
                return sum(weights[t] for t in r.matched & part)
            if any(part_gain(c) >= 0.5 * part_total for c in chosen):
                continue
            cand = max(pool[:40], key=lambda r: (part_gain(r), r.score))
            if part_gain(cand) >= 0.5 * part_total and cand.score >= 0.3 * best.score:
                add(cand.sentence)
    covered: set[str] = set()
    for c in chosen:
        covered |= c.matched
    # the place a report is about is stated by all of its sentences: naming it again adds nothing
    for place in ev.info.places:
        if best.sentence.source in ev.place_docs.get(place, ()):
            covered |= place_terms(place, ev.terms)
            covered |= {t for t in weights if set(t.split()) <= _PLACE_KIND_WORDS}  # "thị xã", "tỉnh"
    shortcomings = qtype in ("why", "list") and _ASKS_SHORTCOMINGS.search(fold(ev.info.question)) is not None
    # a question in two parts may be answered from two documents, each naming its own part's subject
    names = ev.names if not parts else frozenset()
    for cand in pool[1:40]:
        if len(chosen) >= limit:
            break
        if any(c.sentence == cand.sentence for c in chosen):
            continue
        if names and cand.sentence.source != best.sentence.source and not names & cand.sentence.toks:
            continue  # another document's sentence that names nothing the question names stitches an answer
        # the asking phrase ("bao lâu") is what the answer gives, not words it must state: another page's
        # sentence that writes "bao lâu" (an FAQ heading) adds nothing to the answer
        gain = sum(weights[t] for t in cand.matched - covered if not set(t.split()) <= asking) / total
        need = 0.12 if qtype in ("list", "why", "compare") else 0.15
        close = qtype == "why" and (cand.score >= 0.8 * best.score or (
            cand.score >= 0.5 * best.score and _NEGATIVE.search(cand.sentence.folded) is not None))
        if shortcomings and not _NEGATIVE.search(cand.sentence.folded):
            continue  # "what limitations": a sentence on the topic that states none is not one of them
        if (gain >= need and cand.score >= 0.55 * best.score) or close:
            chosen.append(cand)
            covered |= cand.matched
    if shortcomings:
        # a list of shortcomings runs on in the sentences after the one that matched ("… chưa đầy đủ.
        # Nguồn kinh phí … chưa được bố trí. Hạ tầng … chưa đáp ứng …"): quote the rest of it
        for c in list(chosen):
            if not _NEGATIVE.search(c.sentence.folded):
                continue
            nxt = ev.next_sentence(c.sentence)
            while nxt is not None and nxt.para == c.sentence.para and _NEGATIVE.search(nxt.folded) \
                    and add(nxt):
                nxt = ev.next_sentence(nxt)
    return chosen


_PART_SPLIT = re.compile(r"[,;?]|\s(?=va\s)|\s(?=con\s)")
# who is speaking ("Giám đốc Sở Thông tin và Truyền thông", "Chủ tịch UBND tỉnh") is context, not a part's topic
_ROLE_WORDS = frozenset(["giam", "doc", "so", "thong", "tin", "truyen", "chu", "tich", "pho", "ubnd", "uy", "ban",
                         "nhan", "dan", "tinh", "bi", "thu", "truong", "cuc", "ong", "ba", "dinh"])
_REQUEST_SPLIT = re.compile(r",?\s+(?:kem theo|kem|dong thoi|cung nhu|and also|along with)\s+")
_PART_CUE = re.compile(r"\b(?:la gi|gi|nao|the nao|ra sao|bao nhieu|bao gio|khi nao|o dau|ai|vi sao|tai sao|may"
                       r"|what|which|how|when|who|why|where)\b")


# What the verdict requires of the evidence when some candidate shows it: the counted noun counted ("95
# hệ thống" for "bao nhiêu hệ thống"), the definition of the asked term. (A value of the asked type is
# too loose a test here: any province name is a "place".)
_REQUIRED = tuple(SENTENCE_FEATURES.index(n) for n in ("counted_noun", "defines"))
_COUNTED = SENTENCE_FEATURES.index("counted_noun")
_NAME_TYPES = frozenset(["name", "person"])


def goes_on(ev: Evidence, first: ScoredSentence, later: ScoredSentence) -> bool:
    """Whether ``later`` goes on about what ``first`` names: it follows within ``CONTINUATION_SPAN`` sentences
    in the same paragraph and states some word of the question besides the place ("… dùng bữa tối …. Họ gọi …,
    cả bữa hết khoảng 15 đô la"). A report's next figure about something else ("… cấp 100% CCCD …" after a
    sentence on accounts) shares only the province with the question."""
    a, b = first.sentence, later.sentence
    if a.source != b.source or a.para != b.para or not 0 < b.index - a.index <= CONTINUATION_SPAN:
        return False
    places = {t for p in ev.info.places for t in place_terms(p, ev.terms)}
    return bool({t for t in later.matched if not set(t.split()) <= places | _PLACE_KIND_WORDS})


def _meeting_requirements(pool: Sequence[ScoredSentence],
                          measures: Sequence[re.Pattern[str]] = (), counts: bool = True) -> ScoredSentence:
    """The best sentence, or a near-tie for it that states what the question requires and it does not.

    Why: the answerability verdict refuses when no chosen sentence counts what is asked (or gives the
    asked definition); a sentence that matches the question's words slightly better
    but states none of that must not push out one that does. A question asking a measure ("dùng được bao
    nhiêu năm") is refused for certain on a best sentence without a figure in it ("đổi trong vòng 03 tháng"),
    so there the next one that states it is taken however far behind; the verdict still weighs it."""
    best = pool[0]
    def states_measures(r: ScoredSentence) -> bool:
        return all(rx.search(r.sentence.folded) for rx in measures)

    if measures and not states_measures(best):
        stating = next((r for r in pool[1:_NEAR_WINDOW] if states_measures(r)), None)
        if stating is not None:
            return stating
    if not best.features:
        return best
    # a count is required only of a question that counts ("bao nhiêu hệ thống", a unit): "Nguyễn Du qua đời năm
    # nào" is answered by "Nguyễn Du mất ngày 16 tháng 9 năm 1820", not pushed out by the life span "(1766 – 1820)"
    # that the same feature credits with the words it implies
    required = [i for i in _REQUIRED if counts or i != _COUNTED]
    active = [i for i in required if any(r.features and r.features[i] > 0 for r in pool[:_NEAR_WINDOW])]
    if all(best.features[i] > 0 for i in active):
        return best
    for r in pool[1:_NEAR_WINDOW]:
        if r.score < _NEAR_TIE * best.score:
            break
        if r.features and all(r.features[i] > 0 for i in active):
            return r
    return best


def _naming_thing(best: ScoredSentence, pool: Sequence[ScoredSentence], thing: tuple[str, ...],
                  expected: str) -> ScoredSentence:
    """The best sentence, or, when it does not name what the question asks of its subject ("mộ" of "Mộ của bác
    sĩ Yersin nằm ở đâu?"), the best-ranked one of its document that names it and holds a value of the asked
    type ("… được an táng tại Suối Dầu, … trong một ngôi mộ đơn sơ"). Why: the verdict refuses an answer that
    never names the thing asked, and a sentence naming only the subject (the article's opening on the doctor)
    says nothing of it. Not for a name asked ("Mẹ của Thánh Gióng tên là gì?"): a sentence naming the relative
    ("có một bà mẹ ra đồng …") and any other name does not give the relative's."""
    if not thing or not expected or expected in _NAME_TYPES or best.matches(thing):
        return best
    for r in pool[1:_NEAR_WINDOW]:
        if r.sentence.source == best.sentence.source and r.matches(thing) \
                and r.features and r.features[_ASKED_VALUE] > 0:
            return r
    return best


def _answer_to(ev: Evidence, best: ScoredSentence,
               by_key: dict[tuple[str, int], ScoredSentence]) -> ScoredSentence:
    """A question in a document (an FAQ heading) that matches best is answered by what follows it: the
    first statement after it under the same heading, when there is one."""
    if not best.sentence.is_question:
        return best
    nxt = ev.next_sentence(best.sentence)
    while nxt is not None and nxt.is_question and nxt.section == best.sentence.section:
        nxt = ev.next_sentence(nxt)
    if nxt is None or nxt.section != best.sentence.section:
        return best
    return by_key.get((nxt.source, nxt.index), best)


def _question_parts(ev: Evidence) -> list[set[str]]:
    """The key phrases of each part of a question that asks two things ("bản chất … là gì, và dấu
    hiệu … là gì"); empty for a one-part question. A piece without a question word ("Theo Giám đốc
    Sở …,") is context shared by the parts, not a part. Key phrases are the part's rare bigrams that
    the other parts do not use and some candidate sentence states (not a place, not a seam between
    two words): what tells a sentence answering this part from one answering another."""
    folded = fold(ev.info.question)
    pieces = [p.strip() for p in _PART_SPLIT.split(folded) if p and p.strip()]
    parts = [p for p in pieces if _PART_CUE.search(p)]
    if len(parts) < 2:
        # a request in two parts: "tóm tắt nhận định về X, kèm dẫn chứng về Y"
        parts = [p.strip() for p in _REQUEST_SPLIT.split(folded) if p.strip()]
    if len(parts) < 2:
        return []
    weights = ev.terms.weights
    rare = 0.75 * max(weights.values(), default=0.0)
    place_terms = {" ".join(tokens(p)) for p in ev.info.places}  # context, shared by every part
    grams: list[set[str]] = []
    for text in parts:
        toks = tokens(text)
        grams.append({f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)})
    out = []
    for i, g in enumerate(grams):
        others = set().union(*(h for j, h in enumerate(grams) if j != i))
        keys = {t for t in g - others if weights.get(t, 0.0) >= rare and t not in place_terms
                and not set(t.split()) <= _ROLE_WORDS and any(t in r.matched for r in ev.ranked[:40])}
        if keys:
            out.append(keys)
    return out if len(out) >= 2 else []


# "what limitations / difficulties": the answer is a list of shortcomings
_ASKS_SHORTCOMINGS = re.compile(r"\b(?:han che|kho khan|vuong mac|ton tai|bat cap|yeu kem|limitations?|"
                                r"shortcomings?|difficult(?:y|ies)|obstacles?|weakness(?:es)?)\b")
