"""Request guard: declines prompt-injection, prompt/config extraction, fabrication and role-play requests.

Why a pattern list on folded text: users type with or without diacritics, and an injection
attempt must be caught either way; a pure function of the question is also trivially testable
and cannot leak anything (it never sees prompts or settings). The guard only looks at what
the *user* sent: text inside indexed documents is data, quoted verbatim by the extractive
answerer and never executed, so it is not checked here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assistant.answerability import DEFAULT_MESSAGES
from index.normalize import fold
from index.pack_file import PackFile

__all__ = ["DeclineTexts", "GuardVerdict", "RequestGuard", "check_question", "decline_message", "default_guard",
           "load_guard"]

Kind = Literal["injection", "prompt_leak", "fabrication", "roleplay", "hidden_instruction", "off_topic"]


@dataclass(frozen=True)
class GuardVerdict:
    """Why a request is declined; ``pattern`` names the rule (for logs/meta, never shown to users)."""

    kind: Kind
    pattern: str


# Patterns are written folded (no diacritics, lower case, "đ" -> "d") and matched against the
# folded question, so "Bỏ qua mọi hướng dẫn" and "bo qua moi huong dan" both hit.
_W = r"(?:\s+\S+){0,3}?"  # up to three filler words between key words
_RULES: tuple[tuple[Kind, str, str], ...] = (
    # --- override previous instructions -----------------------------------------------------------
    ("injection", "ignore-instructions-vi",
     r"\b(?:bo qua|phot lo|lo di|quen (?:di|het)|khong (?:can )?tuan theo|dung tuan theo|vuot qua)"
     + _W + r"\s+(?:huong dan|chi dan|chi thi|quy tac|quy dinh|lenh|rang buoc|gioi han|nguyen tac)"),
    ("injection", "ignore-instructions-en",
     r"\b(?:ignore|disregard|forget|override|bypass)" + _W
     + r"\s+(?:instructions?|prompts?|rules?|guidelines?|directives?|constraints?|restrictions?)"),
    ("injection", "disable-limits",
     r"\b(?:tat|go bo|bo|vo hieu hoa|huy)\s+(?:moi|tat ca|het|cac)?\s*(?:gioi han|bo loc|rang buoc|kiem duyet)"),
    ("injection", "disable-limits-en", r"\b(?:disable|remove|turn off|lift)" + _W
     + r"\s+(?:limits?|limitations?|filters?|restrictions?|safeguards?|guardrails?)"),
    ("injection", "admin-mode",
     r"\b(?:che do|mode)\s+(?:quan tri|admin|nha phat trien|developer|debug|go loi|khong gioi han|god)"
     r"|\b(?:developer|admin|god|dan|jailbreak)\s+mode\b|\bjailbreak\b|\bdo anything now\b"),
    ("injection", "new-instructions",
     r"\b(?:huong dan moi|chi thi moi|new instructions?|from now on you|tu bay gio (?:ban|may) (?:la|se|phai))\b"
     r"|\btu (?:bay )?gio (?:tro di )?(?:(?:ban|may) )?chi (?:duoc )?(?:tra loi|noi|viet)\b"),
    # --- answer without the documents: what the answer rests on is the one thing not negotiable ------
    ("injection", "ignore-documents-vi",
     r"\b(?:bo qua|phot lo|lo di|quen (?:di|het)|dung (?:dua vao|can cu vao|dung))" + _W
     + r"\s+(?:tai lieu|van ban|nguon)\b"
     r"|\b(?:dung|khong duoc|khoi)\s+(?:nhac|noi|de cap|neu|trich)(?:\s+(?:gi|den|toi|ve))*\s+(?:tai lieu|nguon)\b"),
    ("injection", "ignore-documents-en",
     r"\b(?:ignore|disregard|forget)\s+(?:your |the |all |these )*(?:documents?|sources?|context)\b"
     r"|\b(?:don'?t|do not|never)\s+mention\s+(?:the |your |any )?(?:documents?|sources?)\b"),
    ("fabrication", "assert-user-claim-vi",
     # "cứ khẳng định giúp tôi rằng …": the user dictates the claim the answer is to make
     r"\b(?:cu|hay cu|cu viec)\s+(?:khang dinh|xac nhan|noi)\s+(?:giup\s+(?:toi\s+)?)?(?:rang|la)\b"),
    # --- prompt / configuration extraction ---------------------------------------------------------
    ("prompt_leak", "system-prompt", r"\bsystem\s*prompts?\b|\bprompt\s+(?:he thong|goc|an)\b"
     r"|\b(?:loi nhac|chi dan) he thong\b"),
    ("prompt_leak", "reveal-config-vi",
     r"\b(?:in ra|tiet lo|liet ke|cho (?:toi )?(?:biet|xem)|hien thi|noi ra|dua ra|chep lai|nhac lai)" + _W
     + r"\s+(?:(?:cac|nhung) )?(?:quy tac|huong dan|cau hinh|thiet lap|chi dan|prompt|lenh)\s+"
     r"(?:noi bo|bi mat|an giau|ban dau|goc|cua ban|ma ban|cua tro ly|he thong(?= *(?:cua ban|[.?!]|$)))"),
    ("prompt_leak", "your-config-vi",
     r"\b(?:cau hinh|thiet lap|quy tac|huong dan|chi dan)\s+(?:noi bo\s+)?cua (?:ban|tro ly|he thong|may)\b"
     r"|\b(?:quy tac|huong dan|chi dan) noi bo\b|\b(?:api key|khoa api)\b"),
    ("prompt_leak", "reveal-config-en",
     r"\b(?:reveal|print|show|repeat|output|tell me|list|dump)" + _W
     + r"\s+your\s+(?:\S+\s+)?(?:instructions?|prompts?|rules?|configuration|config|settings|"
     r"guidelines?|api keys?|system message)"
     r"|\byour (?:system |hidden |internal |initial |original )?(?:instructions|configuration|system message)\b"),
    # --- fabrication ------------------------------------------------------------------------------
    ("fabrication", "make-up-number-vi",
     r"\b(?:cu |hay |cu viec )?(?:bia|tu che|tu dat|tu nghi|tu sang tac|uoc doan bua)"
     r"(?: ra)?\s+(?:ra\s+)?(?:mot |vai |cac |nhung )?(?:con so|so lieu|so|ty le|ti le|du lieu|thong tin|nguon)"),
    ("fabrication", "make-up-vi", r"\b(?:cu bia|hay bia|bia ra|bia dai|bia dai|tu dat ra|tu nghi ra|tu che ra)\b"),
    ("fabrication", "hide-estimate-vi",
     r"\b(?:dung|khong|khong can|dung co)\s+(?:ghi|noi|neu|danh dau|bao)\s+(?:la\s+|rang\s+)?"
     r"(?:(?:day la|do la|no la)\s+)?(?:so\s+|con so\s+)?(?:uoc tinh|uoc luong|gia dinh|phong doan)"),
    ("fabrication", "no-source-vi",
     r"\b(?:khong can|khoi|dung|bo)\s+(?:trich|ghi|neu|dan)\s+(?:nguon|dan chung|trich dan)"),
    ("fabrication", "confirm-user-claim-vi",
     r"\b(?:xac nhan|khang dinh|cong nhan)\s+(?:giup (?:toi )?)?(?:con so|so lieu|thong tin|noi dung)\s+"
     r"(?:nay|do|tren|sau)\s+(?:la\s+)?(?:dung|chinh xac)|\btai lieu mat\b"),
    # the user's own text passed off as a document of the corpus ("trích dẫn nó như một nguồn chính thức")
    ("fabrication", "cite-pasted-text-vi",
     r"\b(?:trich dan|trich|dan|coi|xem|neu|ghi)\s+(?:no|van ban (?:nay|do|tren|cua toi)|doan (?:nay|tren|do)|"
     r"noi dung (?:nay|tren|do))\s+(?:nhu|la)\s+(?:mot\s+)?(?:nguon|tai lieu|can cu)"
     r"|\b(?:dua (?:vao|tren)|theo)\s+(?:van ban|doan|noi dung)\s+(?:ma\s+)?(?:toi|minh|em)\s+(?:dan|gui|dua|cung cap)"),
    ("fabrication", "cite-pasted-text-en",
     r"\bcite (?:it|this|that|the (?:text|passage|quote))(?: above| below)? as (?:an? |the )?(?:official )?source"
     r"|\b(?:based on|according to|using) the (?:text|passage|document|quote) (?:i|we) (?:pasted|gave|provided|sent)"),
    ("fabrication", "make-up-en",
     r"\b(?:make up|invent|fabricate|just guess|guess a|pretend the (?:number|figure))"
     r"|\b(?:don'?t|do not|without)\s+(?:cite|citing|mention(?:ing)? (?:it'?s|that it is) an? estimate)"),
    # --- role play ----------------------------------------------------------------------------------
    ("roleplay", "roleplay-vi",
     # a request to the assistant (opening the message or a clause, or after "hãy / bạn"), not a statement
     # about an actor ("Lữ Mẫn San đóng vai gì trong phim …", "diễn viên nào đóng vai Mùi")
     r"(?:^|[.!?,;:]\s*|\b(?:hay|ban|bot|em|may|cau|tro ly|chatbot|gio|bay gio|tu gio)\s+)(?:hay\s+)?"
     r"(?:dong|nhap) vai\b(?! tro)|\bgia vo (?:ban )?(?:la|lam)\b"),
    ("roleplay", "roleplay-en",
     r"\b(?:pretend (?:to be|you are|you're)|act as|role-?play|you are now|impersonate)\b"),
    # --- phrasings the adversarial set (tests/security) found getting through -----------------------
    ("fabrication", "fake-data-vi",
     r"\b(?:tao|lam|dung|che|viet)(?: ra)?\s+(?:mot |vai |cac |nhung )?(?:so lieu|con so|du lieu|thong tin)\s+"
     r"(?:gia|ao)\b"),
    ("prompt_leak", "instructions-given-to-you",
     r"\b(?:huong dan|chi dan|quy tac|lenh)\s+(?:ma\s+)?ban\s+(?:da\s+)?(?:duoc|nhan)\b"
     r"|\bnguyen van\s+(?:doan van ban|van ban|noi dung)\s+(?:phia tren|o tren)\b|\bmoi thu truoc (?:dong|tin nhan) nay\b"),
    ("prompt_leak", "environment", r"\bbien moi truong\b|\benvironment variables?\b|\benv vars?\b"),
    ("prompt_leak", "complete-the-prompt",
     r"\b(?:viet tiep|hoan thanh|hoan thien)\b.{0,80}?\bban la tro ly\b"),
    ("prompt_leak", "repeat-above-en",
     r"\b(?:repeat|print|output|quote|copy)\b(?:\s+\S+){0,3}?\s+(?:words|text|everything|lines)\s+"
     r"(?:above|before this)\b|\bbeginning of this conversation\b"),
    ("roleplay", "named-jailbreak", r"\b(?:ban la|you are|goi ban la|call you)\s+dan\b"),
)

# Fake role tags / chat-template tokens / hidden markup in a user message are never legitimate.
_HIDDEN = re.compile(
    r"<!--.*?(?:-->|$)|\[(?:/?system|/?inst|/?admin|sys|assistant)\]|<\|?/?(?:system|im_start|im_end|"
    r"assistant|instructions?)\|?>|^\s*(?:system|assistant|developer)\s*:|###\s*(?:system|instruction)",
    re.IGNORECASE | re.DOTALL | re.MULTILINE,
)
_COMPILED = tuple((kind, name, re.compile(rx)) for kind, name, rx in _RULES)


@dataclass(frozen=True)
class DeclineTexts:
    """What the assistant says, in one language, when it declines a request (the corpus pack's
    ``messages.toml``, ``[decline.vi]`` / ``[decline.en]``): it names the corpus's scope, so it is data."""

    off_topic: str
    fabrication: str
    other: str  # injection, prompt extraction, role play, hidden instructions


