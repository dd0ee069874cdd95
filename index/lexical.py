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
about "Bình Định" often never repeats the province name; a law passage's context ("Luật Cư trú, Điều 20.
Điều kiện đăng ký thường trú") is indexed the same way, as in a BM25 over article title + text.
"""

from __future__ import annotations

import io
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np

from index.normalize import fold, normalize_text
from index.types import Chunk

__all__ = ["LexicalIndex", "tokenize", "query_terms"]

# A number with optional . or , groups, or a run of letters (any script, incl. Vietnamese diacritics).
_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+")
_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_DECIMAL_COMMA = re.compile(r"^\d+,\d+$")
_PLAIN_DECIMAL = re.compile(r"^\d+\.\d+$")

# Bump when tokenisation or weighting changes: saved indexes of another format are rebuilt.
FORMAT = 1
K1 = 1.2
B = 0.75
WEIGHT_FOLDED = 1.0
WEIGHT_BIGRAM = 1.0
WEIGHT_EXACT = 0.5


class _Token(NamedTuple):
    exact: str  # lowercased, with diacritics
    folded: str
    start: int
    end: int


def _pack(items: list[str]) -> np.ndarray:
    """Newline-joined UTF-8 (ids and terms never contain newlines), as a uint8 array for npz."""
    return np.frombuffer(("\n".join(items)).encode("utf-8"), dtype=np.uint8).copy() if items else \
        np.zeros(0, np.uint8)


def _unpack(arr: np.ndarray) -> list[str]:
    return arr.tobytes().decode("utf-8").split("\n") if len(arr) else []


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
    return _terms_of_normalised(normalize_text(text))


def _terms_of_normalised(norm: str) -> list[str]:
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
    """An in-memory BM25 index over chunks (rebuilt from the committed chunk list; cheap).

    Postings are stored as one term-sorted array of (doc, tf) pairs with per-term offsets, so a
    large corpus costs a few flat numpy arrays instead of millions of Python objects.
    """

    def __init__(self, ids: list[str], vocab: dict[str, int], offsets: np.ndarray, docs: np.ndarray,
                 tfs: np.ndarray, doc_len: np.ndarray) -> None:
        self._ids = ids
        self._vocab = vocab
        self._offsets = offsets  # postings of term t: [offsets[t], offsets[t + 1])
        self._docs = docs
        self._tfs = tfs
        self._doc_len = doc_len
        avg = float(doc_len.mean()) if len(doc_len) else 0.0
        self._len_norm = (K1 * (1.0 - B + B * doc_len / max(avg, 1e-9))).astype(np.float32)
        df = np.diff(offsets).astype(np.float64)
        n = len(ids)
        self._idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)

    @classmethod
    def build(cls, chunks: Iterable[Chunk]) -> LexicalIndex:
        ids: list[str] = []
        lengths = array("f")
        vocab: dict[str, int] = {}
        term_col, doc_col, tf_col = array("i"), array("i"), array("f")
        # Chunk texts are slices of normalised documents; boilerplate and per-document context
        # (title, places) repeat, so their term counts are computed once.
        cache: dict[str, tuple[Counter[str], int]] = {}

        def counts(text: str, normalised: bool) -> tuple[Counter[str], int]:
            got = cache.get(text)
            if got is None:
                c = Counter(_terms_of_normalised(text) if normalised else tokenize(text))
                got = (c, sum(tf for term, tf in c.items() if term.startswith("f:")))
                if len(cache) > 50_000:
                    cache.clear()
                cache[text] = got
            return got

        for i, chunk in enumerate(chunks):
            ids.append(chunk.chunk_id)
            terms, length = counts(chunk.text, True)
            # a law passage's context names the law and its article heading; others get title + places
            context = " ".join([chunk.context or chunk.title, *chunk.places]).strip()
            if context:
                extra, extra_len = counts(context, False)
                merged = dict(terms)
                for term, tf in extra.items():
                    merged[term] = merged.get(term, 0) + tf
                terms, length = Counter(merged), length + extra_len
            lengths.append(length)
            for term, tf in terms.items():
                tid = vocab.setdefault(term, len(vocab))
                term_col.append(tid)
                doc_col.append(i)
                tf_col.append(tf)
        terms_arr = np.frombuffer(term_col, dtype=np.int32) if len(term_col) else np.zeros(0, np.int32)
        order = np.argsort(terms_arr, kind="stable")
        offsets = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms_arr, minlength=len(vocab)), out=offsets[1:])
        docs = (np.frombuffer(doc_col, dtype=np.int32)[order] if len(doc_col) else np.zeros(0, np.int32))
        tfs = (np.frombuffer(tf_col, dtype=np.float32)[order] if len(tf_col) else np.zeros(0, np.float32))
        return cls(ids, vocab, offsets, docs, tfs, np.asarray(lengths, dtype=np.float32))

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    def to_bytes(self) -> bytes:
        """Serialised form (npz, no pickle), so a reader can skip the tokenising build at start."""
        terms = [""] * len(self._vocab)
        for term, tid in self._vocab.items():
            terms[tid] = term
        buf = io.BytesIO()
        np.savez(buf, format=np.array([FORMAT], dtype=np.int32), ids=_pack(self._ids), terms=_pack(terms),
                 offsets=self._offsets, docs=self._docs, tfs=self._tfs, doc_len=self._doc_len)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> LexicalIndex | None:
        """The index saved by ``to_bytes``; None if it was written by another tokeniser version."""
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            if int(z["format"][0]) != FORMAT:
                return None
            terms = _unpack(z["terms"])
            return cls(_unpack(z["ids"]), {t: i for i, t in enumerate(terms)}, z["offsets"], z["docs"],
                       z["tfs"], z["doc_len"])

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Top ``k`` (chunk id, BM25 score), best first; only chunks sharing a term with the query."""
        if k <= 0 or not self._ids:
            return []
        scores = np.zeros(len(self._ids), dtype=np.float32)
        hit = False
        for term, weight in query_terms(query).items():
            tid = self._vocab.get(term)
            if tid is None:
                continue
            hit = True
            lo, hi = self._offsets[tid], self._offsets[tid + 1]
            docs, tf = self._docs[lo:hi], self._tfs[lo:hi]
            scores[docs] += weight * self._idf[tid] * tf * (K1 + 1.0) / (tf + self._len_norm[docs])
        if not hit:
            return []
        k = min(k, len(self._ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self._ids[i], float(scores[i])) for i in top if scores[i] > 0]
