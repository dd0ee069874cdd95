"""Masking of personal data (CCCD/CMND numbers, Vietnamese phone numbers, e-mails) before text is stored.

Why: citizens routinely paste their ID card number, phone or e-mail into a question ("CCCD của tôi là
0010990..., sao chưa kích hoạt được VNeID?"). Those must never reach disk, neither in the feedback file nor
in the server logs. There is ONE implementation (this module): the feedback store calls
``mask_personal_data`` and the edges (CLI, server) install ``PersonalDataFilter`` on their log handlers.

Numbers that are statistics ("1.230 dịch vụ", "98,81%", "năm 2025") are left alone: only digit runs with
the exact shape of an ID (12 or 9 digits, optionally grouped 3-3-3-3) or a Vietnamese phone number
(0 / 84 / +84 followed by 8-10 digits) are masked.
"""

from __future__ import annotations

import logging
import re
from typing import Any

__all__ = ["PersonalDataFilter", "install_log_masking", "mask_personal_data", "uninstall_log_masking"]

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_CCCD_SPACED = re.compile(r"(?<!\d)\d{3}[ .]\d{3}[ .]\d{3}[ .]\d{3}(?!\d)")
# A digit run glued to letters is part of an identifier (a file name's hash "34f654742855b43a"), not an ID.
_CCCD = re.compile(r"(?<![\w])\d{12}(?![\w])")
_CMND_SPACED = re.compile(r"(?<![\d.,])\d{3}[ ]\d{3}[ ]\d{3}(?![\d.,]?\d)")
_CMND = re.compile(r"(?<![\w])\d{9}(?![\w])")
# Vietnamese mobile/landline: 0xxxxxxxxx, 84xxxxxxxxx or +84 xxx xxx xxx, with optional separators.
_PHONE = re.compile(r"(?<![\w+])(?:\+84|84|0)(?:[ .-]?\d){8,10}(?![\w])")

CCCD_MASK = "[CCCD]"
CMND_MASK = "[CMND]"
PHONE_MASK = "[SĐT]"
EMAIL_MASK = "[EMAIL]"


def mask_personal_data(text: str) -> str:
    """Replace e-mails, CCCD/CMND numbers and phone numbers with placeholders.

    Order matters: ID numbers are pure digit runs of exactly 12 or 9 digits and are masked before phone
    numbers, so a 12-digit CCCD is never half-eaten by the phone pattern (a CCCD starts with 0 too).
    """
    if not text:
        return text
    text = _EMAIL.sub(EMAIL_MASK, text)
    text = _CCCD_SPACED.sub(CCCD_MASK, text)
    text = _CCCD.sub(CCCD_MASK, text)
    text = _CMND.sub(CMND_MASK, text)
    text = _PHONE.sub(PHONE_MASK, text)
    return _CMND_SPACED.sub(CMND_MASK, text)


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