class RequestGuard:
    """The request rules above (language, not corpus) plus the corpus pack's scope: its off-topic
    patterns and its decline wording. Build with ``load_guard`` (once, in the composition root)."""

    def __init__(self, declines: Mapping[str, DeclineTexts], off_topic: Sequence[str] = ()) -> None:
        if set(declines) != {"vi", "en"}:
            raise ValueError("RequestGuard needs decline texts for 'vi' and 'en'")
        self._declines = dict(declines)
        self._off_topic = tuple((f"off-topic-{i + 1}", re.compile(rx)) for i, rx in enumerate(off_topic))

    def check(self, question: str) -> GuardVerdict | None:
        """``None`` when the question may be answered; otherwise why it must be declined.

        ``question`` should already be normalised (NFC); folding happens here.
        """
        if _HIDDEN.search(question):
            return GuardVerdict("hidden_instruction", "fake-role-tag-or-markup")
        folded = _fold(question)
        for kind, name, rx in _COMPILED:
            if rx.search(folded):
                return GuardVerdict(kind, name)
        for name, rx in self._off_topic:
            if rx.search(folded):
                return GuardVerdict("off_topic", name)
        return None

    def decline(self, verdict: GuardVerdict, language: str = "vi") -> str:
        """A polite, useful refusal that reveals nothing about prompts, rules or configuration."""
        texts = self._declines["en" if language == "en" else "vi"]
        if verdict.kind == "off_topic":
            return texts.off_topic
        if verdict.kind == "fabrication":
            return texts.fabrication
        return texts.other


