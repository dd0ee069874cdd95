"""What a question's wording asks for beyond its topic words: a definition, or what a speaker said.

Why separate from evidence scoring: these are readings of the *question* ("X là gì?" wants the
sentence that says what X is; "Chủ tịch … nói gì" wants what follows the speaker's introduction),
and the answerability check and the sentence scorer must read them the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.query import QueryInfo
from index.normalize import fold

__all__ = ["QUOTED", "SPEAKER_WORDS", "SPEECH", "SPEECH_AFTER", "asking_clause", "asking_sentence", "in_story", "asks_for_list",
           "defined_term", "defines", "capitalised_runs", "inner_names", "is_how_to", "names_person", "speaker_names", "tokens"]

_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    """Folded syllables of ``text`` (lower case, no diacritics, "đ" -> "d")."""
    return _TOKEN.findall(fold(text))


def question_sentences(question: str) -> list[str]:
    """The question's sentences: a citizen often tells a story before asking ("Chồng tôi … đã có tạm trú ở đó. Ở
    quê có bắt anh ấy khai báo tạm vắng không?")."""
    return [x for x in re.split(r"[.!?]+\s", question.strip()) if x.strip()]


_ASIDE = re.compile(r"\s*\([^()]*\)")


def without_asides(text: str) -> str:
    """``text`` without its bracketed asides: another name of a term ("Sách nôi (incunabula)"), a definition's
    "(sau đây gọi là …)"."""
    return _ASIDE.sub("", text)


def asking_sentence(question: str) -> str:
    """The question's last sentence: the one that asks, after any story the citizen tells first."""
    sentences = question_sentences(question)
    return sentences[-1] if sentences else question


# A Vietnamese personal name: a common family name followed by a capitalised given name ("Phạm Anh
# Tuấn"); family names that also start place names (Hà, Lâm, Cao, Thái, ...) are left out.
_PERSON = re.compile(r"\b(?:Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ|Ngô|Dương|Lý|Đinh|Đào|"
                     r"Lương|Trương|Trịnh|Đoàn|Lưu|Quách|Kiều|Vương)\s+(\w)\w*\s+(\w)")


def in_story(question: str, named: str) -> bool:
    """Whether ``named`` (a place, a year) is told only in the story before the asking sentence ("I'm an American
    living in Da Nang … . Can I get an International Driving Permit here …?", "Em đóng bảo hiểm từ tháng 1/2019 …
    . Giờ rút một lần …?"): it says who asks, not what the answer must be about."""
    last = asking_sentence(question)
    if last == question.strip():
        return False
    f, story = fold(named), fold(question[: question.rfind(last)])
    return bool(re.search(rf"\b{re.escape(f)}\b", story)) and not re.search(rf"\b{re.escape(f)}\b", fold(last))


def asking_clause(question: str) -> str:
    """The last sentence of a question, and of it the last clause of at least three syllables (from its last comma
    on: "giờ đi đăng ký lấy biển thì lệ phí hết bao nhiêu" after the story of buying the scooter)."""
    last = asking_sentence(question)
    parts = [x for x in re.split(r"[,;]", last) if x.strip()]
    for i in range(len(parts) - 1, -1, -1):
        clause = ",".join(parts[i:])
        if len(clause.split()) >= 3:
            return clause
    return last


def names_person(text: str) -> bool:
    return any(m.group(1).isupper() and m.group(2).isupper() for m in _PERSON.finditer(text))


# Definition questions ("VNeID là gì?", "What is DTI?") and the sentences that answer them.
_DEFINE_VI = re.compile(r"^(?:theo [^,;:?]{1,80}, )?(?:(?:cho (?:(?:em|e|toi|minh|chau|con) )?)?(?:hoi|xin hoi)\s+)?"
                        r"(?:cai\s+)?"
                        r"([^,;:?]+?)\s+(?:(?:co )?nghia )?la (?:cai )?gi(?:\s+(?:vay|va|a|the|nhi|nhe|ha|day))*\s*(?:[?.!]*$|[,;])")
# "Thế nào là X?", "Định nghĩa X": a definition asked outright, so a long term is still a term
_DEFINE_VI_ASKED = re.compile(r"^(?:the nao (?:duoc goi |duoc hieu )?la|dinh nghia(?: ve)?)\s+([^,;:?]+?)\s*[?.!]*$")
_ASKED_TERM = 4  # syllables: a longer subject of "… là gì" asks for content ("mục tiêu của kế hoạch là gì")
_OUTRIGHT_TERM = 12  # ... of "Thế nào là …"
_DEFINE_EN = re.compile(r"^what(?:'s| is| are) (?:an? |the )?([^,;:?]+?)\s*\??$|^what does ([^,;:?]+?) mean\s*\??$")
# a phrase a question quotes ("ông Năm", 'Tên "Hoàn Kiếm"'): a name or a term, its words taken together
QUOTED = re.compile(r'["“«]([^"“”«»]{1,80})["”»]')
_DEF_TOKEN = re.compile(r"\d[\d.,]*\s*%|[a-z0-9]+|[():,]")


