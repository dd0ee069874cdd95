"""Rule-based rewriting of a follow-up question into a standalone one (no LLM needed).

Why rules: retrieval only sees one string. "Còn Bắc Ninh thì sao?" retrieves nothing useful on its
own; it means "the previous question, about Bắc Ninh". The common Vietnamese follow-up shapes are
few and regular (Còn/Thế còn/Vậy/Riêng ..., "... này/đó", a missing place or period that the
previous turn set), so a deterministic rewrite is fast, testable and works offline. A question
that already stands alone is returned exactly as given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.query import question_type
from assistant.question_cues import capitalised_runs
from assistant.types import Turn
from index.gazetteer import Gazetteer, default_gazetteer
from index.normalize import fold, normalize_text

__all__ = ["condense", "is_follow_up"]

# Leading follow-up markers, matched on folded text. "Riêng" is a marker but carries meaning
# ("specifically the districts"), so it is kept in the rewrite; the others are dropped.
_LEAD_DROP = re.compile(
    r"^\s*(?:(?:the|vay|con|thua|da|a|uh?m?|ok|vang)\s*,?\s+)*"
    r"(?:the con|vay con|con ve|con|vay thi|vay|the thi|what about|how about|and what about|and|also|then)\b[\s,]*"
)
_LEAD_KEEP = re.compile(r"^\s*(?:rieng|ngoai ra|ben canh do)\b")
# "Thế nếu nộp online thì sao?": "thế" opens a follow-up as written only (folded, it is also "thẻ", a card)
_LEAD_THE = re.compile(r"^\s*thế\s*,?\s+(?=\w)", re.IGNORECASE)
# a person the previous answer named, referred to by a pronoun ("Ông ấy mất năm nào?")
_PERSON_ANAPHORA = re.compile(r"(?<![\w])(?:(?:ông|bà|anh|chị|cô|chú|cậu|người|vị) (?:ấy|đó|này|ta)|he|she|him|her|his)"
                              r"(?![\w])", re.IGNORECASE)
_TAIL_VAGUE = re.compile(
    r"[\s,]*(?:thi|the|vay|nhi|a)?\s*(?:thi sao|the nao|ra sao|(?<!tai )(?<!vi )(?<!tai)(?<!vi)sao|thi the nao|nhu the nao|nua)"
    r"(?:\s+(?:vay|a|nhi|nhe))?\s*[?.!]*\s*$"
)
_TAIL_EN_VAGUE = re.compile(r"[\s,]*(?:then|too|as well)?\s*[?.!]*\s*$")
# Anaphora on the accented (normalised) text: "việc này", "số liệu đó", "nêu trên".
_ANAPHORA_VI = re.compile(
    r"(?<![\w])(?:này|đó|ấy|nói trên|nêu trên|kể trên|vừa nêu|như vậy)(?![\w])", re.IGNORECASE
)
# the act the conversation is about, presupposed done, in the question's first words ("Nộp xong thì mất bao lâu mới
# nhận được?", "Làm xong thì … xem ở đâu?", "nộp hồ sơ xong thì …"): the topic is the previous question's. A question
# that first names an act of its own ("Đăng ký kết hôn xong thì …") stands alone
_AFTER_PREVIOUS = re.compile(r"^\s*(?:\w+\s+){1,3}xong(?![\w])", re.IGNORECASE)
_NOT_ANAPHORA_VI = re.compile(r"(?<![\w])(?:trong đó|đó là|do đó|từ đó|sau đó|khi đó)(?![\w])", re.IGNORECASE)
_ANAPHORA_EN = re.compile(r"\b(?:it|its|this|that|these|those|they|them|there)\b", re.IGNORECASE)

_PLACE_PREFIX = r"(?:(?:tinh|thi xa|thanh pho|tp\.?|huyen|xa|phuong|thi tran)\s+)?"
_TIME_LEAD = r"(?:(?:tinh )?den (?:het |cuoi )?|cuoi |dau |giua |trong |het )?"
_TIME_PATTERNS = (
    re.compile(_TIME_LEAD + r"(?:ngay )?\d{1,2}/\d{1,2}/\d{4}"),
    re.compile(_TIME_LEAD + r"quy (?:iv|i{1,3}|[1-4])(?:/| nam )\d{4}"),
    re.compile(_TIME_LEAD + r"(?:6 thang (?:dau|cuoi) )?nam \d{4}"),
    re.compile(_TIME_LEAD + r"thang \d{1,2}/\d{4}"),
)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_QUESTION_WORDS = re.compile(
    r"\b(?:co bao nhieu|la bao nhieu|dat bao nhieu|bao nhieu|bao lau|thu may|la gi|nhung gi|khi nao|ngay nao|"
    r"o dau|tai sao|vi sao|ra sao|the nao|nhu the nao|do ai|la ai|ai|gi|nao|may|theo ket qua cong bo|theo)\b"
)
_QTYPE_PHRASE = {
    "how_many": "là bao nhiêu",
    "when": "vào thời điểm nào",
    "who": "là ai",
    "list": "gồm những gì",
    "why": "vì sao",
    "yes_no": "không",
    "compare": "so sánh thế nào",
    "other": "thế nào",
}
_OWN_QUESTION = re.compile(
    r"\b(?:bao nhieu|may|nao|gi|ai|sao|khong|chua|what|which|how|who|when|why|where)\b"
)
_SHORT = 8  # syllables: a question this short that names nothing new leans on the previous turn


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def _place_spans(text: str, places: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end, place) of each place mention with its prefix ("tỉnh Bình Định"), by folded match."""
    folded = fold(text)
    spans: list[tuple[int, int, str]] = []
    for place in places:
        pat = re.compile(rf"(?<!\w){_PLACE_PREFIX}{re.escape(fold(place))}(?!\w)")
        spans.extend((m.start(), m.end(), place) for m in pat.finditer(folded))
    return sorted(spans)


