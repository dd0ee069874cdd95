"""The Gradio chat UI, mounted at ``/`` of the FastAPI app (one process, one pipeline).

Vietnamese by default with an English switch; streamed multi-turn answers with their sources as
expandable quotes; clickable example questions for citizens and officials; thumbs up/down with an
optional comment. Large text (18px base) and plain keyboard use, for elderly users and phones.
The handlers share the server's rate limiter and concurrency gate, so the UI can't starve the API.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import AsyncIterator
from typing import Any

import anyio
import gradio as gr
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from assistant.errors import USER_ERRORS
from assistant.protocols import AnswerPipeline
from assistant.settings import Settings
from assistant.types import Answer, Citation, Turn
from ui import i18n
from ui.answer_stream import stream_answer_events
from ui.edge_errors import error_parts
from ui.feedback import FeedbackStore
from ui.pipeline_access import IndexInfo, document_meta_line, document_text, surrounding_paragraph
from ui.ratelimit import ConcurrencyGate, RateLimited, TokenBucketLimiter
from ui.refusals import RefusalLog
from ui.render import escape_markdown, render_answer, render_question, source_label

log = logging.getLogger(__name__)

# Example questions (written for the UI; deliberately not taken from the evaluation set).
EXAMPLES: dict[str, dict[str, list[str]]] = {
    "vi": {
        "citizen": [
            "Ở Bình Định đi khám bệnh bảo hiểm y tế bằng CCCD gắn chip được không?",
            "Ở Bắc Ninh có thể xin phiếu lý lịch tư pháp trên VNeID không?",
            "binh dinh co bao nhieu to cong nghe so cong dong",
            "Cơ sở dữ liệu quốc gia về dân cư lưu những thông tin gì của công dân?",
            "Giao dịch điện tử phải tuân theo những nguyên tắc nào?",
        ],
        "official": [
            "Tính đến quý I/2025, Bình Định có bao nhiêu dịch vụ công trực tuyến toàn trình?",
            "So sánh tỷ lệ giải quyết hồ sơ đúng hạn của Bình Định và thị xã La Gi.",
            "Bắc Kạn còn những hạn chế gì trong chuyển đổi số 6 tháng đầu năm 2023?",
        ],
    },
    "en": {
        "citizen": [
            "Can I use my chip-based ID card for health insurance visits in Binh Dinh?",
            "Can people in Bac Ninh get a criminal record certificate through VNeID?",
            "How many public services of Bac Kan are integrated on the National Public Service Portal?",
            "What information about citizens does the national population database hold?",
            "What principles must electronic transactions follow?",
        ],
        "official": [
            "How many fully online public services did Binh Dinh have in Q1 2025?",
            "Compare the on-time processing rates of Binh Dinh and La Gi.",
            "What are the limitations of digital transformation in Bac Kan in the first half of 2023?",
        ],
    },
}

CSS = """
.gradio-container { font-size: 18px; }
.gradio-container .message, .gradio-container .prose, .gradio-container textarea,
.gradio-container button, .gradio-container label span { font-size: 18px !important; line-height: 1.55; }
#chat .sources { margin-top: .6em; border-top: 1px solid #d5dbe3; padding-top: .4em; }
#chat details.src { margin: .3em 0; }
#chat details summary { cursor: pointer; }
#chat blockquote.quote { margin: .3em 0 .3em .4em; padding-left: .6em; border-left: 3px solid #0b5cad; }
#chat .src-meta { color: #555; font-size: 16px !important; margin: .2em 0; }
#chat mark { background: #fff3b0; }
#chat .lead { font-weight: 600; margin: 0 0 .4em; }
#chat .rest { margin: .3em 0; }
#chat details.more > summary, #chat details.src > summary { padding: .25em 0; min-height: 44px; display: list-item; }
#chat .message-row { scroll-margin-top: 8px; }
/* No tall empty box: the conversation appears with its first message. */
#chat:not(:has([data-testid="user"])) { display: none !important; }
#header h1 { font-size: 1.9rem; margin: 0 0 .2em; }
#header p { margin: 0; }
.example-btn button, button.example-btn { min-height: 44px; }
#question textarea { min-height: 3.4em; }  /* room for the whole hint; Enter still sends */
.example-btn button, button.example-btn { text-align: left; white-space: normal; }
*:focus-visible { outline: 3px solid #f5a623 !important; outline-offset: 2px; }
/* WCAG AA contrast for the main action (the default orange on white is about 2.8:1). */
.gradio-container button.primary { background: #0b5cad !important; color: #fff !important; border-color: #0b5cad !important; }
@media (max-width: 600px) {
  .gradio-container { padding: 4px !important; }
  #header h1 { font-size: 1.5rem; }
  #ask-row { position: sticky; bottom: 0; z-index: 5; background: var(--background-fill-primary, #fff); }
}
"""


# Screen readers pick the voice from <html lang>: keep it in step with the language switch.
_SET_HTML_LANG = "(lg) => { document.documentElement.setAttribute('lang', lg || 'vi'); return lg; }"


# On load: <html lang="vi">, and drop Gradio's aria-label on chat messages — Gradio fills it with the
# message's raw (escaped Markdown/HTML) source, which a screen reader would read out instead of the
# rendered text. Without it, assistive tech reads the visible content of the live log.
# The answer is always in view: when a question is added (typed, or an example tapped far below), the
# page scrolls so that the question sits at the top of the screen with its answer under it. The question
# box gets the focus only where there is a real keyboard (on a phone it would pop the keyboard up and
# scroll the page to the middle on load).
_ON_LOAD = """() => {
  document.documentElement.setAttribute('lang', 'vi');
  const sel = '#chat [data-testid="bot"][aria-label], #chat [data-testid="user"][aria-label]';
  const fix = () => document.querySelectorAll(sel).forEach((e) => e.removeAttribute('aria-label'));
  let questions = 0;
  const follow = () => {
    const users = document.querySelectorAll('#chat [data-testid="user"]');
    if (users.length > questions) {
      const last = users[users.length - 1];
      (last.closest('.message-row') || last).scrollIntoView({block: 'start', behavior: 'auto'});
    }
    questions = users.length;
  };
  new MutationObserver(() => { fix(); follow(); }).observe(document.body, {subtree: true, childList: true,
    attributes: true, attributeFilter: ['aria-label']});
  fix();
  if (window.matchMedia('(hover: hover) and (pointer: fine)').matches) {
    const box = document.querySelector('#question textarea');
    if (box) { box.focus({preventScroll: true}); }
  }
}"""


def _theme() -> Any:
    size = gr.themes.Size(name="text_readable", xxs="12px", xs="14px", sm="16px", md="18px", lg="20px",
                          xl="24px", xxl="30px")
    return gr.themes.Default(text_size=size)


def _client(request: Any) -> str:
    client = getattr(request, "client", None)
    return getattr(client, "host", None) or "unknown"


class ChatUI:
    """Handlers of the Blocks app; holds the shared parts (no per-user state here: that's in gr.State)."""

    def __init__(self, settings: Settings, pipeline: AnswerPipeline, index: IndexInfo | None,
                 limiter: TokenBucketLimiter, gate: ConcurrencyGate, feedback: FeedbackStore,
                 refusals: RefusalLog | None = None) -> None:
        self.settings, self.pipeline, self.index, self.limiter, self.gate, self.feedback = (
            settings, pipeline, index, limiter, gate, feedback)
        self.refusals = refusals
        self._doc_cache: dict[str, str | None] = {}

    # --- sources ------------------------------------------------------------------------------------

    def _doc(self, source: str) -> str | None:
        if source not in self._doc_cache:
            if len(self._doc_cache) > 256:
                self._doc_cache.clear()
            self._doc_cache[source] = document_text(self.index, source)
        return self._doc_cache[source]

    def context_of(self, c: Citation) -> tuple[str, str, str] | None:
        text = self._doc(c.source)
        if not text or text[c.start:c.end] != c.quote:
            return None
        left, right = surrounding_paragraph(text, c.start, c.end)
        return text[left:c.start], c.quote, text[c.end:right]

    def meta_of(self, source: str) -> str:
        return document_meta_line(self.index, source)

    def render(self, answer: Answer, lang: str) -> str:
        return render_answer(answer, lang, context=self.context_of, meta=self.meta_of)

    # --- chat ---------------------------------------------------------------------------------------

    async def respond(self, message: str, chat: list[dict[str, Any]], turns: list[dict[str, Any]],
                      lang: str, request: gr.Request) -> AsyncIterator[tuple[Any, ...]]:
        chat = list(chat or [])
        turns = list(turns or [])
        question = (message or "").strip()
        if not question:
            yield chat, "", turns
            return
        if len(question) > self.settings.max_question_chars:
            raise gr.Error(i18n.t("err_too_long", lang, limit=self.settings.max_question_chars))
        try:
            self.limiter.acquire(_client(request))
        except RateLimited as err:
            raise gr.Error(i18n.t("err_rate_limited", lang, seconds=err.retry_after)) from None
        history: list[Turn] = []
        for t in turns:
            history += [Turn("user", t["question"]), Turn("assistant", t["answer"])]
        history = history[-self.settings.max_history_turns:] if self.settings.max_history_turns else []
        chat += [{"role": "user", "content": render_question(question)},
                 {"role": "assistant", "content": escape_markdown(i18n.t("thinking", lang))}]
        yield chat, "", turns

        text, final = "", None
        try:
            async for ev in stream_answer_events(self.pipeline, self.gate, question, history):
                if ev.type == "delta" and ev.text:
                    text += ev.text
                    chat[-1] = {"role": "assistant", "content": escape_markdown(text)}
                    yield chat, "", turns
                elif ev.type == "answer" and ev.answer is not None:
                    final = ev.answer
        except USER_ERRORS as err:
            _, _, vi, en = error_parts(err)
            chat[-1] = {"role": "assistant", "content": escape_markdown(vi if lang == "vi" else en)}
            yield chat, "", turns
            return
        except Exception:
            log.exception("UI answer failed")
            chat[-1] = {"role": "assistant", "content": escape_markdown(i18n.t("err_internal", lang))}
            yield chat, "", turns
            return
        if final is None:
            chat[-1] = {"role": "assistant", "content": escape_markdown(i18n.t("err_internal", lang))}
            yield chat, "", turns
            return
        chat[-1] = {"role": "assistant", "content": self.render(final, lang)}
        turns.append({"question": question, "answer": final.answer, "msg_index": len(chat) - 1,
                      "retrieved": [r.chunk_id or r.source for r in final.retrieved],
                      "sources": [f"[{c.n}] {source_label(c, lang)}" for c in final.citations]})
        yield chat, "", turns
        if self.refusals is not None:
            await anyio.to_thread.run_sync(self.refusals.record_answer, question, final, "ui")

    def rate(self, turns: list[dict[str, Any]], comment: str, lang: str, data: Any) -> tuple[str, str]:
        """Store 👍/👎 for the liked assistant message with the optional comment."""
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        turn = next((t for t in (turns or []) if t.get("msg_index") == index), None)
        if turn is None:
            return escape_markdown(i18n.t("feedback_nothing", lang)), comment
        liked = data.liked
        rating = "up" if liked is True or str(liked).lower() in ("like", "true", "up") else "down"
        try:
            self.feedback.add(question=turn["question"], answer=turn["answer"], rating=rating,
                              retrieved=turn["retrieved"], comment=comment or "", channel="ui",
                              sources=turn.get("sources", ()))
        except (OSError, ValueError, sqlite3.Error):
            log.exception("could not store feedback")
            return escape_markdown(i18n.t("err_internal", lang)), comment
        return escape_markdown(i18n.t("feedback_thanks", lang)), ""


def build_ui(settings: Settings, pipeline: AnswerPipeline, *, index: IndexInfo | None,
             limiter: TokenBucketLimiter, gate: ConcurrencyGate, feedback: FeedbackStore,
             refusals: RefusalLog | None = None) -> Any:
    """The gr.Blocks app (not yet mounted)."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # gradio reads it lazily; we never phone home
    ui = ChatUI(settings, pipeline, index, limiter, gate, feedback, refusals)
    vi = "vi"

    with gr.Blocks(title=i18n.t("app_title", vi), analytics_enabled=False, fill_width=False) as demo:
        lang = gr.State(vi)
        turns = gr.State([])
        header = gr.Markdown(f"# {escape_markdown(i18n.t('app_title', vi))}\n\n"
                             f"{escape_markdown(i18n.t('app_subtitle', vi))}", elem_id="header")
        # Phone first: no tall empty box (the chat grows with its messages), the question box right
        # under it, the example questions under the box (where a thumb reaches), settings last.
        # No copy buttons: they copy the escaped Markdown/HTML source, not the text (select text instead).
        chatbot = gr.Chatbot(label=i18n.t("chat_label", vi), elem_id="chat", height=None, min_height=None,
                             max_height=None, sanitize_html=True, render_markdown=True, latex_delimiters=[],
                             feedback_options=("Like", "Dislike"), buttons=[], autoscroll=False)
        with gr.Row(equal_height=True, elem_id="ask-row"):
            question = gr.Textbox(label=i18n.t("question_label", vi), placeholder=i18n.t("question_placeholder", vi),
                                  lines=1, max_lines=5, scale=5, autofocus=False, elem_id="question",
                                  max_length=settings.max_question_chars)
            send = gr.Button(i18n.t("send", vi), variant="primary", scale=1, min_width=80, elem_id="send")
        with gr.Row(elem_id="examples"):
            with gr.Column(min_width=260):
                citizen_title = gr.Markdown(f"### {escape_markdown(i18n.t('examples_citizen', vi))}")
                citizen_btns = [gr.Button(q, size="sm", elem_classes=["example-btn"])
                                for q in EXAMPLES[vi]["citizen"]]
            with gr.Column(min_width=260):
                official_title = gr.Markdown(f"### {escape_markdown(i18n.t('examples_official', vi))}")
                official_btns = [gr.Button(q, size="sm", elem_classes=["example-btn"])
                                 for q in EXAMPLES[vi]["official"]]
        comment = gr.Textbox(label=i18n.t("feedback_comment", vi), lines=1, max_lines=3, elem_id="comment",
                             max_length=2000)
        feedback_note = gr.Markdown("", elem_id="feedback-note")
        clear = gr.Button(i18n.t("clear", vi), variant="secondary", elem_id="clear")
        lang_choice = gr.Radio(choices=[("Tiếng Việt", "vi"), ("English", "en")], value=vi,
                               label=i18n.t("language", vi), elem_id="lang")

        chat_io: dict[str, Any] = {"fn": ui.respond, "inputs": [question, chatbot, turns, lang],
                   "outputs": [chatbot, question, turns], "concurrency_limit": settings.max_concurrent_requests}
        question.submit(**chat_io)
        send.click(**chat_io)
        for btn in citizen_btns + official_btns:
            btn.click(lambda v: v, inputs=btn, outputs=question, queue=False).then(**chat_io)
        clear.click(lambda: ([], [], ""), outputs=[chatbot, turns, feedback_note], queue=False)
        chatbot.clear(lambda: ([], ""), outputs=[turns, feedback_note], queue=False)  # the chat's own 🗑

        def on_like(turns_v: list[dict[str, Any]], comment_v: str, lang_v: str,
                    data: gr.LikeData) -> tuple[str, str]:
            return ui.rate(turns_v, comment_v, lang_v, data)

        chatbot.like(on_like, inputs=[turns, comment, lang], outputs=[feedback_note, comment])

        def switch(lg: str) -> list[Any]:
            lg = i18n.normalize_lang(lg)
            return [
                lg,
                gr.update(value=f"# {escape_markdown(i18n.t('app_title', lg))}\n\n"
                                f"{escape_markdown(i18n.t('app_subtitle', lg))}"),
                gr.update(label=i18n.t("language", lg)),
                gr.update(label=i18n.t("chat_label", lg)),
                gr.update(label=i18n.t("question_label", lg), placeholder=i18n.t("question_placeholder", lg)),
                gr.update(value=i18n.t("send", lg)),
                gr.update(label=i18n.t("feedback_comment", lg)),
                gr.update(value=i18n.t("clear", lg)),
                gr.update(value=f"### {escape_markdown(i18n.t('examples_citizen', lg))}"),
                gr.update(value=f"### {escape_markdown(i18n.t('examples_official', lg))}"),
                *[gr.update(value=q) for q in EXAMPLES[lg]["citizen"]],
                *[gr.update(value=q) for q in EXAMPLES[lg]["official"]],
            ]

        lang_choice.change(None, inputs=lang_choice, js=_SET_HTML_LANG)
        lang_choice.change(switch, inputs=lang_choice, queue=False, outputs=[
            lang, header, lang_choice, chatbot, question, send, comment, clear, citizen_title, official_title,
            *citizen_btns, *official_btns])

    demo.queue(default_concurrency_limit=settings.max_concurrent_requests, max_size=settings.max_queue)
    return demo


def mount_ui(app: FastAPI, settings: Settings, pipeline: AnswerPipeline, *, index: IndexInfo | None,
             limiter: TokenBucketLimiter, gate: ConcurrencyGate, feedback: FeedbackStore,
             refusals: RefusalLog | None = None) -> FastAPI:
    """Mount the UI at ``/`` (after every other route, so ``/api`` and ``/widget`` stay ours)."""
    demo = build_ui(settings, pipeline, index=index, limiter=limiter, gate=gate, feedback=feedback,
                    refusals=refusals)
    head = '<meta name="viewport" content="width=device-width, initial-scale=1">'

    @app.api_route("/gradio_api/upload", methods=["GET", "POST", "PUT"], include_in_schema=False)
    async def no_uploads() -> JSONResponse:
        """The UI has no file input; Gradio's upload route would let anyone store (and re-serve) files here."""
        vi, en = i18n.both("err_not_found")
        return JSONResponse({"error": {"code": "uploads_disabled", "message": vi, "message_en": en}},
                            status_code=403)

    return gr.mount_gradio_app(app, demo, path="/", footer_links=[], run_history=False, ssr_mode=False,
                               mcp_server=False, theme=_theme(), css=CSS, head=head, show_error=False,
                               js=_ON_LOAD,
                               server_name=settings.host, server_port=settings.port)
