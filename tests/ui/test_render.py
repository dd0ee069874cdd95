"""Escaping of untrusted text before it reaches Gradio's Markdown/HTML rendering (pure functions)."""

from __future__ import annotations

from html.parser import HTMLParser

from assistant.types import Answer, Citation
from ui.pipeline_access import surrounding_paragraph
from ui.render import escape_markdown, render_answer

EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3)) **b** $$x$$ `c`'
OUR_TAGS = {"div", "p", "strong", "details", "summary", "blockquote", "mark", "br"}


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs += attrs


def test_escape_markdown_leaves_no_markup() -> None:
    out = escape_markdown(EVIL)
    assert "<" not in out and ">" not in out
    assert "](javascript" not in out and "**b**" not in out and "$$" not in out


def test_rendered_answer_contains_only_our_markup() -> None:
    doc = "Intro line.\n" + EVIL + "\nNext line."
    start = doc.index(EVIL)
    answer = Answer(answer=EVIL + " [1]", refused=False,
                    citations=(Citation(1, "a.txt", EVIL, EVIL, start, start + len(EVIL)),))

    def context(c: Citation) -> tuple[str, str, str]:
        left, right = surrounding_paragraph(doc, c.start, c.end)
        return doc[left:c.start], c.quote, doc[c.end:right]

    html_out = render_answer(answer, "vi", context=context, meta=lambda s: EVIL)
    parser = Tags()
    parser.feed(html_out)
    assert parser.tags <= OUR_TAGS, parser.tags
    assert all(name == "class" for name, _ in parser.attrs)
    assert "&lt;script&gt;" in html_out and "\n\n<" in html_out  # sources block after a blank line
    sources = html_out.split("\n\n", 1)[1]
    assert "\n\n" not in sources  # one HTML block: Markdown can't re-interpret any of it


def test_surrounding_paragraph_is_the_line_of_the_quote_clipped() -> None:
    text = "aaa\nbbb QUOTE ccc\nddd"
    s = text.index("QUOTE")
    left, right = surrounding_paragraph(text, s, s + 5)
    assert text[left:right] == "bbb QUOTE ccc"
    long = "x" * 5000 + "QUOTE" + "y" * 5000
    s = long.index("QUOTE")
    left, right = surrounding_paragraph(long, s, s + 5, max_chars=105)
    assert "QUOTE" in long[left:right] and right - left <= 105


def test_the_direct_answer_is_split_from_its_quotes() -> None:
    from ui.render import split_lead

    two = "Bình Định đạt 85% [1]; La Gi đạt 99% [2].\nTheo Báo Bình Định: “… 85% …” [1].\nTheo X: “…” [2]."
    assert split_lead(two) == ("Bình Định đạt 85% [1]; La Gi đạt 99% [2].",
                               "Theo Báo Bình Định: “… 85% …” [1].\nTheo X: “…” [2].")
    assert split_lead("Có [1]. Theo báo: “Có.” [1]") == ("Có [1].", "Theo báo: “Có.” [1]")
    assert split_lead("A đạt 5 [1], B đạt 6 [2]. Theo báo: “x” [1]") == ("A đạt 5 [1], B đạt 6 [2].",
                                                                          "Theo báo: “x” [1]")
    assert split_lead("Tài liệu không có thông tin này.") == ("Tài liệu không có thông tin này.", "")


def test_sources_are_labelled_never_by_file_name() -> None:
    cites = (Citation(1, "000_fa699dd7983e293e.txt", "Sáng 9.5, tại trụ sở…", "q", 0, 1,
                      label="Báo Bình Định, 09/5/2025"),
             Citation(2, "002_a0ff83433cb52b61.txt", "Bắc Kạn sơ kết", "q", 0, 1),
             Citation(3, "003_55716df2aa7fbea7.txt", "", "q", 0, 1))
    out = render_answer(Answer("Có [1].", False, cites), "vi")
    assert "[1] Báo Bình Định, 09/5/2025" in out and "[2] Bắc Kạn sơ kết" in out and "[3] Tài liệu 3" in out
    assert ".txt" not in out