def _time_spans(text: str) -> list[tuple[int, int]]:
    folded = fold(text)
    spans: list[tuple[int, int]] = []
    for pat in _TIME_PATTERNS:
        for m in pat.finditer(folded):
            if not any(s <= m.start() < e for s, e in spans):
                spans.append((m.start(), m.end()))
    return sorted(spans)


def _cut(text: str, spans: Sequence[tuple[int, int]]) -> str:
    out, pos = [], 0
    for s, e in sorted(spans):
        if s < pos:
            continue
        out.append(text[pos:s])
        pos = e
    out.append(text[pos:])
    return " ".join("".join(out).split())


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([,.;:?!)])", r"\1", text)
    text = re.sub(r"([(])\s+", r"\1", text)
    text = re.sub(r"^[\s,;:.-]+|[\s,;:-]+$", "", text)
    return " ".join(text.split())


def _lower_first(phrase: str, find: Callable[[str], list[str]]) -> str:
    """"Tính đến quý I/2025" -> "tính đến quý I/2025" (sentence case does not survive moving it), names kept."""
    folded = fold(phrase)
    if any(folded.startswith(fold(p)) for p in find(phrase)):
        return phrase
    first = phrase.split(" ", 1)[0]
    if first[:1].isupper() and first[1:].islower():
        return phrase[:1].lower() + phrase[1:]
    return phrase


def _has_anaphora(text: str) -> bool:
    stripped = _NOT_ANAPHORA_VI.sub(" ", text)
    return bool(_ANAPHORA_VI.search(stripped)) or bool(_AFTER_PREVIOUS.search(text)) or (
        bool(re.search(r"\b(?:the|what|how|which|who|when)\b", text, re.IGNORECASE))
        and bool(_ANAPHORA_EN.search(text))
    )


def _marker_led(q: str) -> bool:
    """Whether the (normalised) question opens with a follow-up marker: "Còn …", "Vậy …", "Thế …"."""
    lead = _LEAD_DROP.match(fold(q))
    return (lead is not None and lead.end() > 0) or bool(_LEAD_THE.match(q))


