"""XSS: 50 payloads in questions, in an indexed document (so they are quoted) and in LLM output, shown in
the Gradio UI and in the widget of a real headless Chromium — as text, never as markup.

For every page: no dialog opens (``page.on("dialog")``), no request leaves loopback (``page.on("request")``:
payloads point at evil.example), and the payload text is visible on the page. Payloads are batched ten
to a question, and each question also asks about the matching payload group of the indexed document, so
50 payloads x 3 routes x 2 surfaces take 4 page loads and 20 answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fakes.openai_server import FakeOpenAIServer, Reply
from reliability.live_server import ThreadServer, chromium_browser

from assistant.composition import build_index_parts, build_pipeline, ingest, open_reader
from ui import i18n

pytestmark = [pytest.mark.slow, pytest.mark.browser]

PAYLOADS = [line for line in (Path(__file__).parent / "data" / "xss_payloads.txt").read_text(
    encoding="utf-8").splitlines() if line.strip()]
GROUPS = [PAYLOADS[i:i + 10] for i in range(0, len(PAYLOADS), 10)]
TITLE = "Cảnh báo mã độc của Trung tâm An ninh mạng tỉnh Hà Tĩnh"


def _doc() -> str:
    lines = [TITLE, ""]
    for k, group in enumerate(GROUPS, 1):
        lines.append(f"Mẫu mã độc nhóm {k} do Trung tâm An ninh mạng tỉnh Hà Tĩnh ghi nhận gồm các chuỗi sau: "
                     f"{' '.join(group)} Người dân không mở các chuỗi nhóm {k} này.")
        lines.append("")
    return "\n".join(lines)


def _question(k: int) -> str:
    return f"Mẫu mã độc nhóm {k} ở Hà Tĩnh gồm những chuỗi nào? {' '.join(GROUPS[k - 1])}"


def _squash(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def xss_index(tmp_path_factory: pytest.TempPathFactory, embedder: Any, fresh_settings: Any) -> Any:
    root = tmp_path_factory.mktemp("xss")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "ma_doc_ha_tinh.txt").write_text(_doc(), encoding="utf-8")
    settings = fresh_settings(root / "index", corpus_dir=corpus, feedback_path=root / "fb.jsonl",
                              rate_limit_per_minute=100_000)
    parts = build_index_parts(settings, embedder=embedder)
    assert not ingest(settings, [corpus], parts=parts).failed
    return settings, open_reader(settings, parts=parts)


def _llm_reply(body: dict[str, Any]) -> str:
    """A 'model' that repeats the payloads of the asked group found in its context, citing that context."""
    user = body["messages"][-1]["content"]
    asked = re.search(r"nhóm (\d)", user.split("<cau_hoi>", 1)[-1])
    k = int(asked.group(1)) if asked else 1
    for m in re.finditer(r'<tai_lieu so="(\d+)"[^>]*>\n(.*?)\n</tai_lieu>', user, re.S):
        found = [p for p in GROUPS[k - 1] if p in m.group(2)]
        if found:
            return f"Nhóm {k} gồm các chuỗi: {' '.join(found)} [{m.group(1)}]."
    return "KHONG_CO_TRONG_TAI_LIEU"


@pytest.fixture(scope="module")
def servers(xss_index: Any) -> Iterator[dict[str, ThreadServer]]:
    from ui.app import create_app

    settings, reader = xss_index
    with FakeOpenAIServer() as llm:
        llm.script(Reply(respond=_llm_reply))
        llm_settings = settings.model_copy(update={"llm_base_url": llm.base_url, "llm_model": "fake",
                                                   "llm_timeout_s": 10.0})
        out = {
            "extractive": ThreadServer(create_app(settings, build_pipeline(settings, reader=reader), index=reader)),
            "llm": ThreadServer(create_app(llm_settings, build_pipeline(llm_settings, reader=reader), index=reader)),
        }
        yield out
        for s in out.values():
            s.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    yield from chromium_browser()


class Watched:
    """A page that records dialogs and every request's host."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        self.page = self.context.new_page()
        self.page.set_default_timeout(120_000)
        self.dialogs: list[str] = []
        self.foreign: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("request", self._request)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request(self, request: Any) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about", "javascript"):
            if parts.scheme == "javascript":
                self.foreign.append(request.url)
            return
        if parts.hostname not in ("127.0.0.1", "localhost"):
            self.foreign.append(request.url)

    def close(self) -> None:
        self.context.close()


