"""Evidence finding: which sentences of the retrieved documents answer a question, and how well.

Why sentences and not chunks: a citation must quote the exact passage, and an honest "the
documents don't say" needs to know whether *some sentence* states the asked fact. Chunks only
decide which documents to read; every sentence of those documents is then scored against the
question on folded syllables and syllable bigrams (IDF-weighted, so "toàn trình" counts far
more than "tỉnh"), plus cues for the kind of answer wanted (a number for "bao nhiêu", a date
for "khi nào", ...). Both the extractive answerer and the refusal decision read the result;
an LLM answerer can use it for the same refusal decision.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.answer_typing import AnswerTyper
from assistant.counting import asked_measures, counted_noun
from assistant.lexicon import WordList
from assistant.query import QueryInfo, english_to_vietnamese
from assistant.question_cues import (
    QUOTED,
    SPEAKER_WORDS,
    SPEECH,
    SPEECH_AFTER,
    defined_term,
    defines,
    names_person,
    speaker_names,
    tokens,
)
from assistant.sentence_relevance import (
    DEFAULT_PATH as DEFAULT_SENTENCE_MODEL,
)
from assistant.sentence_relevance import (
    QuestionCues,
    SentenceModel,
    load_sentence_model,
    question_cues,
    sentence_features,
)
from assistant.types import ScoredChunk
from assistant.vocabulary import (
    EN_FILLER,
    FIGURE,
    GENERIC_PHRASES,
    LAMBDA_BIGRAM,
    PAIRING_PARTICLES,
    QUESTION_PHRASES,
    REPORT_WORDS,
    STOPWORDS,
    EvidenceTerms,
    default_terms,
)
from index.chunking import split_sentences
from index.normalize import clutter_spans, fold
from index.types import DocumentMeta

__all__ = ["PLACE_KINDS", "TABLE_ROW", "CorpusStats", "Evidence", "EvidenceFinder", "ScoredSentence", "Sentence", "place_terms",
           "tokens"]

_TOKEN = re.compile(r"[a-z0-9]+")
# a year ("quý I/2025", "12/2019"), not the year part of a document number ("Luật số 51/2005/QH11")
_YEAR = re.compile(r"(?<![\d.,])(19[5-9]\d|20[0-4]\d)(?![\d.,]\d|/)")
_RANGE = re.compile(r"\b(?:19|20)\d\d\s*-\s*(?:19|20)\d\d\b|\b(?:den|tam nhin|dinh huong)(?: den)? nam (?:19|20)\d\d\b")
PLACE_KINDS = frozenset(["tinh", "thi", "xa", "huyen", "thanh", "pho"])


def place_terms(place: str, terms: QueryTerms) -> frozenset[str]:
    """The question's terms that name ``place`` ("Bắc Kạn", "tỉnh Bắc")."""
    own = set(tokens(place))
    return frozenset(t for t in terms.weights if set(t.split()) & own and set(t.split()) <= own | PLACE_KINDS)


def _speaker_terms(question: str, terms: QueryTerms) -> tuple[frozenset[str], frozenset[str]]:
    """The syllables naming the speaker a question names, and the question's terms that name that
    speaker (with title and verb of speaking: "Chủ tịch … nói" implies them); empty when none.

    Why: reports introduce a speaker once ("Chủ tịch … nhấn mạnh: …") and the following sentences of
    that paragraph carry what was said without repeating the name; those sentences state the name
    implicitly, so the sentence that merely introduces the speaker should not win on the name alone.
    """
    names = speaker_names(question, STOPWORDS)
    if not names:
        return frozenset(), frozenset()
    implied = names | SPEAKER_WORDS
    return names, frozenset(t for t in terms.weights if set(t.split()) <= implied)


@lru_cache(maxsize=65536)
def stated_years(folded: str) -> frozenset[int]:
    """Years a (folded) sentence reports on; plan periods and targets ("giai đoạn 2021 - 2025",
    "đến năm 2030") are not reports on those years. Memoised: every question re-reads the same sentences."""
    return frozenset(int(y) for y in _YEAR.findall(_RANGE.sub(" ", folded)))


def year_adjustment(years: Sequence[int], folded: str, doc_years: frozenset[int]) -> float:
    """Score change for a sentence given the years asked about: it states them (+), it states other
    years (-), or it states none and its report never mentions them (-: a report on other years,
    the 2023 article for a "quý I/2025" question)."""
    ys = stated_years(folded)
    adj = 0.0
    for y in years:
        if y in ys:
            adj += 0.05
        elif ys:
            adj -= 0.05
        elif y not in doc_years:
            adj -= 0.08
    return adj