def is_follow_up(question: str, previous: str, gazetteer: Gazetteer | None = None) -> bool:
    """Does ``question`` lean on ``previous`` (a standalone question) for its place, period or topic?
    Places are the ``gazetteer``'s (None: the shipped one)."""
    find = (gazetteer or default_gazetteer()).find_places
    q = normalize_text(question)
    folded = fold(q)
    if _marker_led(q):
        return True
    if _LEAD_KEEP.match(folded) or _has_anaphora(q):
        return True
    own_places = find(q)
    prev_places = find(previous)
    if own_places:
        return False
    if prev_places:
        return True
    return len(_words(q)) <= _SHORT and bool(_YEAR.search(fold(previous))) and not _YEAR.search(folded)


def _strip_markers(q: str) -> str:
    folded = fold(q)
    m = _LEAD_DROP.match(folded) or _LEAD_THE.match(q)
    if m and m.end() > 0:
        q, folded = q[m.end() :], folded[m.end() :]
    m = _TAIL_VAGUE.search(folded) or _TAIL_EN_VAGUE.search(folded)
    if m and m.start() < len(q):
        q = q[: m.start()]
    q = q.strip(" ,?.!")
    return q[:1].upper() + q[1:] if q else q


def _swap(previous: str, places: Sequence[str], years: Sequence[str], times: Sequence[str], find: Callable[[str], list[str]]) -> str:
    """The previous question about other place(s) and/or year(s)."""
    out = previous
    if places:
        prev_places = find(previous)
        spans = _place_spans(out, prev_places)
        if spans:
            s, e, old = spans[0]
            mention = out[s:e]
            folded_old = fold(old)
            offset = fold(mention).rfind(folded_old)
            new_mention = mention[:offset] + places[0]
            # the same place named again later in the question follows the swap
            rest = out[e:]
            rest_spans = [(a - e, b - e) for a, b, p in spans[1:] if p == old]
            for a, b in reversed(rest_spans):
                sub = rest[a:b]
                off = fold(sub).rfind(folded_old)
                rest = rest[:a] + sub[:off] + places[0] + rest[b:]
            out = out[:s] + new_mention + rest
        else:
            out = f"{out.rstrip(' ?')} ({', '.join(places)})?"
    if years:
        prev_years = list(dict.fromkeys(_YEAR.findall(out)))
        for old, new in zip(prev_years, years, strict=False):
            out = re.sub(rf"(?<!\d){old}(?!\d)", new, out)
        if not prev_years and times:
            # "Hiện nay … bao nhiêu?" then "còn năm 2022?": the new period replaces "now", it is not dropped
            out = _tidy(_NOW.sub(" ", out))
            out = out[:1].upper() + out[1:]
            out = f"{out.rstrip(' ?')} ({'; '.join(_lower_first(t, find) for t in times)})?"
    return out


# "now" in a question (folded-insensitive on the written text): replaced when a follow-up asks another period
_NOW = re.compile(r"(?<!\w)(?:(?:tính )?đến (?:thời điểm )?(?:nay|hiện nay|hiện tại)|hiện nay|hiện tại|bây giờ|"
                  r"currently|now|to date)(?!\w),?", re.IGNORECASE)


def _context(previous: str, q: str, with_topic: bool, find: Callable[[str], list[str]]) -> list[str]:
    """Place, period and (for anaphora) topic phrases of the previous question that ``q`` lacks."""
    parts: list[str] = []
    prev_places = find(previous)
    own = set(find(q))
    place_spans = _place_spans(previous, prev_places)
    seen: set[str] = set()
    for s, e, place in place_spans:
        if own or place in seen:  # a follow-up that names its own place does not inherit the old one
            continue
        seen.add(place)
        parts.append(_lower_first(previous[s:e], find))
    time_spans = _time_spans(previous)
    if not _YEAR.search(fold(q)):
        parts.extend(_lower_first(previous[s:e], find) for s, e in time_spans)
    if with_topic:
        folded = fold(previous)
        cut = [(s, e) for s, e, _ in place_spans] + list(time_spans)
        cut += [(m.start(), m.end()) for m in _QUESTION_WORDS.finditer(folded)]
        topic = _tidy(_cut(previous, cut).replace("?", " "))
        topic = re.sub(r"^(?:(?:có|đã|là|được|ở|tại|của)\s+)+", "", topic, flags=re.IGNORECASE)
        if len(_words(topic)) >= 2:
            parts.append(topic)
    return parts


