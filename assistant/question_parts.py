"""Questions that ask two things at once: "Mỗi người được cấp mấy căn cước điện tử, và căn cước điện tử có
dùng để chứng minh nhân thân được không?".

Why: one lead answers one question. A citizen who asks two things (often answered by two articles of a
law) gets the first answered and the second lost among the quotes. Split where a clause boundary
(", và", "; ", ", and") separates two clauses that each ask something (a question word, an answer type,
or a yes/no ending), answer each part on the same retrieved passages, and lead with one line per part.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.answer_typing import AnswerTyper
from assistant.query import QueryInfo

__all__ = ["split_parts"]

# where a second question may begin (on the text as written, case-insensitive). A bare "và" does not split:
# measured on the fitting sets, splitting "… ở địa chỉ nào và làm việc mấy giờ" answered one half of
# unanswerable questions with loosely related sentences more often than it completed a lead
_BREAKS = re.compile(r"\s*(?:,\s*(?:và|còn|and)\s+|;\s+|,\s*(?:đồng thời|ngoài ra|also)\s+)", re.IGNORECASE)
_MIN_WORDS = 4  # a part with fewer words of its own than this leans on the first part for its subject


def split_parts(question: str, analyze: Callable[[str], QueryInfo], typer: AnswerTyper | None) -> list[str]:
    """The question's parts, each asking something on its own; ``[question]`` when it asks one thing.

    A part that names no subject of its own ("Trần Hưng Đạo mất năm nào, và ở đâu?") borrows the first
    part's, without its asking phrase: "Trần Hưng Đạo mất ở đâu?".
    """
    if re.search(r"\([^()]*(?:[;,]|\band\b|\bvà\b)[^()]*\)", question):
        return [question]  # a break inside brackets (context a follow-up rewrite added) splits nothing
    whole = analyze(question)
    if whole.qtype == "compare":
        return [question]  # "A và B, nơi nào cao hơn": one question about two sides
    pieces = [p.strip(" ,;") for p in _BREAKS.split(question.strip()) if p and p.strip(" ,;")]
    if not 2 <= len(pieces) <= 3:
        return [question]
    parts = _with_subjects(pieces, typer)
    if parts is None or any(not _asks(p, analyze, typer) for p in pieces):
        return [question]
    return [p if p.rstrip().endswith("?") else p.rstrip(" .") + "?" for p in parts]


def _with_subjects(pieces: list[str], typer: AnswerTyper | None) -> list[str] | None:
    """Each piece as a question of its own; None when the first piece is itself too short to stand alone."""
    if len(pieces[0].split()) < _MIN_WORDS:
        return None
    subject = typer.subject_of(pieces[0]) if typer is not None else ""
    out = [pieces[0]]
    for p in pieces[1:]:
        names_own = typer is None or len(typer.subject_of(p).split()) >= _MIN_WORDS
        if not names_own and len(subject.split()) >= 2:
            out.append(f"{subject} {p}")
        elif len(p.split()) >= _MIN_WORDS:
            out.append(p)
        else:
            return None
    return out


def _asks(part: str, analyze: Callable[[str], QueryInfo], typer: AnswerTyper | None) -> bool:
    if typer is not None and (typer.asks_openly(part) or typer.expected(part)):
        return True
    return analyze(part).qtype not in ("other", "")
