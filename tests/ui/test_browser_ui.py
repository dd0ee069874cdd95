"""The Gradio web UI in real headless Chromium, against the real pipeline over real HTTP."""

from __future__ import annotations

import time
from typing import Any

import pytest

from assistant.settings import DEFAULT_CORPUS
from index.normalize import normalize_text
from ui.feedback import FeedbackStore
from ui.storage import Database

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTION = "Bình Định đã triển khai bao nhiêu dịch vụ công thiết yếu theo Đề án 06?"
XSS = "<img src=x onerror=alert(1)> <script>alert(2)</script> [link](javascript:alert(3))"


def open_ui(page: Any, base_url: str) -> None:
    page.goto(base_url + "/")
    page.wait_for_selector("#question textarea")


def ask(page: Any, question: str) -> Any:
    """Type and send with Enter; return the locator of the resulting (final) bot message."""
    before = page.locator('#chat [data-testid="bot"]').count()
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        """([n]) => {
            const bots = document.querySelectorAll('#chat [data-testid="bot"]');
            if (bots.length <= n) return false;
            const t = bots[bots.length - 1].innerText;
            return t && !t.includes('Đang tìm') && !t.includes('Searching the documents');
        }""", arg=[before], timeout=90_000)
    return page.locator('#chat [data-testid="bot"]').last


def test_question_gets_answer_with_expandable_source_quote(server: Any, page: Any, artifacts: Any,
                                                           docs_screenshot: Any) -> None:
    open_ui(page, server.base_url)
    page.wait_for_function("() => document.documentElement.lang === 'vi'")
    bot = ask(page, QUESTION)
    assert "25" in bot.inner_text()
    assert page.locator("#chat .message").first.is_visible()
    src = bot.locator("details.src").first
    src.locator("summary").first.click()
    quote = src.locator("blockquote.quote")
    quote.wait_for(state="visible")
    quote_text = quote.inner_text().strip()
    corpus = "\n".join(normalize_text(p.read_text(encoding="utf-8")) for p in sorted(DEFAULT_CORPUS.glob("*.txt")))
    assert quote_text and quote_text in corpus, "the shown quote must be verbatim from a source"
    # expand to the surrounding paragraph, which contains the highlighted quote
    ctx = src.locator("details.ctx")
    ctx.locator("summary").click()
    para = ctx.locator("p.paragraph")
    para.wait_for(state="visible")
    assert quote_text in para.inner_text() and len(para.inner_text()) > len(quote_text)
    assert para.locator("mark").inner_text().strip() == quote_text
    # screen readers get the rendered text, not Gradio's aria-label with the raw markup
    assert bot.get_attribute("aria-label") is None
    page.screenshot(path=str(artifacts / "ui.png"), full_page=True)
    docs_screenshot(artifacts / "ui.png", "ui.png")


def test_html_in_a_question_is_shown_as_text_and_never_runs(server: Any, page: Any, artifacts: Any) -> None:
    open_ui(page, server.base_url)
    ask(page, XSS)
    user = page.locator('#chat [data-testid="user"]').last
    text = user.inner_text()
    assert "<img src=x onerror=alert(1)>" in text and "<script>alert(2)</script>" in text
    assert page.locator('#chat img[src="x"]').count() == 0
    assert page.locator("#chat script").count() == 0
    assert page.locator('#chat a[href^="javascript"]').count() == 0
    page.wait_for_timeout(500)
    assert page.dialogs == []
    page.screenshot(path=str(artifacts / "ui-xss.png"), full_page=True)


def test_follow_up_uses_the_conversation(server: Any, page: Any) -> None:
    open_ui(page, server.base_url)
    ask(page, QUESTION)
    bot = ask(page, "Còn tỷ lệ nộp hồ sơ trực tuyến của các dịch vụ đó thì sao?")
    assert page.locator('#chat [data-testid="user"]').count() == 2
    assert bot.inner_text().strip()


def test_thumbs_up_is_stored_with_question_answer_and_ids(server: Any, page: Any) -> None:
    store = FeedbackStore(Database(server.settings.database_path))
    n0 = len(store.read_all())
    open_ui(page, server.base_url)
    ask(page, QUESTION)
    # Rate the FINAL answer: the streamed text shows up before the last update (sources + the stored turn).
    page.wait_for_function(
        """() => {
            const bots = document.querySelectorAll('#chat [data-testid="bot"]');
            return bots.length > 0 && bots[bots.length - 1].innerText.includes('Nguồn trích dẫn');
        }""", timeout=90_000)
    page.locator("#comment textarea, #comment input").first.fill("Rất rõ ràng, cảm ơn. Sđt tôi 0912345678")
    row = page.locator("#chat .message-row.bot-row").last
    row.hover()
    page.locator('#chat button[aria-label="Like"], #chat button[title="Like"]').last.click()
    page.wait_for_function("() => document.querySelector('#feedback-note').innerText.trim().length > 0")
    # The note can render before the server's write commits: poll the real database, bounded.
    deadline = time.monotonic() + 15
    records = store.read_all()
    while len(records) == n0 and time.monotonic() < deadline:
        time.sleep(0.2)
        records = store.read_all()
    assert len(records) == n0 + 1, page.locator("#feedback-note").inner_text()
    rec = records[-1]
    assert rec.rating == "up" and rec.channel == "ui"
    assert rec.question == QUESTION and "25" in rec.answer
    assert rec.retrieved and all(rec.retrieved)
    assert "0912345678" not in rec.comment and "[SĐT]" in rec.comment


