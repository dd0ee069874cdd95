"""Masking of personal data (CCCD/CMND numbers, Vietnamese phone numbers, e-mails) before text is stored.

Why: citizens routinely paste their ID card number, phone or e-mail into a question ("CCCD của tôi là
0010990..., sao chưa kích hoạt được VNeID?"). Those must never reach disk, neither in the feedback file nor
in the server logs. There is ONE implementation (this module): the feedback store calls
``mask_personal_data`` and the edges (CLI, server) install ``PersonalDataFilter`` on their log handlers.

Numbers that are statistics ("1.230 dịch vụ", "98,81%", "150.000.000 đồng", "năm 2021-2025") are left
alone: only runs of digit groups with the shape of an ID (12 or 9 digits) or a Vietnamese phone number
(0 + 9-10 digits, 84/+84 + 9-10) are masked, whole, whatever separates the groups (spaces, dots, dashes,
brackets, URL encodings such as ``%20``) and even when an announcing word is glued on ("cccd0380…").
``tests/security/test_pii_variants.py`` generates such spellings with hypothesis.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import unquote

__all__ = ["PersonalDataFilter", "install_log_masking", "mask_personal_data", "uninstall_log_masking"]

# E-mails, also URL-encoded in a query string (``an%40example.com``).
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9.-]+\.[A-Za-z]{2,}")

# A run of digit groups joined by separators: spaces, dots, dashes, brackets, and their URL encodings
# (``%20``, ``+``, ``%2D``…), so "(028) 3829 1234", "038-095-001-236" and "+84%20356%20789%20014" are
# each ONE candidate, masked whole or not at all (no "-236" left behind).
_SEP = r"(?:[ .\-\u00a0\u2013+]|%20|%2[bBdDeE]|%C2%A0|%28|%29){1,3}"
_GROUP = r"(?:\(|%28)?\d+(?:\)|%29)?"
_NUMBER = rf"(?:\+|%2[bB])?{_GROUP}(?:{_SEP}{_GROUP})*"
# Words that announce an ID or a phone number; they may be glued to it ("cccd038095001240", "sđt0912…").
_KEYWORDS = (r"cccd|cmnd|cmt|căn\s?cước|can\s?cuoc|chứng\s?minh|chung\s?minh|định\s?danh|dinh\s?danh|"
             r"sđt|sdt|số\s?đt|so\s?dt|đt|dt|điện\s?thoại|dien\s?thoai|tel|phone|mobile|hotline|zalo|"
             r"di\s?động|di\s?dong|id")
_CANDIDATE = re.compile(
    rf"(?P<kw>(?<!\w)(?:{_KEYWORDS})(?:[\s:#.=]|%20|%3[aA]|\+|số\b|so\b|là\b|la\b)*)?(?P<num>(?(kw)|(?:(?<![\w+%])|(?<=%[0-9A-Fa-f]{{2}})))" + _NUMBER + r")(?!\w)",
    re.IGNORECASE,
)
_DIGITS = re.compile(r"\d+")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_YEAR = re.compile(r"(?:19|20)\d\d")

CCCD_MASK = "[CCCD]"
CMND_MASK = "[CMND]"
PHONE_MASK = "[SĐT]"
EMAIL_MASK = "[EMAIL]"


def _kind(digits: str, plus: bool, keyword: bool, groups: list[str], seps: list[str],
          bracketed: bool = False) -> str | None:
    """Which mask a run of digit groups gets, or None for an ordinary figure."""
    n = len(digits)
    if plus:
        return PHONE_MASK if digits.startswith("84") and n in (11, 12) else None
    if len(groups) > 1 and all(_YEAR.fullmatch(g) for g in groups):
        return None  # "2021-2025", "2021 - 2025 - 2030": periods, not numbers
    # Thousands written with dots ("150.000.000 đồng", "100.000.000.000"): an amount, unless a keyword
    # says otherwise. An ID written this way starts with 0 (CCCD province codes are 001-096).
    # A bracketed group ("(100).000.000") is a phone's area code, never part of an amount.
    amount = (not bracketed and len(groups) > 1 and all(s in (".", "%2E", "%2e") for s in seps) and groups[0][0] != "0"
              and len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:]))
    if amount and not keyword:
        return None
    if digits.startswith("84") and n in (11, 12) and len(groups) > 1 and len(groups[0]) == 2:
        return PHONE_MASK  # 84 91 234 5678
    if n == 12:
        return CCCD_MASK
    if n == 9:
        return CMND_MASK
    if digits[0] == "0" and n in (10, 11):
        return PHONE_MASK  # mobile 0xx xxx xxxx, landline 02x xxxx xxxx
    if digits.startswith("84") and n == 11:
        return PHONE_MASK
    if keyword and 8 <= n <= 13:
        return PHONE_MASK  # "sđt 3829 1234": announced, so masked even in an unusual shape
    return None


def _mask_number(match: re.Match[str]) -> str:
    """Mask the longest runs of groups inside one candidate that have an ID's or a phone's shape."""
    kw = match.group("kw") or ""
    text = match.group("num")
    # digits of "%20"-style escapes are not the number's: blank them (same length, so offsets hold)
    scan = _ESCAPE.sub("%__", text)
    spans = [(m.start(), m.end()) for m in _DIGITS.finditer(scan)]
    out: list[str] = [kw]
    pos = 0
    i = 0
    while i < len(spans):
        found = None
        joint = text[spans[i - 1][1]:spans[i][0]] if i > 0 else ""
        if joint in (".", "%2E", "%2e") and spans[i][1] - spans[i][0] == 3:
            i += 1  # the middle of "100.000.000.000" is an amount's tail, not a number of its own
            continue
        for j in range(len(spans) - 1, i - 1, -1):  # longest first
            groups = [text[a:b] for a, b in spans[i:j + 1]]
            seps = [text[spans[k][1]:spans[k + 1][0]].strip("()") or " " for k in range(i, j)]
            seps = [s.replace("%28", "").replace("%29", "") or " " for s in seps]
            lead = text[pos if i == 0 else spans[i - 1][1]:spans[i][0]]
            plus = i == 0 and ("+" in lead or "%2b" in lead.lower())
            raw = text[spans[i][0]:spans[j][1]] + text[spans[j][1]:spans[j][1] + 3]
            bracketed = any(b in lead or b in raw for b in ("(", ")", "%28", "%29"))
            kind = _kind("".join(groups), plus, bool(kw) and i == 0, groups, seps, bracketed)
            if kind:
                found = (j, kind)
                break
        if found is None:
            i += 1
            continue
        j, kind = found
        start = spans[i][0]
        # take a leading "+"/"(" (or their encodings) and a trailing ")" with the number
        while start > pos and text[start - 1] in "+(":
            start -= 1
        for enc in ("%2B", "%2b", "%28"):
            if text[max(pos, start - 3):start] == enc:
                start -= 3
        end = spans[j][1]
        if text[end:end + 1] == ")":
            end += 1
        elif text[end:end + 3] == "%29":
            end += 3
        out.append(text[pos:start])
        out.append(kind)
        pos = end
        i = j + 1
    out.append(text[pos:])
    return "".join(out)


def mask_personal_data(text: str) -> str:
    """Replace e-mails, CCCD/CMND numbers and phone numbers with placeholders.

    Every run of digit groups (with separators, brackets, a leading ``+84``, URL encodings, an announcing
    word glued in front) is one candidate; the longest stretches of it with the shape of a CCCD (12
    digits), a CMND (9) or a Vietnamese phone number (0 + 9-10 digits, 84/+84 + 9-10) are masked whole,
    so no part of the number survives. Figures keep their digits: thousands with dots ("1.230",
    "150.000.000"), decimals ("99,88%"), years and periods ("2021-2025"), short numbers, and digit runs
    glued to letters on the left (file-name hashes like "34f654742855b43a") unless the letters are an ID
    or phone keyword ("cccd038095001240", "sđt0912345678").
    """
    if not text:
        return text
    if "%" in text:
        # A query string may hide a number's shape ("s%C4%91t0912…": even the keyword is encoded). When the
        # decoded text holds personal data, the decoded, masked form is what gets written.
        decoded = unquote(text, errors="replace")
        if decoded != text:
            masked = _mask(decoded)
            if masked != decoded:
                return masked
    return _mask(text)


def _mask(text: str) -> str:
    return _CANDIDATE.sub(_mask_number, _EMAIL.sub(EMAIL_MASK, text))


def _mask_arg(value: Any) -> Any:
    if isinstance(value, str):
        return mask_personal_data(value)
    if value is None or isinstance(value, int | float):  # numbers keep their type ("%d" formats)
        return value
    text = str(value)
    masked = mask_personal_data(text)
    return value if masked == text else masked


class PersonalDataFilter(logging.Filter):
    """Masks personal data in every record passing through (message, arguments, and exception text).

    Attach it to *handlers* (``install_log_masking`` does), so records from every logger — ours,
    uvicorn's access log, gradio's — are masked before any handler formats them. Always returns True:
    it rewrites, never drops.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        # Arguments are masked one by one, keeping their types and the tuple shape: some formatters
        # unpack ``record.args`` (uvicorn's access log does), so the record must stay well-formed.
        # Non-string arguments (an exception, a dict, a Turn) are rendered to text and masked.
        if isinstance(record.msg, str):
            record.msg = mask_personal_data(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_mask_arg(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _mask_arg(v) for k, v in record.args.items()}
        if record.exc_info and not record.exc_text:
            # Format the traceback now (as Formatter would) so the masked text is what gets printed.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        return True


_installed: list[tuple[PersonalDataFilter, Any]] = []  # (filter, the record factory it wrapped)


def install_log_masking() -> PersonalDataFilter:
    """Mask personal data in every log record of this process, whichever logger or handler it goes to.

    Why a record factory and not only a handler filter: uvicorn installs its own handlers when it starts
    (after the edge configured logging), gradio/httpx log through theirs, and tests add capture handlers;
    a filter attached to today's handlers would miss all of those. Wrapping the record factory applies
    ``PersonalDataFilter`` once, when a record is created, so every handler sees the masked record.
    Idempotent; called by the edges (``assistant`` CLI main, ``run_server``).
    """
    if _installed:
        return _installed[0][0]
    filt = PersonalDataFilter()
    previous = logging.getLogRecordFactory()

    def masked_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        filt.filter(record)
        return record

    logging.setLogRecordFactory(masked_record)
    _installed.append((filt, previous))
    return filt


def uninstall_log_masking() -> None:
    """Undo ``install_log_masking`` (tests that install it restore the process afterwards)."""
    if _installed:
        _, previous = _installed.pop()
        logging.setLogRecordFactory(previous)
