"""The gazetteer: which place names a corpus is scoped by, read from the corpus pack.

Why data: the provinces, towns and spellings a corpus is about are knowledge of that corpus (a
portal for another country or another administrative map lists its own), so code names no place.
Questions and documents share one gazetteer so they agree on canonical names; a question is
matched folded (typed in any case, with or without diacritics), a document only where it writes
the name as a name, so "người Việt Nam định cư" does not name Nam Định.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from index.normalize import fold, normalize_text
from index.pack_file import PackFile

__all__ = ["DEFAULT_GAZETTEER", "Gazetteer", "default_gazetteer", "load_gazetteer"]

DEFAULT_GAZETTEER = Path(__file__).resolve().parents[1] / "data" / "packs" / "default" / "gazetteer.toml"
_PREFIX_REACH = 12  # folded characters before a name searched for an administrative word


@dataclass(frozen=True)
class Gazetteer:
    """Canonical places (provinces, and towns with their province), their other spellings, and the
    few rules that keep ordinary words from reading as places (all data, see ``load_gazetteer``)."""

    provinces: tuple[str, ...] = ()
    towns: Mapping[str, str] = field(default_factory=dict)  # town -> its province
    aliases: Mapping[str, str] = field(default_factory=dict)  # other spelling -> canonical name
    prefixes: tuple[str, ...] = ()  # administrative words before a name ("tỉnh", "thị xã")
    needs_case: frozenset[str] = frozenset()  # spellings that are also ordinary words
    needs_prefix: frozenset[str] = frozenset()  # names shared with a person: only after a prefix
    not_places: tuple[str, ...] = ()  # phrases that hold a name without naming the place

    def __post_init__(self) -> None:
        spellings: dict[str, tuple[str, str]] = {}
        for name in (*self.provinces, *self.towns):
            spellings[fold(name)] = (name, name)
        for alias, canonical in self.aliases.items():
            spellings[fold(alias)] = (alias, canonical)
        keys = sorted(spellings, key=len, reverse=True)
        alternation = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in keys) or r"(?!x)x"
        prefixes = "|".join(re.escape(fold(p)) for p in sorted(self.prefixes, key=len, reverse=True)) or r"(?!x)x"
        object.__setattr__(self, "_by_fold", spellings)
        object.__setattr__(self, "_pattern", re.compile(rf"(?<![^\W_])(?:{alternation})(?![^\W_])"))
        object.__setattr__(self, "_prefix", re.compile(rf"\b(?:{prefixes})\s*$"))
        object.__setattr__(self, "_not_places", tuple(fold(p) for p in self.not_places))

    @property
    def names(self) -> tuple[str, ...]:
        """Every canonical name, provinces first (the accented forms questions typed without marks get)."""
        return (*self.provinces, *self.towns)

    def province_of(self, place: str) -> str:
        """The province a canonical place belongs to (a province maps to itself)."""
        return self.towns.get(place, place)

    def is_town(self, place: str) -> bool:
        return place in self.towns

    def find_places(self, text: str) -> list[str]:
        """Canonical place names mentioned in ``text`` (with or without diacritics), first mention first."""
        return list(dict.fromkeys(canonical for _, canonical in self.matches(text)))

    def mentions(self, text: str) -> list[tuple[str, str]]:
        """(as written, canonical) for each place ``text`` names, first mention first ("Sài Gòn", "Hồ Chí Minh"):
        ``find_places`` and the words spent on them in one reading; a name the corpus never writes is still no
        unknown name when it is another spelling of a place."""
        normal = normalize_text(text)
        return list(dict.fromkeys((normal[a:b], canonical)
                                  for a, b, canonical in self._spans(normal, fold(normal), document=False)))

    def matches(self, text: str, folded: str | None = None) -> list[tuple[int, str]]:
        """(offset, canonical) for each place mention in ``text``.

        Without ``folded`` the text is normalised first (questions: typed in any case, with or without
        diacritics, so matched folded); with it, ``text`` must already be normalised and
        ``folded == fold(text)`` (documents), and a name only counts when written as a name (see
        ``_written_as_name``) or right after an administrative prefix ("tỉnh nam định").
        """
        document = folded is not None
        if folded is None:
            text = normalize_text(text)
            folded = fold(text)
        return [(a, canonical) for a, _, canonical in self._spans(text, folded, document)]

    def _spans(self, text: str, folded: str, document: bool) -> list[tuple[int, int, str]]:
        """(start, end, canonical) for each place mention (see ``matches``)."""
        by_fold: dict[str, tuple[str, str]] = self._by_fold  # type: ignore[attr-defined]
        outside = [(m.start(), m.end()) for p in self._not_places for m in re.finditer(re.escape(p), folded)]  # type: ignore[attr-defined]
        out: list[tuple[int, int, str]] = []
        for m in self._pattern.finditer(folded):  # type: ignore[attr-defined]
            key = m.group(0)
            span = text[m.start() : m.end()]
            if key not in by_fold:  # odd whitespace inside the name
                key = " ".join(key.split())
                span = " ".join(span.split())
            spelling, canonical = by_fold[key]
            if not _spelling_ok(span, spelling):
                continue
            if any(a <= m.start() and m.end() <= b for a, b in outside):
                continue
            has_prefix = bool(self._prefix.search(folded[max(0, m.start() - _PREFIX_REACH) : m.start()]))  # type: ignore[attr-defined]
            if document and not has_prefix and not _written_as_name(span, spelling):
                continue
            if canonical in self.needs_prefix and spelling == canonical and not has_prefix:
                continue
            if spelling in self.needs_case and not (has_prefix or span[:1].isupper()):
                continue
            out.append((m.start(), m.end(), canonical))
        return out


def _spelling_ok(span: str, spelling: str) -> bool:
    """Accept "Bình Định", "Binh Dinh", "binh dinh", "Bình Dinh"; reject "năm định" for "Nam Định"."""
    if span == spelling:
        return True
    span_words = span.split()
    want_words = spelling.split()
    if len(span_words) != len(want_words):
        return False
    for got, want in zip(span_words, want_words, strict=True):
        if len(got) != len(want):
            return False
        for g, w in zip(got.lower(), want.lower(), strict=True):
            if g != w and g != fold(w):
                return False
    return True


def _written_as_name(span: str, spelling: str) -> bool:
    """A document writes a place name as a name: as the gazetteer spells it, in capitals (a headline), or
    capitalised without diacritics (a text typed without them). "người Việt Nam định cư" holds the
    syllables of "Nam Định" but not the name."""
    span = " ".join(span.split())
    if span == spelling or (span.isupper() and span == spelling.upper()):
        return True
    # a text typed without diacritics still capitalises names: "Binh Dinh", "BINH DINH"
    plain = _strip_marks(spelling)
    return span == plain or (span.isupper() and span == plain.upper())


def _strip_marks(name: str) -> str:
    """``name`` without diacritics, keeping its capitals ("Bình Định" -> "Binh Dinh")."""
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def load_gazetteer(path: Path | str | None) -> Gazetteer:
    """Read a gazetteer TOML file (see ``data/packs/default/gazetteer.toml``); no path: no places.

    A file that cannot be read, or that names a town's province or an alias's target that it does not
    list, is an error naming the file, so a typo in the pack is found at start, not by wrong scoping.
    """
    if path is None or str(path) == "":
        return Gazetteer()
    pack = PackFile(path, "the gazetteer")
    provinces, towns, aliases = pack.words("provinces"), pack.table("towns"), pack.table("aliases")
    known = set(provinces) | set(towns)
    for town, province in towns.items():
        if province not in provinces:
            raise pack.error(f"town {town!r} belongs to {province!r}, which is not in provinces")
    for alias, canonical in aliases.items():
        if canonical not in known:
            raise pack.error(f"alias {alias!r} names {canonical!r}, which is neither a province nor a town")
    return Gazetteer(provinces=provinces, towns=towns, aliases=aliases, prefixes=pack.words("prefixes"),
                     needs_case=frozenset(pack.words("needs_case")),
                     needs_prefix=frozenset(pack.words("needs_prefix")), not_places=pack.words("not_places"))


@functools.cache
def default_gazetteer() -> Gazetteer:
    """The shipped gazetteer, read on first use (for callers that work without Settings: tests, tools)."""
    return load_gazetteer(DEFAULT_GAZETTEER)
