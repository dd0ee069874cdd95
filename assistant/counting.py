"""What a "bao nhiêu X" question counts, and whether a sentence counts it.

Shared by the answerability verdict (a count of X that no chosen sentence states is a refusal) and the
sentence relevance features (the sentence that counts X ranks first), so that both mean the same thing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from assistant.answer_typing import figure_in
from assistant.query import CUES_AS_WRITTEN, QueryInfo
from assistant.question_cues import tokens
from assistant.vocabulary import FIGURE, STOPWORDS
from index.normalize import fold, written_otherwise

if TYPE_CHECKING:
    from assistant.evidence import Sentence

__all__ = ["asked_measures", "counted_noun", "counts"]

# "bao nhiêu X": X names what is counted; words after "bao nhiêu" that are units or fillers, not a noun
# ("bao nhiêu mét" asks a length, which a document writes "7.729 m": a measure, not a count of metres)
_NOT_COUNTED = frozenset(["phan", "tram", "tien", "ty", "trieu", "nghin", "dong", "lan", "so", "thi", "la",
                          "con", "nua", "the", "vay", "a", "ha", "nhi", "roi", "dau", "duoc", "va", "cua",
                          "met", "km", "cm", "mm", "m2", "km2", "kg", "gam", "tan", "lit", "do", "hecta", "h"])


_ANY_PERSON = frozenset(["nguoi", "ai"])


def counted_noun(info: QueryInfo) -> tuple[str, ...]:
    """The head of the counted noun phrase in a Vietnamese "bao nhiêu X …" question, as one or two
    folded syllables ("bao nhiêu chữ ký số" -> ("chu", "ky")); empty when there is none.

    Why: a report that mentions X but counts something else (or counts nothing) does not answer
    "how many X" — quoting "tỷ lệ sử dụng chữ ký số … còn thấp" for "cấp bao nhiêu chữ ký số" is
    a nearby sentence, not an answer.
    """
    f = fold(info.question)
    # "mấy cứ điểm" counts as "bao nhiêu cứ điểm"; "xe máy" holds no "mấy" (a question typed with diacritics
    # must write it so)
    # "lần thứ mấy" asks an ordinal, "kể tên mấy làng nghề" a few names, not a count
    cue = next((c for c in re.finditer(r"(?<!\bthu )(?<!\bke ten )(?<!\bke ra )\b(?:bao nhieu|may)\b", f)
                if c.group(0) != "may" or not written_otherwise(info.question, c.start(), c.end(),
                                                                 CUES_AS_WRITTEN)), None)
    # the noun phrase ends at a comma: "tối đa bao nhiêu MB, nhận định dạng gì" counts megabytes, not "MB nhận"
    m = re.match(r"\s+([a-z0-9][a-z0-9 ]*)", f[cue.end():]) if cue is not None else None
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


def asked_measures(info: QueryInfo) -> list[re.Pattern[str]]:
    """For each unit a "bao nhiêu <unit>" / "mấy <unit>" question asks its measure in ("nặng bao nhiêu tấn"), a
    pattern of a figure written in that unit, any of its forms (the units file's figure sides: "7.729 m",
    "7.729 mét"), over a folded sentence; empty when no measure is asked.

    Why: a sentence about the subject with some other figure ("xây dựng từ năm 1898") answers no weight."""
    f = " ".join(tokens(info.question))
    forms: dict[str, list[str]] = {}
    for said, other in info.reworded:
        if FIGURE in other:
            forms.setdefault(said, []).append(other)
    out = []
    scale = rf"(?:(?:{'|'.join(_MAGNITUDES)}) )?"  # "bao nhiêu triệu tấn" is answered by "3 triệu tấn"
    for said, sides in forms.items():
        if re.search(rf"\b(?:bao nhieu|may) {scale}{re.escape(said)}\b", f):
            out.append(re.compile(figure_in([side.replace(FIGURE, "") for side in sides],
                                            _NUMBER_WORDS | {"mot"}, _MAGNITUDES)))
    return out


def counts(sent: Sentence, head: tuple[str, ...], window: int = 5, after: int = 8) -> bool:
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
    """A count: digits that are not a share ("100%"), or a number word ("hai", "ba mươi")."""
    if token[0].isdigit():
        return not token.endswith("%")
    return token in _NUMBER_WORDS


# the scale words (folded) between a figure and its unit ("3 triệu tấn")
_MAGNITUDES = ("nghin", "ngan", "trieu", "ty", "tram", "van")
# number words (folded) a count may be written in: "hai lần", "ba cuộc kháng chiến"
_NUMBER_WORDS = frozenset(["hai", "ba", "bon", "sau", "bay", "tam", "chin", "muoi", "tram", "nghin", "trieu"])
