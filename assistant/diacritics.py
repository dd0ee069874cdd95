"""Restores Vietnamese diacritics in questions typed without them, from the corpus's own vocabulary.

Why from the corpus: the only forms worth restoring are the ones retrieval can match and the
answer can quote, and the corpus already tells us which accented form of a folded syllable is
used where ("dinh" is "định" next to "bình" or "danh", but "đình" next to "gia"). A bigram
Viterbi over the folded syllables picks the most likely accented sequence; unknown syllables
(English words, typos) are left exactly as typed.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from index.gazetteer import default_gazetteer
from index.normalize import fold

_WORD = re.compile(r"\w+", re.UNICODE)
_GAP_OK = re.compile(r"^[ \t]*$")  # only spaces between two syllables keeps them in one phrase
_MAX_CANDIDATES = 6
_MU = 0.5  # how much the unigram preference counts against an observed bigram (Dirichlet smoothing)
_SEED_WEIGHT = 3

# Question phrasing rarely appears in news reports ("có bao nhiêu", "là gì", "thứ mấy"), so the
# corpus alone would restore "co bao nhieu" to "cơ bảo nhiều". These phrases are added to every
# vocabulary with a small weight; they are Vietnamese grammar, not corpus content.
QUESTION_PHRASES = (
    "có bao nhiêu", "là bao nhiêu", "được bao nhiêu", "đạt bao nhiêu", "bao nhiêu phần trăm",
    "tính đến", "tính đến nay", "tính đến ngày", "khi nào", "ngày nào", "năm nào", "bao giờ",
    "là gì", "gồm những gì", "những gì", "những nào", "cái gì", "vì sao", "tại sao", "thế nào",
    "như thế nào", "ra sao", "thì sao", "còn thì sao", "được không", "có phải", "có không", "không ạ",
    "thứ mấy", "mấy", "do ai", "là ai", "ở đâu", "theo báo cáo", "bài báo", "báo cáo năm",
    "tỷ lệ là bao nhiêu", "cho biết", "cho hỏi", "có được không", "hiện nay",
    "của tỉnh", "tỉnh có", "có tổng cộng", "tổng cộng", "quý I", "năm", "tháng",
    # everyday words of citizens' questions that news reports rarely use
    "thì bao nhiêu", "thì có", "thì phải", "thì được", "thế còn", "vậy còn", "còn", "riêng",
    "từ ngày", "từ năm", "từ khi", "người từ", "bắt đầu từ", "từ bao giờ", "từ hồi nào",
    "bạn", "mình", "tôi", "em", "này", "việc này", "đó", "để", "mọi", "so sánh", "khác nhau",
    "lần lượt", "diễn ra", "kéo dài", "hai tỉnh", "tiền", "tiền mặt", "trả tiền", "nộp tiền", "đi khám",
    "vậy", "nhé", "hãy", "đừng", "giúp", "hỏi", "mất bao lâu", "mất phí", "quên mật khẩu", "lấy lại",
    "hộ chiếu", "lệ phí", "tổng đài", "số điện thoại", "làm thủ tục", "đăng ký", "đăng nhập",
    "trên mạng", "bỏ qua", "tạm dừng", "sở ngành", "các sở", "ra quầy", "ở nhà", "đi chợ", "ra chợ",
    "không dùng tiền mặt", "làm căn cước", "cấp lại",
)


def _has_marks(token: str) -> bool:
    return fold(token) != token.lower()


def _match_case(template: str, form: str) -> str:
    """Give ``form`` the capitalisation the user typed (``Binh`` -> ``Bình``, ``CCCD`` stays upper)."""
    if template.isupper() and len(template) > 1:
        return form.upper()
    if template[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


class DiacriticRestorer:
    """Folded-syllable -> accented-form tables built once per index snapshot (cheap: ~10k syllables)."""

    def __init__(self, texts: Iterable[str], places: Iterable[str] | None = None) -> None:
        """``places``: the gazetteer's names, seeded like question phrasing (None: the shipped gazetteer's)."""
        seeds = (*QUESTION_PHRASES, *(default_gazetteer().names if places is None else places))
        self._unigram: dict[str, Counter[str]] = defaultdict(Counter)
        self._bigram: dict[tuple[str, str], Counter[tuple[str, str]]] = defaultdict(Counter)
        for text in texts:
            self._add(text)
        for _ in range(_SEED_WEIGHT):
            for phrase in seeds:
                self._add(phrase)
        if not self._unigram:
            raise ValueError("DiacriticRestorer needs at least one text with words in it")
        self._candidates: dict[str, list[tuple[str, float]]] = {}
        for folded, forms in self._unigram.items():
            total = sum(forms.values())
            self._candidates[folded] = [(f, c / total) for f, c in forms.most_common(_MAX_CANDIDATES)]

    @property
    def vocabulary_size(self) -> int:
        return len(self._unigram)

    def _add(self, text: str) -> None:
        prev: tuple[str, int] | None = None  # (lowercased token, end offset)
        for m in _WORD.finditer(text):
            tok = m.group(0).lower()
            if tok.isdigit():
                prev = None
                continue
            self._unigram[fold(tok)][tok] += 1
            if prev is not None and _GAP_OK.match(text[prev[1] : m.start()]):
                self._bigram[(fold(prev[0]), fold(tok))][(prev[0], tok)] += 1
            prev = (tok, m.end())

    def forms(self, folded: str) -> list[str]:
        """Accented forms seen for a folded syllable, most frequent first (for tests and debugging)."""
        return [f for f, _ in self._candidates.get(folded, [])]

    def restore(self, text: str) -> str:
        """Return ``text`` with every unaccented, known syllable replaced by its most likely accented form.

        Syllables the user already accented are kept as typed and still guide their neighbours.
        """
        tokens = list(_WORD.finditer(text))
        if not tokens:
            return text
        out: list[str] = []
        pos = 0
        run: list[re.Match[str]] = []
        for i, m in enumerate(tokens):
            run.append(m)
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            if nxt is None or not _GAP_OK.match(text[m.end() : nxt.start()]):
                choice = self._viterbi([r.group(0) for r in run])
                for r, form in zip(run, choice, strict=True):
                    out.append(text[pos : r.start()])
                    out.append(form)
                    pos = r.end()
                run = []
        out.append(text[pos:])
        return "".join(out)

    def _options(self, token: str) -> list[tuple[str, float]]:
        low = token.lower()
        if _has_marks(token) or low.isdigit():
            return [(low, 1.0)]
        cands = self._candidates.get(fold(low))
        return cands if cands else [(low, 1.0)]

    def _transition(self, a: str, p_a: float, b: str, p_b: float) -> float:
        """log P(b | a) from the joint P(a, b) of the folded pair, smoothed towards P(a)P(b).

        Using the *joint* lets evidence flow both ways: "quy định" being common makes the
        unaccented "quy" stay "quy" before "định" even though "quý" is more frequent alone.
        """
        pair_counts = self._bigram.get((fold(a), fold(b)))
        if not pair_counts:
            return math.log(p_b)
        seen = pair_counts.get((a, b), 0)
        total = sum(pair_counts.values())
        return math.log((seen + _MU * p_a * p_b) / (total + _MU)) - math.log(p_a)

    def _viterbi(self, run: list[str]) -> list[str]:
        options = [self._options(t) for t in run]
        # best[j] = (score, back-pointer) for option j at the current position
        scores = [math.log(p) for _, p in options[0]]
        back: list[list[int]] = []
        for i in range(1, len(run)):
            new_scores: list[float] = []
            pointers: list[int] = []
            for form, p in options[i]:
                best_j, best = 0, -math.inf
                for j, (prev_form, prev_p) in enumerate(options[i - 1]):
                    s = scores[j] + self._transition(prev_form, prev_p, form, p)
                    if s > best:
                        best_j, best = j, s
                new_scores.append(best)
                pointers.append(best_j)
            scores = new_scores
            back.append(pointers)
        j = max(range(len(scores)), key=scores.__getitem__)
        chosen = [j]
        for pointers in reversed(back):
            j = pointers[j]
            chosen.append(j)
        chosen.reverse()
        result = []
        for tok, opts, idx in zip(run, options, chosen, strict=True):
            result.append(tok if opts[idx][0] == tok.lower() else _match_case(tok, opts[idx][0]))
        return result
