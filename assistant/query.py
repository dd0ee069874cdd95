"""Query understanding: what a question is about, before any search runs.

Why a separate step: retrieval, the answerer and the follow-up rewriter all need the same facts
about a question (its language, the places and years it names, what kind of answer it wants, and
a form of it that matches the Vietnamese corpus even when typed without diacritics or in English).
Computing them once, as a frozen ``QueryInfo``, keeps those parts consistent.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.diacritics import DiacriticRestorer
from assistant.shorthand import Shorthand, default_shorthand
from assistant.vocabulary import SynonymTable
from index.gazetteer import Gazetteer, default_gazetteer
from index.normalize import fold, normalize_text, written_otherwise

__all__ = ["CUES_AS_WRITTEN", "QueryInfo", "analyze", "detect_language", "english_to_vietnamese", "expand_shorthand", "question_type",
           "years_in"]

_WORD = re.compile(r"\w+", re.UNICODE)
# A year may follow a day/month ("22.12.2024", "15/6/2023") but is never a thousands group ("2.025").
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)(?![.,]\d{3}(?!\d))")

def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Function words that only occur in English questions (never Vietnamese syllables, even folded).
_EN_WORDS = _set(
    "the of what which how many much is are was were did does do according to in on for with by from "
    "that this these those had has have been be when who whom whose why percentage share rate report "
    "people number and or at as an it its their there after before during about than"
)
# Folded Vietnamese function syllables that signal a Vietnamese question even without diacritics.
_VI_WORDS = _set(
    "co bao nhieu cua la duoc nhung cac nao gi tinh thi khong va da dat den tren theo ve trong voi "
    "cho mot hay sao vay the nay nguoi dan dich vu cong ho so"
)

# Folded stopwords / question words left out of ``keywords`` (they carry no topic).
_VI_STOP = _set(
    "co bao nhieu la cua duoc nhung cac nao gi thi khong va da dat den tren theo ve trong voi cho mot "
    "hay sao vay the nay do ay kia nhu tai vi tai sao khi ngay nam thang quy luc gio ai ma ra con rieng "
    "biet hoi xin de nghi cung cap so lieu mat minh em toi ban a oi nhe nha cu tu tinh den "
    "lan luot bao gio may thu phan tram ty le ti le"
) - {"so"}
_EN_STOP = _EN_WORDS | _set("what's is there any all according i")  # "but I want": "I" is no name

# qtype rules on the folded, lowercased question: (type, patterns). Compare and why win over the
# rest (a comparison of two figures still contains "bao nhieu"); otherwise the earliest match wins.
_PRIORITY_TYPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # "ở hai chỗ khác nhau không?" asks yes or no; "làm lần lượt những gì" asks for steps in order
    ("compare", (r"\bso sanh\b", r"\bkhac nhau\b(?!\s+khong\b)", r"\blan luot\b(?!\s+(?:nhung|cac)\b)", r"\bthay doi the nao\b",
                 r"\bthay doi ra sao\b", r"\bcompare\b", r"\bcomparison\b", r"\bdiffer", r"\bversus\b",
                 r"\bvs\b", r"\bhai tinh\b",
                 # "tỉnh nào … cao hơn, Bình Định hay Bắc Ninh?" / "which province has more …"
                 r"\b(?:cao|thap|nhieu|it|tot|lon|nho|nhanh|cham) hon\b.*\bhay\b",
                 r"\b(?:tinh|noi|dia phuong|ben) nao\b.*\b(?:cao|thap|nhieu|it|tot|lon|nho|nhanh|cham) hon\b",
                 r"\bwhich (?:province|one|place)\b.*\b(?:higher|lower|more|fewer|better|faster)\b")),
    ("why", (r"\bvi sao\b", r"\btai sao\b", r"\bnguyen nhan\b", r"\bly do\b", r"\bhan che\b",
             r"\bkho khan\b", r"\bvuong mac\b", r"\b(?:nhung|cac) ton tai\b", r"\bton tai gi\b",
             r"\bbat cap\b", r"\byeu kem\b", r"\bwhy\b", r"\breasons?\b", r"\bcauses?\b",
             r"\bdifficult", r"\blimitations?\b", r"\bobstacles?\b")),
)
_ORDERED_TYPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # "kể tên mấy làng nghề": name a few, no count asked
    ("how_many", (r"\bbao nhieu\b", r"\bty le\b", r"\bti le\b", r"(?<!\bke ten )(?<!\bke ra )\bmay\b", r"\bphan tram\b",
                  r"\bhow many\b", r"\bhow much\b", r"\bwhat percentage\b", r"\bwhat share\b",
                  r"\bwhat proportion\b", r"\bwhat (?:was|is|were) the (?:\w+ )?(?:rate|number|share|percentage)\b",
                  r"\bpercent")),
    ("when", (r"\bkhi nao\b", r"\bngay nao\b", r"\bnam nao\b", r"\bthang nao\b", r"\bbao gio\b",
              r"\bthoi diem\b", r"\bhoi nao\b", r"\bluc nao\b",
              # "when" that asks: opening the question or before its verb ("Until when could I …"), not the
              # clause of another question ("What formats can I attach when submitting …?")
              r"(?:^|[.!?]\s+)(?:(?:and|so|but|then|since|until|by) )?when\b",
              r"\bwhen (?:did|was|were|is|are|does|do|will|would|can|could|should|must|has|have|had)\b", r"\bwhat date\b",
              r"\bwhich date\b", r"\bwhat day\b", r"\bwhat year\b", r"\bon what date\b")),
    ("who", (r"\bdo ai\b", r"\bla ai\b", r"(?:^|[^\w])ai\b", r"\bco quan nao\b", r"\bdon vi nao\b",
             r"\bwho\b", r"\bwhich (?:agency|authority|body|department|organi[sz]ation)\b")),
    ("list", (r"\bgom nhung\b", r"\bnhung gi\b", r"\b(?:nhung|cac)(?: \w+){1,4} gi\b", r"\bnhung\b[^?]{1,60}\bnao\b", r"\bcac\b[^?]{1,60}\bnao\b",
              r"\bliet ke\b", r"\bke (?:ten|ra)\b", r"\bwhat are\b", r"\bwhich (?:\w+ ){0,3}(?:services|measures|platforms|systems|goals|lessons|tasks)\b",
              r"\blist\b")),
    ("yes_no", (r"\bduoc khong\b", r"\bco phai\b", r"\bduoc chua\b", r"\bkhong a\b", r"\bkhong vay\b",
                r"\bco\b[^?]{1,80}\bkhong\b\s*\??\s*$",
                # a statement put for confirmation: "…, phải không?", "…, đúng không?", "Có đúng là …?"
                r"\b(?:phai|dung) khong\s*\??\s*$", r"\bco dung (?:la|rang)\b")),
)
# English only: folded, "Căn cước …" and "Cần …" open with "can", "Do …" with "do"
_ENGLISH_TYPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # an auxiliary opens the question, or the sentence that asks after a story
    ("yes_no", (r"^(?:is|are|can|does|do|did|has|have)\b",
                r"[.!?]\s+(?:is|are|am|was|were|can|could|does|do|did|has|have|will|would|should|must|may)"
                r"\b(?=[^.!?]*\?\s*$)")),
)

# "Sở TT&TT" / "Sở TTTT": the reports always write the department's name out
_TTTT_RE = re.compile(r"(?<!\w)TT\s?&\s?TT(?!\w)|(?<!\w)TTTT(?!\w)", re.IGNORECASE)


def expand_shorthand(text: str, shorthand: Shorthand | None = None) -> str:
    """``text`` with chat shorthand written out ("bn dvc" -> "bao nhiêu dịch vụ công"); words in
    capitals ("DVC", "K") are acronyms or initials and stay as typed."""
    text = _TTTT_RE.sub("Thông tin và Truyền thông", text)
    return (shorthand or default_shorthand()).expand(text)


# English -> Vietnamese glossary (longest phrases first), so an English question also searches the
# Vietnamese corpus by its own terms. Dense retrieval is multilingual but weaker across languages.
def _sentence_start(text: str, at: int) -> bool:
    """Whether the word at ``at`` opens a sentence (its capital says nothing about it being a name)."""
    before = text[:at].rstrip(" \"'“(")
    return not before or before[-1] in ".?!:"


# common English question words of any genre, read after the corpus pack's glossary (which wins among equals)
DEFAULT_ENGLISH = Path(__file__).resolve().parents[1] / "data" / "lang" / "english.tsv"


DEFAULT_GLOSSARY = Path(__file__).resolve().parents[1] / "data" / "packs" / "default" / "glossary.tsv"


@functools.cache
def _english_patterns(*paths: Path) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The glossaries' patterns as whole words, compiled once, in the files' order. Why: the two files hold
    more patterns than ``re``'s own cache keeps (512), so compiling them on use recompiled every one of them
    for every English question (~80 ms)."""
    return tuple((re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])"), vi)
                 for path in paths for pattern, vi in load_glossary(path))