def defined_term(info: QueryInfo, term_nouns: Sequence[str] = ()) -> str:
    """The term a definition question asks about ("VNeID là gì?" -> "vneid"), folded; "" otherwise.

    Only a short term counts: "mục tiêu của kế hoạch là gì" asks for content, not a definition."""
    f = fold(info.question).strip()
    m = _DEFINE_VI.match(f) if info.language == "vi" else _DEFINE_EN.match(f)
    outright = m is None and info.language == "vi" and (m := _DEFINE_VI_ASKED.match(f)) is not None
    if not m:
        return ""
    toks = tokens(m.group(1) or m.group(2) or "")
    g = 1 if m.group(1) else 2
    lead = len(info.question) - len(info.question.lstrip())
    written = info.question[lead + m.start(g):lead + m.end(g)].lower()  # fold keeps offsets
    # a name given in parentheses is another name of the term, not part of it ("Sách nôi (incunabula)")
    aside = without_asides(written).strip()
    if aside and aside != written:
        written, toks = aside, tokens(aside)
    # a term the question quotes is the term, whatever word announces it ('Tên "Hoàn Kiếm" có nghĩa là gì?')
    quoted = QUOTED.search(written)
    toks = (tokens(quoted.group(1)) if quoted is not None else []) or toks
    # nouns that announce the term, as written ('Từ "Nguyên Đán" có nghĩa là gì?' asks what "Nguyên Đán" means)
    for noun in term_nouns if quoted is None else ():
        if written.startswith(noun + " ") and len(toks) > len(noun.split()):
            toks = toks[len(noun.split()):]
            break
    if not toks or len(toks) > (_OUTRIGHT_TERM if outright else _ASKED_TERM) or any(fold(p) in f for p in info.places):
        return ""  # a long subject asks for content; "thị xã La Gi" is a place, not "là gì"
    return " ".join(toks)


def defines(folded: str, term: str) -> bool:
    """Whether a (folded) sentence says what ``term`` is: "X là …" with X as the subject, "X: …", or
    an acronym spelled out before it ("Chỉ số chuyển đổi số (DTI)", "Cục … (C06, Bộ CA)")."""
    f = " ".join(_DEF_TOKEN.findall(folded))
    t = re.escape(term)
    f = re.sub(r"^(?:\d{1,2} |[a-z] \) )", "", f)  # a clause or point number ("12. Chứng thư … là")
    return bool(re.search(rf"(?:^|[,:(] )(?:(?:theo do|trong do|hien nay|do la) )?{t} (?:\( [^)]* \) )?"
                          rf"(?:la|gom|bao gom)\b|(?:^|, ){t} :|\( (?:[^)]* )?{t}\b", f)
                or re.search(_NAMING.format(t=t), f))


# The other ways a sentence says what a term is: it names something ("… được gọi là X", "… mệnh danh là X",
# "… còn gọi là X"), glosses the term ("X, có nghĩa là …", "X, tức là …", "X nghĩa là …") or says in an
# apposition what it is regarded as ("X, áng văn được coi là …").
_NAMING = (r"\b(?:goi|menh danh|ten goi) la {t}\b|\b{t} (?:, )?(?:co nghia|nghia|tuc|hay con goi|con goi|duoc hieu) la\b"
           r"|\b{t} , [^,]{{0,50}}?\b(?:coi|xem) la\b"  # an apposition: "“X”, áng văn được … coi là …"
           r"|\b{t} , mot\b"  # ... or its class: "động Puông, một hang đá vôi dài khoảng 300 mét"
           # what X is regarded as, later in the sentence that X opens: "X được thành lập …, được coi là …"
           r"|^(?:[a-z0-9,]+ ){{0,4}}{t} (?:[a-z0-9,()]+ ){{1,16}}?(?:duoc|van duoc) (?:[a-z0-9]+ ){{0,3}}?(?:coi|xem) la\b"
           r"|\b{t} (?:is|are|means) (?:called )?\b|\b(?:called|known as) {t}\b")


# A sentence that introduces what someone said: "Chủ tịch … nhấn mạnh: …" (folded)
SPEECH = re.compile(r"\b(?:nhan manh|noi|phat bieu|cho rang|khang dinh|de nghi|yeu cau|chi dao|cho biet)\b")


def speaker_names(question: str, stopwords: frozenset[str]) -> frozenset[str]:
    """The folded syllables of the person a question names ("Nguyễn Đăng Bình"), or else of the title
    it names ("Chủ tịch UBND tỉnh …" is said by whoever holds it); empty when it names no one."""
    names: set[str] = set()
    for m in _PERSON.finditer(question):
        if m.group(1).isupper() and m.group(2).isupper():
            words = question[m.start():].split()
            for w in words[:4]:
                if not w[:1].isupper():
                    break
                names.update(tokens(w))
    names -= stopwords
    if not names:
        title = _SPEAKER_TITLE.search(fold(question))
        if title is not None:
            names = set(tokens(title.group(0)))
    return frozenset(names)


