"""Which syllable pairs are Vietnamese words: a word list (data/lang/words.txt), folded for matching.

Why: a question's terms include every pair of neighbouring syllables, and most pairs are the seam between
two words ("chiều thứ" in "chiều thứ Bảy", "phần đăng" in "phần đăng ký"). A pair the candidate documents
never write is a sign the documents are about something else only when it is a word ("giao diện", "kết
hôn"); a seam says nothing. The list is language knowledge kept as data (``Settings.words_path``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from index.normalize import fold, normalize_text

__all__ = ["WordList", "load_word_list"]


@dataclass(frozen=True)
class WordList:
    """Folded syllable pairs that occur inside a word of the list (every neighbouring pair of a longer word)."""

    pairs: frozenset[str] = frozenset()

    def is_word(self, bigram: str) -> bool:
        """Whether a folded two-syllable term ("giao dien") is (part of) a word; True when the list is empty,
        so that without a list every pair keeps counting as before."""
        return not self.pairs or bigram in self.pairs

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
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        syl = fold(normalize_text(line)).lower().split()
        pairs.update(f"{a} {b}" for a, b in zip(syl, syl[1:], strict=False))
    return WordList(frozenset(pairs))
