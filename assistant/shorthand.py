"""Chat shorthand written out: "e đổi sđt r, hs tạm trú nộp ở đâu" -> "… số điện thoại …, hồ sơ …".

Why: every later step (question type, the counted noun, BM25, the embedding model, the verdict's
coverage) reads full words; a citizen's "hs" never matches a document's "hồ sơ", so the question looks
less covered than it is and gets refused. The table is language knowledge kept as data
(``data/lang/shorthand.tsv``, chosen by ``Settings.shorthand_path``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from index.normalize import normalize_text

__all__ = ["DEFAULT_SHORTHAND", "Shorthand", "default_shorthand", "load_shorthand"]

DEFAULT_SHORTHAND = Path(__file__).resolve().parents[1] / "data" / "lang" / "shorthand.tsv"


@dataclass(frozen=True)
class Shorthand:
    """Typed word -> written-out words; whole lower- or mixed-case words only (capitals are acronyms)."""

    table: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        words = sorted(self.table, key=len, reverse=True)
        # not inside a number, a path or a code ("50k", "1/k", "K-pop", "k.") and not a word in capitals
        pattern = r"(?<![\w/.-])(" + "|".join(map(re.escape, words)) + r")(?![\w/-])(?!\.\w)" if words else r"(?!x)x"
        object.__setattr__(self, "_re", re.compile(pattern, re.IGNORECASE))

    def expand(self, text: str) -> str:
        return self._re.sub(self._written_out, text)  # type: ignore[attr-defined]

    def _written_out(self, m: re.Match[str]) -> str:
        word = m.group(1)
        if word.isupper() and not _opens_sentence(m):
            return word
        return self.table.get(word.lower(), word)


def _opens_sentence(m: re.Match[str]) -> bool:
    """Whether a one-letter word in capitals only opens the question before a word in lower case ("E làm mất
    cccd …", "K biết …"): the capital is the sentence's, not an initial's ("hạng E", "A và B")."""
    text = m.string
    after = text[m.end():m.end() + 2]
    return len(m.group(1)) == 1 and not text[:m.start()].strip() and after[:1] == " " and after[1:].islower()


def load_shorthand(path: Path | str | None) -> Shorthand:
    """Read ``typed<TAB>written out`` lines (``#`` comments, UTF-8, NFC on read). No path: an empty table;
    a malformed line is an error naming the file and the line."""
    if path is None or str(path) == "":
        return Shorthand()
    p = Path(path)
    table: dict[str, str] = {}
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise ValueError(f"cannot read the shorthand table {p}: {err}") from err
    for n, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cols = [normalize_text(c).strip() for c in line.split("\t")]
        if len(cols) != 2 or not cols[0] or not cols[1] or " " in cols[0]:
            raise ValueError(f"{p}, line {n}: expected 'typed<TAB>written out' (one typed word), got {raw!r}")
        table[cols[0].lower()] = cols[1]
    return Shorthand(table)


@functools.cache
def default_shorthand() -> Shorthand:
    """The shipped table, read on first use (for callers that analyse questions without Settings)."""
    return load_shorthand(DEFAULT_SHORTHAND)
