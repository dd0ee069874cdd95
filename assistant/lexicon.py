"""Which syllable pairs are Vietnamese words: a word list (data/lang/words.txt), folded for matching.

Why: a question's terms include every pair of neighbouring syllables, and most pairs are the seam between
two words ("chiều thứ" in "chiều thứ Bảy", "phần đăng" in "phần đăng ký"). A pair the candidate documents
never write is a sign the documents are about something else only when it is a word ("giao diện", "kết
hôn"); a seam says nothing. The list is language knowledge kept as data (``Settings.words_path``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from index.normalize import fold, normalize_text

__all__ = ["WordList", "load_word_list"]


@dataclass(frozen=True)
class WordList:
    """Folded syllable pairs that occur inside a word of the list (every neighbouring pair of a longer word)."""

    pairs: frozenset[str] = frozenset()
    # the same pairs as written (lower case, NFC): folding merges "có kết" (a seam) with "cố kết" (a word)
    written: frozenset[str] = frozenset()
    # every syllable of the list as written (lower case): "yersin" is none, so a question opening with it names
    syllables: frozenset[str] = frozenset()

    def is_word(self, bigram: str, text: str = "") -> bool:
        """Whether a folded two-syllable term ("giao dien") is (part of) a word; True when the list is empty,
        so that without a list every pair keeps counting as before. With ``text`` (the question as written),
        a pair written there with diacritics must be a word as written."""
        if not self.pairs:
            return True
        if bigram not in self.pairs:
            return False
        as_written = _as_written(bigram, text)
        return not as_written or fold(as_written) == as_written or as_written in self.written

    def is_syllable(self, word: str) -> bool:
        """Whether ``word`` (as written, any case) is a syllable of a listed word; True when the list is empty."""
        return not self.syllables or normalize_text(word).lower() in self.syllables

    def __len__(self) -> int:
        return len(self.pairs)


def load_word_list(path: Path | str | None) -> WordList:
    """Read one word a line (``#`` comments, UTF-8). No path: an empty list (every pair counts)."""
    if path is None or str(path) == "":
        return WordList()
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise ValueError(f"cannot read the word list {p}: {err}") from err
    pairs: set[str] = set()
    written: set[str] = set()
    syllables: set[str] = set()
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        syl = normalize_text(line).lower().split()
        written.update(f"{a} {b}" for a, b in zip(syl, syl[1:], strict=False))
        syllables.update(syl)
        folded = [fold(x) for x in syl]
        pairs.update(f"{a} {b}" for a, b in zip(folded, folded[1:], strict=False))
    return WordList(frozenset(pairs), frozenset(written), frozenset(syllables))


def _as_written(bigram: str, text: str) -> str:
    """The pair as ``text`` writes it (lower case), "" when ``text`` does not hold it."""
    if not text:
        return ""
    low = normalize_text(text).lower()
    words = re.findall(r"\w+", low)
    folded = [fold(w) for w in words]
    a, _, b = bigram.partition(" ")
    for i in range(len(words) - 1):
        if folded[i] == a and folded[i + 1] == b:
            return f"{words[i]} {words[i + 1]}"
    return ""
