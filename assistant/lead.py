"""The direct answer that opens every answer: one short sentence that answers, then the quotes.

Why: a citizen reads the first line. Quoting three whole sentences makes them hunt for "1.230" or
"05 ngày làm việc" themselves. The lead is built only from the evidence (the smallest clause of the
best sentence that holds the asked value, a yes/no verdict the sentence supports, both sides of a
comparison, or the items of a list), so every figure and name in it is in a quote it cites; the
``grounded`` check enforces that in code, and a lead that fails it is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from assistant.answer_typing import FIGURE_TYPES, AnswerTyper, Span, roman_numeral
from assistant.evidence import Evidence, ScoredSentence, Sentence, tokens
from assistant.lists import (
    ENUMERATED,
    announces,
    enclosing_list,
    enum_kind,
    list_items,
    lists_asked_inline,
    section_items,
)
from assistant.query import blank_context
from assistant.question_cues import (
    asking_clause,
    asking_sentence,
    asks_for_list,
    capitalised_runs,
    defined_term,
    defines,
    question_sentences,
    without_asides,
)
from assistant.table_rows import row_as_prose
from index.normalize import fold

__all__ = ["Lead", "compose_lead", "grounded", "inline_items", "join_leads", "lead_room", "render_lead"]

_MAX_LEAD = 280  # characters: the contract's "at most ~300"
# A clause shorter than this is grown with its neighbours: "Có 45 hệ thống thông tin" leaves out ", trong đó
# 10 hệ thống đang dùng thử". Chosen on the fitting and report sets (lead holds the answer, minimum 30 -> 150
# characters): laws-fit .51 -> .58, FAQ-fit .30 -> .33, encyclopedia-fit .69 -> .71, qa .72 -> .82, dev .77 -> .88;
# longer minimums kept rising but make the "short sentence" a paragraph.
_MIN_LEAD = 150
# a comma between two numbers lists them ("các khoản 1, 2, 3, 4, 5, 6 và 7 Điều này"): no clause break
_CLAUSE_BREAK = re.compile(r"\s*[;:]\s+|(?<!\d),\s+|,\s+(?!\d)|\s+[-–]\s+")
_MIN_RULE_WORDS = 3  # words a rule states before the case it excepts ("2. Trừ trường hợp …" states none)
_NUMBER = re.compile(r"\d[\d.,]*\d|\d")


@dataclass(frozen=True)
class Lead:
    """The opening sentence (without its marker) and the evidence sentence it cites."""

    text: str
    sentence: Sentence
    kind: str  # "value" | "yes_no" | "compare" | "list" | "statement"
    verdict: str = ""  # yes_no: "yes" | "no" | "not_yet" | "" (no verdict the evidence supports)
    items: tuple[Sentence, ...] = ()  # list items shown under the lead
    other: Sentence | None = None  # comparison: the other side's sentence
    value: str = ""  # the asked value as written in the sentence ("05 ngày làm việc"), when typed
    room: int = _MAX_LEAD  # characters the lead may take (a part of a two-part question gets its share)


def _clauses(text: str) -> list[tuple[int, int]]:
    cuts = [0]
    for m in _CLAUSE_BREAK.finditer(text):
        # a comma inside a number ("98,81") is not a clause break: the regex needs ", " with a space; nor is one
        # inside brackets, which belong to the clause they stand in ("… Quân đội (Viettel) công bố", "chữ ký số
        # (CKS) chuyên dùng", "Cục Cảnh sát … (C06, Bộ CA)")
        if text.count("(", 0, m.start()) > text.count(")", 0, m.start()):
            continue
        cuts.extend([m.start(), m.end()])
    cuts.append(len(text))
    spans = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
    return [(s, e) for s, e in spans if e > s]


def _stated_in(text: str, terms: Iterable[str]) -> list[str]:
    """The terms (folded syllables) ``text`` states, each as often as ``terms`` lists it."""
    joined = f" {' '.join(tokens(text))} "
    return [t for t in terms if f" {t} " in joined]


def _matched_in(text: str, terms: Iterable[str]) -> int:
    return len(_stated_in(text, terms))


def _weight_in(text: str, terms: Mapping[str, float], among: Iterable[str] | None = None) -> float:
    """The weight of the question's terms (``among`` them, if given) that ``text`` states: a clause holding the
    rare word asked ("cầm cố") says more of the question than one holding two of its common ones ("thẻ căn
    cước" and the "cố" of "cố ý")."""
    return sum(terms.get(t, 0.0) for t in _stated_in(text, terms if among is None else among))


def _clause_around(sent: Sentence, span: Span | None, terms: Mapping[str, float], room: int = _MAX_LEAD, *,
                   weighed: bool = False) -> str:
    """The smallest run of clauses holding ``span`` (or the best-matching clause) and enough of the
    question's terms to be read on its own, at most ``room`` characters (less than ``_MAX_LEAD`` when
    the lead holds two sides or two parts). ``weighed``: the best-matching clause is the one holding the most
    weight of the question's terms, not the most of them: a yes/no question's rarest words are its claim ("cầm
    cố"), where a question asking for something else is answered by a clause that may share only its common
    words ("Đoàn công tác của Cục Cảnh sát …" for "C06 là viết tắt của cục nào", not "Cục trưởng C06 …")."""
    text = sent.text.strip()
    longest, shortest = room, min(_MIN_LEAD, room // 2)
    if span is None and len(text) <= longest:
        return ENUMERATED.sub("", text, count=1).rstrip(" .;:")  # short enough to read whole
    clauses = _clauses(text)
    if not clauses:
        return text[:longest]
    if span is not None:
        idx = next((i for i, (s, e) in enumerate(clauses) if s <= span.start < e), 0)
    else:
        idx = max(range(len(clauses)), key=lambda i: (
            _weight_in(text[clauses[i][0]:clauses[i][1]], terms) if weighed
            else _matched_in(text[clauses[i][0]:clauses[i][1]], terms), -i))
    lo = hi = idx
    want = min(2, _matched_in(text, terms))
    while lo > 0 and _matched_in(text[clauses[lo][0]:clauses[hi][1]], terms) < want:
        if clauses[hi][1] - clauses[lo - 1][0] > longest:
            break
        lo -= 1
    # too short to be read on its own: the clauses after it first (what a figure measures follows it),
    # then those before
    while hi + 1 < len(clauses) and clauses[hi][1] - clauses[lo][0] < shortest \
            and clauses[hi + 1][1] - clauses[lo][0] <= longest:
        hi += 1
    while lo > 0 and clauses[hi][1] - clauses[lo][0] < shortest \
            and clauses[hi][1] - clauses[lo - 1][0] <= longest:
        lo -= 1
    piece = ENUMERATED.sub("", text[clauses[lo][0]:clauses[hi][1]], count=1).strip(" ,;:-–(").rstrip(".")
    if len(piece) > longest:
        piece = piece[:longest].rsplit(" ", 1)[0] + "…"
    if piece.count("(") > piece.count(")"):
        piece += ")"  # the clause was cut inside a parenthesis: close it
    return piece


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _question_terms(ev: Evidence) -> dict[str, float]:
    """The question's single-syllable terms with their weights (pairs are read through their syllables)."""
    return {t: w for t, w in ev.terms.weights.items() if " " not in t}


_WINDOW = 8  # syllables either side of a value that tell what it measures


def _measure_terms(ev: Evidence, typer: AnswerTyper, kind: str) -> dict[str, float]:
    """The question's terms minus its scope (places, the time phrase around a year: "quý I/2025", and for a
    figure or a date the person it is about): the scope holds for every figure of the passage, so it does not
    tell which figure is asked ("Trần Hưng Đạo" stands beside 1288 as much as beside 1228; "sinh" tells the
    year of birth). A name asked for is told by the names beside it, so they stay then."""
    q = tokens(ev.info.question)
    scope = {t for p in ev.info.places for t in tokens(p)}
    if kind in FIGURE_TYPES:
        scope |= {t for sp in typer.spans(ev.info.question, "name") for t in tokens(sp.text)}
    for i, t in enumerate(q):
        if t.isdigit() and len(t) == 4:
            scope.update(q[max(0, i - 2):i + 1])
    return {t: v for t, v in ev.terms.weights.items() if not set(t.split()) & scope}


def _nearest_support(ev: Evidence, sent: Sentence, spans: Sequence[Span], typer: AnswerTyper) -> list[float]:
    """For each value in a sentence, the question's term weight stated closer to it than to any other
    value of the same type, within its clause window: in "… có 1.230 dịch vụ … toàn trình (…) và 278
    dịch vụ … một phần", "một phần" belongs to 278, "toàn trình" to 1.230."""
    seq = sent.seq
    at = [len(tokens(sent.text[:sp.start])) for sp in spans]
    windows = []
    owns = []  # the token range a value put first owns: the clauses it opens
    for sp in spans:
        text = sent.text
        clauses = _clauses(text)
        idx = next((i for i, (s0, e0) in enumerate(clauses) if s0 <= sp.start < e0), 0)
        lo = clauses[idx][0] if clauses else 0
        hi = clauses[idx][1] if clauses else len(text)
        if sp.kind == "date" and idx == 0 and len(clauses) > 1 and len(tokens(text[lo:hi])) <= _FRONTED:
            # a time put first ("Năm 1965, nhân dịp …, Hội đồng … đã ghi nhận ông …; đến năm 2015, …") is the time
            # of the clauses it opens, up to the next semicolon: their words are its own
            semi = text.find(";", sp.end)
            hi = semi if semi >= 0 else len(text)
            owns.append((len(tokens(text[:lo])), len(tokens(text[:hi]))))
        else:
            owns.append((0, 0))
        if clauses and idx > 0 and len(tokens(text[lo:sp.start])) < 3:
            lo = clauses[idx - 1][0]
        windows.append((len(tokens(text[:lo])), len(tokens(text[:hi]))))
    w = _measure_terms(ev, typer, spans[0].kind if spans else "")
    out = [0.0] * len(spans)
    seen: list[set[str]] = [set() for _ in spans]
    for i, tok in enumerate(seq):
        grams = [tok] + ([f"{tok} {seq[i + 1]}"] if i + 1 < len(seq) else [])
        for g in grams:
            if g not in w:
                continue
            # a word in the clauses a fronted time opens is that time's ("Năm 1965, … Hội đồng Hòa bình Thế giới đã
            # ghi nhận ông …; đến năm 2015, UNESCO …": the council's recognition is 1965's), else the nearest value's
            own = [k for k in range(len(spans)) if owns[k][0] <= i < owns[k][1]]
            near = min(own or range(len(spans)), key=lambda k: abs(at[k] - i))
            lo, hi = windows[near]
            if lo - _WINDOW <= i < hi + 1 and g not in seen[near]:
                seen[near].add(g)
                out[near] += w[g] / ev.terms.total
    return out


# how well a value answers: (not an echo of the question, its page names the question's names, its sentence
# names what is asked of the subject, written as the answer, in the question's frame, support nearby)
_Key = tuple[int, int, int, int, int, float]


def _best_span(ev: Evidence, typer: AnswerTyper, chosen: Sequence[ScoredSentence],
               kind: str, echoes: bool = True) -> tuple[ScoredSentence, Span] | None:
    """The value of the asked type best tied to the question's words, over the chosen sentences;
    values the question itself states (its year) and, unless a date is asked, years come last (``echoes``
    False: they are none)."""
    question = ev.info.question
    q_digits = set(re.sub(r"\D", " ", question).split())
    q_words = f" {' '.join(tokens(question))} "
    # an English question names things in its Vietnamese rendering too: "the Nobel Prize in Physics" names
    # "Nobel Vật lý", so "Nobel Vật" is no person it asks for
    rendered = set(tokens(ev.info.expansion)) | set(q_words.split()) if ev.info.language == "en" else set()
    frame = typer.frame(question, kind)
    office = typer.asked_office(question) if kind == "name" else ""
    head = typer.asked_head(question) if kind == "organization" else ""
    # the question's names, not the Roman numerals it capitalises ("quý I")
    names = {n for n in ev.names if not roman_numeral(n)}
    named_by: dict[str, int] = {}  # source -> whether its page names them all
    # what the question asks of its subject ("mộ" of "Mộ của bác sĩ Yersin nằm ở đâu?"): the birthplace in the
    # article's next sentence is not where his tomb is
    thing = typer.asked_thing(question)
    best: tuple[_Key, ScoredSentence, Span] | None = None
    candidates: list[tuple[_Key, ScoredSentence, Span]] = []
    for rank, r in enumerate(chosen):
        dates = typer.spans(r.sentence.text, "date") if kind in ("number", "percent") else []
        spans = [sp for sp in typer.spans(r.sentence.text, kind)
                 if not any(d.start <= sp.start < d.end and _plausible_date(d.text) for d in dates)
                 and not (kind == "number" and r.sentence.text[sp.end:sp.end + 2].strip().startswith("%"))]
        if not spans:
            continue
        demoted = []
        for sp in spans:
            digits = re.sub(r"\D", "", sp.text)
            # what the question itself says ("một phần", its year) is not the answer
            words = tokens(sp.text)
            echoed = digits in q_digits if digits else (f" {' '.join(words)} " in q_words
                                                          or bool(words) and set(words) <= rendered)
            demoted.append(echoed or (kind not in ("date", "duration", "age") and _is_year(digits)))
        live = [sp for sp, d in zip(spans, demoted, strict=True) if not d] or spans
        support = dict(zip(map(id, live), _nearest_support(ev, r.sentence, live, typer), strict=True))
        # a value written so that it answers the question's words comes first ("(1228 – 1300)" for "sinh năm
        # nào": 1228 is the year of birth)
        implied = [(a, b) for a, b, words in typer.implied_values(r.sentence.folded)
                   if any(t in words for t in ev.terms.weights)]
        # a sentence of a page that names all the question names before one of a page about something else:
        # "Hội Gióng được UNESCO vinh danh … vào ngày nào?" is not answered by the day UNESCO honoured a poet,
        # however well that sentence matches "UNESCO vinh danh"
        src = r.sentence.source
        if src not in named_by:
            named_by[src] = int(all(re.search(rf"\b{re.escape(n)}\b", ev.docs[src].folded) for n in names))
        named = named_by[src]
        for sp, d in zip(spans, demoted, strict=True):
            answers = any(sp.start < b and a < sp.end for a, b in implied) or _titled(r.sentence.text, sp, office) \
                or _headed(sp, head)
            key = (-int(d), named, int(r.matches(thing)), int(answers),
                   typer.in_frame(r.sentence.text, sp, frame), support.get(id(sp), 0.0) - 0.05 * rank)
            candidates.append((key, r, sp))
            if best is None or key > best[0]:
                best = (key, r, sp)
    if best is not None:
        best = _case_row(ev, best, candidates)
    # only what the question itself says ("Nơi cư trú … ở đâu?" and "… có nơi cư trú khác"): no value is stated,
    # and the lead is the clause that matches the question best, not one anchored on its own words
    return (best[1], best[2]) if best is not None and (echoes or best[0][0] == 0) else None


def _case_row(ev: Evidence, best: tuple[_Key, ScoredSentence, Span],
              candidates: Sequence[tuple[_Key, ScoredSentence, Span]]
              ) -> tuple[_Key, ScoredSentence, Span]:
    """The row of a section that names the question's own case. A section lists one value per case: "- Lệ phí
    cấp Phiếu lý lịch tư pháp: 200.000 đồng" then "- Sinh viên, người có công …: 100.000 đồng". The first row
    repeats only what the page and its heading are about, so it matches most of the question; "Sinh viên đi xin
    lý lịch tư pháp thì lệ phí bao nhiêu?" is answered by the row that names the student. A row that names a
    case of its own (a word of the question beyond the topic) keeps its value."""
    _, r, sp = best
    rows = [c for c in candidates if c[0][0] == best[0][0] and c[1].sentence.source == r.sentence.source
            and c[1].sentence.section == r.sentence.section >= 0 and c[2].text != sp.text]
    if not rows:
        return best
    # a heading's words count as a sentence's context only where the sentence does not write them itself
    topic = _topic_terms(ev, [r.sentence, *(c[1].sentence for c in rows)])
    if _own_terms(ev, r.sentence) - topic:
        return best
    cases = [(sum(ev.terms.weights[t] for t in case), c) for c in rows
             if (case := _own_terms(ev, c[1].sentence) - topic)]
    return max(cases, key=lambda x: x[0])[1] if cases else best


def _own_terms(ev: Evidence, sent: Sentence) -> set[str]:
    """The question's terms a sentence writes itself (not through its heading)."""
    return {t for t in ev.terms.weights if sent.writes(t)}


def _topic_terms(ev: Evidence, rows: Sequence[Sentence]) -> set[str]:
    """The question's terms the rows' page title or section heading state: what every row under it is about."""
    title = ev.title_terms(rows[0].source)
    return {t for t in ev.terms.weights if any(t in s.context for s in rows) or t in title}


def _headed(span: Span, head: str) -> bool:
    """Whether an organisation's name opens with the head the question asks by, and names more than it: "Bộ Tư
    pháp" for "Bộ nào …", not the "Bộ" of "cấp Bộ"."""
    words = tokens(span.text)
    n = len(head.split())
    return bool(head) and len(words) > n and " ".join(words[:n]) == head


def _titled(text: str, span: Span, office: str) -> bool:
    """Whether the name at ``span`` is written beside the asked office: "Lâm Hải Giang, Phó Chủ tịch UBND tỉnh",
    "Phó Chủ tịch UBND tỉnh Lâm Hải Giang", "vua Lý Thái Tổ"."""
    if not office:
        return False
    n = len(office.split())
    after = " ".join(tokens(text[span.end:])[:n])
    before = " ".join(tokens(text[:span.start])[-(n + _OFFICE_REACH):])
    return after == office or f" {office} " in f" {before} "


def _bare_verdict(ev: Evidence, sent: Sentence, typer: AnswerTyper) -> str:
    """The verdict an answer opens with, in its first word: "Không, …" / "Chưa." / "Có. …" / "Được, …" ("" when
    it opens otherwise)."""
    opening = typer.strip_leading_connector(sent.text).split()[:1]
    prev = ev.previous_sentence(sent)
    if prev is not None and prev.para == sent.para:
        said = typer.strip_leading_connector(prev.text).split()
        if len(said) <= 2:
            opening = said[:1]  # "Đáp: Được. Hồ sơ vẫn được tiếp nhận …": the answer's bare verdict comes first
    first = fold(opening[0]).strip(" .,:;!") if opening else ""
    if first and typer.negated(opening[0]):
        return "not_yet" if first == "chua" else "no"  # an FAQ answer that opens "Không, …" / "Chưa."
    if first and typer.affirms(opening[0]):
        return "yes"  # "Có. …", "Được, …"
    return ""


# sentences back from the best one within which the document's own question is looked for: an FAQ answer runs
# to a few sentences ("Không bắt buộc …. Tuy nhiên, … nên thông báo ngay …")
_ANSWER_REACH = 6
# an answer's opening this short says only its verdict ("Đáp: Không."); "Không bắt buộc." already says what is not
# required, so it is quoted as the lead, with the best sentence among the quotes after it
_BARE_WORDS = 2
_FRONTED = 6  # words of a sentence's opening phrase that can be its time ("Năm 1965,", "Ngày 16 tháng 11 năm 2010,")
_OFFICE_REACH = 4  # words between an office and the name after it ("Phó Chủ tịch UBND tỉnh Lâm Hải Giang")
# the share of the asking clause a sentence must state to give a yes/no verdict (below it: "Tài liệu nêu: …"). Swept
# on the fitting sets' 100 yes/no questions (right / wrong / none): .30 73/20/7, .40 71/18/11, .45 70/16/14,
# .50 64/14/22, .60 55/12/33; a wrong verdict costs more than none, and .45 scores best at any cost from 1 to 2
_MIN_STATED = 0.45


def _answer_opening(ev: Evidence, sent: Sentence) -> Sentence | None:
    """The first sentence of the FAQ answer ``sent`` goes on with (the one right after the document's question,
    in the same section), when ``sent`` is not that sentence itself."""
    cur = sent
    for _ in range(_ANSWER_REACH):
        prev = ev.previous_sentence(cur)
        if prev is None or prev.section != sent.section:
            return None
        if prev.is_question:
            return cur if cur is not sent else None
        cur = prev
    return None


def _without_tail(question: str, typer: AnswerTyper) -> str:
    """The question as written with its yes/no particle ("… không?") blanked, offsets kept."""
    body = typer.strip_yes_no_tail(fold(question))
    return "".join(" " if b == " " else c for c, b in zip(question, body, strict=False)) \
        if len(body) == len(question) else body


def _yes_no(ev: Evidence, r: ScoredSentence, typer: AnswerTyper, terms: Mapping[str, float]) -> str:
    """"yes", "no", "not_yet" when the sentence settles the question; "" when it does not.

    The verdict compares polarity: the sentence clause that states the question's claim is negated
    ("không được", "chưa") or not, and so is the asking clause (its final "… không?" particle aside). A
    figure the asking clause names that the sentence contradicts ("2 triệu … đúng không?" vs "728.400")
    is a "no". Negations are read as written: "khổng lồ" negates nothing.
    """
    question = ev.info.question
    folded_q = fold(question)
    written, own_words, asking = _asking_parts(ev, typer)
    q_nums = _claimed_figures(asking, typer)
    s_nums = [n for n in typer.figures(r.sentence.text) if not _is_year(n)]
    # the case the question tells against the bound the sentence's rule sets ("ở nhờ khoảng 2 tuần" and "từ 30
    # ngày trở lên thì phải đăng ký tạm trú"): a bound the case fails lifts the obligation it sets; one it meets
    # applies the rule, whatever its figure ("10 tuổi" is no "14"), and the polarity below decides
    case = typer.case_relation(typer.cases(question), r.sentence.text)
    obligation = bool(case) and typer.binds(folded_q) and _binds(ev, r.sentence, typer)
    # ... or grants a permission the question asks for ("con em 10 tuổi làm thẻ được không" and "dưới 14 tuổi được
    # cấp thẻ căn cước theo nhu cầu")
    permission = case == "meets" and typer.permits(fold(blank_context(question))) and typer.permits(
        fold(r.sentence.text))
    if case == "fails":
        return "no" if obligation else ""  # a rule for other cases says nothing of this one
    if q_nums and case != "meets":
        if all(n in s_nums for n in q_nums):
            return "yes"
        if s_nums:
            return "no"  # the sentence states the measure with another figure ("728.400", not "2 triệu")
        return ""
    asked_share = ev.terms.share_stated(asking, r.matched)
    if typer.expected(question) == "fee" and typer.has(r.sentence.text, "fee") and _fee_of_the_asked(ev, r, asking, typer):
        # whether there is a fee, and a sentence on what is asked says what the fee is (or that there is none)
        heading = " ".join(sorted(r.sentence.context)) + " " + " ".join(sorted(ev.title_terms(r.sentence.source)))
        verdict = typer.fee_verdict(asking, r.sentence.text, heading)
        if verdict:
            return verdict
    if typer.denies_obligation(asking, r.sentence.text) and asked_share > 0:
        # "có bắt buộc … không?" and "… là tự nguyện": no obligation, however it is worded, and whatever verdict
        # the page's own question got in the answer's opening ("Trả lời: Được. … không bắt buộc về nơi thường trú")
        return "no"
    bare = _bare_verdict(ev, r.sentence, typer)
    if bare:
        return bare
    # a sentence that states only the context does not settle the claim
    stated = asked_share if own_words != written else max(r.coverage, asked_share)
    if stated < _MIN_STATED and not (case == "meets" and (obligation or permission)):
        # the sentence is about something else: state it, give no verdict. Not when the citizen's case meets the
        # bound of the obligation asked about ("con 6 tuổi … có phải lăn tay không" and "Trẻ chưa đủ 14 tuổi không
        # phải thu nhận vân tay"): that rule is the one that applies, however it words the act
        return ""
    # the sentence states the claim of someone else: a name of the asking clause it lacks, and a name of its
    # own the question lacks ("Bộ trưởng Bộ Công an … đúng hay sai?" and "Bộ trưởng Bộ Quốc phòng …"); a name
    # holding an abbreviation may be the question's, written short ("Bộ GD&ĐT" for "Bộ Giáo dục")
    # Vietnamese only: an English question's capitals ("Can I …") are its own words, which no Vietnamese
    # sentence writes
    folded_s = fold(r.sentence.text)
    if ev.info.language == "vi" and any(fold(n) not in folded_s for n in capitalised_runs(asking)) and any(
            fold(n) not in folded_q and not _abbreviates(n) for n in capitalised_runs(r.sentence.text)):
        return "no"
    # a sentence that does not state a name the asking clause writes (in its words, its heading or its
    # document's title), and names no other in its stead, is about something else: no verdict. "Đai đen có
    # phải là đai cao nhất trong Vovinam không?" is not settled by a line of another article that matches
    # "đai cao" in "Bình Ngô đại cáo" once folded
    named = ev.names & set(tokens(asking)) if ev.info.language == "vi" else set()  # "AI" is "trí tuệ nhân tạo"
    title = ev.title_terms(r.sentence.source)
    if any(not r.sentence.states(n) and n not in r.sentence.context and n not in title for n in named):
        return ""
    # polarity is compared clause to clause: the sentence clause that states the most of the question's
    # claim ("mất phí" of "khai báo tạm vắng có mất phí không"), then of the asking clause, then of the
    # whole question ("nên không phải khai báo tạm vắng" answers "ở quê có bắt anh ấy khai báo tạm vắng
    # không", not the story before it)
    text = r.sentence.text
    spans = _clauses(text) or [(0, len(text))]
    s_clauses = [text[a:b] for a, b in spans]
    words = set(terms)
    # the claim is read on the question as asked: the tail blanked above may hold its opener ("có phải … không")
    claim = [t for t in tokens(typer.claim_of(_as_asked(asking, own_words, folded_q))) if t in words]
    last = asking_sentence(own_words)
    asked = [t for t in tokens(last) if t in words]
    # the case a rule excepts ("Được chủ hộ … đồng ý, trừ trường hợp … vợ, chồng đã ly hôn mà vẫn được cùng sử dụng
    # chỗ ở …"): when the question tells more of it than of the rule, the rule is read for the verdict, which the
    # exception turns over unless the question denies the case ("chỗ làm ko đăng ký tạm trú" is no "đã đăng ký
    # tạm trú tại nơi ở mới")
    told = [c for sent in question_sentences(own_words) for c in typer.clauses(sent) or [sent]]
    excepted = _excepted_case(text, terms, typer, told or [own_words])
    rule_clauses = [i for i, (a, _) in enumerate(spans) if excepted is not None and a < excepted[0]]
    at = max(rule_clauses or range(len(s_clauses)), key=lambda i: (
        _matched_in(s_clauses[i], claim), _weight_in(s_clauses[i], terms, asked), _weight_in(s_clauses[i], terms)))
    clause = s_clauses[at]
    # "… không được thu thập lại dữ liệu hoặc yêu cầu tổ chức, cá nhân cung cấp lại dữ liệu …": a clause joined
    # by commas to one that forbids is forbidden too, up to the sentence's next break ("thì", "nhưng", ";")
    ban = next((i for i in range(at) if typer.negates_onwards(s_clauses[i])), -1)
    carried = ban >= 0 and not typer.negated(clause) and not _broken_between(text, s_clauses, ban, at, typer)
    # the question's clause it answers: of the asking sentence, the one saying the most of the same thing
    # (a later one on a tie: "…, giờ đi đăng ký thì còn được không" over "mà nhà chưa đi khai tử");
    # "…, không cần tự đi xóa, đúng không?" confirms its whole statement, whose first clause may be meant
    q_clauses = typer.clauses(last) or [last]
    overlap, _, q_clause = max((_matched_in(clause, [t for t in tokens(qc) if t in words]), i, qc)
                               for i, qc in enumerate(q_clauses))
    if overlap == 0:
        q_clause = asking
    # a clause under "Điều 7. Các hành vi bị nghiêm cấm" or "Địa điểm không được đăng ký …" is negated by
    # its heading: the heading's words reach the sentence as its context
    heading_neg = typer.negated(" ".join(sorted(t for t in r.sentence.context if " " in t)))
    s_neg = (typer.negated(clause) or carried) != heading_neg
    cut = typer.contrast_at(fold(text))
    if cut >= 0:
        # "… con mèo thay vì con thỏ": what the sentence affirms comes before the contrast (whose own "không"
        # in "chứ không phải" negates nothing); a word of the question said only after it is denied
        before, after = text[:cut], text[cut:]
        if any(_matched_in(after, [t]) and not _matched_in(before, [t]) for t in tokens(q_clause) if t in words):
            s_neg = typer.negated(before) == heading_neg
        elif (own := typer.contrast_at(fold(clause))) >= 0:
            s_neg = typer.negated(clause[:own]) != heading_neg
    # the claim decides, not the subject it is claimed of ("người chưa xác định được quốc tịch … có phải đóng lệ
    # phí không": the "chưa" describes who, the claim "phải đóng lệ phí" is not negated)
    start = typer.claim_span(_as_asked(q_clause, own_words, folded_q))
    q_neg = typer.negated(q_clause[start:] if start >= 0 and q_clause[start:].strip() else q_clause)
    if excepted is not None and rule_clauses and excepted[1]:
        s_neg = not s_neg  # the question's case is the one the rule excepts
    elif s_neg and re.search(r"\bchua\b", fold(clause)) and not q_neg:
        return "not_yet"
    return "no" if s_neg != q_neg else "yes"


def _fee_of_the_asked(ev: Evidence, r: ScoredSentence, asking: str, typer: AnswerTyper) -> bool:
    """Whether the sentence's fee is that of what the question asks about: it states a word of the asking clause
    besides the fee ("lần đầu" of "đi làm lần đầu thì có phải đóng lệ phí không"), not a fee for something else
    ("khai thác thông tin … phải nộp phí" for "đi đổi thẻ khác thì có phải trả lệ phí không")."""
    asked = set(tokens(asking))
    fee = set(typer.fee_tokens(asking))  # "le", "phi" of "lệ phí"
    topic = [t for t in ev.terms.weights if set(t.split()) <= asked and not set(t.split()) <= fee]
    own = _own_terms(ev, r.sentence)  # its own words: its article heading may name every fee of the law
    return any(t in own for t in topic)


def _excepted_case(text: str, terms: Mapping[str, float], typer: AnswerTyper,
                   q_clauses: Sequence[str]) -> tuple[int, bool] | None:
    """(where the exception opens, whether the question's case is it) when the sentence excepts a case from its
    rule and the question tells more of that case than of the rule; None otherwise. The case is the question's
    unless the question's clause telling it is negated."""
    at = typer.exception_at(fold(text))
    if at <= 0 or len(ENUMERATED.sub("", text[:at], count=1).split()) < _MIN_RULE_WORDS:
        return None  # "Trừ trường hợp pháp luật có quy định khác, …" excepts from all that follows, no one case
    end = text.find(";", at)
    exception = text[at:end if end > at else len(text)]
    if _weight_in(exception, terms) <= _weight_in(text[:at], terms):
        return None
    # the clause of the question that tells the case: by the words of the exception the rule does not also say
    rule = set(tokens(text[:at]))
    own = [t for t in tokens(exception) if t in terms and t not in rule]
    telling = max(q_clauses, key=lambda qc: _weight_in(qc, terms, own))
    return at, not typer.negated(_without_tail(telling, typer))


def _asking_parts(ev: Evidence, typer: AnswerTyper) -> tuple[str, str, str]:
    """A yes/no question as written with its particle blanked, its own words, and the clause that asks.

    The clause that asks ("…, giờ còn làm online được không?"), not the story told before it: its negations,
    figures and words decide ("Bé được 3 tháng mà chưa làm giấy khai sinh" is not asked). Of the question's own
    words: context a follow-up rewrite appended ("(khai báo tạm vắng)") names the topic the previous turn set, not
    the claim asked about. An English question's closing bracket is more often the user's own Vietnamese term
    ("… register a household business (hộ kinh doanh)?"), so it stays."""
    written = _without_tail(ev.info.question, typer)
    own_words = blank_context(written) if ev.info.language == "vi" else written
    return written, own_words, asking_clause(own_words)


def _claimed_figures(asking: str, typer: AnswerTyper) -> list[str]:
    """The figures the asking clause claims, normalised; a year names when, not how much."""
    return [n for n in typer.figures(asking) if not _is_year(n)]


def _claimed_figure(ev: Evidence, sent: Sentence, typer: AnswerTyper) -> Span | None:
    """Where the sentence writes a figure the yes/no question claims ("… trong vòng 07 ngày làm việc, đúng hay
    sai?"): the lead's clause holds it, the figure the verdict was read on; None when it writes none."""
    claimed = set(_claimed_figures(_asking_parts(ev, typer)[2], typer))
    return next((Span("number", a, b, sent.text[a:b]) for f, a, b in typer.figure_spans(sent.text) if f in claimed),
                None)


def _binds(ev: Evidence, sent: Sentence, typer: AnswerTyper) -> bool:
    """Whether the sentence sets an obligation, itself or through the lead-in of the list it is an item of
    ("Công dân có trách nhiệm khai báo tạm vắng trong các trường hợp sau đây:" over "d) Đi khỏi … từ 03 tháng
    liên tục trở lên …")."""
    if typer.binds(sent.folded):
        return True
    around = enclosing_list(ev, sent)
    return around is not None and around[0] is not sent and typer.binds(around[0].folded)


def _abbreviates(name: str) -> bool:
    """Whether a name holds a word written all in capitals ("Bộ GD&ĐT"): it may be another name written short."""
    return any(len(w) > 1 and w.replace("&", "").isupper() for w in name.split())


def _as_asked(part: str, written: str, folded_question: str) -> str:
    """The folded question at the offsets of ``part``, a piece of ``written`` (the question with its yes/no
    tail blanked, same length): what the user typed there, tail words included."""
    at = written.find(part)
    return folded_question[at:at + len(part)] if at >= 0 and len(written) == len(folded_question) else fold(part)


def _broken_between(text: str, clauses: Sequence[str], ban: int, at: int, typer: AnswerTyper) -> bool:
    """Whether something other than a comma separates clause ``at`` from the clause ``ban`` that forbids before
    it: a semicolon, or an exception or condition ("trừ trường hợp …", "thì") opening a clause in between."""
    span = text[text.find(clauses[ban]):text.find(clauses[at])]
    return ";" in span or any(typer.ends_scope(c) for c in clauses[ban + 1:at + 1])




def _plausible_date(text: str) -> bool:
    """"12/7/2023", "9.5": day and month in range; "63/63" and "128/212" are not dates."""
    parts = [int(p) for p in re.findall(r"\d+", text)]
    if len(parts) < 2 or not re.search(r"\d\s*[/.-]\s*\d", text):
        return False
    return 1 <= parts[0] <= 31 and 1 <= parts[1] <= 12


def _is_year(n: str) -> bool:
    return len(n) == 4 and n.isdigit() and n[:2] in ("19", "20")


def compose_lead(ev: Evidence, chosen: Sequence[ScoredSentence], typer: AnswerTyper, language: str,
                 expected: str, room: int = _MAX_LEAD) -> Lead | None:
    """The direct answer for the chosen evidence, at most ``room`` characters (a part of a two-part
    question gets its share); None when there is nothing to lead with. A table row is read out in words,
    its cells after their headers (``table_rows``)."""
    lead = _compose_lead(ev, chosen, typer, language, expected, room)
    if lead is None or lead.kind not in ("value", "statement", "yes_no"):
        return lead
    prose = row_as_prose(ev, lead.sentence)
    if grounded(prose, [lead.sentence.text]):
        prose = row_as_prose(ev, lead.sentence, named=False)  # a header's figure ("Mức độ 2") is not quoted
    if not prose or len(prose) > room:
        return lead
    return replace(lead, text=prose)


def _compose_lead(ev: Evidence, chosen: Sequence[ScoredSentence], typer: AnswerTyper, language: str,
                  expected: str, room: int) -> Lead | None:
    if not chosen:
        return None
    terms = _question_terms(ev)
    best = chosen[0]
    qtype = ev.info.qtype
    if typer.reads_yes_no(ev.info.question, qtype):
        # an FAQ answer states its verdict first ("Không bắt buộc phải có giấy xác nhận mất thẻ."); the sentence
        # matching the question best may be one that goes on ("Tuy nhiên, … nên thông báo ngay …")
        # The page's verdict answers the page's question: it is the citizen's only when they ask it the same way,
        # not negated and not a statement to confirm ("…, không cần tự đi xóa, đúng không?" is right where the
        # page's "có phải xóa … không?" is answered "Không")
        asking = asking_clause(_without_tail(ev.info.question, typer))
        same_way = not typer.asks_truth(ev.info.question) and not typer.negated(asking)
        opening = _answer_opening(ev, best.sentence) if same_way else None
        said = _bare_verdict(ev, opening, typer) if opening is not None else ""
        if said not in ("", "no") and typer.denies_obligation(asking, best.sentence.text):
            said = ""  # the best sentence itself denies the obligation asked about: it settles it (see ``_yes_no``)
        verdict = said or _yes_no(ev, best, typer, terms)
        if verdict == "no" and typer.asks_yet(ev.info.question):
            verdict = "not_yet"  # "đã bắt buộc phải làm thẻ chưa?" is answered "Chưa", not "Không"
        if verdict in ("yes", "no") and typer.asks_truth(ev.info.question):
            verdict = "right" if verdict == "yes" else "wrong"
        stating = opening if said and opening is not None else best.sentence
        if stating is not best.sentence and len(typer.strip_leading_connector(stating.text).split()) <= _BARE_WORDS:
            # "Đáp: Không." says only the verdict: the fact is the sentence after it
            after = ev.next_sentence(stating)
            stating = after if after is not None and after.section == stating.section else best.sentence
        clause = _clause_around(stating, _claimed_figure(ev, stating, typer), terms, room, weighed=True)
        return Lead(clause, stating, "yes_no", verdict)
    if qtype == "compare" and len(chosen) >= 2:
        kind = expected or ("percent" if typer.asks(ev.info.question, "percent") else "number")
        other = next((r for r in chosen[1:] if r.sentence.source != best.sentence.source), chosen[1])
        a = _best_span(ev, typer, [best], kind) or _best_span(ev, typer, [best], "number")
        b = _best_span(ev, typer, [other], kind) or _best_span(ev, typer, [other], "number")
        if a and b:
            half = room // 2 - 15  # both sides and their verdict words in one lead
            sides = [(a[1], _clause_around(best.sentence, a[1], terms, half), best.sentence),
                     (b[1], _clause_around(other.sentence, b[1], terms, half), other.sentence)]
            va, vb = (typer.number_value(sp.text) for sp, _, _ in sides)
            # "which is higher / compare / how did it change" gets the higher side first, named so; "A and B
            # respectively" gets both figures as found, with no verdict it did not ask for
            ordered = va is not None and vb is not None and va != vb and typer.asks_order(ev.info.question)
            if ordered and va is not None and vb is not None and vb > va:
                sides.reverse()  # the higher figure first
            (_, hi, hi_s), (lo_sp, lo, lo_s) = sides
            return Lead(f"{hi}; {lo}", hi_s, "compare", other=lo_s, value=lo_sp.text if ordered else "",
                        verdict="ordered" if ordered else "")
    wants_list = asks_for_list(ev.info, expected, typer.list_kind(ev.info.question))
    if wants_list and lists_asked_inline(ev, typer.inline_subject, best.sentence):
        # "… gồm ảnh khuôn mặt, vân tay, mống mắt": the sentence is the list; its neighbours are not
        return Lead(_clause_around(best.sentence, None, terms, room), best.sentence, "statement")
    block = enclosing_list(ev, best.sentence) if wants_list else None
    if block is not None:
        head, items = block
        return Lead(_lead_in(_clause_around(head, None, terms, room // 2)), head, "list", items=tuple(items), room=room)
    lead_in = announces(best.sentence)
    items = list_items(ev, best.sentence) if lead_in or qtype == "list" else []
    if items and (lead_in or enum_kind(items[0].text) == "letter"):
        return Lead(_clause_around(best.sentence, None, terms, room // 2), best.sentence, "list", items=tuple(items),
                    room=room)
    if qtype == "list" and not expected:
        section = section_items(ev, best.sentence)
        if section is not None:
            head, items = section
            return Lead(_clause_around(head, None, terms, room // 2), head, "list", items=tuple(items), room=room)
    term = defined_term(ev.info, typer.term_nouns) if not expected and not wants_list else ""
    if term and defines(best.sentence.folded, term):
        # what the term is: the whole definition, not the clause that repeats the question's words
        return Lead(_definition(best.sentence, room), best.sentence, "statement")
    if expected:
        found = _best_span(ev, typer, chosen[:4], expected, echoes=False)
        if found is not None:
            r, span = found
            value = span.text.strip(" ,.;:")
            clause = typer.strip_leading_connector(_clause_around(r.sentence, span, terms, room))
            return Lead(clause, r.sentence, "value", value=value)
    if wants_list:
        listed = _inline_list(best.sentence, terms, room, typer.inline_least)
        if listed:
            return Lead(listed, best.sentence, "statement")
    return Lead(_clause_around(best.sentence, None, terms, room), best.sentence, "statement")


def _inline_list(sent: Sentence, terms: Mapping[str, float], room: int, least: int) -> str:
    """A list question's lead from a sentence too long to quote whole that lists its items after a colon
    ("… triển khai với 08 dịch vụ: giám sát an toàn thông tin; an ninh trật tự …; phản ánh hiện trường; …"): what
    it lists, then as many of its items as fit ("" when it lists nothing so). Why: the smallest clause run around
    the question's words holds the head and the first items, and the items asked for are cut off. ``least``: the
    items a sentence must list so to be a list (the data's ``[inline_lists] items``, as for "… gồm a, b, c")."""
    text = sent.text.strip().rstrip(".")
    if len(text) <= room:
        return ""
    colon = text.find(": ")
    items = [i.strip() for i in text[colon + 2:].split(";")] if colon > 0 else []
    items = [i for i in items if i]
    if len(items) < least:
        return ""
    head_text = text[:colon]
    head = head_text if len(head_text) <= room // 2 else _clause_around(
        replace(sent, text=head_text), None, terms, room // 2).rstrip(" …")
    head = ENUMERATED.sub("", head, count=1).strip(" ,;:")
    shown: list[str] = []
    for item in items:
        if len(head) + 2 + sum(len(x) + 2 for x in shown) + len(item) > room - 3:
            break
        shown.append(item)
    if not shown:
        return ""
    return f"{head}: {'; '.join(shown)}" + ("; …" if len(shown) < len(items) else "")


_HEADING_NUMBER = re.compile(r"^\s*(?:#+\s*)?(?:[IVXLC]{1,5}|\d{1,2}(?:\.\d{1,2})*)[.)]\s+")


def _lead_in(heading: str) -> str:
    """A section heading as the opening of a list lead: "VI. NHỮNG LỖI THƯỜNG GẶP" reads "Những lỗi thường
    gặp" (its number says nothing to a citizen; capitals shout). An article's "Điều 8." is kept: it names
    where the list is."""
    text = _HEADING_NUMBER.sub("", heading.strip(), count=1)
    if text.isupper():
        text = text[:1] + text[1:].lower()
    return text


_ITEM_CUT = re.compile(r"\s*[;:]\s+|\s*\(")  # an item's gist ends where it starts to qualify itself
_MIN_ITEM = 12  # characters: a shorter gist is kept whole with what follows it


def _item_gist(text: str, room: int) -> str:
    """The first clause of a list item, without its enumerator, at most ``room`` characters."""
    body = ENUMERATED.sub("", text.strip(), count=1).rstrip(" .;,")
    cut = next((m.start() for m in _ITEM_CUT.finditer(body) if m.start() >= _MIN_ITEM), len(body))
    gist = body[:cut].rstrip(" ,")
    if len(gist) > room:
        gist = gist[:room].rsplit(" ", 1)[0].rstrip(" ,") + "…"
    return gist


def inline_items(head: str, items: Sequence[Sentence], room: int = _MAX_LEAD) -> str:
    """A list lead that holds the list: "<heading>: <item 1>; <item 2>; …", at most ``room`` characters.

    Why: the first line is what a citizen reads; "Các hành vi bị nghiêm cấm" alone answers nothing.
    Each item contributes the gist of its first clause; the items that do not fit are marked "…"."""
    head = head.rstrip(" .:;")
    room = room - len(head) - 2
    share = max(40, room // max(1, min(len(items), 4)))
    gists: list[str] = []
    whole = [_item_gist(item.text, room) for item in items]

    def taken(cap: int) -> int:
        return sum(min(len(g), cap + 1) + 2 for g in whole)  # 1: a cut gist's "…"; 2: the "; " between

    if items and taken(share) <= room - 3:
        # every item fits at its share: the room left over goes to the items cut shortest, so that
        # "nộp hồ sơ tại Bộ phận một cửa Sở Tư pháp, số 27 đường Hùng Vương" keeps its address
        cap = share
        while cap < room and taken(cap + 1) <= room - 3:
            cap += 1
        gists = [_item_gist(item.text, cap) for item in items]
    else:
        for item in items:
            left = room - sum(len(g) + 2 for g in gists) - 3  # 3: room for a closing "; …"
            if left < _MIN_ITEM:
                gists.append("…")
                break
            gists.append(_item_gist(item.text, min(share, left)))
    if not gists:
        return head
    return f"{head}: " + "; ".join(g[:1].lower() + g[1:] if _lower_ok(g) else g for g in gists)


def _lower_ok(gist: str) -> bool:
    """Whether the gist's first letter may be lowered inside a sentence: not a name or acronym."""
    first = gist.split(" ", 1)[0]
    return len(first) > 1 and first[1:].islower() and not re.match(r"[A-ZĐ][a-zà-ỹđ]*\s+[A-ZĐ]", gist)


def _definition(sent: Sentence, room: int) -> str:
    """A defining sentence as a lead: its asides in brackets dropped when it is too long ("(sau đây gọi là …)"),
    cut at a word to ``room``."""
    text = ENUMERATED.sub("", sent.text.strip(), count=1).rstrip(" .;:")
    if len(text) > room:
        text = without_asides(text)
    return _fit(text, room)


def _fit(text: str, room: int) -> str:
    """``text`` cut at a word to at most ``room`` characters, marked "…" when cut."""
    if len(text) <= room:
        return text
    return text[:max(1, room - 1)].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def render_lead(lead: Lead, n: int, language: str, typer: AnswerTyper, other_n: int = 0) -> str:
    """The lead as shown: verdict word (yes/no), the clause, its ``[n]`` marker."""
    clause = typer.strip_leading_connector(lead.text).rstrip(" .")
    if lead.kind == "list" and lead.items:
        clause = inline_items(clause, lead.items, lead.room)
    if language == "en" and lead.kind != "compare":
        if lead.kind == "yes_no":
            frame = f"{typer.verdict_word(lead.verdict or 'states', 'en')}: “"
        elif lead.value:
            frame = f"{typer.verdict_word('answer', 'en')}: {lead.value} — “"
        else:
            frame = "The documents state: “"
        # the English frame around the quoted clause counts in the lead's length too
        return f"{frame}{_fit(clause, lead.room - len(frame) - 1)}” [{n}]."
    if lead.kind == "yes_no":
        if lead.verdict:
            return f"{typer.verdict_word(lead.verdict, 'vi')}. {_sentence_case(clause)} [{n}]."
        return f"{typer.verdict_word('states', 'vi')}: {clause} [{n}]."
    if lead.kind == "compare" and other_n:
        left, _, right = clause.partition("; ")
        hi, lo = ("higher", "lower") if lead.verdict else ("side", "other_side")
        word, other = typer.verdict_word(hi, language), typer.verdict_word(lo, language)
        # one sentence, its markers at the end: a marker after the first side would end the answer there
        if language == "en":
            return f"{word}: “{left}”; {other}: “{right}” [{n}][{other_n}]."
        if lead.verdict:
            return f"{word}: {left}; {other}: {right} [{n}][{other_n}]."
        return f"{_sentence_case(left)}; {right} [{n}][{other_n}]."
    return f"{_sentence_case(clause)} [{n}]."


_MARKERS = re.compile(r"\s*((?:\[\d+\]\s*)+)([.!?…]?)\s*$")


def lead_room(parts: int) -> int:
    """Characters each of ``parts`` clauses may take in one lead (with their separators and markers)."""
    return _MAX_LEAD if parts <= 1 else _MAX_LEAD // parts - 10


def join_leads(leads: Sequence[str], verdicts: Collection[str] = ()) -> str:
    """Several parts' leads as the one sentence a two-part question is answered with, its ``[n]`` markers
    at the end: "Mỗi công dân được cấp 01 căn cước điện tử; có, căn cước điện tử có giá trị … [1][2]."
    (A marker inside the sentence would cut the answer off from its second half.) A clause that two
    parts share, or one inside another, is said once (the longer). A later part's verdict word (one of
    ``verdicts``: "Có. Căn cước …") joins its fact with a comma: "…; có, căn cước …"."""
    if len(leads) < 2:
        return leads[0] if leads else ""
    clauses: list[str] = []
    markers: list[str] = []
    for lead in leads:
        m = _MARKERS.search(lead)
        body = (lead[:m.start()] if m else lead).rstrip(" .;")
        markers.extend(x for x in (re.findall(r"\[\d+\]", m.group(1)) if m else []) if x not in markers)
        inside = [k for k, c in enumerate(clauses) if fold(body) in fold(c) or fold(c) in fold(body)]
        if inside:
            if len(body) > len(clauses[inside[0]]):
                clauses[inside[0]] = body
            continue
        clauses.append(body)
    for k in range(1, len(clauses)):
        word, dot, rest = clauses[k].partition(". ")
        head, body = (word.lower() + ", ", rest) if dot and word in verdicts else ("", clauses[k])
        clauses[k] = head + (body[0].lower() + body[1:] if _lower_ok(body) else body)
    return "; ".join(clauses) + (" " + "".join(markers) if markers else "") + "."


def grounded(lead_text: str, quotes: Sequence[str]) -> list[str]:
    """Numbers and names of the lead that no quote states (empty: the lead is grounded).

    Numbers must keep the same digits; names (runs of capitalised words) must appear verbatim."""
    body = re.sub(r"\[\d+\]", " ", lead_text)
    joined = " ".join(quotes)
    digits_in_quotes = {re.sub(r"\D", "", n) for n in _NUMBER.findall(joined)}
    missing = [n for n in _NUMBER.findall(body) if re.sub(r"\D", "", n) not in digits_in_quotes]
    for name in capitalised_runs(body):
        words = name.split()
        if len(words) >= 2 and name not in joined and not any(w in joined for w in words[1:]):
            missing.append(name)
    return missing
