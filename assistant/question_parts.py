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

# where a second question may begin (on the text as written, case-insensitive)
_BREAKS = re.compile(r"\s*(?:,\s*(?:và|còn|and)\s+|;\s+|,\s*(?:đồng thời|ngoài ra|also)\s+)", re.IGNORECASE)
_MIN_WORDS = 4  # a part shorter than this ("tại đâu?") leans on the other for its subject: not split


def split_parts(question: str, analyze: Callable[[str], QueryInfo], typer: AnswerTyper | None) -> list[str]:
    """The question's parts, each asking something on its own; ``[question]`` when it asks one thing."""
    if re.search(r"\([^()]*(?:[;,]|\band\b|\bvà\b)[^()]*\)", question):
        return [question]  # a break inside brackets (context a follow-up rewrite added) splits nothing
    pieces = [p.strip(" ,;") for p in _BREAKS.split(question.strip()) if p and p.strip(" ,;")]
    if len(pieces) < 2 or len(pieces) > 3:
        return [question]
    whole = analyze(question)
    if whole.qtype == "compare":
        return [question]  # "A và B, nơi nào cao hơn": one question about two sides
    if any(len(p.split()) < _MIN_WORDS or not _asks(p, analyze, typer) for p in pieces):
        return [question]
    return [p if p.rstrip().endswith("?") else p.rstrip(" .") + "?" for p in pieces]


def _asks(part: str, analyze: Callable[[str], QueryInfo], typer: AnswerTyper | None) -> bool:
    if typer is not None and (typer.expected(part) or typer.is_yes_no_tail(part)):
        return True
    return analyze(part).qtype not in ("other", "")
