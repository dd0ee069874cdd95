"""The Vietnamese (and English) word lists evidence scoring relies on: stopwords and question phrasing
(language), and the readers of the corpus pack's wording (its terms and synonyms files).

Why a module of data: these lists grow as new phrasings are met; keeping them apart from the scoring
code lets them be reviewed (and extended) without reading the algorithm.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from index.normalize import fold, normalize_text
from index.pack_file import PackFile

__all__ = ["DEFAULT_TERMS", "EN_FILLER", "FIGURE", "GENERIC_PHRASES", "LAMBDA_BIGRAM", "PAIRING_PARTICLES", "QUESTION_PHRASES", "REPORT_WORDS",
           "STOPWORDS", "EvidenceTerms", "SynonymTable", "default_terms", "load_synonyms", "load_terms"]


# Syllables that carry no topic in a question (function words, fillers, pronouns). Kept short on
# purpose: many Vietnamese syllables are both a function word and part of a content word ("có" /
# "cơ sở", "tại" / "tài khoản"), and IDF already down-weights the common ones.
STOPWORDS = frozenset([
    "a", "ak", "ai", "anh", "ay", "ba", "biet", "cac", "cai", "cho", "chua", "cua", "cung", "da", "day", "de",
    "den", "di", "duoc", "em", "gi", "gio", "hay", "hoi", "hon", "khi", "khong", "kia", "la", "lai", "lam",
    "len", "luc", "ma", "minh", "mot", "muon", "nao", "nay", "ne", "nha", "nhe", "nhieu", "nhu", "nhung", "no",
    "o", "oi", "phai", "qua", "ra", "rang", "roi", "sao", "se", "sau", "toi", "tren", "trong", "u", "va", "vay",
    "ve", "vi", "voi", "vua", "xin", "nhat", "hoac", "theo", "bai", "nam", "thang", "ngay", "giua",
    "the", "of", "what", "which", "how", "many", "much", "is", "are", "was", "were", "did", "does",
    "according", "in", "on", "for", "with", "by", "from", "that", "this", "these", "those", "had", "has",
    "have", "been", "be", "when", "who", "whom", "whose", "why", "and", "or", "at", "as", "an", "it", "its",
    "their", "there", "after", "before", "during", "about", "than", "into", "over", "under", "per", "any",
    "all", "ad", "admin",  # "… vậy ad": the citizen addresses the page's admin
])
# Function words that make a term with the word before them: "lại" after a verb is its "re-" form ("cấp lại",
# "đăng ký lại"), a procedure of its own that laws set apart from the first one ("cấp lần đầu"). Alone they stay
# stopwords; the pair is a term.
PAIRING_PARTICLES = frozenset(["lai"])
# Question phrasing (folded) removed before weighting: it never occurs in reports, and its syllables
# would otherwise look like rare topic words ("bao nhiêu" is not about "bảo hiểm").
QUESTION_PHRASES = (
    "bao nhieu", "nhu the nao", "the nao", "ra sao", "bao gio", "khi nao", "o dau", "la gi", "thu may",
    "nhung gi", "duoc khong", "co phai", "hay khong", "cho biet", "cho hoi", "de nghi", "cung cap",
    "tong cong", "lan luot", "tuong ung", "so sanh", "khac nhau", "giong nhau", "vui long", "giup toi",
    "xin hoi", "hien nay", "thi sao", "co the", "the con", "con thi", "cu the", "tai sao",
    # "mấy giờ / mấy ngày …": the question word, not "máy" (a machine), which folds the same
    r"may(?= (?:gio|ngay|tuoi|lan|thang|nam|tuan|phut|nguoi|buoc|loai|cai|so|chu))",
    # the preposition of a "when" phrase ("xây dựng vào năm nào", "có từ bao giờ"): no term of the topic
    r"(?:vao|tu|den|cho toi|toi)(?= (?:(?:nam|ngay|thang|luc|thoi diem|thoi gian|the ky|hoi) nao|bao gio|khi nao)\b)",
)
# Generic heads that name a measure rather than a topic ("tỷ lệ", "số lượng").
_EN_FILLER_WORDS = """you your can could would should will may might please tell me give show find know
want need get got does did done there here their them they she her his him its our ours yes not also just
only very more most some such each other than then thus too well what which whose whom"""
EN_FILLER = frozenset(_EN_FILLER_WORDS.split())
GENERIC_PHRASES = frozenset(["ty le", "ti le", "so luong", "con so", "so lieu", "ket qua", "thong tin", "tong so"])
REPORT_WORDS = frozenset(["bao cao", "tai lieu", "bai bao", "theo bao", "cho biet"])

LAMBDA_BIGRAM = 1.0

# --------------------------------------------------------------------------- evidence terms (corpus pack)

DEFAULT_TERMS = Path(__file__).resolve().parents[1] / "data" / "packs" / "default" / "terms.toml"


@dataclass(frozen=True)
class EvidenceTerms:
    """The corpus's own wording that evidence scoring reads: its abbreviations written out, the everyday
    words citizens use for its official terms, and English words for its Vietnamese ones.

    Why data: which abbreviations a corpus uses ("TTHC") and what citizens call its terms is knowledge of
    that corpus (the pack's ``terms.toml``), not code. Everything is folded here, once.
    """

    abbreviations: Mapping[str, str] = field(default_factory=dict)  # folded abbreviation -> folded full form
    everyday: tuple[tuple[str, str], ...] = ()  # (folded everyday words, folded official words)
    english: tuple[tuple[str, str], ...] = ()  # (English regex, the Vietnamese the documents use)


def load_terms(path: Path | str | None) -> EvidenceTerms:
    """Read a pack's ``terms.toml`` (tables ``abbreviations``, ``everyday``, ``english``); no path: none.
    A file that cannot be read, or a bad English pattern, is an error naming the file."""
    if path is None or str(path) == "":
        return EvidenceTerms()
    pack = PackFile(path, "the evidence terms")
    english = pack.table("english")
    for rx in english:
        try:
            re.compile(rx)
        except re.error as err:
            raise pack.error(f"[english] pattern {rx!r}: {err}") from err
    return EvidenceTerms(
        abbreviations={fold(k).lower(): fold(v).lower() for k, v in pack.table("abbreviations").items()},
        everyday=tuple((fold(k).lower(), fold(v).lower()) for k, v in pack.table("everyday").items()),
        english=tuple(english.items()))


@functools.cache
def default_terms() -> EvidenceTerms:
    """The shipped pack's terms, read on first use (for callers that score evidence without Settings)."""
    return load_terms(DEFAULT_TERMS)


# --------------------------------------------------------------------------- synonym pack

# in a pair's document side, where a figure stands ("mét" <-> "# m": "7.729 m" states "mét", "Hà" does not)
FIGURE = "#"


@dataclass(frozen=True)
class SynonymTable:
    """Everyday <-> legal wording pairs ("nhập hộ khẩu" <-> "đăng ký thường trú") from a corpus pack.

    Why data: which words citizens use for a law's terms is knowledge about the corpus, reviewed and
    extended by people who know it, not code. Matching is folded (no diacritics, any case) on whole
    words; ``expand`` adds the official side of every pair a question mentions, one hop only. Pairs
    marked two-way also go back (a question in the law's words also searches "VNeID", which the reports
    use); the others do not, because a legal term asked in legal words only gains noise from its
    everyday variants (measured on evals/laws-fit.jsonl: README, "Legal texts").
    """

    pairs: tuple[tuple[str, str], ...] = ()
    two_way: frozenset[int] = frozenset()  # indexes of pairs searched in both directions

    def expand(self, text: str) -> tuple[str, ...]:
        """The phrases to search besides ``text``: the other side of each pair it mentions, when absent. A side
        that needs a figure (``#``, "# m") is how a value is written, not words to search for."""
        return tuple(dict.fromkeys(add for _, add in self._sides(text) if FIGURE not in add))

    def mentioned(self, text: str) -> tuple[tuple[str, str], ...]:
        """``(said, other)`` for each pair ``text`` says one side of and not the other: the question's own
        words and the wording a document may use for them (folded, words joined by single spaces)."""
        return tuple(dict.fromkeys((_words(have), _words(add)) for have, add in self._sides(text)))

    def _sides(self, text: str) -> list[tuple[str, str]]:
        folded = f" {_words(text)} "
        out: list[tuple[str, str]] = []
        for i, (a, b) in enumerate(self.pairs):
            directions = ((a, b), (b, a)) if i in self.two_way else ((a, b),)
            for have, add in directions:
                if f" {_words(have)} " in folded and f" {_words(add)} " not in folded:
                    out.append((have, add))
        return out

    def merged(self, other: SynonymTable) -> SynonymTable:
        """This table's pairs followed by ``other``'s (a corpus pack joined with the language's own pairs)."""
        n = len(self.pairs)
        return SynonymTable(self.pairs + other.pairs, self.two_way | {n + i for i in other.two_way})

    def __len__(self) -> int:
        return len(self.pairs)


def _words(phrase: str) -> str:
    return " ".join(re.findall(rf"[^\W_]+|{FIGURE}", fold(phrase).lower()))



def load_synonyms(path: Path | str | None) -> SynonymTable:
    """Read a synonyms file: one ``everyday<TAB>official`` pair a line, optionally ``<TAB>both`` to search
    it both ways; ``#`` comments; UTF-8 (NFC on read).

    A missing path gives an empty table (searching then works as before); a malformed line is an error
    that names the file and the line, so a typo in the pack is found at start, not by bad answers.
    """
    if path is None or not Path(path).is_file():
        return SynonymTable()
    pairs: list[tuple[str, str]] = []
    two_way: set[int] = set()
    for n, raw in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cols = [normalize_text(c).strip() for c in line.split("\t")]
        both = len(cols) == 3 and cols[2].lower() == "both"
        if len(cols) not in (2, 3) or (len(cols) == 3 and not both) or not all(_words(c) for c in cols[:2]):
            raise ValueError(f"{path}, line {n}: expected 'everyday<TAB>official[<TAB>both]', got {raw!r}")
        if both:
            two_way.add(len(pairs))
        pairs.append((cols[0], cols[1]))
    return SynonymTable(tuple(pairs), frozenset(two_way))