def test_english_switch_and_clickable_examples(server: Any, page: Any) -> None:
    open_ui(page, server.base_url)
    assert page.get_by_text("Câu hỏi mẫu cho người dân").is_visible()
    page.get_by_label("English").check()
    page.get_by_text("Examples for citizens").wait_for()
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert page.get_by_text("Your question").is_visible()
    example = page.locator(".example-btn").first
    label = example.inner_text().strip()
    assert label.isascii()  # the English example set
    example.click()
    page.wait_for_function(
        """() => { const b = document.querySelectorAll('#chat [data-testid="bot"]');
                   return b.length && !b[b.length-1].innerText.includes('Searching'); }""", timeout=90_000)
    assert label in page.locator('#chat [data-testid="user"]').last.inner_text()


def test_phone_screen_readable_and_keyboard_usable(server: Any, browser: Any, artifacts: Any) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        open_ui(page, server.base_url)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"horizontal scroll on a phone: {overflow}px"
        # keyboard only: focus the question box with Tab navigation from the page start is long in Gradio;
        # the box is autofocused, typing + Enter sends.
        page.locator("#question textarea").focus()
        page.keyboard.type(QUESTION)
        page.keyboard.press("Enter")
        page.wait_for_selector('#chat [data-testid="bot"] details.src', timeout=90_000)
        sizes = page.evaluate("""() => {
            const px = s => parseFloat(getComputedStyle(s).fontSize);
            const bot = document.querySelector('#chat [data-testid="bot"] p');
            return {question: px(document.querySelector('#question textarea')), answer: px(bot),
                    body: px(document.querySelector('.gradio-container'))};
        }""")
        assert min(sizes.values()) >= 18, sizes
        page.screenshot(path=str(artifacts / "ui-phone.png"), full_page=True)
    finally:
        ctx.close()


def test_phone_first_layout_answer_in_view_and_axe_clean(server: Any, browser: Any, artifacts: Any,
                                                         docs_screenshot: Any) -> None:
    """390×844: the page opens at the top with no empty chat box, the examples are on the first screen,
    a tapped example far down the page brings its answer into view, and axe finds nothing serious."""
    from axe_check import assert_no_serious_violations

    ctx = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                              bypass_csp=True, locale="vi-VN")
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        open_ui(page, server.base_url)
        page.wait_for_timeout(800)
        assert page.evaluate("() => window.scrollY") == 0, "the page must open at its top"
        assert not page.locator("#chat").is_visible(), "no empty chat box before the first question"
        box = page.locator("#question textarea").bounding_box()
        first_example = page.locator(".example-btn").first.bounding_box()
        assert box["y"] + box["height"] < 844 * 0.6 and first_example["y"] + first_example["height"] < 844
        assert page.evaluate("() => document.activeElement.tagName") != "TEXTAREA", \
            "no autofocus on a phone (it would pop the keyboard up and scroll the page)"
        assert_no_serious_violations(page, "chat page on a phone")
        page.screenshot(path=str(artifacts / "ui-phone-start.png"))

        examples = page.locator(".example-btn")
        target = examples.nth(examples.count() - 2)  # one far below the first screen
        target.scroll_into_view_if_needed()
        label = target.inner_text().strip()
        target.tap()
        page.wait_for_function(
            """() => { const b = document.querySelectorAll('#chat [data-testid="bot"]');
                       return b.length && b[b.length - 1].querySelector('.lead'); }""", timeout=90_000)
        page.wait_for_timeout(500)
        lead = page.locator('#chat [data-testid="bot"] .lead').last.bounding_box()
        assert lead["y"] >= 0 and lead["y"] + min(lead["height"], 60) <= 844, f"answer off-screen: {lead}"
        assert label in page.locator('#chat [data-testid="user"]').last.inner_text()
        # the quotes are folded under labelled sources (a title or label, never a hashed file name)
        bot = page.locator('#chat [data-testid="bot"]').last
        summaries = bot.locator("details.src > summary").all_inner_texts()
        assert summaries and not any(s.strip().endswith(".txt") for s in summaries), summaries
        assert not bot.locator("blockquote.quote").first.is_visible()
        assert_no_serious_violations(page, "chat page with an answer")
        page.screenshot(path=str(artifacts / "ui-phone.png"))
        docs_screenshot(artifacts / "ui-phone.png", "ui-phone.png")
    finally:
        ctx.close()


def test_keyboard_only_focus_order_and_visible_focus(server: Any, page: Any) -> None:
    """From the page start, Tab reaches the question box before the example questions, and every focused
    control shows a focus ring."""
    open_ui(page, server.base_url)
    page.locator("body").click(position={"x": 5, "y": 5})
    order = []
    for _ in range(12):
        page.keyboard.press("Tab")
        order.append(page.evaluate("""() => { const e = document.activeElement;
            const ring = getComputedStyle(e).outlineStyle !== 'none' || getComputedStyle(e).boxShadow !== 'none';
            return [e.closest('#question') ? 'question' : e.closest('.example-btn') || e.classList.contains(
                'example-btn') ? 'example' : e.id || e.tagName, ring]; }"""))
    names = [n for n, _ in order]
    assert "question" in names and "example" in names, names
    assert names.index("question") < names.index("example"), names
    assert all(ring for _, ring in order), order