SPEECH_AFTER = re.compile(r"[”\"]\s*[-–]\s*(?:\w+\s+){0,12}?(?:dan giai|cho biet|noi|nhan manh|khang dinh)\b")
_SPEAKER_TITLE = re.compile(r"\b(?:pho )?chu tich (?:ubnd|uy ban nhan dan)(?: (?:tinh|thi xa|huyen|thanh pho))?"
                            r"|\bgiam doc so\b|\bbi thu tinh uy\b")
SPEAKER_WORDS = frozenset(["chu", "tich", "pho", "giam", "doc", "ong", "ba", "dong", "chi", "bi", "thu", "noi",
                            "nhan", "manh", "phat", "bieu", "khang", "dinh", "yeu", "cau", "rang"])


_HOW_TO = re.compile(r"\bcach (?:nao|de|lam|dang ky|lay|nop|cap|doi|xin|tao|kich hoat|dat lai|khoi phuc)"
                     r"|\bhuong dan (?:\w+ ){0,3}?(?:tung buoc|cach|chi tiet|thu tuc)"
                     r"|\b(?:lam (?:sao|the nao)|nhu the nao de|phai lam gi|can (?:nhung )?giay to gi"
                     r"|ho so gom|thu tuc (?:can|gom|gi)|can lam gi|cac buoc|trinh tu (?:thuc hien|dang ky))\b"
                     r"|^cach\b|\bhow (?:do|can|should) (?:i|we|you|one)\b|\bhow to\b|\bwhere (?:do|can|should)\b")


def is_how_to(info: QueryInfo) -> bool:
    """A procedural question ("làm thế nào để…", "cần những giấy tờ gì"): reports rarely describe procedures."""
    return bool(_HOW_TO.search(fold(info.question)))


def asks_for_list(info: QueryInfo, expected: str, list_kind: str = "") -> bool:
    """Whether the answer is a list: the items asked for ("những quyền gì", "gồm những gì"), a kind of
    items (``list_kind``: papers, steps) or the steps of a procedure ("các bước", "làm thế nào để"), when
    no single value is asked (``expected`` is the asked answer type; "where do I …" asks for a place)."""
    return not expected and (info.qtype == "list" or bool(list_kind) or is_how_to(info))


_NAME_WORD = re.compile(r"[^\W\d_]\w*")


def capitalised_runs(text: str) -> list[str]:
    """Runs of two or more capitalised words ("Bộ Công an", "Nguyễn Trãi"): what may be a name. Tested with
    ``str.isupper``: the capitals of Vietnamese alternate with their small letters in Unicode ("Ạ" "ạ" …),
    so no character range holds only them ("đúng" is no name)."""
    runs: list[str] = []
    start = end = -1
    count = 0
    for m in _NAME_WORD.finditer(text):
        if m.group(0)[0].isupper() and count and not text[end:m.start()].strip():
            end, count = m.end(), count + 1
            continue
        if count >= 2:
            runs.append(text[start:end])
        start, end, count = (m.start(), m.end(), 1) if m.group(0)[0].isupper() else (-1, -1, 0)
    if count >= 2:
        runs.append(text[start:end])
    return runs


def inner_names(text: str) -> list[str]:
    """Runs of capitalised words that do not open a sentence ("… chồng người Hàn Quốc thì …"): names the
    question writes. A word opening the text or a sentence ("Tôi", "Theo") is capitalised by position, and a
    word all in capitals ("IDP", "CCCD") is an acronym or a shorthand, not read here."""
    runs: list[str] = []
    current: list[str] = []
    prev_end = 0
    for m in _NAME_WORD.finditer(text):
        word, gap = m.group(0), text[prev_end:m.start()]
        opens = not text[:m.start()].strip() or bool(re.search(r"[.!?:;\n\"“(]\s*$", gap))
        name = word[0].isupper() and not opens and not (len(word) > 1 and word.isupper())
        if name and current and not gap.strip():
            current.append(word)
        else:
            if current:
                runs.append(" ".join(current))
            current = [word] if name else []
        prev_end = m.end()
    if current:
        runs.append(" ".join(current))
    return runs


def possessed_head(question: str, stopwords: frozenset[str], generic: frozenset[str],
                   pronouns: frozenset[str], possessive: str) -> tuple[str, ...]:
    """The folded words of the thing a question asks of its subject when it opens "<thing> của <subject>":
    "Vợ của nhà thơ Nguyễn Du tên là gì?" asks his wife ("vo"), "Mẹ của vua Quang Trung …" his mother. A
    sentence about the subject that never names the thing answers something else. Empty when the question does
    not open so, or the thing is a generic measure ("tỷ lệ", "số lượng") any figure of the subject states.
    ``possessive`` ("cua") and ``pronouns`` (the asker's own: "toi", "em") are folded, from the data."""
    words = re.findall(r"\w+", fold(question))
    if possessive not in words[1:3]:
        return ()
    at = words.index(possessive)
    head = tuple(words[:at])
    if any(w in stopwords or w.isdigit() for w in head) or " ".join(head) in generic:
        return ()
    if at + 1 < len(words) and words[at + 1] in pronouns:
        return ()  # "Hộ chiếu của tôi …": the citizen's own thing is the subject, not something asked of it
    return head