@functools.cache
def load_glossary(path: Path) -> tuple[tuple[str, str], ...]:
    """``(english regex, vietnamese)`` pairs from a TSV file; a malformed line is an error naming it."""
    out: list[tuple[str, str]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise ValueError(f"{path}:{n}: expected 'english<TAB>vietnamese', got {line!r}")
        try:
            re.compile(parts[0])
        except re.error as err:
            raise ValueError(f"{path}:{n}: bad pattern {parts[0]!r}: {err}") from err
        out.append((parts[0], parts[1]))
    return tuple(out)



@dataclass(frozen=True)
class QueryInfo:
    """Everything retrieval and answering want to know about one (standalone) question."""

    question: str  # as asked, normalised (NFC, one tone style, chat shorthand written out)
    language: str  # "vi" or "en"
    has_diacritics: bool  # False: Vietnamese typed without marks ("binh dinh co bao nhieu ...")
    restored: str  # diacritics restored from the corpus vocabulary (== question when nothing to do)
    places: tuple[str, ...]  # canonical place names, in order of mention
    years: tuple[int, ...]  # years mentioned, in order of mention
    qtype: str  # how_many | when | who | list | why | compare | yes_no | other
    keywords: tuple[str, ...]  # content syllables (accented when known), no stopwords/question words
    expansion: str = ""  # Vietnamese rendering of an English question's key terms ("" for Vietnamese)
    # the legal wording of the everyday words the question uses, and the other way round ("nhập hộ khẩu"
    # -> "đăng ký thường trú"), from the corpus pack's synonyms file; searched along with the question
    synonyms: tuple[str, ...] = ()
    # the same pairs as (the question's folded words, the folded wording a document may use instead): a
    # sentence that says "đăng ký thường trú" states what "nhập hộ khẩu" asks (evidence matching)
    reworded: tuple[tuple[str, str], ...] = ()
    # the places as the question writes them ("Sài Gòn" for Hồ Chí Minh): words of a place, not unknown names
    place_mentions: tuple[str, ...] = ()

    @staticmethod
    def _with(text: str, extra: tuple[str, ...]) -> str:
        return " ".join([text, *extra]) if extra and text else text

    def search_forms(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(dense, lexical) forms retrieval searches: ``dense_texts`` / ``lexical_texts`` with the pack's
        synonyms appended to the Vietnamese form, so "nhập hộ khẩu" also finds "đăng ký thường trú"."""
        dense = tuple(self._with(t, self.synonyms) if t != self.question or self.language == "vi" else t
                      for t in self.dense_texts)
        return dense, tuple(self._with(t, self.synonyms) for t in self.lexical_texts)

    @property
    def dense_texts(self) -> tuple[str, ...]:
        """Forms to embed: the restored Vietnamese (e5 reads unaccented text poorly); English as asked
        (the model is multilingual) plus its Vietnamese rendering."""
        if self.language == "en":
            return tuple(t for t in (self.question, self.expansion) if t)
        return (self.restored,)

    @property
    def lexical_texts(self) -> tuple[str, ...]:
        """Forms for BM25: Vietnamese words only (English words match nothing in the corpus)."""
        if self.language == "en":
            return (self.expansion or self.question,)
        return (self.restored,)

    @property
    def search_texts(self) -> tuple[str, ...]:
        """The distinct forms worth searching: as asked, with diacritics restored, translated terms."""
        out: list[str] = []
        for t in (self.question, self.restored, self.expansion):
            if t and t not in out:
                out.append(t)
        return tuple(out)


# A Vietnamese syllable, folded: an optional onset, one to three vowels, an optional final consonant. A word
# that cannot be one ("register", "online", "business") is not Vietnamese, with or without its diacritics.
_VI_SYLLABLE = re.compile(r"(?:ngh|ch|gh|gi|kh|ng|nh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?")
# At least this share of a question's words cannot be Vietnamese syllables: it is written in English even
# when it uses few English function words ("Can a foreigner register a household business?")
_FOREIGN_SHARE = 0.4
# ... and it uses at least two English function words, so a string encoded to look like words (rot13, hex) is
# not taken for English
# ... and text where at most this share of words cannot be syllables, with this many syllables per English
# function word, is Vietnamese typed without diacritics whatever English words its syllables spell
_SYLLABLE_FOREIGN_SHARE = 0.15
_SYLLABLES_PER_EN_WORD = 2
_EN_FUNCTION = _EN_WORDS | _set("a can could i me my you your we our they he she his her will would should must may "
                               "might not no if into")


def detect_language(text: str) -> str:
    """"en" when English function words dominate, or when no Vietnamese is written outside brackets and most
    words cannot be Vietnamese syllables; else "vi" (Vietnamese is the default audience)."""
    words = [w.lower() for w in _WORD.findall(text)]
    en = sum(1 for w in words if w in _EN_WORDS)
    vi = sum(1 for w in words if fold(w) in _VI_WORDS and w not in _EN_WORDS)
    if en >= 2 and en > vi and not _syllables_dominate(words, en):
        return "en"
    # a Vietnamese term in brackets ("a household business (hộ kinh doanh)") does not make the question Vietnamese
    outside = [w for w in _WORD.findall(re.sub(r"\([^()]*\)", " ", text))
               if w.isalpha() and len(w) > 1 and not w.isupper()]  # acronyms (VNeID, CCCD) are either
    if not outside or any(fold(w) != w.lower() for w in outside):
        return "vi"
    foreign = sum(1 for w in outside if not _VI_SYLLABLE.fullmatch(w.lower()))
    function = sum(1 for w in words if w in _EN_FUNCTION)
    return "en" if foreign >= 2 and foreign >= _FOREIGN_SHARE * len(outside) and function >= 2 else "vi"


def _syllables_dominate(words: Sequence[str], en: int) -> bool:
    """Chat Vietnamese typed without diacritics ("e dang tam tru o Ha Noi, que e o Nghe An, … dc ko a"): nearly
    every word is a Vietnamese syllable, and the few English function words in it are syllables too ("an" of
    "Nghệ An", "than" of "độc thân"). English has words no syllable can be ("online", "does", "what")."""
    alpha = [w for w in words if w.isalpha()]
    foreign = sum(1 for w in alpha if not _VI_SYLLABLE.fullmatch(w))
    syllables = sum(1 for w in alpha if _VI_SYLLABLE.fullmatch(w) and w not in _EN_FUNCTION)
    return foreign <= _SYLLABLE_FOREIGN_SHARE * len(alpha) and syllables >= _SYLLABLES_PER_EN_WORD * en


def _marked_ratio(text: str) -> float:
    words = [w for w in _WORD.findall(text) if not w.isdigit()]
    if not words:
        return 0.0
    return sum(1 for w in words if fold(w) != w.lower()) / len(words)


def years_in(text: str) -> tuple[int, ...]:
    """Years named in ``text`` ("quý I/2025", "năm 2024", "15/6/2023", "2022 - 2025"), in order, unique."""
    seen: list[int] = []
    for m in _YEAR.finditer(text):
        y = int(m.group(1))
        if y not in seen:
            seen.append(y)
    return tuple(seen)


# cue words whose folded form is also another word, as the cue writes them: "xe máy" folds to the "may" of
# "mấy" (how many); a question typed with diacritics must write the cue so
CUES_AS_WRITTEN = ("mấy", "ai")  # "Nguyễn Ái Quốc", "Ải Chi Lăng" fold to the "ai" of who


# context a follow-up rewrite appended in brackets ("Vậy có mất phí không (khai báo tạm vắng)?"): the words the
# previous turn set, not the question's own; the "… không" before it still ends the question
TRAILING_CONTEXT = re.compile(r"\([^()]*\)(?=\s*[?.!]*\s*$)")


def blank_context(text: str) -> str:
    """``text`` with a trailing bracketed context as spaces (offsets kept)."""
    return TRAILING_CONTEXT.sub(lambda m: " " * len(m.group()), text)


def question_type(text: str) -> str:
    """The kind of answer wanted, from folded cue phrases (works with or without diacritics), in the question's
    own words: context a follow-up rewrite appended ("… thì bao lâu có kết quả (… rút bhxh được chưa)?") asks
    nothing."""
    text = blank_context(text).strip()
    f = fold(text)

    def cue_at(p: str) -> re.Match[str] | None:
        return next((m for m in re.finditer(p, f)
                     if not written_otherwise(text, m.start(), m.end(), CUES_AS_WRITTEN)), None)

    for name, pats in _PRIORITY_TYPES:
        if any(cue_at(p) for p in pats):
            return name
    best: tuple[int, str] | None = None
    for name, pats in _ORDERED_TYPES + (_ENGLISH_TYPES if detect_language(text) == "en" else ()):
        for p in pats:
            m = cue_at(p)
            if m and (best is None or m.start() < best[0]):
                best = (m.start(), name)
    return best[1] if best else "other"


def english_to_vietnamese(text: str) -> str:
    """Vietnamese corpus terms for the English phrases in ``text`` plus names/numbers kept as written."""
    low = text.lower()
    taken = [False] * len(low)
    # the longest phrase wins wherever two overlap, whatever order the files list them in ("electronic
    # transactions" over "transactions"); among equals the corpus glossary before the general words
    found = [(m, i, vi) for i, (rx, vi) in enumerate(_english_patterns(DEFAULT_GLOSSARY, DEFAULT_ENGLISH))
             for m in rx.finditer(low) if m.end() > m.start()]
    kept: list[tuple[int, int, str]] = []
    for m, i, vi in sorted(found, key=lambda f: (f[0].start() - f[0].end(), f[1], f[0].start())):
        if any(taken[m.start() : m.end()]):
            continue
        for j in range(m.start(), m.end()):
            taken[j] = True
        kept.append((i, m.start(), m.expand(vi) if "\\" in vi else vi))
    terms = [vi for _, _, vi in sorted(kept)]  # in the files' order, as each was found
    # Keep what the glossary does not cover but the corpus may contain verbatim: numbers, codes
    # (C06, VNeID, DTI), and accented Vietnamese names typed inside the English sentence; a bracket written
    # in Vietnamese ("a household business (hộ kinh doanh)") is kept whole, its unmarked syllables too.
    vietnamese = [m for m in re.finditer(r"\(([^()]*)\)", text)
                  if any(fold(w) != w.lower() for w in _WORD.findall(m.group(1)))]
    for m in vietnamese:
        terms.append(" ".join(m.group(1).split()))
        for i in range(m.start(), m.end()):
            taken[i] = True
    for m in _WORD.finditer(text):
        if any(taken[m.start() : m.end()]):
            continue
        w = m.group(0)
        if w.lower() in _EN_STOP:
            continue
        if any(ch.isdigit() for ch in w) or fold(w) != w.lower() or (w.isupper() and len(w) > 1) or (
            any(ch.isupper() for ch in w[1:])
        ) or (w[:1].isupper() and not _sentence_start(text, m.start())):
            terms.append(w)  # a name ("Marie Curie", "Fansipan", "Khai Dinh") is searched as written
    return " ".join(dict.fromkeys(terms))


def _keywords(text: str, language: str) -> tuple[str, ...]:
    stop = _EN_STOP if language == "en" else _VI_STOP
    out: list[str] = []
    for w in _WORD.findall(text):
        low = w.lower()
        key = low if language == "en" else fold(low)
        if key in stop or (len(low) == 1 and not low.isdigit()):
            continue
        if low not in out:
            out.append(low)
    return tuple(out)


def analyze(question: str, restorer: DiacriticRestorer | None = None,
            synonyms: SynonymTable | None = None, shorthand: Shorthand | None = None,
            gazetteer: Gazetteer | None = None) -> QueryInfo:
    """Analyse one standalone question. ``restorer`` (built from the index) enables diacritic restoration;
    ``synonyms`` (the corpus pack's everyday <-> legal wording) adds the other wording to search with;
    ``gazetteer`` (the pack's places; None: the shipped one) tells which places it names."""
    text = " ".join(normalize_text(question).split())
    language = detect_language(text)
    ratio = _marked_ratio(text)  # of what was typed: shorthand written out below carries marks
    if language == "vi":
        text = expand_shorthand(text, shorthand)
    has_diacritics = ratio > 0.0
    restored = text
    # A normally typed Vietnamese question has most syllables marked; restoring its few plain
    # ones ("con", "tin") would only risk damage, so restore only mostly-unmarked questions.
    if language == "vi" and restorer is not None and ratio < 0.25:
        restored = restorer.restore(text)
    expansion = english_to_vietnamese(text) if language == "en" else ""
    places: list[str] = []
    mentions: list[str] = []
    places_known = gazetteer or default_gazetteer()
    for t in (text, restored):
        for written, p in places_known.mentions(t):
            if p not in places:
                places.append(p)
            if written not in mentions:
                mentions.append(written)
    if expansion:
        for p in places:
            if fold(p) not in fold(expansion):
                expansion = f"{expansion} {p}"
    kw_source = expansion if language == "en" else restored
    return QueryInfo(
        question=text,
        language=language,
        has_diacritics=has_diacritics,
        restored=restored,
        places=tuple(places),
        years=years_in(text),
        qtype=question_type(text),
        keywords=_keywords(kw_source, "vi"),
        expansion=expansion,
        synonyms=synonyms.expand(f"{restored} {expansion}") if synonyms is not None else (),
        reworded=synonyms.mentioned(f"{restored} {expansion}") if synonyms is not None else (),
        place_mentions=tuple(mentions),
    )
