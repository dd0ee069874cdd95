"""Enumerated lists inside documents: a lead-in ("… gồm:") or a heading, and the lines it enumerates.

Why a module of its own: a question asking for a list, the steps of a procedure or the papers to bring
is answered by a whole block of a document ("3. Các bước nộp hồ sơ" and its six numbered lines), not by
the one line that happened to match best. Selection uses these blocks to choose what to quote, the lead
to list the items, and both must agree on where a list starts and ends.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.evidence import TABLE_ROW, Evidence, Sentence
from assistant.question_cues import tokens

__all__ = ["ENUMERATED", "announces", "enclosing_list", "enum_kind", "list_items", "lists_asked_inline",
           "section_items", "starts_line"]

# The most items a list is quoted with: a law's point list runs to "n)" (fourteen items, the card's printed
# fields) and a citizen asking for it wants all of them; a longer run is a whole glossary, not an answer.
MAX_ITEMS = 20
# How far into a list a sentence may stand and still make the list the answer: an item past the tenth is one
# entry of a long catalogue (a law's 25 kinds of data on a person) that happens to match, not the list asked
# for; the list it answers is chosen by its first items, then quoted up to ``MAX_ITEMS``.
MEMBER_ITEMS = 10
# "a)", "1.", "2)", "-", "•", "Bước 3", "Step 2": how a document marks the items of a list
ENUMERATED = re.compile(r"^\s*(?:[a-zđ]\)|\d{1,2}[.)](?=\s)|[-•+*](?=\s)|(?:bước|step)\s+\d+\s*[:.]?)\s*", re.IGNORECASE)


def announces(s: Sentence) -> bool:
    """Whether the sentence ends by announcing what follows ("… gồm:", "… các yêu cầu sau đây:")."""
    return s.text.rstrip().endswith(":")


def starts_line(ev: Evidence, s: Sentence) -> bool:
    """Whether the sentence opens its line (an item's later sentences do not)."""
    doc = ev.docs[s.source]
    line_start = doc.text.rfind("\n", 0, s.start) + 1
    return doc.text[line_start:s.start].strip() == ""


def enum_kind(text: str) -> str:
    m = ENUMERATED.match(text)
    if m is None:
        return ""
    head = m.group(0).strip().lower()
    if head[:1].isdigit():
        return "digit"
    if head.endswith(")"):
        return "letter"
    return head[:4]


def lists_asked_inline(ev: Evidence, inline_subject: Callable[[str], str], s: Sentence) -> bool:
    """Whether ``s`` lists its items itself ("Thông tin sinh trắc học gồm ảnh khuôn mặt, vân tay, …") and what
    it lists is what the question names: every word before its list word is in the question. Such a
    sentence is the whole answer to a list question; the clauses beside it, or its article's other
    clauses, state other facts. A sentence listing something else ("Nội dung khai báo gồm …" for "khai
    báo qua những cách nào") is not."""
    subject = tokens(ENUMERATED.sub("", inline_subject(s.text), count=1))
    return bool(subject) and set(subject) <= set(tokens(f"{ev.info.question} {ev.info.expansion}"))


def list_items(ev: Evidence, s: Sentence, limit: int = MAX_ITEMS) -> list[Sentence]:
    """The enumerated lines that follow a sentence announcing them ("… gồm:", "a) …", "1. …"), up to
    the next line enumerated at another level (the next clause after a clause's points)."""
    doc = ev.docs[s.source]
    out: list[Sentence] = []
    kind = ""
    nxt = s.index + 1
    lead_in = announces(s)
    while nxt < len(doc.sentences) and len(out) < limit:
        cand = doc.sentences[nxt]
        at_line = starts_line(ev, cand)
        if at_line and (cand.para == cand.section or TABLE_ROW.search(cand.text)):
            break  # the next section's heading ("4. Thời hạn và lệ phí") ends the list; a table is no list
        this = enum_kind(cand.text) if at_line else ""
        if this and (not kind or this == kind):
            kind = kind or this
            out.append(cand)
        elif this and kind and kind != "line" and _level(this) > _level(kind):
            pass  # a point nested in the item before ("a)" under "1."): part of that item
        elif lead_in and at_line and not out and not this:
            out.append(cand)  # a plain line right after "…:"
            kind = "line"
        elif kind == "line" and at_line and not this and cand.para == out[-1].para + 1 and len(out) < 6:
            out.append(cand)
        elif not at_line:
            pass  # the rest of the same line (a second sentence of an item, or of the lead-in's line)
        elif out and _bridged(ev, doc.sentences, nxt, out[-1]):
            pass  # a paragraph of the item before, the next item after it ("1. …" "Thông tin … được xem
            # là toàn vẹn khi …" "2. …")
        else:
            break
        nxt += 1
    return out


def _marker(text: str) -> tuple[str, int] | None:
    """("digit", 2) for "2. …", ("letter", 1) for "b) …": where in its sequence an item stands."""
    kind, m = enum_kind(text), ENUMERATED.match(text)
    if m is None or kind not in ("digit", "letter"):
        return None
    head = m.group(0).strip()
    return (kind, int(head[:-1])) if kind == "digit" else (kind, _LETTERS.find(head[0].lower()))


_LETTERS = "abcdđeghiklmnopqrstuvxy"  # Vietnamese point letters in order ("d)" then "đ)"; no "f", "j", "w")


def _bridged(ev: Evidence, sents: list[Sentence], i: int, last: Sentence, span: int = 2) -> bool:
    """Whether the unnumbered line at ``i`` sits inside an item: within ``span`` lines the list goes on
    with the marker after ``last``'s ("1." … "2."), and no section heading comes between."""
    prev = _marker(last.text)
    if prev is None:
        return False
    lines = 0
    for cand in sents[i:]:
        if not starts_line(ev, cand):
            continue
        if cand.para == cand.section or TABLE_ROW.search(cand.text):
            return False
        mark = _marker(cand.text)
        if mark is not None:
            return mark == (prev[0], prev[1] + 1)
        lines += 1
        if lines > span:
            return False
    return False


def section_items(ev: Evidence, s: Sentence, limit: int = MAX_ITEMS) -> tuple[Sentence, list[Sentence]] | None:
    """A list question answered by a whole section: "những hành vi nào bị nghiêm cấm" is answered by
    the enumerated lines under the heading "Điều 7. Các hành vi bị nghiêm cấm" (the heading, and its
    clauses and points), not by the one clause that matched best. None when the sentence's section is
    not an enumeration."""
    if s.section < 0:
        return None
    doc = ev.docs[s.source]
    same = [x for x in doc.sentences if x.section == s.section]
    head = next((x for x in reversed(same) if x.para == s.section), None)  # "Điều 7." | "Các hành vi …"
    lines = []
    for x in same:
        if x is not head and starts_line(ev, x) and enum_kind(x.text):
            lines.append(x)
    if head is None or len(lines) < 2:
        return None
    return head, lines[:limit]


def enclosing_list(ev: Evidence, s: Sentence, limit: int = MAX_ITEMS) -> tuple[Sentence, list[Sentence]] | None:
    """The list ``s`` belongs to: its lead-in (the line announcing it, or the heading it sits under) and
    its items, in document order; None when ``s`` is neither an item of a list (the sentence opening its
    line) nor the lead-in of one.

    An item's run is followed back over the lines enumerated the same way ("1." … "6.", "Bước 1" …
    "Bước 4"), and over the points nested in them ("a)" under "1."); the line before the run is its
    lead-in when it announces it ("…:") or heads the section ("## 3. Các bước nộp hồ sơ")."""
    doc = ev.docs[s.source]
    if announces(s):
        own = list_items(ev, s, limit)
        if len(own) >= 2:
            return s, own  # "1. Hồ sơ đăng ký tạm trú bao gồm:" lists its points, not its article's clauses
    if not starts_line(ev, s):
        return None  # a later sentence of a long item states a fact of its own, not the item a list shows
    i = s.index
    while i > 0 and not starts_line(ev, doc.sentences[i]):
        i -= 1  # the lead-in may end the line it is on ("## 3." "Các bước …")
    first = doc.sentences[i]
    kind = enum_kind(first.text)
    head = s
    if kind:
        j = i - 1
        while j >= 0:
            cand = doc.sentences[j]
            if starts_line(ev, cand):
                this = enum_kind(cand.text)
                if not this and cand.para != cand.section and _inside_item(ev, doc.sentences, j, kind):
                    j -= 1
                    continue  # a paragraph of the item before
                if not this or _level(this) < _level(kind) or cand.para == cand.section:
                    break  # the lead-in, the clause a point belongs to, or the section heading ("3. Các bước")
            j -= 1
        if j < 0:
            return None
        while j + 1 < i and not starts_line(ev, doc.sentences[j + 1]):
            j += 1
        head = doc.sentences[j]  # the last sentence of the line before the run: it announces it
    if not (announces(head) or head.para == head.section):
        return None
    items = list_items(ev, head, limit)
    if len(items) < 2 or (kind and first not in items[:MEMBER_ITEMS]):
        return None  # no list, or ``s`` is an entry deep in a long catalogue
    return head, items


def _inside_item(ev: Evidence, sents: list[Sentence], j: int, kind: str) -> bool:
    """Whether the unnumbered line at ``j`` continues an item of ``kind`` begun above it (what
    ``_bridged`` reads forwards, read backwards)."""
    for k in range(j - 1, max(-1, j - 8), -1):
        cand = sents[k]
        if not starts_line(ev, cand):
            continue
        if cand.para == cand.section:
            return False
        if enum_kind(cand.text):
            return enum_kind(cand.text) == kind and _bridged(ev, sents, j, cand)
        if announces(cand):
            return False
    return False


def _level(kind: str) -> int:
    """How deep a kind of enumerator nests: clauses and steps, then points, then bullets."""
    return {"digit": 0, "bước": 0, "step": 0, "letter": 1}.get(kind, 2)
