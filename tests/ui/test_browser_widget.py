"""The embeddable widget in real headless Chromium: a portal on another port embeds the one-line tag.

The portal pages are served by a tiny http.server on a different port (a different origin); one port is
in ASSISTANT_ALLOWED_ORIGINS, the other is not.
"""

from __future__ import annotations

import html
from typing import Any

import pytest

from assistant.settings import DEFAULT_CORPUS
from index.normalize import normalize_text
from ui.feedback import FeedbackStore
from ui.storage import Database

pytestmark = [pytest.mark.browser, pytest.mark.slow]

QUESTION = "Bình Định đã triển khai bao nhiêu dịch vụ công thiết yếu theo Đề án 06?"
TITLE = "Hỏi đáp Đề án 06"


def portal_html(server_url: str, **data: str) -> str:
    attrs = " ".join(f'data-{k}="{html.escape(v)}"' for k, v in data.items())
    return ("<!doctype html><html lang='vi'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'><title>Cổng thông tin tỉnh</title>"
            "</head><body style='font-family:sans-serif;margin:2rem'><h1>Cổng thông tin điện tử tỉnh</h1>"
            "<p>Trang thử nghiệm nhúng trợ lý ảo.</p><a href='#' id='first-link'>Liên kết</a>"
            f"<script src='{server_url}/widget.js' defer {attrs}></script></body></html>")


def open_widget(page: Any) -> Any:
    page.locator('button[data-vnps-assistant="button"]').click()
    page.locator("#vnps-assistant-panel").wait_for(state="visible")
    return page.frame_locator("#vnps-assistant-panel iframe")


def ask_in_widget(frame: Any, question: str) -> Any:
    n = frame.locator(".msg.bot, .msg.error").count()
    frame.locator("#q").fill(question)
    frame.locator("#q").press("Enter")
    last = frame.locator(".msg.bot, .msg.error").nth(n)
    frame.locator("#send:not([disabled])").wait_for(timeout=90_000)
    return last


def test_widget_on_allowlisted_portal_answers_with_sources(server: Any, portals: Any, page: Any,
                                                           artifacts: Any, docs_screenshot: Any) -> None:
    url = portals.page(portals.allowed_origin, "portal.html",
                       portal_html(server.base_url, title=TITLE, color="#c0392b", lang="vi", position="right"))
    page.goto(url)
    button = page.locator('button[data-vnps-assistant="button"]')
    assert button.get_attribute("aria-expanded") == "false" and button.get_attribute("aria-label")
    box = button.bounding_box()
    assert box["x"] > page.viewport_size["width"] / 2  # data-position=right
    frame = open_widget(page)
    assert button.get_attribute("aria-expanded") == "true"
    assert frame.locator(".title").inner_text() == TITLE
    frame.locator("#q").wait_for()
    # focus moved into the panel's text box, ready to type
    page.wait_for_function("() => document.activeElement && document.activeElement.tagName === 'IFRAME'")
    frame.locator("#q:focus").wait_for()
    answer = ask_in_widget(frame, QUESTION)
    assert "msg bot" in answer.get_attribute("class")
    assert "25" in answer.locator(".text").inner_text()
    src = answer.locator("details.src").first
    src.locator("summary").click()
    quote = src.locator("blockquote").inner_text().strip()
    corpus = "\n".join(normalize_text(p.read_text(encoding="utf-8")) for p in sorted(DEFAULT_CORPUS.glob("*.txt")))
    assert quote and quote in corpus
    accent = frame.locator(".bar").evaluate("e => getComputedStyle(e).backgroundColor")
    assert accent == "rgb(192, 57, 43)"  # data-color applied
    page.screenshot(path=str(artifacts / "widget.png"))
    docs_screenshot(artifacts / "widget.png", "widget.png")

    # thumbs up from the widget is stored (channel "widget") with the retrieved ids
    store = FeedbackStore(Database(server.settings.database_path))
    n0 = len(store.read_all())
    answer.locator('.fb button[data-rating="up"]').click()
    answer.locator(".fb").get_by_text("Cảm ơn").wait_for()
    rec = store.read_all()[n0]
    assert (rec.rating, rec.channel, rec.question) == ("up", "widget", QUESTION) and rec.retrieved

    # Escape inside the iframe closes the panel and gives focus back to the button.
    frame.locator("#q").press("Escape")
    page.locator("#vnps-assistant-panel").wait_for(state="hidden")
    assert page.evaluate("() => document.activeElement.dataset.vnpsAssistant") == "button"
    assert button.get_attribute("aria-expanded") == "false"