def _bigrams(toks: Sequence[str]) -> set[str]:
    return {f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)}


def _expand(toks: Sequence[str], abbreviations: Mapping[str, str]) -> tuple[set[str], set[str]]:
    """Unigrams and bigrams of a sentence, plus those of the expansions of its abbreviations (the pack's)."""
    uni = set(toks)
    bi = _bigrams(toks)
    if any(t in abbreviations for t in toks):
        inline: list[str] = []
        for t in toks:
            inline.extend(abbreviations.get(t, t).split())
        uni.update(inline)
        bi |= _bigrams(inline)
    joined = " ".join(toks)
    for abbr, full in abbreviations.items():
        if len(abbr) > 2 and full in joined:
            uni.add(abbr)
    return uni, bi


TABLE_ROW = re.compile(r"\S\s+\|\s+\S|^\|.*\|")  # "| Nội dung | Mức thu |", "Trường hợp | Thời hạn |"


_NUMBERED_HEADING = re.compile(r"^(?:dieu \d+|chuong [ivxlc\d]+|muc \d+|phan [ivxlc\d]+|#+ |(?:\d{1,2}|[ivx]{1,4})[.)] |buoc \d+)")


def _named_syllables(question: str, words: WordList, typer: AnswerTyper | None = None) -> frozenset[str]:
    """The folded syllables the question writes capitalised ("Yersin", "VNeID"): names. A sentence's first
    word is capitalised by orthography, so there it counts only when it is no Vietnamese syllable or has
    inner capitals ("Yersin làm …", not "Động Phong Nha …"); a word capitalised as the head of a common noun
    ("Sổ hộ khẩu", "Thẻ căn cước": the typer's ``not_names``) names nothing."""
    out: set[str] = set()
    for m in re.finditer(r"\w+", question):
        w = m.group(0)
        if typer is not None and typer.is_not_a_name(w):
            continue
        before = question[:m.start()].rstrip()
        opens = not before or before[-1] in ".?!:;\"“("
        if w[0].isupper() and not w[0].isdigit() and (
                not opens or any(c.isupper() for c in w[1:]) or (len(words) and not words.is_syllable(w))):
            out.update(tokens(w))
    return frozenset(out)


def _is_heading(line: str) -> bool:
    """A short line that opens a numbered section: "Điều 20. Điều kiện đăng ký thường trú", "2. Giờ làm
    việc", "II. Hỏi đáp", "## Lệ phí". Unnumbered short lines (a report's captions, bylines, a title)
    are not headings: their words would spread to every sentence after them."""
    if len(line) > 120 or TABLE_ROW.search(line) or line.endswith((".", ";", ",", ":", "?", "!", "…")):
        return fold(line[:6]).startswith("dieu ") and len(line) <= 120
    return bool(_NUMBERED_HEADING.match(fold(line))) and len(line.split()) <= 14


def _terms_of(folded: str, abbreviations: Mapping[str, str]) -> frozenset[str]:
    toks = _TOKEN.findall(folded)
    uni, bi = _expand(toks, abbreviations)
    return frozenset(uni) | frozenset(bi)


class CorpusStats:
    """Sentence-level document frequencies of folded syllables and bigrams.

    Why sentence level: with a handful of long reports nearly every word is in every document;
    counting sentences still separates "toàn trình" (2 sentences) from "tỉnh" (hundreds).
    """

    def __init__(self, texts: Iterable[str], terms: EvidenceTerms | None = None) -> None:
        """``terms``: the corpus pack's wording, the finder's too (None: the shipped pack's)."""
        abbreviations = (terms or default_terms()).abbreviations
        self.df: Counter[str] = Counter()
        self.n = 0
        for text in texts:
            for s, e in split_sentences(text):
                toks = tokens(text[s:e])
                if not toks:
                    continue
                self.n += 1
                uni, bi = _expand(toks, abbreviations)
                self.df.update(uni)
                self.df.update(bi)
        self.max_idf = math.log((self.n + 1) / 0.5)

    def idf(self, term: str) -> float:
        df = self.df.get(term, 0)
        return math.log((self.n + 1) / (df + 0.5))

    def known(self, term: str) -> bool:
        return term in self.df


