"""Eval datasets: JSON Lines of questions with their gold answers, sources and verbatim evidence.

Why a strict loader: an eval set with a silently dropped or mistyped line measures the wrong thing.
Every problem is reported with its line number, and all problems of a file are reported at once so
the author can fix them in one pass. Unknown fields are ignored (the contract allows additions).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.types import Turn
from index.utf8 import find_unencodable_field

__all__ = ["DatasetError", "EvalItem", "REFUSAL_TYPES", "load_dataset", "parse_item"]

# Item types whose correct behaviour is to decline (refused=true).
REFUSAL_TYPES = frozenset({"unanswerable", "injection"})
_ROLES = ("user", "assistant")


class DatasetError(ValueError):
    """The dataset file is unusable; ``str(err)`` lists every bad line with its number."""

    def __init__(self, path: Path | str, problems: Sequence[str]) -> None:
        self.path = str(path)
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = f"\n  ... and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(f"Invalid eval dataset {self.path} ({len(self.problems)} problem(s)):\n{shown}{more}")


@dataclass(frozen=True)
class EvalItem:
    """One question of an eval set (see ../shared/CONTRACT.md, "Eval dataset and results")."""

    id: str
    question: str
    history: tuple[Turn, ...] = ()
    type: str = ""
    answer: str = ""
    must_include: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    # gold articles of a legal question, "file#N" ("luat-cu-tru.txt#20"): a citation is right at the
    # article level when its quote lies inside one of them
    articles: tuple[str, ...] = ()
    line: int = 0  # 1-based line in the file it came from (0 when built in code)

    @property
    def expects_refusal(self) -> bool:
        """True when declining is the correct behaviour (unanswerable, injection).

        Items without a type are judged by their gold data: no sources and nothing to include
        means there is nothing in the documents to answer with.
        """
        if self.type:
            return self.type in REFUSAL_TYPES
        return not self.sources and not self.must_include

    @property
    def answerable(self) -> bool:
        return not self.expects_refusal


def _str_list(value: Any, field: str, problems: list[str], where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: '{field}' must be a list of strings, got {type(value).__name__}")
        return ()
    return tuple(value)


def _history(value: Any, problems: list[str], where: str) -> tuple[Turn, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(f"{where}: 'history' must be a list of {{role, content}} objects")
        return ()
    turns: list[Turn] = []
    for i, t in enumerate(value):
        if not isinstance(t, dict) or t.get("role") not in _ROLES or not isinstance(t.get("content"), str):
            problems.append(
                f"{where}: history[{i}] must be {{\"role\": \"user\"|\"assistant\", \"content\": str}}, got {t!r}"[:300]
            )
            continue
        turns.append(Turn(role=t["role"], content=t["content"]))
    return tuple(turns)


def parse_item(record: Any, line: int = 0, problems: list[str] | None = None) -> EvalItem | None:
    """Validate one decoded JSON record; appends problems and returns None when unusable."""
    errs = problems if problems is not None else []
    where = f"line {line}" if line else "item"
    if not isinstance(record, dict):
        errs.append(f"{where}: expected a JSON object, got {type(record).__name__}")
        return None
    bad = find_unencodable_field(record)
    if bad is not None:  # a "\ud800" escape without its pair: it would crash the run, not measure it
        field, found = bad
        errs.append(f"{where}: '{field}' has an {found.describe_en()}, which cannot be encoded as UTF-8; "
                    "fix the escape (\\uD800-\\uDFFF must come in pairs) or retype the text")
        return None
    before = len(errs)
    item_id = record.get("id")
    if not isinstance(item_id, str | int) or isinstance(item_id, bool) or str(item_id).strip() == "":
        errs.append(f"{where}: missing or empty 'id'")
    question = record.get("question")
    if not isinstance(question, str) or not question.strip():
        errs.append(f"{where}: missing or empty 'question'")
    typ = record.get("type", "")
    if not isinstance(typ, str):
        errs.append(f"{where}: 'type' must be a string")
        typ = ""
    answer = record.get("answer", "")
    if not isinstance(answer, str):
        errs.append(f"{where}: 'answer' must be a string")
        answer = ""
    history = _history(record.get("history"), errs, where)
    must = _str_list(record.get("must_include"), "must_include", errs, where)
    sources = _str_list(record.get("sources"), "sources", errs, where)
    evidence = _str_list(record.get("evidence"), "evidence", errs, where)
    articles = _str_list(record.get("articles"), "articles", errs, where)
    for a in articles:
        if not re.fullmatch(r"[^#]+#\d+[a-zđ]?", a):
            errs.append(f"{where}: 'articles' entries must look like 'file.txt#12', got {a!r}")
    if len(errs) > before:
        return None
    return EvalItem(id=str(item_id), question=str(question), history=history, type=typ, answer=answer,
                    must_include=must, sources=sources, evidence=evidence, articles=articles, line=line)


def load_dataset(path: Path | str) -> list[EvalItem]:
    """Load and validate a JSONL eval set; raises DatasetError listing every bad line."""
    p = Path(path)
    if not p.is_file():
        raise DatasetError(p, [f"file not found: {p}"])
    data = p.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise DatasetError(p, [f"line {line}: not UTF-8 text (byte {data[err.start]:#04x} at byte column {column}: "
                               f"{err.reason}); re-save the file as UTF-8"]) from err
    problems: list[str] = []
    items: list[EvalItem] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as err:
            problems.append(f"line {n}: invalid JSON ({err.msg} at column {err.colno})")
            continue
        item = parse_item(record, n, problems)
        if item is None:
            continue
        if item.id in seen:
            problems.append(f"line {n}: duplicate id {item.id!r} (first on line {seen[item.id]})")
            continue
        seen[item.id] = n
        items.append(item)
    if problems:
        raise DatasetError(p, problems)
    if not items:
        raise DatasetError(p, ["no items (the file is empty)"])
    return items