def test_widget_streams_and_escapes_html(server: Any, portals: Any, page: Any) -> None:
    url = portals.page(portals.allowed_origin, "portal-xss.html", portal_html(server.base_url))
    page.goto(url)
    frame = open_widget(page)
    frame.locator("#q").wait_for()
    evil = "<img src=x onerror=alert(1)>"
    ask_in_widget(frame, evil)
    assert frame.locator(".msg.user .text").last.inner_text() == evil
    assert frame.locator('img[src="x"]').count() == 0
    page.wait_for_timeout(300)
    assert page.dialogs == []


def test_widget_english_left_and_full_screen_on_phone(server: Any, portals: Any, browser: Any,
                                                      artifacts: Any) -> None:
    url = portals.page(portals.allowed_origin, "portal-en.html",
                       portal_html(server.base_url, lang="en", position="left"))
    ctx = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(url)
        button = page.locator('button[data-vnps-assistant="button"]')
        assert button.bounding_box()["x"] < 100  # data-position=left
        assert button.get_attribute("aria-label") == "Open the assistant"
        frame = open_widget(page)
        frame.locator("#q").wait_for()
        assert frame.locator("html").get_attribute("lang") == "en"
        assert frame.locator("#q").get_attribute("placeholder").startswith("Type a question")
        panel = page.locator("#vnps-assistant-panel").bounding_box()
        assert (panel["x"], panel["y"], panel["width"], panel["height"]) == (0, 0, 375, 740)
        answer = ask_in_widget(frame, "How many essential public services has Binh Dinh deployed under Project 06?")
        assert answer.locator(".text").inner_text().strip()
        size = frame.locator("#q").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 18
        page.screenshot(path=str(artifacts / "widget-phone.png"))
        frame.locator("#close").click()
        page.locator("#vnps-assistant-panel").wait_for(state="hidden")
    finally:
        ctx.close()


def test_widget_cannot_be_used_from_a_non_allowlisted_origin(server: Any, portals: Any, page: Any,
                                                              artifacts: Any) -> None:
    url = portals.page(portals.other_origin, "evil.html", portal_html(server.base_url))
    page.goto(url)
    page.locator('button[data-vnps-assistant="button"]').click()
    page.locator("#vnps-assistant-panel").wait_for(state="visible")
    page.wait_for_timeout(1500)
    # frame-ancestors: Chromium refuses to render our chat page inside this origin.
    child = next(f for f in page.frames if f != page.main_frame)
    assert not child.url.startswith(server.base_url + "/widget/chat") or child.locator("#q").count() == 0
    assert child.locator("#q").count() == 0
    page.screenshot(path=str(artifacts / "widget-blocked.png"))
    # CORS: the page's own script can't call the API either.
    result = page.evaluate("""async (u) => {
        try {
            const r = await fetch(u + '/api/chat', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                                   body: JSON.stringify({question: 'Đề án 06 là gì?'})});
            return 'read:' + r.status + ':' + (await r.text()).slice(0, 40);
        } catch (e) { return 'blocked:' + e.name; }
    }""", server.base_url)
    assert result == "blocked:TypeError", result


def test_allowlisted_portal_may_call_the_api_cross_origin(server: Any, portals: Any, page: Any) -> None:
    url = portals.page(portals.allowed_origin, "api.html", "<!doctype html><title>api</title><p>api</p>")
    page.goto(url)
    result = page.evaluate("""async ([u, q]) => {
        const r = await fetch(u + '/api/chat', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                               body: JSON.stringify({question: q})});
        const d = await r.json();
        return [r.status, d.citations.length > 0, typeof d.answer];
    }""", [server.base_url, QUESTION])
    assert result == [200, True, "string"]
    # ...but nothing else of the server is readable from that origin (only chat endpoints are CORS-enabled).
    other = page.evaluate("""async (u) => {
        try { const r = await fetch(u + '/api/health'); return 'read:' + r.status; }
        catch (e) { return 'blocked:' + e.name; }
    }""", server.base_url)
    assert other == "blocked:TypeError"


