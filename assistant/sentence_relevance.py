"""How well one sentence answers a question: declared features, weights fitted on Q&A of four genres.

Why: the sentence a citation quotes and the lead is cut from is the top of this ranking. It used to be
a sum of hand-set bonuses tuned to the reports; now the features are named here, and their weights come
from ``python -m evals.fit_sentence_model`` (listwise logistic regression over the candidate sentences
of each question, fitted on reports, laws, FAQ pages and encyclopedia prose, with leave-one-genre-out
figures) and live in ``data/models/sentence_relevance.json``.

The score stays in coverage units (the fitted weights are divided by the coverage weight), so the
selection and answerability stages that read "the best sentence's score" keep their scale.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.answer_typing import AnswerTyper
from assistant.conditions import Quantity

__all__ = ["DEFAULT_PATH", "SENTENCE_FEATURES", "QuestionCues", "SentenceModel", "load_sentence_model", "question_cues",
           "sentence_features"]

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "models" / "sentence_relevance.json"

# Each feature is a property of (question, sentence) that holds in any genre; the weights say how much.
SENTENCE_FEATURES: tuple[str, ...] = (
    "coverage",  # share of the question's IDF-weighted terms the sentence (or its heading) states
    "about_place",  # share stated implicitly: the one place the sentence's report is about
    "own_coverage",  # share the sentence's own words state (not its heading or FAQ question)
    "near_coverage",  # share only the sentences beside it in its paragraph state
    "follows_question",  # the sentence right after a question in the document (an FAQ answer's opening)
    "chunk_dense",  # dense similarity of the question and the retrieved passage holding the sentence
    "asked_value",  # the sentence holds a value of the asked type (number, date, money, place, ...)
    "figure_for_count",  # a "how many / compare" question and a sentence with a digit
    "percent_for_rate",  # a rate is asked and the sentence states a percentage
    "counted_noun",  # "bao nhiêu hệ thống" and the sentence counts them in so many words ("95 hệ thống")
    "date_for_when",  # a "when" question and a sentence with a date
    "title_for_who",  # a "who" question and an office or title
    "name_for_who",  # a "who" question and a person's name
    "enumeration_for_list",  # a list question and a sentence that enumerates
    "item_for_list",  # a list question and an enumerated line ("2.", "b)", "-"): what its heading says
    "cause_for_why",  # a "why / what difficulties" question and a sentence stating a cause or shortcoming
    "no_cause_for_why",  # ... and a sentence that states none
    "opens_limits",  # ... and a sentence that opens a "limitations" passage
    "states_causes",  # "vì sao / nguyên nhân" and the sentence that names the causes
    "cause_marker",  # ... and a sentence with "do / bởi / vì"
    "defines",  # "X là gì" and the sentence that says what X is
    "web_address",  # an address or link is asked and the sentence gives one
    "year_fit",  # the question's year: stated (+), reported on (+), contradicted (-)
    "case_meets",  # the question's case ("10 tuổi") meets a bound the sentence sets ("dưới 14 tuổi")
    "case_fails",  # ... fails it ("từ đủ 14 tuổi trở lên"): a rule that does not apply to the case
    "chunk_rank",  # 1 / (1 + rank) of the best retrieved chunk holding the sentence, 0 if none
    "is_question",  # a question in the document (an FAQ heading) states no fact itself
    "short",  # captions and labels (< 4 syllables)
    "headline",  # a short line without final punctuation: a headline repeats the topic
    "long",  # length / 120 syllables beyond 120
)

_NUMBER = re.compile(r"\d")
_PERCENT = re.compile(r"\d\s*%|phan tram")
_ASKS_RATE = re.compile(r"ty le|ti le|phan tram|percent")
_DATE = re.compile(r"\b\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{4})?\b|\bthang\s+\d{1,2}\b|\bnam\s+\d{4}\b"
                   r"|\bquy\s+[i1v]+\b")
_ENUM = re.compile(r":|;|\(\d\)")
_ITEM = re.compile(r"^(?:\d{1,2}[.)]|[a-zđ]\)|[-+•*–])\s")
# A shortcoming or a cause stated in so many words ("vì", "bởi", "nhờ"). On the unfolded text: folded,
# "thắp" is "thấp", "công chúa" holds "chưa" and "thiêu" is "thiếu".
_CAUSE = re.compile(r"\b(?:nguyên nhân|dẫn đến|khó khăn|hạn chế|vướng mắc|chưa|còn thấp|còn chậm|bất cập|"
                    r"lúng túng|phức tạp|yếu kém|thiếu|mất điểm|trễ hạn|do lo ngại|bởi|vì|nhờ|thấp)\b")
_OPENS_LIMITS = ("tuy nhien", "han che", "kho khan", "ben canh do", "nguyen nhan")
_ASKS_CAUSE = re.compile(r"\b(?:vi sao|tai sao|nguyen nhan|ly do|why|reasons?|causes?)\b")
_STATES_CAUSE = re.compile(r"\b(?:do|bởi|vì|xuất phát từ)\b")  # on the unfolded text: folded "do" is also "độ"
_WHO = re.compile(r"\b(?:chu tich|pho chu tich|giam doc|truong|bo truong|thu tuong|dong chi|ong|ba|so|cuc|"
                  r"ubnd|bo)\b")
_ASKS_WEB_ADDRESS = re.compile(r"\b(?:web ?address|urls?|links?|websites?|dia chi (?:web|truy cap|trang)|trang web"
                               r"|duong (?:dan|link)|log ?in|sign[- ]?in|address)\b")
_WEB_ADDRESS = re.compile(r"https?://|\bwww\.|\b[\w-]+(?:\.[\w-]+)*\.(?:gov|com|org|edu)\.vn\b|\b[\w-]+\.vn\b")


@dataclass(frozen=True)
class QuestionCues:
    """What the question asks, computed once per question (not once per sentence)."""

    qtype: str  # the retrieval analyser's question type (how_many, when, who, list, why, ...)
    expected: str  # the answer type the typer reads from the question ("" when none)
    asks_rate: bool
    counted: tuple[str, ...]  # ("he", "thong") of "bao nhiêu hệ thống", () when none
    asks_cause: bool
    asks_web_address: bool
    cases: tuple[Quantity, ...] = ()  # the quantities the question states as its case ("10 tuổi")


def question_cues(qtype: str, folded_question: str, typer: AnswerTyper | None, question: str,
                  counted: tuple[str, ...] = ()) -> QuestionCues:
    return QuestionCues(qtype=qtype, expected=typer.expected(question) if typer is not None else "",
                        asks_rate=bool(_ASKS_RATE.search(folded_question)),
                        counted=counted,
                        asks_cause=bool(_ASKS_CAUSE.search(folded_question)),
                        asks_web_address=bool(_ASKS_WEB_ADDRESS.search(folded_question)),
                        cases=typer.cases(question) if typer is not None else ())


def sentence_features(cues: QuestionCues, *, text: str, folded: str, length: int, is_question: bool,
                      coverage: float, about: float, own_coverage: float, near_coverage: float,
                      follows_question: bool, chunk_dense: float, defines: bool, counts_asked: bool = False, names_person: bool, year_fit: float,
                      rank: int, typer: AnswerTyper | None) -> tuple[float, ...]:
    """The feature vector of one sentence, in ``SENTENCE_FEATURES`` order."""
    q = cues.qtype
    count = q in ("how_many", "compare")
    why = q == "why"
    asks_cause = why and cues.asks_cause
    starts_causes = folded.startswith("nguyen nhan")
    cause = bool(_CAUSE.search(text.lower())) if why else False
    case = typer.case_relation(cues.cases, text) if typer is not None and cues.cases else ""
    return (
        coverage,
        about,
        own_coverage,
        near_coverage,
        float(follows_question),
        chunk_dense,
        float(bool(cues.expected) and typer is not None and typer.has(text, cues.expected)),
        float(count and bool(_NUMBER.search(folded))),
        float(count and cues.asks_rate and bool(_PERCENT.search(folded))),
        float(counts_asked),  # a figure right before the counted noun, written out ("95 hệ thống")
        float(q == "when" and bool(_DATE.search(folded))),
        float(q == "who" and bool(_WHO.search(folded))),
        float(q == "who" and names_person),
        float(q == "list" and (bool(_ENUM.search(text)) or text.count(",") >= 3)),
        # the share of the question its heading (not its own words) states
        max(0.0, coverage - own_coverage) if q == "list" and _ITEM.match(text.lstrip()) else 0.0,
        float(cause),
        float(why and not cause),
        float(why and folded.startswith(_OPENS_LIMITS)),
        float(asks_cause and starts_causes),
        float(asks_cause and not starts_causes and bool(_STATES_CAUSE.search(text.lower()))),
        float(defines),
        float(cues.asks_web_address and bool(_WEB_ADDRESS.search(text))),
        year_fit,
        float(case == "meets"),
        float(case == "fails"),
        1.0 / (1 + rank) if rank < 99 else 0.0,
        float(is_question),
        float(length < 4),
        # a table row ("| Nộp trực tuyến | 05 ngày làm việc |") is no headline: its cells state values
        float(4 <= length < 25 and not text.rstrip().endswith((".", "!", "?", ":", ";", "…", "”", ")", "|"))),
        length / 120 if length > 120 else 0.0,
    )


@dataclass(frozen=True)
class SentenceModel:
    """Linear relevance in coverage units: ``score = sum(w_i * x_i)`` with the coverage weight 1."""

    weights: tuple[float, ...]
    figures: dict[str, object]

    def __post_init__(self) -> None:
        if len(self.weights) != len(SENTENCE_FEATURES):
            raise ValueError(f"sentence model: {len(self.weights)} weights for {len(SENTENCE_FEATURES)} features")
        if not all(math.isfinite(w) for w in self.weights):
            raise ValueError("sentence model: weights must be finite numbers")

    def score(self, x: Sequence[float]) -> float:
        return sum(w * v for w, v in zip(self.weights, x, strict=True))

    def to_json(self) -> str:
        return json.dumps({"features": list(SENTENCE_FEATURES),
                           "weights": {n: round(w, 5) for n, w in zip(SENTENCE_FEATURES, self.weights, strict=True)},
                           **self.figures}, ensure_ascii=False, indent=1)


def load_sentence_model(path: Path) -> SentenceModel:
    """Read the fitted weights; a missing or unknown feature is an error (the file and code must agree)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ValueError(f"sentence relevance model {path}: {err}") from err
    weights = data.get("weights", {})
    missing = [n for n in SENTENCE_FEATURES if n not in weights]
    unknown = [n for n in weights if n not in SENTENCE_FEATURES]
    if missing or unknown:
        raise ValueError(f"sentence relevance model {path}: missing {missing}, unknown {unknown}; "
                         "refit with python -m evals.fit_sentence_model")
    figures = {k: v for k, v in data.items() if k not in ("features", "weights")}
    return SentenceModel(tuple(float(weights[n]) for n in SENTENCE_FEATURES), figures)