@dataclass(frozen=True)
class Sentence:
    """One sentence of a normalised document; ``text == document_text[start:end]``."""

    source: str
    index: int  # position among the document's sentences
    para: int  # paragraph (line) number
    start: int
    end: int
    text: str
    folded: str
    toks: frozenset[str]
    bigrams: frozenset[str]
    length: int  # number of syllables
    seq: tuple[str, ...] = ()  # the folded syllables in order
    # terms the sentence states through its place in the document, not its own words: the heading of
    # its section or article, the question an FAQ answer follows, the header row of its table
    context: frozenset[str] = frozenset()
    is_question: bool = False  # a question in the document (an FAQ heading) states no fact itself
    section: int = -1  # paragraph number of the heading the sentence sits under (-1: none)

    def writes(self, term: str) -> bool:
        """Whether the sentence's own words hold ``term`` as it is (a syllable, or a pair side by side)."""
        return term in self.bigrams if " " in term else term in self.toks

    def states(self, term: str, window: int = 4) -> bool:
        """Whether the sentence states ``term``: the syllable, the bigram, or the bigram's two
        syllables close together ("trực tuyến (DVCTT) mức độ" states "trực tuyến mức")."""
        if " " not in term:
            return term in self.toks
        if term in self.bigrams:
            return True
        a, b = term.split(" ", 1)
        if a not in self.toks or b not in self.toks:
            return False
        pos_a = [i for i, t in enumerate(self.seq) if t == a]
        pos_b = [i for i, t in enumerate(self.seq) if t == b]
        return any(0 < pb - pa <= window for pa in pos_a for pb in pos_b)


@dataclass
class _Doc:
    source: str
    text: str
    folded: str
    sentences: list[Sentence]
    years: frozenset[int]
    terms: frozenset[str]  # all syllables and bigrams of its sentences


@dataclass(frozen=True)
class ScoredSentence:
    sentence: Sentence
    score: float
    coverage: float  # share of the question's term weight this sentence matches (0..1)
    matched: frozenset[str]
    in_chunk_rank: int  # best rank of a retrieved chunk containing it (99: none)
    # the relevance features the score was computed from (``SENTENCE_FEATURES`` order), for fitting
    features: tuple[float, ...] = field(default=(), compare=False, hash=False)

    def matches(self, terms: Iterable[str]) -> bool:
        """Whether the sentence states every one of ``terms`` (of the question's)."""
        return all(t in self.matched for t in terms)


@dataclass(frozen=True)
class QueryTerms:
    """The question's weighted terms (unigrams and bigrams), folded."""

    weights: dict[str, float]
    total: float
    focus: tuple[str, ...]  # terms naming what is asked (must be stated by the evidence)
    aside: frozenset[str] = frozenset()  # terms only in parentheses: context the question is read in

    def share_stated(self, text: str, stated: Iterable[str]) -> float:
        """The share of the weight of this question's terms that lie in ``text`` (a part of the question)
        which ``stated`` holds; 0 when the part holds none of them."""
        own = set(tokens(text))
        weights = {t: w for t, w in self.weights.items() if set(t.split()) <= own}
        total = sum(weights.values())
        held = set(stated)
        return sum(w for t, w in weights.items() if t in held) / total if total else 0.0


@dataclass
class Evidence:
    """What the documents say about a question, best first."""

    info: QueryInfo
    terms: QueryTerms
    ranked: list[ScoredSentence]  # candidate sentences, best first
    docs: dict[str, _Doc]
    place_docs: dict[str, list[str]] = field(default_factory=dict)  # place -> sources covering it
    missing_places: tuple[str, ...] = ()
    titles: dict[str, str] = field(default_factory=dict)
    chunk_places: dict[str, tuple[str, ...]] = field(default_factory=dict)
    stats: CorpusStats | None = None
    report_years: dict[str, tuple[int, ...]] = field(default_factory=dict)  # source -> years it reports on
    names: frozenset[str] = frozenset()  # folded syllables of the names the question writes (places aside)
    # per unit a "bao nhiêu <unit>" question asks in, a figure written in it (``counting.asked_measures``)
    measures: tuple[re.Pattern[str], ...] = ()
    kinds: dict[str, str] = field(default_factory=dict)  # source -> "law", "faq" or "report" (index.legal)

    def title_terms(self, source: str) -> frozenset[str]:
        """The folded syllables of a page's title and its pairs of adjacent syllables."""
        words = tokens(self.titles.get(source, ""))
        return frozenset(words) | frozenset(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))

    @property
    def best(self) -> ScoredSentence | None:
        return self.ranked[0] if self.ranked else None

    def neighbours(self, s: Sentence, span: int = 1) -> list[Sentence]:
        sents = self.docs[s.source].sentences
        lo, hi = max(0, s.index - span), min(len(sents), s.index + span + 1)
        return sents[lo:hi]

    def paragraph(self, s: Sentence) -> list[Sentence]:
        return [x for x in self.docs[s.source].sentences if x.para == s.para]

    def previous_sentence(self, s: Sentence) -> Sentence | None:
        sents = self.docs[s.source].sentences
        return sents[s.index - 1] if s.index > 0 else None

    def next_sentence(self, s: Sentence) -> Sentence | None:
        sents = self.docs[s.source].sentences
        return sents[s.index + 1] if s.index + 1 < len(sents) else None

    def doc_years(self, source: str) -> frozenset[int]:
        return self.docs[source].years

    def in_candidates(self, term: str) -> bool:
        """Whether any candidate document (after the place filter) states ``term``."""
        sources = {r.sentence.source for r in self.ranked}
        if any(term in self.docs[s].terms for s in sources):
            return True
        return " " in term and any(sent.states(term) for s in sources for sent in self.docs[s].sentences)


