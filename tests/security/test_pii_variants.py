"""Generated spellings of ID and phone numbers are masked whole; ordinary figures are left alone.

Issue 13, finding 3: ``cccd038095001240``, ``sđt (0356) 789 020``, ``(028) 3829 1234``, ``sđt0912345678``
passed through unmasked, ``038-095-001-236`` became ``[SĐT]-236``, and URL-encoded separators in the
access log (``?q=+84%20356%20789%20014``) hid a number. Hypothesis writes each kind of number (CCCD,
CMND, mobile, landline, +84) with random grouping, separators, brackets, announcing words glued on or
not, URL encoding, and surrounding text; no masked number may keep more than 2 of its digits.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from assistant.pii import mask_personal_data

ISSUE_EXAMPLES = {
    "cccd038095001240": "cccd[CCCD]",
    "sđt (0356) 789 020": "sđt [SĐT]",
    "(028) 3829 1234": "[SĐT]",
    "sđt0912345678": "sđt[SĐT]",
    "+84 356 789 014": "[SĐT]",
    "038-095-001-236": "[CCCD]",
    "GET /api/chat?q=+84%20356%20789%20014 HTTP/1.1": "GET /api/chat?q=[SĐT] HTTP/1.1",
    "số 0912345678 0987654321": "số [SĐT] [SĐT]",
    "mail an%40example.com": "mail [EMAIL]",
}


@pytest.mark.parametrize(("text", "masked"), sorted(ISSUE_EXAMPLES.items()))
def test_the_reported_spellings_are_masked_whole(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


FIGURES = [
    "1.230 dịch vụ", "99,88%", "năm 2025", "giai đoạn 2021-2025", "2021 - 2025 - 2030", "728.400 tài khoản",
    "150.000.000 đồng", "100.000.000.000 đồng", "12.345.678 hồ sơ", "001_34f654742855b43a.txt",
    "Quyết định 06/QĐ-TTg ngày 6/1/2022", "Nghị định 13/2023/NĐ-CP", "tổng đài 1900 1234", "2025-06-30 12:34:56",
    '127.0.0.1:54321 - "GET /api/health HTTP/1.1" 200', "chunk 000_fa699dd7983e293e#12",
]


@pytest.mark.parametrize("text", FIGURES)
def test_ordinary_figures_keep_their_digits(text: str) -> None:
    assert mask_personal_data(text) == text


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=n, max_size=n)


NUMBERS = st.one_of(
    _digits(11).map(lambda d: "0" + d),  # CCCD: 12 digits, province code 001-096
    _digits(9),  # CMND: 9 digits
    st.tuples(st.sampled_from("35789"), _digits(8)).map(lambda t: "0" + t[0] + t[1]),  # mobile
    _digits(9).map(lambda d: "02" + d),  # landline 02x + 8 digits
    st.tuples(st.sampled_from(["+84", "84"]), st.sampled_from("35789"), _digits(8)).map(lambda t: "".join(t)),
)
SEPARATORS = [" ", ".", "-", " - ", "\u00a0", "%20", "+"]
KEYWORDS = ["cccd", "CCCD", "cmnd", "CMND", "sđt", "SĐT", "sdt", "đt", "tel", "phone", "zalo", "id", "Hotline"]
LEFT = ["", "Xin chào, ", "số của tôi là ", "?q=", "GET /api/health?q=", "gọi ", "(", "liên hệ: "]
RIGHT = ["", ".", " nhé", "&page=2", " HTTP/1.1", ")", ", cảm ơn"]


@st.composite
def spelled(draw: st.DrawFn) -> tuple[str, str]:
    """(text containing one number, the number's digits)."""
    number = draw(NUMBERS)
    plus = number.startswith("+")
    digits = number.lstrip("+")
    groups: list[str] = []
    rest = digits
    if digits.startswith("84") and draw(st.booleans()):
        groups, rest = ["84"], digits[2:]
    while rest:
        size = draw(st.integers(2, 4))
        groups.append(rest[:size])
        rest = rest[size:]
    if len(groups[-1]) == 1 and len(groups) > 1:
        groups[-2:] = [groups[-2] + groups[-1]]
    sep = draw(st.sampled_from(SEPARATORS))
    if draw(st.booleans()) and len(groups) > 1:
        groups[0] = f"({groups[0]})"
        sep = " " if sep in ("+", "%20") else sep
    body = ("+" if plus else "") + sep.join(groups)
    # Dots between groups of three after a non-zero lead is how amounts are written ("150.000.000");
    # without an announcing word such a number is read as an amount (documented in assistant/pii.py).
    keyword = draw(st.sampled_from(["", *KEYWORDS]))
    dotted_amount = (sep == "." and not digits.startswith("0") and not plus and len(groups[0]) <= 3
                     and all(len(g) == 3 for g in groups[1:]) and len(groups) > 1)
    assume(not (dotted_amount and not keyword))
    if keyword:
        body = keyword + draw(st.sampled_from(["", " ", ": ", " số "])) + body
    if draw(st.booleans()):
        body = quote(body, safe="")
    left, right = draw(st.sampled_from(LEFT)), draw(st.sampled_from(RIGHT))
    return left + body + right, digits


def _count_digits(text: str) -> int:
    return len(re.findall(r"\d", re.sub(r"%[0-9A-Fa-f]{2}", "", text)))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(spelled())
@example(("sđt (0356) 789 020", "0356789020"))
@example(("(100).000.000", "100000000"))  # found by hypothesis: a bracketed group is no amount's
@example(("?q=+84%20356%20789%20014", "84356789014"))
@example(("038-095-001-236", "038095001236"))
def test_no_masked_number_keeps_more_than_two_of_its_digits(case: tuple[str, str]) -> None:
    text, digits = case
    masked = mask_personal_data(text)
    context_digits = _count_digits(text) - len(digits)
    kept = _count_digits(masked) - context_digits
    assert kept <= 2, (text, masked)
    assert "[" in masked, (text, masked)


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.tuples(st.integers(1, 999), st.lists(st.integers(0, 999), min_size=1, max_size=4)).map(
        lambda t: ".".join([str(t[0])] + [f"{g:03d}" for g in t[1]]) + " đồng"),  # amounts
    st.tuples(st.integers(0, 100), st.integers(0, 99)).map(lambda t: f"{t[0]},{t[1]:02d}%"),  # shares
    st.integers(1900, 2099).map(lambda y: f"năm {y}"),
    st.tuples(st.integers(1900, 2099), st.integers(1900, 2099)).map(lambda t: f"{t[0]}-{t[1]}"),
    st.tuples(st.integers(0, 999), st.text("0123456789abcdef", min_size=16, max_size=16)).map(
        lambda t: f"{t[0]:03d}_{t[1]}.txt"),  # corpus file names
))
def test_generated_figures_are_left_alone(text: str) -> None:
    assert mask_personal_data(text) == text