def load_guard(path: Path | str | None = None) -> RequestGuard:
    """The guard with a corpus pack's scope, from its ``messages.toml`` (None: the shipped pack's).
    A missing decline text or a bad pattern is an error naming the file."""
    pack = PackFile(path or DEFAULT_MESSAGES, "the messages")
    try:
        declines = {lang: DeclineTexts(**pack.data["decline"][lang]) for lang in ("vi", "en")}
        patterns = pack.data.get("off_topic", {}).get("patterns", [])
        for rx in patterns:
            re.compile(rx)
    except (KeyError, TypeError, AttributeError, re.error) as err:
        raise pack.error("[decline.vi] and [decline.en] need off_topic, fabrication and other, and "
                         f"[off_topic] patterns must be regular expressions ({err!r})") from err
    return RequestGuard(declines, tuple(patterns))


@functools.cache
def default_guard() -> RequestGuard:
    """The guard with the shipped pack's scope, read on first use (for callers without Settings)."""
    return load_guard(DEFAULT_MESSAGES)


def check_question(question: str) -> GuardVerdict | None:
    """``RequestGuard.check`` with the shipped pack's scope."""
    return default_guard().check(question)


def _fold(text: str) -> str:
    folded = fold(text).lower()
    folded = re.sub(r"[\u2019`´]", "'", folded)
    return re.sub(r"\s+", " ", folded)


def decline_message(verdict: GuardVerdict, language: str = "vi") -> str:
    """``RequestGuard.decline`` with the shipped pack's wording."""
    return default_guard().decline(verdict, language)