class EvidenceFinder:
    """Scores the sentences of the retrieved documents for a question.

    ``document_text(source)`` returns the normalised text that chunk offsets point into;
    ``text_by_hash(doc_hash)`` the text of one version (``Chunk.doc_hash``), so that a request reads
    the version its chunks were retrieved from even when a newer index generation lands mid-request.
    """

    def __init__(self, stats: CorpusStats | Callable[[], CorpusStats],
                 document_text: Callable[[str], str],
                 catalog: Callable[[], Sequence[DocumentMeta]] | None = None,
                 text_by_hash: Callable[[str], str] | None = None, *, typer: AnswerTyper | None = None,
                 model: SentenceModel | None = None, words: WordList | None = None,
                 terms: EvidenceTerms | None = None) -> None:
        if not callable(document_text):
            raise TypeError("document_text must be a function source -> normalised text")
        if text_by_hash is not None and not callable(text_by_hash):
            raise TypeError("text_by_hash must be a function content hash -> normalised text")
        self._stats_of: Callable[[], CorpusStats] = (lambda: stats) if isinstance(stats, CorpusStats) else stats
        self._document_text = document_text
        self._text_by_hash = text_by_hash
        # All indexed documents: a question naming a covered place whose report retrieval missed
        # still gets that report read (instead of a wrong "no information about X").
        self._catalog = catalog
        self._cache: dict[str, _Doc] = {}
        self._typer = typer
        self._words = words if words is not None else WordList()
        self._terms = terms or default_terms()  # the corpus pack's wording, as the statistics read it
        self._model = model if model is not None else load_sentence_model(DEFAULT_SENTENCE_MODEL)

    # --- documents --------------------------------------------------------------------------------
    def _doc(self, source: str, doc_hash: str = "") -> _Doc:
        text = self._text_by_hash(doc_hash) if doc_hash and self._text_by_hash else self._document_text(source)
        cached = self._cache.get(source)
        if cached is not None and (cached.text is text or cached.text == text):
            return cached
        folded = fold(text)
        clutter = clutter_spans(text)
        sentences: list[Sentence] = []
        pos = 0
        heading: frozenset[str] = frozenset()  # the current section/article heading's terms
        section = -1
        asked: frozenset[str] = frozenset()  # the FAQ question the following lines answer
        header: frozenset[str] = frozenset()  # the header row of the current table
        title: frozenset[str] | None = None  # the page's first heading: what a table row's fragment is about
        for para, line in enumerate(text.split("\n")):
            stripped = line.strip()
            if not stripped:
                pos += len(line) + 1
                continue
            row = TABLE_ROW.search(stripped) is not None
            if not row:
                header = frozenset()
            elif not header:
                header = _terms_of(folded[pos:pos + len(line)], self._terms.abbreviations)
                row = False  # the header row itself
            if _is_heading(stripped):
                heading = _terms_of(folded[pos:pos + len(line)], self._terms.abbreviations)
                title = heading if title is None else title
                asked = frozenset()
                section = para
            for s, e in split_sentences(text, pos, pos + len(line)):
                toks = _TOKEN.findall(folded[s:e])
                if not toks or any(cs <= s and e <= ce for cs, ce in clutter):
                    continue  # page furniture (image names, view counters, date headers) states nothing
                uni, bi = _expand(toks, self._terms.abbreviations)
                question = text[s:e].rstrip().endswith("?")
                context = heading | asked | ((header | (title or frozenset())) if row else frozenset())
                sentences.append(Sentence(source, len(sentences), para, s, e, text[s:e], folded[s:e],
                                          frozenset(uni), frozenset(bi), len(toks), tuple(toks),
                                          context - frozenset(uni) - frozenset(bi), question, section))
                if question and e >= pos + len(line.rstrip()):
                    # a line that ends with a question (FAQ: "Tôi đi làm xa … Có cần khai báo … không?"):
                    # what follows answers it; its "… không?" particle is no negation of the answer (a
                    # "Không phải …" answer under "Có cần … không?" still reads "no")
                    asked_text = folded[pos:e]
                    asked = _terms_of(self._typer.strip_yes_no_tail(asked_text) if self._typer is not None
                                      else asked_text, self._terms.abbreviations)
            pos += len(line) + 1
        terms: set[str] = set()
        for sent in sentences:
            terms |= sent.toks | sent.bigrams
        years = frozenset(int(y) for sent in sentences for y in _YEAR.findall(sent.folded))
        doc = _Doc(source, text, folded, sentences, years, frozenset(terms))
        self._cache[source] = doc
        return doc

    # --- question terms ---------------------------------------------------------------------------
    @property
    def _stats(self) -> CorpusStats:
        stats = self._stats_of()
        if stats.n == 0:
            raise ValueError("EvidenceFinder needs corpus statistics from at least one sentence")
        return stats

    def query_terms(self, info: QueryInfo) -> QueryTerms:
        base = info.expansion if info.language == "en" and info.expansion else info.question
        if info.language == "en":
            extra = [vi for rx, vi in self._terms.english if re.search(rx, info.question.lower())]
            base = " ".join([base, *extra])
        raw = tokens(base)
        aside = set(tokens(" ".join(re.findall(r"\(([^()]*)\)", base))))
        folded = " ".join(raw)
        for plain, official in self._terms.everyday:
            if re.search(rf"\b{plain}\b", folded) and official not in folded:
                folded += " | " + official
        for phrase in QUESTION_PHRASES:
            folded = re.sub(rf"\b{phrase}\b", "|", folded)
        # "|" breaks bigrams across removed phrases
        toks: list[str] = []
        runs = [_TOKEN.findall(run) for run in folded.split("|")]
        for run in runs:
            toks.extend(run)
        if info.language == "en":
            # English words the glossary could not render stay as (unknown) terms: "reset my
            # password" must not look fully covered just because "VNeID" matched.
            for w in re.findall(r"[a-z]{3,}", info.question.lower()):
                if w not in STOPWORDS and w not in EN_FILLER and not english_to_vietnamese(w):
                    toks.append(w)
        content = [t for t in toks if t not in STOPWORDS and not t.isdigit()]
        weights: dict[str, float] = {}
        stats = self._stats
        cap = stats.max_idf * 0.6  # unknown words: typos/chat, or topics absent from the corpus
        english_extra = set(toks) - set(tokens(base)) if info.language == "en" else set()
        for t in content:
            if stats.known(t):
                weights[t] = min(stats.idf(t), cap)
            else:
                weights[t] = cap * (0.3 if t in english_extra else 0.5)
        # digits and codes like "06", "4/63" match only exactly; they stay as unigrams
        for t in toks:
            if t.isdigit() and len(t) >= 2 and t not in weights:
                weights[t] = min(stats.idf(t), cap) * 0.5
        def weight(term: str) -> float:
            """A term's IDF, capped; unknown: the cap (a rare word or a typo); a pair weighs ``LAMBDA_BIGRAM``."""
            w = min(stats.idf(term) if stats.known(term) else cap, cap)
            return LAMBDA_BIGRAM * w if " " in term else w

        for run in runs:
            for a, b in zip(run, run[1:], strict=False):
                if a in STOPWORDS or (b in STOPWORDS and b not in PAIRING_PARTICLES):
                    continue
                weights[f"{a} {b}"] = weight(f"{a} {b}")
        # A phrase the question quotes ("ông Năm", "5 rõ", "Phở") is a name or a label: its words
        # count together even where alone they are function words or bare numbers.
        for quoted in QUOTED.findall(info.question):
            q_toks = tokens(quoted)
            pairs = [f"{a} {b}" for a, b in zip(q_toks, q_toks[1:], strict=False)] or q_toks[:1]
            for t in pairs:
                weights.setdefault(t, weight(t))
        main = set(tokens(re.sub(r"\([^()]*\)", " ", base)))
        context = frozenset(t for t in weights if all(x in aside and x not in main for x in t.split()))
        for t in context:
            weights[t] *= 0.5  # context in parentheses (often added by follow-up rewriting)
        focus = self._focus(raw, info.places, stats)
        return QueryTerms(weights, sum(weights.values()) or 1.0, focus, context)

    def _focus(self, toks: list[str], places: Sequence[str], stats: CorpusStats) -> tuple[str, ...]:
        """What a subject-first question asks about ("Lệ phí … là bao nhiêu", "Ai là chủ tịch …").

        Such questions name the thing first; if the evidence never names it, the documents answer a
        different question (a date found where a fee was asked).
        """
        text = " ".join(toks)
        if any((fp := fold(p).lower()).endswith(" la gi") and text.endswith(f" {fp}") for p in places):
            return ()  # "… ở thị xã La Gi": a place the question ends with, not "là gì"
        if text.startswith("theo ") and " , " not in text:
            # "Theo bài về …, tỷ lệ … là bao nhiêu": the attribution is not the subject
            head = re.match(r"theo (?:bai|bao cao|tai lieu|ket qua)\b", text)
            if head:
                return ()
        who = re.match(r"(?:hien )?ai (?:dang |hien |hien nay )?(?:la|lam) (.+)$", text)
        if who:
            toks = who.group(1).split()
        elif not re.search(r"\bla (?:bao nhieu(?: tien| phan tram| nguoi)?|gi|so nao|ai|o dau)\s*$", text) or len(
                re.findall(r"\bbao nhieu\b|\bgi\b|\bnao\b", text)) > 1:
            return ()
        place_toks = {t for p in places for t in tokens(p)}
        content = [t for t in toks if t not in STOPWORDS and t not in place_toks and not t.isdigit()
                   and t not in ("bao", "nhieu", "so", "co", "dang", "hien")]
        joined = f" {' '.join(toks)} "
        for pos, (a, b) in enumerate(zip(content, content[1:], strict=False)):
            if pos > 2:
                break  # the subject is not at the front: no focus
            bg = f"{a} {b}"
            if bg in GENERIC_PHRASES or bg in REPORT_WORDS or f" {bg} " not in joined:
                continue
            if any(g.startswith(f"{b} ") or g.endswith(f" {a}") for g in GENERIC_PHRASES if f" {g} " in joined):
                continue  # straddles a generic phrase ("tỷ lệ | hồ sơ")
            return (bg,)
        return ()

    # --- scoring ----------------------------------------------------------------------------------
    def find(self, info: QueryInfo, contexts: Sequence[ScoredChunk]) -> Evidence:
        terms = self.query_terms(info)
        sources: list[str] = []
        chunk_rank: dict[str, list[tuple[int, int, int]]] = {}
        chunk_dense: dict[str, list[tuple[int, int, float]]] = {}
        titles: dict[str, str] = {}
        chunk_places: dict[str, tuple[str, ...]] = {}
        report_years: dict[str, tuple[int, ...]] = {}
        for rank, sc in enumerate(contexts):
            c = sc.chunk
            if c.source not in sources:
                sources.append(c.source)
                titles[c.source] = c.title
                chunk_places[c.source] = c.places
                report_years[c.source] = c.years
            chunk_rank.setdefault(c.source, []).append((c.start, c.end, rank))
            chunk_dense.setdefault(c.source, []).append((c.start, c.end, sc.signals.get("dense", 0.0)))
        metas = self._catalog() if self._catalog is not None else []  # read once: places and kinds
        if info.places:
            for meta in metas:
                named = {fold(p) for p in meta.places[:2]}
                if meta.source not in sources and any(fold(p) in named for p in info.places) and not any(
                        any(fold(p) in {fold(x) for x in chunk_places[s][:2]} for s in sources)
                        for p in info.places if fold(p) in named):
                    sources.append(meta.source)
                    titles[meta.source] = meta.title
                    chunk_places[meta.source] = meta.places
                    report_years[meta.source] = meta.years
                    chunk_rank[meta.source] = []
        kind_of = {m.source: m.kind for m in metas}
        kinds = {s: kind_of.get(s, "") for s in sources}
        versions = {sc.chunk.source: sc.chunk.doc_hash for sc in reversed(contexts)}  # the version retrieved
        docs = {s: self._doc(s, versions.get(s, "")) for s in sources}

        # places: which retrieved documents are about each place the question names
        place_docs: dict[str, list[str]] = {}
        missing: list[str] = []
        names = _named_syllables(info.question, self._words, self._typer) - {t for p in info.places for t in tokens(p)}
        for place in info.places:
            fp = fold(place)
            covering = [s for s in sources if any(fold(p) == fp for p in chunk_places[s])
                        or re.search(rf"\b{re.escape(fp)}\b", docs[s].folded)]
            # prefer documents *about* the place over ones that merely mention it
            about = [s for s in covering if any(fold(p) == fp for p in chunk_places[s][:2])]
            if about:
                # ... unless a mentioning one states a name the question gives that none of those about the
                # place state: "Yersin làm hiệu trưởng trường nào ở Hà Nội" is about Yersin, not Hà Nội
                unmet = {t for t in names if not any(t in docs[s].terms for s in about)}
                covering = about + [s for s in covering if s not in about and unmet & docs[s].terms]
            place_docs[place] = covering
            if not covering:
                missing.append(place)
        allowed = set(sources)
        if info.places and not missing:
            allowed = {s for docs_ in place_docs.values() for s in docs_}

        speaker_name, speaker = _speaker_terms(info.question, terms)
        define = defined_term(info, self._typer.term_nouns if self._typer is not None else ())
        cues = question_cues(info.qtype, fold(info.question), self._typer, info.question, counted_noun(info))
        measures = tuple(asked_measures(info))
        if not measures and self._typer is not None:
            measures = self._typer.dimension_measures(info.question)  # "rộng bao nhiêu?": an area or a width
        values = cues.cases  # the case the question tells ("bé 8 tuổi"), read once with its other cues
        aside = fold(" ".join(re.findall(r"\(([^()]*)\)", info.question)))
        context_places = [p for p in info.places if re.search(rf"\b{re.escape(fold(p))}\b", aside)
                          or len(info.places) == 1]
        ranked: list[ScoredSentence] = []
        reworded = self.reworded_forms(terms, info)
        for src in sources:
            if src not in allowed:
                continue
            quoting: tuple[int, int] | None = None  # (paragraph, sentence index) where the speaker spoke
            # a report about the one place a question names, or a place that the conversation set
            # (the follow-up rewrite puts it in parentheses), states it in every sentence implicitly
            about_place = frozenset(t for place in context_places
                                    if any(fold(x) == fold(place) for x in chunk_places[src][:2])
                                    for t in place_terms(place, terms))
            # a quote may also come first and be attributed at its end ("“…” - Giám đốc Sở … dẫn giải")
            attributed_after = {sent.para for sent in docs[src].sentences if speaker and speaker_name <= sent.toks
                                and SPEECH_AFTER.search(sent.folded)}
            sents = docs[src].sentences
            saids: list[frozenset[str]] = []
            for sent in sents:
                said: frozenset[str] = frozenset()
                if speaker:
                    if quoting and quoting[0] == sent.para and sent.index > quoting[1]:
                        said = speaker
                    elif speaker_name <= sent.toks and SPEECH.search(sent.folded):
                        quoting = (sent.para, sent.index)
                    elif sent.para in attributed_after:
                        said = speaker
                saids.append(said)
            # a way of writing states the words it implies of the name it follows ("Trần Hưng Đạo (1228 – 1300)"),
            # so only when the sentence names everyone the question does ("Công chúa Thiên Thành, vợ của Trần
            # Hưng Đạo, mất năm nào?" is not about his death)
            implied = [self._typer.implied_words(sent.folded) if self._typer is not None and names <= sent.toks
                       else frozenset() for sent in sents]
            # a value of the question inside a range the sentence states ("bé 8 tuổi": "người chưa đủ 14 tuổi")
            ranged = [self._typer.bracketed(values, sent.folded) if self._typer is not None and values
                      else frozenset() for sent in sents]
            own = [self._matched(terms, sent, reworded, implied[i] | ranged[i]) for i, sent in enumerate(sents)]
            for i, sent in enumerate(sents):
                # what the sentences beside it in its paragraph say of the question ("Mã này có hiệu lực 30
                # ngày" after "Mã kích hoạt VNeID được gửi qua tin nhắn"): an answer often names its
                # subject only in the sentence before
                near: set[str] = set()
                for j in (i - 1, i + 1):
                    if 0 <= j < len(sents) and sents[j].para == sent.para:
                        near |= own[j]
                ranked.append(self._score(info, cues, terms, sent, own[i] | saids[i], frozenset(near),
                                          chunk_rank[src], chunk_dense.get(src, []), docs[src].years,
                                          about_place, define,
                                          follows_question=i > 0 and sents[i - 1].is_question,
                                          measures=measures, implied=implied[i]))
        ranked.sort(key=lambda r: r.score, reverse=True)
        return Evidence(info, terms, ranked, docs, place_docs, tuple(missing), titles, chunk_places, self._stats,
                        report_years, names, measures, kinds)

    @staticmethod
    def reworded_forms(terms: QueryTerms, info: QueryInfo) -> list[tuple[frozenset[str], str | re.Pattern[str]]]:
        """For each pair of the question's wording and the documents' (``info.reworded``), the question's terms it
        covers and the documents' side as words to find among a sentence's (" đăng ký thường trú "), or as a
        pattern where it holds a figure ("# m": "7.729 m"); built once per question."""
        return [(frozenset(t for t in terms.weights if f" {t} " in f" {said} "),
                 re.compile(" " + re.escape(other).replace(re.escape(FIGURE), r"\d+") + " ")
                 if FIGURE in other else f" {other} ")
                for said, other in info.reworded]

    @staticmethod
    def _matched(terms: QueryTerms, sent: Sentence,
                 reworded: Sequence[tuple[frozenset[str], str | re.Pattern[str]]] = (),
                 implied: frozenset[str] = frozenset()) -> frozenset[str]:
        """The question's terms the sentence (or its heading) states; a term of the question's everyday
        wording counts as stated where the sentence says it the documents' way ("nhập hộ khẩu" by
        "đăng ký thường trú", from the corpus pack's synonyms)."""
        said = {t for t in terms.weights if sent.writes(t) or t in sent.context}
        if implied:
            said |= {t for t in terms.weights if t in implied}
        if reworded:
            words = f" {' '.join(sent.seq)} "
            for own_terms, other in reworded:
                if (other in words) if isinstance(other, str) else other.search(words):
                    said |= own_terms
        return frozenset(said)

    def _score(self, info: QueryInfo, cues: QuestionCues, terms: QueryTerms, sent: Sentence,
               matched: frozenset[str], near: frozenset[str], spans: list[tuple[int, int, int]],
               dense_spans: list[tuple[int, int, float]], doc_years: frozenset[int],
               about: frozenset[str] = frozenset(), define: str = "", *,
               follows_question: bool = False, measures: Sequence[re.Pattern[str]] = (),
               implied: frozenset[str] = frozenset()) -> ScoredSentence:
        """``matched``: the question's terms the sentence states (its speaker, named earlier in the
        paragraph, included); ``near``: those its neighbours in the paragraph state; ``about``: the place
        its report is about, which ranks the sentence but is not counted as its own support (the refusal
        decision sees only what the sentence and its speaker state)."""
        coverage = sum(terms.weights[t] for t in matched) / terms.total
        rank = min((r for s, e, r in spans if s <= sent.start and sent.end <= e + 1), default=99)
        dense = max((d for s, e, d in dense_spans if s <= sent.start and sent.end <= e + 1), default=0.0)
        own = frozenset(t for t in matched if t not in sent.context or sent.writes(t))
        asks_who = cues.qtype == "who"
        x = sentence_features(
            cues, text=sent.text, folded=sent.folded, length=sent.length, is_question=sent.is_question,
            coverage=coverage, about=sum(terms.weights[t] for t in about - matched) / terms.total,
            own_coverage=sum(terms.weights[t] for t in own) / terms.total,
            near_coverage=sum(terms.weights[t] for t in near - matched) / terms.total,
            follows_question=follows_question, chunk_dense=dense,
            # what "bao nhiêu X" counts, the unit it measures in ("dài bao nhiêu mét": "7.729 m"), or a value
            # written as the answer to the question's words ("mất năm nào": "Nguyễn Trãi (1380 – 1442)")
            counts_asked=(bool(cues.counted) and re.search(
                rf"\d[\d.,]*\s+{' '.join(cues.counted)}\b", sent.folded) is not None)
            or any(rx.search(sent.folded) for rx in measures) or bool(implied & terms.weights.keys()),
            defines=bool(define) and defines(sent.folded, define),
            names_person=asks_who and names_person(sent.text),
            year_fit=year_adjustment(info.years, sent.folded, doc_years), rank=rank, typer=self._typer)
        return ScoredSentence(sent, self._model.score(x), coverage, matched, rank, x)
