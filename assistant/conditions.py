"""A citizen's case against a rule's condition on a quantity.

Why: citizens state their case with a figure ("con em mới 10 tuổi", "ở nhờ khoảng 2 tuần", "quá hạn 5 tháng")
and laws and procedure pages state the rule with a bound ("dưới 14 tuổi được cấp theo nhu cầu", "từ 30 ngày trở
lên thì phải đăng ký tạm trú", "từ 03 tháng đến dưới 01 năm"). Neither shares the other's figure, so word overlap
cannot tell which rule applies, and comparing figures as strings says "10 is not 14: no". Here the case's
quantity is compared with the bound in the same dimension (an age, a span of days, working days, hours, an
area, a sum): the rule it meets is the one that applies, and an obligation whose bound it fails does not bind.

Which words are units, and which set a bound, is language knowledge in ``[conditions]`` of
``data/lang/answer_types.toml``; nothing here names a corpus.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from index.normalize import fold

__all__ = ["Bound", "ConditionReader", "Quantity", "load_conditions"]

_OPS = (">=", ">", "<=", "<")


@dataclass(frozen=True)
class Quantity:
    """A figure in a dimension, in that dimension's base unit (days for a span of months)."""

    dim: str
    value: float
    at: int  # offset in the folded text
    said: str = ""  # the folded words that state it ("10 tuoi")


@dataclass(frozen=True)
class Bound:
    """What a rule requires of a quantity: ``low`` .. ``high`` (either open), each inclusive or not."""

    dim: str
    low: float | None = None
    low_incl: bool = True
    high: float | None = None
    high_incl: bool = True
    at: int = 0

    def holds(self, value: float) -> bool:
        if self.low is not None and (value < self.low or (value == self.low and not self.low_incl)):
            return False
        return not (self.high is not None and (value > self.high or (value == self.high and not self.high_incl)))


def _bound(dim: str, op: str, value: float, at: int) -> Bound:
    if op.startswith(">"):
        return Bound(dim, low=value, low_incl=op == ">=", at=at)
    return Bound(dim, high=value, high_incl=op == "<=", at=at)


def _number(text: str) -> float | None:
    """"08" → 8, "1,5" → 1.5, "1.500.000" → 1500000 (Vietnamese separators)."""
    flat = re.sub(r"[.,](?=\d{3}(?!\d))", "", text)
    try:
        return float(flat.replace(",", "."))
    except ValueError:
        return None


