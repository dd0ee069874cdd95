"""BM25 over Vietnamese syllables, matching with or without diacritics.

Why this shape: Vietnamese is written syllable by syllable ("dịch vụ công" is three tokens forming one
word), and citizens often type without diacritics ("dich vu cong"). So every passage is indexed three
ways, in one BM25 vocabulary:

* ``f:`` folded syllables (``fold``: lowercase, no diacritics, đ->d) - what every query matches;
* ``b:`` folded syllable bigrams of adjacent syllables - a phrase match ("dich vu cong") beats the
  same syllables scattered across a passage;
* ``e:`` exact (diacritic) syllables - a query syllable typed *with* diacritics earns a bonus for the
  exact form, so "cần" prefers "cần" over "cán" while "can" matches all of them equally.

Numbers are canonicalised the Vietnamese way ("1.230" == "1230", "98,81%" -> "98.81") so a figure
typed either way matches. The passage's title and places are indexed with it, because a passage
about "Bình Định" often never repeats the province name.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from index.normalize import fold, normalize_text
from index.types import Chunk

__all__ = ["LexicalIndex", "tokenize", "query_terms"]

# A number with optional . or , groups, or a run of letters (any script, incl. Vietnamese diacritics).
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_DECIMAL_COMMA = re.compile(r"^\d+,\d+$")
_PLAIN_DECIMAL = re.compile(r"^\d+\.\d+$")

K1 = 1.2
B = 0.75
WEIGHT_FOLDED = 1.0
WEIGHT_BIGRAM = 1.0
WEIGHT_EXACT = 0.5


@dataclass(frozen=True)
class _Token:
    exact: str  # lowercased, with diacritics
    folded: str
    start: int
    end: int


def _number_forms(raw: str) -> list[str]:
    """Canonical form(s) of a number token; dates like 22.12.2024 also yield their parts."""
    if _THOUSANDS.match(raw):
        return [raw.replace(".", "").replace(",", ".")]
    if _DECIMAL_COMMA.match(raw):
        return [raw.replace(",", ".")]
    if _PLAIN_DECIMAL.match(raw):
        return [raw]  # "98.81" (English style) or a day.month like "9.5": keep as is
    if "." in raw or "," in raw:
        parts = [p for p in re.split(r"[.,]", raw) if p]
        return [raw.replace(",", "."), *parts]
    return [raw]


def _tokens(text: str) -> list[_Token]:
    """Syllable/number tokens of normalised ``text`` with their offsets."""
    low = text.lower()
    if len(low) != len(text):  # a few exotic characters change length when lowercased
        low = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
    folded = fold(text)
    out: list[_Token] = []
    for m in _TOKEN.finditer(low):
        s, e = m.start(), m.end()
        raw = m.group(0)
        if raw[0].isdigit():
            for form in _number_forms(raw):
                out.append(_Token(form, form, s, e))
        else:
            out.append(_Token(raw, folded[s:e], s, e))
    return out


def _bigrams(tokens: Sequence[_Token], text: str) -> list[str]:
    """Folded bigrams of syllables separated only by spaces (not across punctuation or lines)."""
    out: list[str] = []
    for a, b in zip(tokens, tokens[1:], strict=False):
        if a.end == b.start:  # the parts of one number token
            continue
        gap = text[a.end : b.start]
        if gap and gap.strip(" \t") == "" and "\n" not in gap:
            out.append(f"b:{a.folded}_{b.folded}")
    return out


def tokenize(text: str) -> list[str]:
    """Index terms of a passage: exact + folded syllables and folded bigrams (prefixed e:/f:/b:)."""
    norm = normalize_text(text)
    toks = _tokens(norm)
    terms = [f"f:{t.folded}" for t in toks]
    terms += [f"e:{t.exact}" for t in toks if t.exact != t.folded]
    terms += _bigrams(toks, norm)
    return terms


def query_terms(query: str) -> dict[str, float]:
    """Weighted query terms: folded syllables, folded bigrams, and exact forms of accented syllables."""
    norm = normalize_text(query)
    toks = _tokens(norm)
    weights: dict[str, float] = {}
    for t in toks:
        weights[f"f:{t.folded}"] = WEIGHT_FOLDED
        if t.exact != t.folded:
            weights[f"e:{t.exact}"] = WEIGHT_EXACT
    for bg in _bigrams(toks, norm):
        weights[bg] = WEIGHT_BIGRAM
    return weights


class LexicalIndex:
    """An in-memory BM25 index over chunks (rebuilt from the committed chunk list; cheap)."""

    def __init__(self, ids: list[str], postings: dict[str, tuple[np.ndarray, np.ndarray]],
                 doc_len: np.ndarray) -> None:
        self._ids = ids
        self._postings = postings
        self._doc_len = doc_len
        self._avg_len = float(doc_len.mean()) if len(doc_len) else 0.0
        n = len(ids)
        self._idf = {
            term: math.log(1.0 + (n - len(docs) + 0.5) / (len(docs) + 0.5))
            for term, (docs, _tf) in postings.items()
        }

    @classmethod
    def build(cls, chunks: Iterable[Chunk]) -> LexicalIndex:
        ids: list[str] = []
        lengths: list[int] = []
        rows: dict[str, list[tuple[int, int]]] = {}
        for i, chunk in enumerate(chunks):
            ids.append(chunk.chunk_id)
            context = " ".join([chunk.title, *chunk.places])
            terms = tokenize(chunk.text) + (tokenize(context) if context.strip() else [])
            lengths.append(sum(1 for t in terms if t.startswith("f:")))
            for term, tf in Counter(terms).items():
                rows.setdefault(term, []).append((i, tf))
        postings = {
            term: (np.fromiter((d for d, _ in lst), dtype=np.int32, count=len(lst)),
                   np.fromiter((tf for _, tf in lst), dtype=np.float32, count=len(lst)))
            for term, lst in rows.items()
        }
        return cls(ids, postings, np.asarray(lengths, dtype=np.float32))

    def __len__(self) -> int:
        return len(self._ids)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Top ``k`` (chunk id, BM25 score), best first; only chunks sharing a term with the query."""
        if k <= 0 or not self._ids:
            return []
        scores = np.zeros(len(self._ids), dtype=np.float32)
        hit = False
        for term, weight in query_terms(query).items():
            posting = self._postings.get(term)
            if posting is None:
                continue
            hit = True
            docs, tf = posting
            norm = K1 * (1.0 - B + B * self._doc_len[docs] / max(self._avg_len, 1e-9))
            scores[docs] += weight * self._idf[term] * tf * (K1 + 1.0) / (tf + norm)
        if not hit:
            return []
        k = min(k, len(self._ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self._ids[i], float(scores[i])) for i in top if scores[i] > 0]