def _api_answer(server: ThreadServer, question: str) -> dict[str, Any]:
    r = httpx.post(server.base_url + "/api/chat", json={"question": question}, timeout=180)
    assert r.status_code == 200, r.text[:300]
    return dict(r.json())


def _expected_visible(answer: dict[str, Any]) -> list[str]:
    return [answer["answer"]] + [c["quote"] for c in answer["citations"]]


def _ask_gradio(w: Watched, question: str) -> str:
    page = w.page
    box = page.locator("#question textarea")
    box.fill(question)
    box.press("Enter")
    thinking = i18n.t("thinking", "vi")
    page.wait_for_function(
        """([q, thinking]) => {
             const chat = document.querySelector('#chat');
             if (!chat) return false;
             const t = chat.innerText;
             return t.includes(q) && !t.includes(thinking) && !document.querySelector('#chat .pending');
           }""", arg=[question[:40], thinking], timeout=180_000)
    page.wait_for_timeout(500)
    for details in page.locator("#chat details").all():  # open the sources so quotes are visible text
        details.evaluate("d => d.open = true")
    return str(page.inner_text("#chat"))


def _ask_widget(w: Watched, question: str, n: int) -> str:
    page = w.page
    page.fill("#q", question)
    page.press("#q", "Enter")
    page.wait_for_function(
        """(n) => document.querySelectorAll('#log .msg.bot, #log .msg.error').length >= n + 1 &&
                  !document.querySelector('#log [aria-busy="true"]') &&
                  !document.querySelector('#send[disabled]')""", arg=n, timeout=180_000)
    page.wait_for_timeout(500)
    for details in page.locator("#log details").all():
        details.evaluate("d => d.open = true")
    return str(page.inner_text("#log"))


@pytest.mark.parametrize("surface", ["gradio", "widget"])
@pytest.mark.parametrize("route", ["extractive", "llm"])
def test_payloads_render_as_text_and_never_run(servers: dict[str, ThreadServer], browser: Any,
                                               surface: str, route: str) -> None:
    server = servers[route]
    w = Watched(browser)
    shown_payloads: set[str] = set()
    quoted_payloads: set[str] = set()
    answered_by: list[str] = []
    try:
        w.page.goto(server.base_url + ("/" if surface == "gradio" else "/widget/chat"))
        for k in range(1, len(GROUPS) + 1):
            q = _question(k)
            expected = _api_answer(server, q)  # same pipeline, same answer: what the page must show as text
            answered_by.append(str(expected.get("meta", {}).get("answerer", "guard")))
            text = _squash(_ask_gradio(w, q) if surface == "gradio" else _ask_widget(w, q, k))
            for p in GROUPS[k - 1]:
                assert _squash(p) in text, f"question payload not visible as text: {p!r}"
                shown_payloads.add(p)
            for piece in _expected_visible(expected):
                for p in PAYLOADS:
                    if p in piece:
                        assert _squash(p) in text, f"answer/quote payload not visible as text: {p!r}"
                        quoted_payloads.add(p)
        w.page.wait_for_timeout(1000)  # give any injected handler or image a chance to fire
    finally:
        w.close()
    print(f"\nXSS {surface}/{route}: {len(shown_payloads)} payloads in questions, {len(quoted_payloads)} "
          f"in answers/quotes; answerers {answered_by}; dialogs {len(w.dialogs)}; foreign requests {len(w.foreign)}")
    assert not w.dialogs, w.dialogs
    assert not w.foreign, w.foreign
    assert len(shown_payloads) == len(PAYLOADS) == 50
    assert len(quoted_payloads) >= 10, "too few payloads came back through the document/LLM to test rendering"
    if route == "llm":
        assert "llm" in answered_by, "no LLM-written answer was rendered: the LLM route was not exercised"