def _rewrite(question: str, previous: str, find: Callable[[str], list[str]]) -> str:
    q = " ".join(normalize_text(question).split())
    core = _strip_markers(q)
    own_places = find(core)
    own_years = _YEAR.findall(fold(core))
    content = _cut(core, [(s, e) for s, e, _ in _place_spans(core, own_places)] + _time_spans(core))
    content_words = [w for w in _words(content) if not _YEAR.fullmatch(w)]
    if not core or not content_words:
        # "Còn Bắc Ninh thì sao?" / "Còn năm 2023?" -> the previous question, re-targeted
        return _swap(previous, own_places, own_years, [core[s:e] for s, e in _time_spans(core)], find)
    vague_tail = bool(_TAIL_VAGUE.search(fold(q)))
    if vague_tail and not _OWN_QUESTION.search(fold(core)) and question_type(previous) != "other":
        # "Còn số trường hợp ... thì sao?" asks the same kind of thing as the previous question
        core = f"{core} {_QTYPE_PHRASE[question_type(previous)]}"
    # "Tại sao?", "Khi nào?": too short to name a topic, so the previous one is meant
    # "Vậy có mất đồng nào không?", "Còn quyền của công dân thì sao?": a follow-up marker says the topic is the
    # previous one's, unless the question names a place of its own (it re-targets the previous question)
    with_topic = _has_anaphora(q) or len(content_words) <= 3 or (_marker_led(q) and not own_places)
    parts = _context(previous, core, with_topic, find)
    if not parts:
        return f"{core}?"
    return f"{core} ({'; '.join(parts)})?"


def _named_before(question: str, history: Sequence[Turn], find: Callable[[str], list[str]]) -> list[str]:
    """The names the last answer gave that the question refers to by a pronoun ("Ông ấy mất năm nào?" after
    "Vovinam do võ sư Nguyễn Lộc sáng lập"): its runs of capitalised words the question does not hold."""
    if not _PERSON_ANAPHORA.search(normalize_text(question)):
        return []
    answer = next((t.content for t in reversed(history) if t.role == "assistant" and t.content.strip()), "")
    body = re.sub(r"\[\d+\]", " ", normalize_text(answer).split("\n", 1)[0])
    folded_q = fold(question)
    names = [n for n in capitalised_runs(body)
             if fold(n) not in folded_q and not find(n)]  # a person, not a place
    return list(dict.fromkeys(names))[:2]


def condense(question: str, history: Sequence[Turn], gazetteer: Gazetteer | None = None) -> str:
    """A standalone form of ``question`` given the conversation so far (unchanged if already standalone);
    places are the ``gazetteer``'s (None: the shipped one)."""
    gaz = gazetteer or default_gazetteer()
    find = gaz.find_places
    user_turns = [t.content for t in history if t.role == "user" and t.content.strip()]
    if not user_turns:
        return question
    previous = user_turns[0]
    for turn in user_turns[1:]:
        previous = _rewrite(turn, previous, find) if is_follow_up(turn, previous, gaz) else turn
    previous = " ".join(normalize_text(previous).split())
    if not is_follow_up(question, previous, gaz):
        return question
    rewritten = _rewrite(question, previous, find)
    names = _named_before(question, history, find)
    if names:
        rewritten = f"{rewritten.rstrip(' ?')} ({'; '.join(names)})?"
    return rewritten
