"""General answer typing: what kind of value a question asks for, and where a sentence states one.

Why data-driven and genre-free: the old checks demanded a 19xx/20xx year for "when", an office word
for "where" and a digit for "how many", so centuries, "năm 938", "hai lần", a river's name or a fee
in a table row were refused. The cues and value shapes live in ``data/lang/answer_types.toml``
(language knowledge, the same for reports, laws, encyclopedia prose and FAQ pages); this module only
compiles them and finds typed spans. Names (persons, organisations) are capitalised syllable runs.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from assistant.conditions import ConditionReader, Quantity, load_conditions
from assistant.lexicon import WordList
from assistant.memo import Memo
from assistant.query import TRAILING_CONTEXT, blank_context
from assistant.question_cues import possessed_head
from assistant.vocabulary import GENERIC_PHRASES, STOPWORDS
from index.gazetteer import Gazetteer, default_gazetteer
from index.normalize import fold, normalize_text, written_otherwise

__all__ = ["FIGURE_TYPES", "AnswerTyper", "Frame", "Span", "TYPES", "figure_in", "load_typer", "roman_numeral"]

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "lang" / "answer_types.toml"
_NEVER = re.compile(r"(?!x)x")  # matches nothing: a cue list the data leaves empty
TYPES = ("money", "clock", "age", "duration", "date", "percent", "phone", "url", "number", "organization",
         "name", "person", "place", "fee", "form", "month")
# the types a figure states (a count, a date, a time span, a sum): a sentence naming the subject is often
# followed by the one that gives its figure
FIGURE_TYPES = frozenset(["number", "date", "month", "duration", "age", "money", "percent", "clock"])
_WORD = re.compile(r"\w+")
_FRAME_REACH = 4  # words after a value within which a word that follows the asking phrase counts
_MEMO_SIZE = 50_000  # entries each of the typer's memos keeps


@dataclass(frozen=True)
class Span:
    """A typed value in a sentence; offsets are relative to the sentence text."""

    kind: str
    start: int
    end: int
    text: str


class Frame(NamedTuple):
    """Where a question's asking phrase sits (see ``AnswerTyper.frame``): the folded word before it, up to two
    after it, and whether a noun names the measure instead ("tỷ lệ số hóa …")."""

    before: str = ""
    after: tuple[str, ...] = ()
    measure: bool = False
    # the asking phrase's noun ("ngày" of "từ ngày nào"), which a sentence writes between the word before and the
    # value ("từ ngày 01/7/2023"), and the words before the question's earlier asking phrases of the same type
    # ("từ" of "từ ngày nào đến ngày nào": a range asks both ends, its start first)
    noun: str = ""
    earlier: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Lexicon:
    question: tuple[tuple[str, re.Pattern[str]], ...]
    only_alone: frozenset[str]  # types asked only when no other type is ("có mất phí không": a fee)
    fee_words: re.Pattern[str]  # a fee named ("lệ phí", "fee")
    free_of_charge: re.Pattern[str]  # ... and said to be none ("không thu lệ phí", "miễn phí", "free")
    clause_breaks: re.Pattern[str]
    values: dict[str, re.Pattern[str]]
    number_words: dict[str, int]
    multipliers: dict[str, int]
    ambiguous: frozenset[str]
    figure: re.Pattern[str]
    not_before: frozenset[str]
    only_in_runs: frozenset[str]
    compounds: tuple[str, ...]  # words that begin with a number word but are none ("tư pháp"), as written
    written: frozenset[str]
    not_names: frozenset[str]
    place_words: frozenset[str]
    leading_connectors: tuple[str, ...]
    negations: re.Pattern[str]
    not_negations: re.Pattern[str]  # folded compounds holding a negation word ("chua thanh nien")
    negation_scopes: re.Pattern[str]
    scope_breaks: re.Pattern[str]
    exceptions: re.Pattern[str]  # folded: "trừ trường hợp", "unless"
    yet_tails: re.Pattern[str]  # "… chưa?" as written and folded
    contrasts: re.Pattern[str]
    asks_order: re.Pattern[str]
    document_years: re.Pattern[str]  # a year (its group) named as part of a law's name (folded)
    affirmations: frozenset[str]  # folded
    affirmations_as_written: frozenset[str]
    question_tails: re.Pattern[str]
    truth_asks: re.Pattern[str]  # on the written question (lowercased)
    truth_asks_folded: re.Pattern[str]  # on an unmarked question
    wh: re.Pattern[str]
    subject_trailers: frozenset[str]
    term_nouns: tuple[str, ...]
    verdict_words: dict[str, dict[str, str]]
    organization_heads: frozenset[str] = frozenset()
    offices: tuple[str, ...] = ()  # folded, longest first: "pho chu tich" before "chu tich"
    cues_as_written: tuple[str, ...] = ()  # question cues whose folded form is also other words
    negations_as_written: tuple[str, ...] = ()  # negation words as written ("không": "khổng lồ" is none)
    claim_openers: tuple[str, ...] = ()  # folded words after which a yes/no question states its claim
    list_kinds: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...] = ()  # (kind, asks, heads)
    # (a way of writing, the words it states, whether its value answers those words only)
    implied: tuple[tuple[re.Pattern[str], frozenset[str], bool], ...] = ()
    # a citizen's case ("10 tuổi") against a rule's bound ("dưới 14 tuổi"); None reads no conditions
    conditions: ConditionReader | None = None
    # (asks, figure): a dimension asked with no unit ("cao bao nhiêu?") and a figure in one of its units
    dimensions: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = ()
    obligations: re.Pattern[str] = _NEVER  # folded: "bắt buộc", "required"
    no_obligation: re.Pattern[str] = _NEVER  # folded: "tự nguyện", "theo nhu cầu"
    permissions: re.Pattern[str] = _NEVER  # folded: "được", "có thể", "can"
    inline_cue: re.Pattern[str] = _NEVER  # folded: "gồm", "including"
    inline_join: re.Pattern[str] = _NEVER  # folded: "và", "hoặc", "and"
    inline_items: int = 3
    range_opens: frozenset[str] = frozenset()  # folded: "từ" of "từ ngày … đến ngày …"
    range_joins: frozenset[str] = frozenset()  # folded: "đến", "–"
    possessive: str = ""  # folded, the possessive word of "<thing> <possessive> <subject>" (data: question)
    own_pronouns: frozenset[str] = frozenset()  # folded, pronouns for the asker's own things (data: question)


class AnswerTyper:
    """Compiled answer-type cues; build with ``load_typer`` (once, in the composition root)."""

    def __init__(self, lexicon: _Lexicon, gazetteer: Gazetteer | None = None, words: WordList | None = None) -> None:
        self._lx = lexicon
        self._places = gazetteer or default_gazetteer()  # a place it knows is not a person
        self._words = words  # Vietnamese syllables: a one-word name that is none ("Hungary") is foreign
        # what it finds in a text depends on the text alone (its lexicon is fixed), and every question re-reads
        # the same documents' sentences: (text, kind) -> spans, question -> its type, folded text -> implied values
        self._spans: Memo[tuple[str, str], tuple[Span, ...]] = Memo(_MEMO_SIZE)
        self._expected: Memo[str, str] = Memo(_MEMO_SIZE)
        self._implied: Memo[str, tuple[tuple[int, int, frozenset[str], bool], ...]] = Memo(_MEMO_SIZE)

    # --- questions --------------------------------------------------------------------------------
    def expected(self, question: str) -> str:
        """The type of value the question asks for ("" when it asks for none of them).

        The clause that asks wins over words elsewhere in the question: "e đổi sđt rồi, … thì vneid cập nhật
        ở đâu" asks for a place, though "sđt" names a phone number. So the last clause with a cue decides,
        unless all it says is "how many" (then the whole question says of what: "…, đổi thẻ thì bao nhiêu?"
        after "lệ phí …" asks for money).
        """
        return self._expected.get(question, lambda: self._find_expected(question))

    def _find_expected(self, question: str) -> str:
        f = fold(question)
        alone = ""  # a type asked only when nothing else is
        for at, clause in reversed(self._clauses(f)):
            if not clause.strip():
                continue
            kind = self._first_type(clause, question, at)
            if kind in self._lx.only_alone:
                alone = alone or kind
                continue
            if kind:
                if kind != "number":
                    return kind
                break
        whole = self._first_type(f, question, skip=self._lx.only_alone)
        return whole or alone or self._first_type(f, question)

    def frame(self, question: str, kind: str) -> Frame:
        """The words around the question's asking phrase for ``kind``: the folded word right before it and
        up to two after it ("do cơ quan nào quản lý" -> ("do", ("quan", "ly"), False)). A sentence that
        states the answer tends to put it in the same frame: "do Bộ Công an thống nhất quản lý". When the
        type is named by a noun rather than asked ("tỷ lệ số hóa … là bao nhiêu"), the words after the noun
        (flag True): they name the measure, which a sentence states before its figure."""
        f = fold(question)
        rx = dict(self._lx.question).get(kind)
        wh = self._wh(question)
        # the type's cue when it is itself an asking phrase ("cơ quan nào"), not a noun ("tỷ lệ"); else
        # the question word
        cues = [m.span() for m in rx.finditer(f) if m.end() > m.start()] if rx is not None else []
        asking = [c for c in cues if any(a < c[1] and c[0] < b for a, b in wh)]
        if asking or (wh and not cues):
            start, end = (asking or wh)[-1]
            before = _WORD.findall(f[:start])[-1:]
            phrase = _WORD.findall(f[start:end])
            noun = phrase[0] if len(phrase) >= 2 and not self._lx.wh.match(f[start:end]) else ""
            earlier = tuple(w[-1] for a, _ in asking[:-1] if (w := _WORD.findall(f[:a])))
            return Frame(before[0] if before else "", tuple(_WORD.findall(f[end:])[:2]), noun=noun, earlier=earlier)
        if cues:  # a noun names the measure ("tỷ lệ số hóa …"): its words come before the figure
            return Frame("", tuple(_WORD.findall(f[cues[-1][1]:])[:2]), measure=True)
        return Frame()

    def in_frame(self, text: str, span: Span, frame: Frame) -> int:
        """Whether a value of ``text`` sits where the question's asking phrase sits (0, 1 or 2 sides): after
        the word that precedes the asking phrase, or just before a word that follows it ("do cơ quan nào
        quản lý" / "do Bộ Công an thống nhất quản lý"); for a measure named by a noun, just after the words
        naming it ("tỷ lệ số hóa … đạt 99,88%"). A value in the question's frame is the one it asks for."""
        before, after, measure, noun, earlier = frame
        left = _WORD.findall(fold(text[:span.start]))
        if measure:
            return int(any(a in left[-_FRAME_REACH:] for a in after))
        right = _WORD.findall(fold(text[span.end:]))[:_FRAME_REACH]

        def follows(word: str) -> bool:
            return bool(word) and (left[-1:] == [word] or (bool(noun) and left[-2:] == [word, noun]))

        return int(any(follows(w) for w in (before, *earlier))) + int(any(a in right for a in after))

    def expected_all(self, question: str) -> tuple[str, ...]:
        """Every type the question's asking clauses ask for, the main one first ("… làm việc mấy giờ, ở đâu?"
        -> place, clock); a clause with no question word (a story: "e đổi sđt rồi") asks nothing, and a bare
        "how many" counts only when no other type is asked."""
        f = fold(question)
        asking = [(at, c) for at, c in self._clauses(f) if self._lx.wh.search(c)]
        main = self.expected(question)
        kinds = [k for k in (self._first_type(c, question, at) for at, c in asking)
                 if k and (k == main or k not in self._lx.only_alone)]
        others = [k for k in kinds if k != "number"]
        return tuple(dict.fromkeys(([main] if main else []) + (others or kinds)))

    def clauses(self, text: str) -> list[str]:
        """``text`` (as written) cut at its clause breaks, read on the folded text ("…, giờ đi đăng ký thì
        còn được không" -> "…", "giờ đi đăng ký", "còn được không")."""
        return [text[a:a + len(c)] for a, c in self._clauses(fold(text)) if c.strip()]

    def _clauses(self, folded: str) -> list[tuple[int, str]]:
        """The question's clauses with where each starts (split at its clause breaks)."""
        out, at = [], 0
        for m in self._lx.clause_breaks.finditer(folded):
            out.append((at, folded[at:m.start()]))
            at = m.end()
        out.append((at, folded[at:]))
        return [(a, c) for a, c in out if c]

    def _first_type(self, folded: str, question: str, at: int = 0, skip: Collection[str] = ()) -> str:
        """The type whose cue ``folded`` (the folded question, or its clause starting at ``at``) holds
        nearest its asking phrase (in words between them; none when it is part of it or stands beside it), the
        data's order breaking ties; a bare "how many" only when no other type is cued. Nearest, because a cue
        further off names what the asked thing is about: "What phone number can I call … about funeral cost
        support?" asks a phone number, not a cost; "mở cửa từ năm nào" a year, while "mở cửa lúc nào" asks
        opening hours ("lúc nào" is the asking phrase, and "mở cửa" stands beside it). A cue the question
        writes as other words ("Mộ của" for "mở cửa": ``cues_as_written`` in the data) is none."""
        cues = [(order, kind, m.span()) for order, (kind, rx) in enumerate(self._lx.question) if kind not in skip
                for m in rx.finditer(folded)
                if not written_otherwise(question, at + m.start(), at + m.end(), self._lx.cues_as_written)]
        # the asking phrases: each question word with the cues that hold it ("lúc nào", "năm nào")
        asking = []
        for a, b in (m.span() for m in self._lx.wh.finditer(folded)):
            over = [(c, d) for _, kind, (c, d) in cues if c < b and a < d and kind != "number"]
            asking.append((min([a, *(c for c, _ in over)]), max([b, *(d for _, d in over)])))
        best: tuple[float, int, str] | None = None
        for order, kind, (c, d) in cues:
            # words between the cue and an asking phrase (0: inside it, or right beside it)
            far = math.inf if kind == "number" else min(
                (len(_WORD.findall(folded[d:a] if a >= d else folded[b:c])) for a, b in asking), default=0)
            if best is None or (far, order) < best[:2]:
                best = (far, order, kind)
        return best[2] if best else ""

    def asks(self, question: str, kind: str) -> bool:
        """Whether the question carries a cue for ``kind`` (whatever type wins overall)."""
        f = fold(question)
        return any(k == kind and rx.search(f) for k, rx in self._lx.question)

    def asking_words(self, question: str) -> frozenset[str]:
        """The folded syllables of the question's asking phrases ("bao lâu", "mấy giờ", "ở đâu"): they say
        what kind of value is wanted, not what it is about, so no document needs to state them; so do the
        phrases asking for a kind of items ("trình tự thế nào": a list of steps says "Bước 1", not "trình tự")."""
        f = fold(question)
        out: set[str] = set()
        # a cue of a type the question does not ask ("mở cửa" in "mở mấy năm" is no asking of opening hours)
        # names what the question is about
        asked = set(self.expected_all(question)) | {"number"}
        for rx in (*(rx for kind, rx in self._lx.question if kind in asked),
                   *(asks for _, asks, _ in self._lx.list_kinds)):
            for m in rx.finditer(f):
                out.update(_WORD.findall(m.group(0)))
        return frozenset(out)

    def _wh(self, text: str) -> list[tuple[int, int]]:
        """Where ``text`` holds a question word; a capitalised one is a name ("La Gi"), not "gì"."""
        return [m.span() for m in self._lx.wh.finditer(fold(text)) if not text[m.start()].isupper()
                or m.start() == len(text) - len(text.lstrip())]

    def asks_openly(self, text: str) -> bool:
        """Whether ``text`` holds a question word or asking phrase of its own (not merely a noun that hints
        at a type, like "số lượng")."""
        return bool(self._wh(text)) or self.is_yes_no_tail(text)

    def subject_of(self, question: str) -> str:
        """What the question is about: the words before its first asking phrase ("Trần Hưng Đạo mất năm
        nào" -> "Trần Hưng Đạo mất"), for a second question that leans on it ("…, và ở đâu?")."""
        f = fold(question)
        starts = [m.start() for _, rx in self._lx.question for m in rx.finditer(f) if m.end() > m.start()]
        starts += [a for a, _ in self._wh(question)] + [m.start() for m in self._lx.question_tails.finditer(f)]
        head = question[:min(starts)] if starts else question
        words = head.split()
        while words and fold(" ".join(words[-2:])) in self._lx.subject_trailers:
            words = words[:-2]
        while words and fold(words[-1]) in self._lx.subject_trailers:
            words = words[:-1]
        return " ".join(words).strip(" ,;?")

    def reads_yes_no(self, question: str, qtype: str) -> bool:
        """Whether the question is answered with a verdict: a yes/no question, or one that ends "… không?"
        unless it asks for a list or a reason ("có những giấy tờ gì không?")."""
        return qtype == "yes_no" or (self.is_yes_no_tail(question) and qtype not in ("list", "why"))

    def names_document(self, question: str, year: int) -> bool:
        """Whether ``year`` is part of the name of a legal text the question cites ("Luật Căn cước 2023"):
        the year names the text, so a sentence stating another year does not contradict it."""
        return any(str(year) in m.groups() for m in self._lx.document_years.finditer(fold(question)))

    def asks_truth(self, question: str) -> bool:
        """Whether a yes/no question asks if a statement is true ("…, đúng hay sai?", "is it true that …"):
        its verdict is then "Đúng" / "Không đúng", not "Có" / "Không"."""
        low = normalize_text(question).lower()
        folded = fold(low)
        if folded == low:  # typed without diacritics
            return bool(self._lx.truth_asks_folded.search(folded))
        return bool(self._lx.truth_asks.search(low))

    def fee_tokens(self, text: str) -> list[str]:
        """The folded words with which ``text`` names a fee ("le", "phi" of "có phải trả lệ phí không")."""
        return [w for m in self._lx.fee_words.finditer(fold(text)) for w in m.group(0).split()]

    def fee_verdict(self, asking: str, sentence: str, heading: str = "") -> str:
        """A yes/no about a fee ("có mất phí không", "is it free") settled by a sentence naming one, itself or by
        its ``heading`` (a table's row under "Lệ phí …"): "yes" when the sentence says it is free exactly when the
        question asks if it is free, else "no"; "" when no fee is named ("bị phạt tiền 10.000.000 đồng" is a
        fine)."""
        folded = fold(sentence)
        if not self._lx.fee_words.search(folded) and not self._lx.fee_words.search(fold(heading)):
            return ""
        free_asked = bool(self._lx.free_of_charge.search(fold(asking)))
        return "yes" if bool(self._lx.free_of_charge.search(folded)) == free_asked else "no"

    def asks_yet(self, question: str) -> bool:
        """Whether a yes/no question asks whether something has happened yet ("… đã quá hạn chưa?"): its "no" is
        "Chưa". Read as written; a question typed without marks, folded."""
        f = fold(question)
        rx = self._lx.yet_tails
        return bool(rx.search(question.lower() if f != question.lower() else f))

    def denies_obligation(self, asking: str, sentence: str) -> bool:
        """Whether ``sentence`` says there is no obligation where ``asking`` (a yes/no question's asking clause)
        asks about one: "có bắt buộc phải đổi không" and "việc đổi … là tự nguyện" (data ``obligations``)."""
        return bool(self._lx.obligations.search(fold(asking))) and bool(self._lx.no_obligation.search(fold(sentence)))

    def is_yes_no_tail(self, question: str) -> bool:
        return bool(self._lx.question_tails.search(blank_context(fold(question).strip())))

    def strip_leading_connector(self, text: str) -> str:
        """"và 278 dịch vụ …" -> "278 dịch vụ …": a clause cut from a sentence reads on its own."""
        text = text.lstrip(" :;,-–")
        low = text.lower()
        for c in self._lx.leading_connectors:
            if low.startswith(c + " ") or low.startswith(c + ", "):
                return text[len(c):].lstrip(" ,")
        return text

    def strip_yes_no_tail(self, folded: str) -> str:
        """The question without its yes/no particle ("… được không?"), so that the particle's "không"
        is not read as a negation of the question's claim. The particle becomes spaces: offsets into the
        question still hold."""
        blanked = self._lx.question_tails.sub(lambda m: " " * len(m.group()), blank_context(folded))
        m = TRAILING_CONTEXT.search(folded)
        return blanked[:m.start()] + folded[m.start():m.end()] + blanked[m.end():] if m else blanked

    def dimension_measures(self, question: str) -> tuple[re.Pattern[str], ...]:
        """For a dimension the question asks of with no unit ("Hồ rộng bao nhiêu?"), a pattern of a figure in one of
        its units over a folded sentence; empty when none is asked."""
        f = " ".join(fold(question).lower().split())
        return tuple(figure for asks, figure in self._lx.dimensions if asks.search(f))

    def list_kind(self, question: str) -> str:
        """The kind of items a list question asks for ("papers", "steps"; "" for none): the list whose
        heading names that kind answers it, whichever line of the page matched the question best."""
        f = fold(question)
        return next((kind for kind, asks, _ in self._lx.list_kinds if asks.search(f)), "")

    def names_list_kind(self, text: str, kind: str) -> bool:
        """Whether a list's heading, lead-in or enumerator (``text``) names ``kind``."""
        f = fold(text)
        return any(k == kind and heads.search(f) is not None for k, _, heads in self._lx.list_kinds)

    def inline_subject(self, text: str) -> str:
        """What a sentence that lists items itself names before its list word, folded, from its last comma
        on ("3. thong tin sinh trac hoc" of "3. Thông tin sinh trắc học gồm ảnh khuôn mặt, vân tay, mống mắt,
        ADN, giọng nói"); "" when the sentence lists nothing so. A line ending in ":" announces the lines
        below it instead."""
        if text.rstrip().endswith(":"):
            return ""
        f = fold(text)
        cue = self._lx.inline_cue.search(f)
        if cue is None:
            return ""
        parts = f[cue.end():].replace(";", ",").split(",")
        joined = len(parts) > 1 and self._lx.inline_join.search(parts[-1]) is not None
        if len(parts) + joined < self._lx.inline_items:
            return ""
        cut = max(f.rfind(c, 0, cue.start()) for c in ",;:(")
        return f[cut + 1:cue.start()].strip()

    def claim_of(self, folded_clause: str) -> str:
        """What a yes/no question claims of its subject: the words after its last claim opener ("khai báo
        tạm vắng có mất phí không" -> "mất phí"); "" when it has none. Why: a verdict is the polarity of
        the claim, and the sentence clause that states the subject ("người đã khai báo tạm vắng nên thông
        báo …") is not the one that settles it ("việc thông báo này không mất phí")."""
        at = self.claim_span(folded_clause)
        return " ".join(folded_clause[at:].split()) if at >= 0 else ""

    def affirms(self, word: str) -> bool:
        """Whether an answer's first word, as written, says yes ("có", "được", "đúng"). A word written with
        diacritics must be that word: "Cơ quan …" and "Dùng …" fold like "có" and "đúng" and affirm nothing;
        one typed without them ("co") is read folded."""
        written = normalize_text(word).lower().strip(" .,:;!")
        folded = fold(written)
        if folded not in self._lx.affirmations:
            return False
        return folded == written or written in self._lx.affirmations_as_written

    def negated(self, text: str) -> bool:
        """Whether a clause (as written, or folded) holds a negation. Read on the folded text, so that
        "khong" typed without diacritics negates; a negation written as another word that folds the same
        ("khổng lồ", "chùa", "quả cam") negates nothing."""
        folded = fold(text)
        inside = [m.span() for m in self._lx.not_negations.finditer(folded)]  # "chưa thành niên"
        return any(not written_otherwise(text, m.start(), m.end(), self._lx.negations_as_written)
                   and not any(a <= m.start() and m.end() <= b for a, b in inside)
                   for m in self._lx.negations.finditer(folded))

    def negates_onwards(self, text: str) -> bool:
        """Whether a clause forbids or denies what the clauses joined after it by commas say ("không được
        thu thập …, cá nhân cung cấp lại …"): a negation of a verb's mode ("không được", "cấm"), not a
        "không" of one word."""
        return self._lx.negation_scopes.search(fold(text)) is not None and self.negated(text)

    def ends_scope(self, text: str) -> bool:
        """Whether a clause opens an exception or a condition ("trừ trường hợp …"), which a negation before it
        does not reach."""
        return self._lx.scope_breaks.search(fold(text)) is not None

    def exception_at(self, folded: str) -> int:
        """Where an exception a rule makes opens in a folded sentence ("trừ trường hợp …", "unless …"); -1 when
        it makes none."""
        m = self._lx.exceptions.search(folded)
        return m.start() if m else -1

    def claim_span(self, folded_clause: str) -> int:
        """Where the claim of a yes/no question starts in the clause (after its last claim opener); -1
        when it has none."""
        at, pos = -1, 0
        for word in folded_clause.split():
            pos = folded_clause.index(word, pos) + len(word)
            if word in self._lx.claim_openers:
                at = pos
        return at

    def asks_order(self, question: str) -> bool:
        """Whether a two-sided question asks which side is higher ("so sánh", "cao hơn", "thay đổi thế nào"),
        not merely both figures ("lần lượt là bao nhiêu")."""
        return self._lx.asks_order.search(fold(question)) is not None

    def contrast_at(self, folded: str) -> int:
        """Where a contrast ("thay vì", "chứ không phải") starts in a folded clause; -1 when there is none."""
        m = self._lx.contrasts.search(folded)
        return m.start() if m else -1

    def verdict_word(self, key: str, language: str) -> str:
        return self._lx.verdict_words["en" if language == "en" else "vi"][key]

    def asked_thing(self, question: str, stopwords: frozenset[str] = STOPWORDS,
                    generic: frozenset[str] = GENERIC_PHRASES) -> tuple[str, ...]:
        """The thing a question asks of its subject, folded (``question_cues.possessed_head`` with the data's
        possessive and pronouns); empty when it asks none."""
        if not self._lx.possessive:
            return ()
        return possessed_head(question, stopwords, generic, self._lx.own_pronouns, self._lx.possessive)

    @property
    def term_nouns(self) -> tuple[str, ...]:
        """Nouns that announce a defined term without being part of it ("từ", "thuật ngữ"), as written,
        longest first."""
        return self._lx.term_nouns

    def verdict_words(self, language: str) -> frozenset[str]:
        """The words a yes/no lead opens with ("Có", "Không", "Chưa", …) in ``language``."""
        return frozenset(self._lx.verdict_words["en" if language == "en" else "vi"].values())

    # --- sentences --------------------------------------------------------------------------------
    def spans(self, text: str, kind: str) -> list[Span]:
        """Where ``text`` states a value of ``kind`` (best-effort; empty when it states none)."""
        return list(self._spans.get((text, kind), lambda: tuple(self._find_spans(text, kind))))

    def _find_spans(self, text: str, kind: str) -> list[Span]:
        if kind in ("person", "name"):
            # a place the gazetteer knows ("La Gi", "Bình Định") is not a person
            people = [sp for sp in self._names(text, organisations=False)
                      if fold(" ".join(self._places.find_places(sp.text))) != fold(sp.text)]
            if kind == "name":  # and not an organisation's name ("Ban Thường vụ", "Sở Tư pháp")
                heads = self._lx.organization_heads
                return [Span("name", sp.start, sp.end, sp.text) for sp in people
                        if not any(sp.text == h or sp.text.startswith(h + " ") or sp.text.lower().startswith(h + " ")
                                   for h in heads)]
            # "ai" is answered by a person or by an office ("Thủ tướng Chính phủ", "cơ quan quản lý căn cước")
            return people + self.spans(text, "organization")
        if kind == "organization":
            # an organisation starts at a head word ("Công an", "Bộ", "UBND", "Cơ quan") and runs to the
            # next punctuation, at most five syllables: "Công an cấp tỉnh", "Cơ quan quản lý căn cước"
            rx = self._lx.values.get(kind)
            f = fold(text)
            out = [s for s in self._names(text, organisations=True) if " " in s.text or s.text.isupper()]
            unmarked = text == f  # a sentence typed without diacritics: the folded match is all there is
            heads = self._lx.organization_heads
            for m in rx.finditer(f) if rx is not None else ():
                head = text[m.start():m.end()]
                if head not in heads and head.lower() not in heads and not unmarked:
                    continue  # "số 82" is not "Sở", "bộ hồ sơ" is not a ministry
                tail = re.match(r"(?:\s+[^\s,.;:()]+){0,4}", text[m.end():])
                end = m.end() + (tail.end() if tail else 0)
                out.append(Span(kind, m.start(), end, text[m.start():end]))
            return out
        rx = self._lx.values.get(kind)
        if rx is None:
            return []
        f = fold(text)
        found = [Span(kind, m.start(), m.end(), text[m.start():m.end()]) for m in rx.finditer(f)
                 if m.end() > m.start()]
        if kind in ("number", "duration"):
            found = [s for s in found if not self._false_number_word(text, f, s)]
            # a Roman numeral is written in capitals ("thế kỷ XI"); "Xi" of "Phan Xi Păng" is a name
            found = [s for s in found if not (s.text.isalpha() and roman_numeral(fold(s.text))
                                              and not (s.text.isupper() and s.text.isascii()))]
        if kind == "duration":
            # "13 tháng" of "ngày 13 tháng 3" and "3 năm" of "tháng 3 năm 2024" are parts of a date, no length
            dates = sorted(self.spans(text, "date"), key=lambda d: d.start)
            found = [s for s in found if not any(d.start <= s.start and s.end <= d.end
                                                 and d.end - d.start > s.end - s.start for d in dates)]
            # a range of dates is how long it lasted: "từ ngày 13 tháng 3 đến ngày 7 tháng 5 năm 1954"
            for a, b in zip(dates, dates[1:], strict=False):
                opener = f[:a.start].split()[-1:]
                if f[a.end:b.start].strip() in self._lx.range_joins and opener and opener[0] in self._lx.range_opens:
                    start = f[:a.start].rstrip().rfind(" ") + 1
                    found.append(Span(kind, start, b.end, text[start:b.end]))
        if kind == "place":
            # a name is a place when a place word comes right before it ("tại Hà Nội", "sông Hồng"); so is one foreign
            # word ("tại Hungary"), not a Vietnamese one capitalised ("Tại Hội nghị")
            for sp in self._names(text, organisations=False, single=self._words is not None):
                if " " not in sp.text and (self._words is None or self._words.is_syllable(sp.text)) \
                        and not self._places.find_places(sp.text):
                    continue  # "Hội" of "Tại Hội nghị"; a place the gazetteer knows ("tại Huế") is one
                before = " ".join(fold(text[:sp.start]).split()[-2:])
                if any(before == w or before.endswith(" " + w) for w in self._lx.place_words):
                    found.append(Span("place", sp.start, sp.end, sp.text))
        return found

    def asked_office(self, question: str) -> str:
        """The office a "who holds it" question names ("Phó Chủ tịch UBND tỉnh Bình Định nào …" -> "pho chu tich"),
        folded; "" when it names none or asks no name."""
        if self.expected(question) != "name":
            return ""
        f = f" {' '.join(_WORD.findall(fold(question)))} "
        return next((o for o in self._lx.offices if f" {o} " in f), "")

    def asked_head(self, question: str) -> str:
        """The head of a proper organisation name an "organization" question asks by ("Bộ nào có trách nhiệm …" ->
        "bo"), folded; "" when it asks by none, or by a common noun ("cơ quan nào": the question's own subject often
        opens with it, "Cơ quan đăng ký cư trú là cơ quan …")."""
        f = fold(question)
        heads = sorted({fold(h).lower() for h in self._lx.organization_heads if h[:1].isupper()}, key=len, reverse=True)
        # the head is the words right before a question word ("Bộ nào")
        before = [" ".join(_WORD.findall(f[:a])[-2:]) for a, _ in self._wh(question)]
        return next((h for h in heads for b in before if b == h or b.endswith(" " + h)), "")

    def is_not_a_name(self, word: str) -> bool:
        """Whether a capitalised word opens a title or a common noun rather than a name ("Theo", "Sổ", "Thẻ")."""
        return word in self._lx.not_names

    def cases(self, question: str) -> tuple[Quantity, ...]:
        """The quantities the question states as its case ("con em mới 10 tuổi", "ở nhờ khoảng 2 tuần"); see
        ``assistant/conditions.py``."""
        return self._lx.conditions.cases(question) if self._lx.conditions is not None else ()

    def case_relation(self, cases: Sequence[Quantity], text: str) -> str:
        """"meets" / "fails" when the sentence bounds the case's quantity and the case meets / fails the bound
        ("10 tuổi" and "dưới 14 tuổi" / "từ đủ 14 tuổi trở lên"), "" when it bounds none of them."""
        return self._lx.conditions.relation(cases, text) if self._lx.conditions is not None and cases else ""

    def binds(self, folded: str) -> bool:
        """Whether a folded text sets or asks about an obligation ("phải đăng ký", "có bắt buộc", "do I have
        to"), not a permission or a fact: the words of ``[yes_no] obligations`` and the modal words of
        ``[conditions] obligations``."""
        return bool(self._lx.obligations.search(folded)) or (
            self._lx.conditions is not None and self._lx.conditions.binds(folded))

    @property
    def inline_least(self) -> int:
        """How many items a sentence must list itself to be a list (data ``[inline_lists] items``)."""
        return self._lx.inline_items

    def permits(self, folded: str) -> bool:
        """Whether a folded text asks about or grants a permission ("… được không", "được cấp", "can I")."""
        return bool(self._lx.permissions.search(folded))

    def bracketed(self, cases: Sequence[Quantity], folded: str) -> frozenset[str]:
        """The words of the question's ``cases`` that meet a bound the sentence sets: the sentence states them
        ("bé nhà tôi mới 8 tuổi" is said by "người chưa đủ 14 tuổi"); empty when none does."""
        return frozenset(c.said for c in cases if self.case_relation((c,), folded) == "meets")

    def implied_words(self, folded: str) -> frozenset[str]:
        """The question words (folded syllables and pairs) a folded sentence states by how it is written:
        "Trần Hưng Đạo (1228 – 1300)" states "sinh" and "mất" (data ``[implied]``)."""
        return frozenset(w for _, _, words in self.implied_values(folded) for w in words)

    def implied_values(self, folded: str) -> list[tuple[int, int, frozenset[str]]]:
        """Where a folded sentence states a value by how it is written, and the question words that value
        answers: (start, end, words) for 1228 ("sinh") and 1300 ("mất") in "Trần Hưng Đạo (1228 – 1300)"."""
        return [(a, b, words) for a, b, words, _ in self._implied_all(folded)]

    def _implied_all(self, folded: str) -> tuple[tuple[int, int, frozenset[str], bool], ...]:
        return self._implied.get(folded, lambda: tuple(self._find_implied(folded)))

    def _find_implied(self, folded: str) -> list[tuple[int, int, frozenset[str], bool]]:
        out = []
        for rx, words, exclusive in self._lx.implied:
            for m in rx.finditer(folded):
                g = next((i for i in range(1, (m.lastindex or 0) + 1) if m.group(i) is not None), 0)
                out.append((m.start(g), m.end(g), words, exclusive))
        return out

    def has(self, text: str, kind: str) -> bool:
        return bool(self.spans(text, kind))

    def has_asked(self, text: str, kind: str, asked: Collection[str]) -> bool:
        """Whether ``text`` states a value of ``kind`` that can answer a question asking ``asked`` (folded
        terms). A value written in a form that states one thing answers only that thing: the years of a life
        span "Marie Curie (1867 – 1934)" say when she was born and died, not when she became French, so a
        sentence holding no other year has no year for "nhập quốc tịch Pháp vào năm nào"."""
        spans = self.spans(text, kind)
        if not spans:
            return False
        other = [(a, b) for a, b, words, exclusive in self._implied_all(fold(text))
                 if exclusive and not words & set(asked)]
        return any(not any(a < sp.end and sp.start < b for a, b in other) for sp in spans)

    def _false_number_word(self, text: str, folded: str, span: Span) -> bool:
        """"trong năm", "vào năm 2024": an ambiguous number word that is not a number here."""
        words = folded[span.start:span.end].split()
        word = words[0] if words else ""
        # a figure in the span is the number, whatever lead-in comes first: "Sau 30 phút" is a duration, and its
        # "Sau" (after) is no "sáu" (six)
        if not word or any(w[0].isdigit() for w in words):
            return False
        if word not in self._lx.ambiguous:
            return False
        if word in self._lx.only_in_runs and len(folded[span.start:span.end].split()) == 1:
            return True  # "không có hoặc không thu nhận": "not", no zero
        as_written = text[span.start:span.end].strip().split(" ")[0]
        written = as_written.lower()
        if folded != text.lower() and written not in self._lx.written:
            return True  # "từ ngày" folds to "tu" but is no "tư"
        marked = folded != text.lower()
        rest = text[span.start:].lower() if marked else folded[span.start:]
        if any(re.match(rf"{re.escape(c if marked else fold(c))}(?!\w)", rest) for c in self._lx.compounds):
            return True  # "lý lịch tư pháp": a word of its own, not four
        preceding = text[:span.start].rstrip()
        if as_written[:1].isupper() and preceding and not preceding.endswith((".", ":", ";", "!", "?")):
            return True  # capitalised inside a sentence, it is a name: "Bộ phận Một cửa", "huyện Ba Vì"
        before = folded[:span.start].split()[-1:] if span.start else []
        after = folded[span.end:].split()[:1]
        if before and before[0] in self._lx.not_before:
            return True
        return bool(after and after[0][:1].isdigit())

    def _names(self, text: str, *, organisations: bool, single: bool = False) -> list[Span]:
        """Runs of two or more capitalised syllables that are not sentence furniture ("Theo", "Điều"); with
        ``single``, one capitalised word is a run too ("Hungary", "Huế")."""
        out: list[Span] = []
        # a capitalised syllable (Vietnamese or Latin): "Nguyễn", "Curie"; "XIII", "UBND" are not
        words = [m for m in _WORD.finditer(text)
                 if m.group(0)[0].isupper() and (len(m.group(0)) == 1 or not m.group(0)[1:].isupper())
                 and not m.group(0)[0].isdigit()]
        i = 0
        while i < len(words):
            j = i
            while j + 1 < len(words) and text[words[j].end():words[j + 1].start()] in (" ", " - "):
                j += 1
            run = words[i:j + 1]
            while run and run[0].group(0) in self._lx.not_names and not organisations:
                run = run[1:]
            if len(run) >= 2 or (run and (organisations or single)):
                s, e = run[0].start(), run[-1].end()
                out.append(Span("organization" if organisations else "person", s, e, text[s:e]))
            i = j + 1
        if organisations:
            org_heads = {w for w in self._lx.not_names if w in ("Bộ", "Sở", "Cục", "Công", "Ủy", "UBND",
                                                                 "Trường", "Viện", "Chính", "Quốc")}
            out = [s for s in out if s.text.split(" ")[0] in org_heads]
            out += [Span("organization", m.start(), m.end(), m.group(0))
                    for m in re.finditer(r"(?<![-/\w])[A-ZĐ]{2,6}\d{0,3}(?![-/\w])", text)]  # not "KH/TU" of "82-KH/TU"
        return out

    # --- number words -----------------------------------------------------------------------------
    def figures(self, text: str) -> list[str]:
        """The figures a text states, each with its scale word ("2 triệu", "728.400", "15%"), normalised
        (no thousands separators, no leading zeros, single spaces) so that a question's claim can be checked
        against them: a law writes "07 ngày" where a citizen writes "7 ngày". A date is one figure, its
        numbers joined ("01/7/2025" and "ngày 1 tháng 7 năm 2025" are "1/7/2025"): its day is no quantity, so
        "rút 1 lần" is not the "01" of "trước ngày 01/7/2025"."""
        return [f for f, _, _ in self.figure_spans(text)]

    def figure_spans(self, text: str) -> list[tuple[str, int, int]]:
        """``figures`` with where each is written: (normalised figure, start, end)."""
        dates = [(sp.start, sp.end, "/".join(str(int(d)) for d in nums))
                 for sp in self.spans(text, "date") if _is_date(sp.text, nums := re.findall(r"\d+", sp.text))]
        out: list[tuple[str, int, int]] = []
        for m in self._lx.figure.finditer(text):
            date = next(((a, b, d) for a, b, d in dates if a <= m.start() < b), None)
            if date is not None:
                if all(f != date[2] for f, _, _ in out):
                    out.append((date[2], date[0], date[1]))
                continue
            flat = re.sub(r"(?<=\d)[.,](?=\d{3}\b)", "", " ".join(m.group(0).split()))
            out.append((re.sub(r"(?<![\d.,])0+(?=\d)", "", flat).lower(), m.start(), m.end()))
        return out

    def number_value(self, token: str) -> float | None:
        """A number written in digits ("1.230", "98,81") or as a Vietnamese/English word ("hai")."""
        t = token.strip()
        if t[:1].isdigit():
            return _parse_number(t)
        f = fold(t)
        if f in self._lx.number_words:
            return float(self._lx.number_words[f])
        return None


def _is_date(text: str, numbers: Sequence[str]) -> bool:
    """A date span that is surely a date: a day, month and year, a year, or words ("ngày 15 tháng 3"); "24/7"
    alone (around the clock) is two figures."""
    return bool(numbers) and (len(numbers) >= 3 or any(len(n) == 4 for n in numbers) or any(c.isalpha() for c in text))


def _parse_number(token: str) -> float | None:
    """Vietnamese digits: "." groups thousands, "," is the decimal mark ("1.230", "98,81")."""
    t = re.sub(r"[^\d.,]", "", token)
    if not t:
        return None
    if "," in t and "." in t:
        t = t.replace(".", "").replace(",", ".")
    elif "," in t:
        head, _, tail = t.rpartition(",")
        t = head.replace(",", "") + ("." + tail if len(tail) != 3 else tail)
    elif t.count(".") >= 1:
        parts = t.split(".")
        t = "".join(parts) if all(len(p) == 3 for p in parts[1:]) else t.replace(".", "", t.count(".") - 1)
    try:
        return float(t)
    except ValueError:
        return None


def figure_in(units: Iterable[str], number_words: Iterable[str], scale_words: Iterable[str]) -> str:
    """The pattern (over a folded sentence) of a figure written in one of ``units``: digits or a number word, a
    scale word allowed between ("3 triệu tấn"), the unit's words joined by spaces or hyphens ("ki-lo-gam")."""
    alts = "|".join(r"[\s-]*".join(re.escape(w) for w in u.split()) for u in sorted(units, key=len, reverse=True))
    return (rf"(?:\d|\b(?:{'|'.join(sorted(number_words))}))[\d.,]*\s*(?:(?:{'|'.join(map(re.escape, scale_words))})\s+)?"
            rf"(?:{alts})\b")


def _dimension_figure(units: Sequence[str], nums: dict[str, Any], said: Sequence[str] = (),
                      after: Sequence[str] = ()) -> re.Pattern[str]:
    """A figure in one of ``units`` (``figure_in``), or in one of ``after`` when the figure follows one of
    the ``said`` words ("rộng khoảng 150 m")."""
    words = [w for w in nums["words"] if w.isalpha()]
    scale = [fold(m) for m in nums["magnitudes"] if m != "%"]
    rx = figure_in(units, words, scale)
    if said and after:
        rx += "|" + rf"\b(?:{'|'.join(map(re.escape, said))})(?: [a-z]+){{0,2}} " + figure_in(after, words, scale)
    return re.compile(rx)


def roman_numeral(word: str) -> bool:
    """Whether a folded word is written only in Roman numerals ("xi", "i" of "quý I")."""
    return bool(word) and set(word) <= set("ivxlc")


def load_typer(path: Path | None = None, gazetteer: Gazetteer | None = None,
               vocabulary: WordList | None = None) -> AnswerTyper:
    """Compile ``data/lang/answer_types.toml`` (or ``path``); raises ValueError naming a bad pattern. ``vocabulary``
    (the Vietnamese word list) tells a foreign one-word place ("tại Hungary") from a capitalised word."""
    p = path or DEFAULT_PATH
    data = tomllib.loads(p.read_text(encoding="utf-8"))
    nums = data["numbers"]
    words = {k.rstrip("_"): int(v) for k, v in nums["words"].items()}
    mults = {k: int(v) for k, v in nums["multipliers"].items()}
    numword = "(?:" + "|".join(sorted(set(words) | set(mults), key=len, reverse=True)) + ")(?: (?:" + "|".join(
        sorted(set(words) | set(mults), key=len, reverse=True)) + "))*"

    def compile_all(pats: list[str], where: str) -> re.Pattern[str]:
        joined = "|".join(f"(?:{x.replace('{numword}', numword)})" for x in pats) or _NEVER.pattern
        try:
            return re.compile(joined)
        except re.error as err:
            raise ValueError(f"{p}: bad pattern in {where}: {err}") from err

    def whole_words(words: Iterable[str], where: str) -> re.Pattern[str]:
        """Any of ``words``, folded, as whole words."""
        return compile_all([rf"\b{re.escape(fold(w))}\b" for w in words], where)

    q = data["question"]
    question = tuple((kind, compile_all(q[kind], f"question.{kind}")) for kind in q["order"])
    raw_values = {kind: list(pats) for kind, pats in data["values"].items()}
    for kind, included in data.get("value_includes", {}).items():
        raw_values[kind] = raw_values.get(kind, []) + [p for other in included for p in raw_values[other]]
    values = {kind: compile_all(pats, f"values.{kind}") for kind, pats in raw_values.items() if pats}
    yn = data["yes_no"]
    lex = _Lexicon(
        question=question, clause_breaks=compile_all(q["clause_breaks"], "question.clause_breaks"), values=values, number_words=words, multipliers=mults,
        ambiguous=frozenset(nums["ambiguous"]), not_before=frozenset(nums["not_before"]),
        only_in_runs=frozenset(nums.get("only_in_runs", [])),
        compounds=tuple(normalize_text(c).lower() for c in nums.get("compounds", [])),
        written=frozenset(nums["written"]),
        # not the digits of a code ("hạng A1", "C06"): a figure does not follow a letter
        figure=re.compile(r"(?<!\w)(?:\d[\d.,]*\d(?:\s*(?:" + "|".join(map(re.escape, nums["magnitudes"]))
                          + r")(?!\w))?|\d(?:\s*(?:" + "|".join(map(re.escape, nums["magnitudes"])) + r")(?!\w))?)"),
        not_names=frozenset(data["names"]["not_names"]),
        place_words=frozenset(data["names"]["place_words"]),
        leading_connectors=tuple(sorted(data["names"]["leading_connectors"], key=len, reverse=True)),
        negations=compile_all(yn["negations"], "yes_no.negations"),
        not_negations=whole_words(yn.get("not_negations", []), "yes_no.not_negations"),
        negation_scopes=compile_all(yn.get("negation_scopes", []), "yes_no.negation_scopes"),
        scope_breaks=compile_all(yn.get("scope_breaks", []), "yes_no.scope_breaks"),
        exceptions=compile_all(yn.get("exceptions", []), "yes_no.exceptions"),
        yet_tails=compile_all(yn.get("yet_tails", []) + [fold(x) for x in yn.get("yet_tails", [])], "yes_no.yet_tails"),
        contrasts=compile_all(yn["contrasts"], "yes_no.contrasts"),
        asks_order=compile_all(q["asks_order"], "question.asks_order"),
        document_years=compile_all([x.replace("{year}", r"(\d{4})") for x in q.get("document_years", [])],
                                   "question.document_years"),
        affirmations=frozenset(fold(a) for a in yn["affirmations"]),
        affirmations_as_written=frozenset(normalize_text(a).lower() for a in yn["affirmations"]),
        question_tails=compile_all(yn["question_tails"], "yes_no.question_tails"),
        truth_asks=compile_all(yn.get("truth_asks", []), "yes_no.truth_asks"),
        truth_asks_folded=compile_all([fold(x) for x in yn.get("truth_asks", [])], "yes_no.truth_asks"),
        obligations=compile_all(yn.get("obligations", []), "yes_no.obligations"),
        permissions=compile_all(yn.get("permissions", []), "yes_no.permissions"),
        no_obligation=compile_all(yn.get("no_obligation", []), "yes_no.no_obligation"),
        fee_words=compile_all(yn.get("fee_words", []), "yes_no.fee_words"),
        free_of_charge=compile_all(data["values"].get("free", []), "values.free"),
        inline_cue=whole_words(data.get("inline_lists", {}).get("cues", []), "inline_lists.cues"),
        inline_join=whole_words(data.get("inline_lists", {}).get("joins", []), "inline_lists.joins"),
        inline_items=int(data.get("inline_lists", {}).get("items", 3)),
        range_opens=frozenset(fold(w) for w in data.get("ranges", {}).get("opens", [])),
        range_joins=frozenset(fold(w) for w in data.get("ranges", {}).get("joins", [])),
        wh=compile_all(q["wh"], "question.wh"), subject_trailers=frozenset(q["subject_trailers"]),
        only_alone=frozenset(q.get("only_alone", [])),
        term_nouns=tuple(sorted(q["term_nouns"], key=len, reverse=True)),
        possessive=fold(q.get("possessive", "")), own_pronouns=frozenset(fold(w) for w in q.get("own_pronouns", [])),
        verdict_words={"vi": dict(yn["vi"]), "en": dict(yn["en"])},
        organization_heads=frozenset(data["names"].get("organization_as_written", [])),
        offices=tuple(sorted({fold(o) for o in data["names"].get("offices", [])}, key=len, reverse=True)),
        cues_as_written=tuple(normalize_text(c).lower() for c in q.get("cues_as_written", [])),
        negations_as_written=tuple(normalize_text(c).lower() for c in yn.get("negations_as_written", [])),
        claim_openers=tuple(fold(c) for c in yn.get("claim_openers", [])),
        list_kinds=tuple((kind, compile_all(spec["asks"], f"list_kinds.{kind}.asks"),
                          re.compile(r"\b(?:" + "|".join(re.escape(fold(h)) for h in spec["heads"]) + r")\b"))
                         for kind, spec in data.get("list_kinds", {}).items()),
        conditions=load_conditions(data.get("conditions", {})),
        dimensions=tuple((compile_all(spec["asks"], f"dimensions.{name}.asks"),
                          _dimension_figure(spec["units"], nums, spec.get("words", ()), spec.get("after", ())))
                         for name, spec in data.get("dimensions", {}).items()),
        implied=tuple((compile_all([spec["pattern"]], f"implied.{name}"),
                       frozenset(" ".join(fold(w).split()) for w in spec["states"]), bool(spec.get("only", False)))
                      for name, spec in data.get("implied", {}).items()),
    )
    return AnswerTyper(lex, gazetteer, vocabulary)