def test_widget_on_a_blocked_portal_says_what_to_configure(server: Any, portals: Any, browser: Any,
                                                           artifacts: Any) -> None:
    url = portals.page(portals.other_origin, "blocked.html", portal_html(server.base_url))
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = ctx.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    try:
        page.goto(url)
        open_widget(page)
        notice = page.locator('[data-vnps-assistant="blocked"]')
        notice.wait_for(state="visible", timeout=15_000)
        text = notice.inner_text()
        assert "ASSISTANT_ALLOWED_ORIGINS" in text and portals.other_origin in text, text
        assert not page.locator("#vnps-assistant-panel iframe").is_visible()
        ours = [m for m in console if "ASSISTANT_ALLOWED_ORIGINS" in m]
        assert len(ours) == 1 and ours[0].startswith("warning:") and portals.other_origin in ours[0], console
        page.screenshot(path=str(artifacts / "widget-blocked.png"))
    finally:
        ctx.close()


def test_widget_frame_is_safe_talks_to_one_origin_and_is_accessible(server: Any, portals: Any, browser: Any,
                                                                     artifacts: Any) -> None:
    """No sandbox-escape attributes, messages only from/to the checked origins, buttons never wrap at
    320 px, and axe-core finds nothing serious inside the panel."""
    from axe_check import assert_no_serious_violations

    url = portals.page(portals.allowed_origin, "portal-safe.html",
                       "<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>Cổng</title>"
                       "<meta name='viewport' content='width=device-width, initial-scale=1'></head><body>"
                       "<script>window.got = []; addEventListener('message', e => window.got.push([e.origin, "
                       "e.data && e.data.type]));</script>"
                       f"<script src='{server.base_url}/widget.js' defer></script></body></html>")
    ctx = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True,
                              bypass_csp=True)
    page = ctx.new_page()
    page.set_default_timeout(60_000)
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    try:
        page.goto(url)
        frame = open_widget(page)
        frame.locator("#q").wait_for()
        iframe = page.locator("#vnps-assistant-panel iframe")
        sandbox = iframe.get_attribute("sandbox") or ""
        assert not ("allow-scripts" in sandbox and "allow-same-origin" in sandbox), sandbox
        page.wait_for_function("() => window.got.some(m => m[1] === 'vnps-assistant:ready')")
        assert {tuple(m) for m in page.evaluate("window.got")} == {(server.base_url, "vnps-assistant:ready")}
        # the chat page knows its parent only when the server allowlisted it
        assert frame.locator("body").get_attribute("data-parent-origin") == portals.allowed_origin
        # a message forged by the portal page itself (not the frame) does not close the panel
        page.evaluate("() => window.postMessage({type: 'vnps-assistant:close'}, '*')")
        page.wait_for_timeout(300)
        assert page.locator("#vnps-assistant-panel").is_visible()

        answer = ask_in_widget(frame, QUESTION)
        assert answer.locator(".text.lead").inner_text().strip()
        summary = answer.locator("details.src summary").first.inner_text()
        assert not summary.strip().endswith(".txt"), summary  # a label or title, never a hashed file name
        for rating in ("up", "down"):
            lines = answer.locator(f'.fb button[data-rating="{rating}"]').evaluate(
                "b => { const r = document.createRange(); r.selectNodeContents(b); "
                "return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }")
            assert lines == 1, f"the {rating} button's label wraps"
        frame_obj = next(f for f in page.frames if f.url.startswith(server.base_url + "/widget/chat"))
        assert_no_serious_violations(frame_obj, "widget chat panel")
        page.screenshot(path=str(artifacts / "widget-phone-320.png"))
        noisy = [m for m in console if "postMessage" in m or "sandbox" in m.lower()]
        assert not noisy, noisy
    finally:
        ctx.close()


def test_chat_page_ignores_a_parent_origin_that_is_not_allowlisted(server: Any, page: Any) -> None:
    page.goto(server.base_url + "/widget/chat?parent=https://evil.example")
    assert page.locator("body").get_attribute("data-parent-origin") == ""