class ConditionReader:
    """Reads the quantities a question states as its case and the bounds a sentence sets on them.

    ``units``: folded unit word → (dimension, factor to the base unit); ``before`` / ``after``: folded words
    right before a figure or right after its unit (a few words may come between) → the bound they set
    (">=", ">", "<=", "<"); ``range_to``: the words joining "từ X … đến (dưới) Y"; ``case_words``: words before a
    question's figure that still state a case ("hơn 1 năm", "khoảng 2 tuần") with the bound their figure
    reaches past; ``not_after``: words after which a figure is part of a date ("ngày 15 tháng 5"); ``caps``: words
    before a figure that cap what a rule grants ("tối đa 02 năm", "không quá 06 tháng"): no condition.
    """

    def __init__(self, units: Mapping[str, tuple[str, float]], before: Mapping[str, str],
                 after: Mapping[str, str], range_to: Sequence[str], case_words: Mapping[str, str],
                 not_after: Sequence[str], consequent: Sequence[str], obligations: Sequence[str] = (),
                 caps: Sequence[str] = (), gap: int = 3) -> None:
        for name, table in (("before", before), ("after", after), ("case_words", case_words)):
            bad = [op for op in table.values() if op not in (*_OPS, "~")]
            if bad:
                raise ValueError(f"conditions.{name}: unknown bound {bad[0]!r} (use one of {_OPS} or '~')")
        self._units = {fold(k): v for k, v in units.items()}

        def alt(names: list[str]) -> str:
            # a unit of several words may be hyphenated ("10-year-old")
            return "|".join(re.escape(u).replace(r"\ ", r"[\s-]+") for u in sorted(names, key=len, reverse=True)) \
                or "(?!)"  # none: no match
        hours = alt([u for u, (d, _) in self._units.items() if d == "hours"])
        others = alt([u for u, (d, _) in self._units.items() if d != "hours"])
        # "23h30", "23 giờ 30", "08 m2", "1.500.000 đồng", "02 năm"
        self._quantity = re.compile(rf"(?<![\w/.,])(\d+(?:[.,]\d+)*)[\s-]*(?:({hours})(?:\s*(\d{{2}})(?!\d))?|({others}))"
                                    r"(?!\w)")
        self._before = sorted(((fold(k).split(), v) for k, v in before.items()), key=lambda x: -len(x[0]))
        self._after = sorted(((fold(k).split(), v) for k, v in after.items()), key=lambda x: -len(x[0]))
        self._case_words = sorted(((fold(k).split(), v) for k, v in case_words.items()), key=lambda x: -len(x[0]))
        self._range_to = [fold(w).split() for w in range_to]
        self._not_after = frozenset(fold(w) for w in not_after)
        self._caps = sorted((fold(w).split() for w in caps), key=len, reverse=True)
        self._consequent = re.compile(r"\b(?:" + "|".join(re.escape(fold(w)) for w in consequent) + r")\b") \
            if consequent else None
        self._gap = gap
        try:
            self._obliges = re.compile("|".join(f"(?:{p})" for p in obligations) or "(?!)")
        except re.error as err:
            raise ValueError(f"conditions.obligations: bad pattern: {err}") from err

    def binds(self, folded: str) -> bool:
        """Whether a folded text states or asks an obligation ("phải", "bắt buộc", "have to")."""
        return self._obliges.search(folded) is not None

    # --- reading ----------------------------------------------------------------------------------
    def _quantities(self, folded: str) -> list[tuple[Quantity, int, int]]:
        out = []
        for m in self._quantity.finditer(folded):
            words_before = folded[:m.start()].split()
            if words_before and words_before[-1] in self._not_after:
                continue  # "ngày 15 tháng 5 năm 2020" is a date, not fifteen months
            value = _number(m.group(1))
            if value is None:
                continue
            dim, factor = self._units[" ".join(re.split(r"[\s-]+", m.group(2) or m.group(4)))]
            if m.group(3):
                value += int(m.group(3)) / 60  # "23h30"
            out.append((Quantity(dim, value * factor, m.start(), " ".join(m.group(0).split())), m.start(), m.end()))
        return out

    @staticmethod
    def _ends_with(words: list[str], phrase: list[str]) -> bool:
        return len(words) >= len(phrase) and words[len(words) - len(phrase):] == phrase

    def _op_before(self, words: list[str], table: list[tuple[list[str], str]]) -> str:
        return next((op for phrase, op in table if self._ends_with(words, phrase)), "")

    def _op_after(self, words: list[str]) -> str:
        head = words[:self._gap + 2]
        for phrase, op in self._after:
            n = len(phrase)
            if any(head[i:i + n] == phrase for i in range(min(self._gap, len(head)) + 1)):
                return op
        return ""

    def cases(self, question: str) -> tuple[Quantity, ...]:
        """The quantities a question states as its case: a bare figure ("10 tuổi", "2 tuần") or one a case
        word approximates ("hơn 1 năm"); a figure the question bounds itself ("từ đủ 14 tuổi") is a claim
        about the rule, not a case, and is left to the figures' own comparison."""
        f = fold(question)
        out = []
        for q, start, end in self._quantities(f):
            before = f[:start].split()
            if self._op_before(before, self._before) and not self._op_before(before, self._case_words):
                continue
            if self._op_after(f[end:].split()):
                continue
            out.append(q)
        return tuple(out)

    def bounds(self, text: str) -> tuple[Bound, ...]:
        """The bounds a sentence sets: "từ đủ 14 tuổi trở lên", "dưới 14 tuổi", "không thấp hơn 08 m2",
        "từ 03 tháng đến dưới 01 năm" (one bound with both ends), "sau 23 giờ"."""
        f = fold(text)
        qs = self._quantities(f)
        out: list[Bound] = []
        used: set[int] = set()
        for i, (q, start, end) in enumerate(qs):
            if i in used:
                continue
            before = f[:start].split()
            after = f[end:].split()
            if any(self._ends_with(before, cap) for cap in self._caps):
                continue  # "không quá 06 tháng": a cap on what the rule grants, not on whom it applies to
            op = self._op_before(before, self._before)
            # "từ (đủ) X … đến (dưới) Y": both ends of one bound
            if i + 1 < len(qs) and qs[i + 1][0].dim == q.dim:
                between = f[end:qs[i + 1][1]].split()
                at = next((k for k in range(min(len(between), self._gap)) for p in self._range_to
                           if between[k:k + len(p)] == p), None)
                if at is not None and len(between) <= at + 3:
                    upper_op = self._op_before(between, self._before) or "<="
                    nxt = qs[i + 1][0]
                    out.append(Bound(q.dim, low=q.value, low_incl=op != ">", high=nxt.value,
                                     high_incl=upper_op == "<=" or upper_op == ">=", at=start))
                    used.add(i + 1)
                    continue
            op = op or self._op_after(after)
            if op in _OPS:
                out.append(_bound(q.dim, op, q.value, start))
        return tuple(out)

    def relation(self, cases: Sequence[Quantity], text: str) -> str:
        """"meets" when the case meets the sentence's bound in its dimension, "fails" when it fails it, ""
        when the sentence bounds none of the case's dimensions or the case both meets and fails them. A
        rule's condition is read before its consequence ("sau 23 giờ thì … trước 08 giờ ngày hôm sau")."""
        if not cases:
            return ""
        bounds = self.bounds(text)
        if not bounds:
            return ""
        cut = self._consequent.search(fold(text)) if self._consequent is not None else None
        if cut is not None:
            first = [b for b in bounds if b.at < cut.start()]
            bounds = tuple(first) or bounds
        seen: set[bool] = set()
        for c in cases:
            for b in bounds:
                if b.dim == c.dim:
                    seen.add(b.holds(c.value))
        if len(seen) != 1:
            return ""
        return "meets" if seen.pop() else "fails"


def load_conditions(data: Mapping[str, Any]) -> ConditionReader:
    """Build the reader from the ``[conditions]`` table (an empty table reads no quantity, so no conditions)."""
    units = {k: (str(v[0]), float(v[1])) for k, v in data.get("units", {}).items()}
    return ConditionReader(units, data.get("before", {}), data.get("after", {}), data.get("range_to", []),
                           data.get("case_words", {}), data.get("not_after", []), data.get("consequent", []),
                           data.get("obligations", []), data.get("caps", []), int(data.get("gap", 3)))
