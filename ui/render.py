"""Turn answers into safe Markdown/HTML for the Gradio chat (which renders Markdown and HTML).

Questions, answers and documents are untrusted text: a document or a question may contain ``<script>``
or Markdown links. Everything is escaped here before it reaches a component, and only markup built by
this module (``<details>``, ``<blockquote>``, ...) is ever interpreted. Gradio's own sanitizer stays on as
a second line of defence.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from assistant.types import Answer, Citation
from ui import i18n

# CommonMark lets every ASCII punctuation character be backslash-escaped; these are the ones that can
# start formatting, links, images, HTML or math. & < > become entities instead (see escape_markdown).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~$:])")

ContextLookup = Callable[[Citation], tuple[str, str, str] | None]
"""Given a citation, (text before the quote, the quote, text after) of its paragraph, or None."""
MetaLookup = Callable[[str], str]
"""Given a source, a short "place · date" line (may be empty)."""


def escape_markdown(text: str) -> str:
    """Text that renders literally in a Markdown component (no markup, no HTML, no math)."""
    escaped = _MD_SPECIAL.sub(r"\\\1", text)
    return escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_html(text: str) -> str:
    """Text for inside our own HTML blocks; newlines become <br> so a block never contains a blank line
    (a blank line would end the Markdown HTML block and expose the rest to Markdown parsing)."""
    return html.escape(text, quote=True).replace("\r", "").replace("\n", "<br>")


def render_question(question: str) -> str:
    return escape_markdown(question)


_MARKERS = re.compile(r"(?:\s*\[\d+\])+[.!?…]?")


_SENTENCE_END = re.compile(r"[.!?…](?:\s*\[\d+\])*(?=\s|$)")
_LEAD_MAX_TAIL = 300  # characters after the first marker that may still belong to the lead


def split_lead(text: str) -> tuple[str, str]:
    """(direct answer, the rest): the lead is the line (or sentence) holding the first ``[n]`` marker.

    Answers open with a short direct answer followed by the verbatim quotes (CONTRACT.md); a citizen on a
    phone needs the first part at once and the quotes on request. A lead may continue after its first
    marker ("… 85% [1]; 100% … [2]."), so it runs to the end of its line, or of its sentence when the
    answer is one line. No marker (a refusal): all is lead.
    """
    text = text.strip()
    m = _MARKERS.search(text)
    if m is None or not text[: m.start()].strip():
        return text, ""
    end = m.end()
    newline = text.find("\n", end)
    if 0 <= newline - end <= _LEAD_MAX_TAIL:
        end = newline
    elif newline < 0 and text[end:end + 1] in (",", ";", ":"):
        stop = _SENTENCE_END.search(text, end)
        if stop is not None and stop.end() - end <= _LEAD_MAX_TAIL:
            end = stop.end()
    return text[:end].strip(), text[end:].strip()


def source_label(c: Citation, lang: str) -> str:
    """What a person reads to find the source again: the citation's label, else the document title,
    else "Tài liệu n" — never a hashed file name."""
    label = (c.label or "").strip() or (c.title or "").strip()
    return label or f"{i18n.t('document', lang)} {c.n}"


def render_sources_html(answer: Answer, lang: str, *, context: ContextLookup | None = None,
                        meta: MetaLookup | None = None) -> str:
    """``<details>`` per citation, labelled ("[1] Luật Cư trú, Điều 30, khoản 4"), holding the verbatim
    quote, the place/date line and the surrounding paragraph."""
    if not answer.citations:
        return ""
    parts = ['<div class="sources">', f"<p><strong>{escape_html(i18n.t('sources', lang))}</strong></p>"]
    for c in answer.citations:
        extra = meta(c.source) if meta else ""
        parts.append('<details class="src">')
        parts.append(f"<summary>{escape_html(f'[{c.n}] {source_label(c, lang)}')}</summary>")
        info = " · ".join(x for x in (c.title if c.label and c.title != c.label else "", extra, c.note) if x)
        if info:
            parts.append(f'<p class="src-meta">{escape_html(info)}</p>')
        parts.append(f'<blockquote class="quote">{escape_html(c.quote)}</blockquote>')
        ctx = context(c) if context else None
        if ctx is not None:
            before, quote, after = ctx
            parts.append('<details class="ctx">')
            parts.append(f"<summary>{escape_html(i18n.t('show_context', lang))}</summary>")
            parts.append(f'<p class="paragraph">{escape_html(before)}<mark>{escape_html(quote)}</mark>'
                         f"{escape_html(after)}</p>")
            parts.append("</details>")
        parts.append("</details>")
    parts.append("</div>")
    return "".join(parts)


def render_answer(answer: Answer, lang: str, *, context: ContextLookup | None = None,
                  meta: MetaLookup | None = None) -> str:
    """The assistant message: the direct answer first, the rest of the text folded, then the sources.

    One HTML block after the first line (no blank line inside), so Markdown never re-reads any of it.
    """
    lead, rest = split_lead(answer.answer)
    parts = [f'<div class="answer"><p class="lead">{escape_html(lead)}</p>']
    if rest:
        parts.append(f'<details class="more"><summary>{escape_html(i18n.t("show_quotes", lang))}</summary>'
                     f'<p class="rest">{escape_html(rest)}</p></details>')
    parts.append("</div>")
    sources = render_sources_html(answer, lang, context=context, meta=meta)
    return "".join(parts) + ("\n\n" + sources if sources else "")
