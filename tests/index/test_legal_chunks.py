"""Law documents: chunks never cross an article, long articles split at clauses, labels match the quote."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.chunking import Chunker, search_text, split_sentences
from index.labels import citation_label, format_date, outlet_name
from index.legal import parse_legal
from index.loaders import load_all
from index.types import Document

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LAWS = PROJECT_ROOT / "data" / "corpus-law"
REPORTS = PROJECT_ROOT / "data" / "corpus"


@pytest.fixture(scope="module")
def laws() -> list[Document]:
    return load_all([LAWS])


@pytest.fixture(scope="module")
def chunks(laws: list[Document]) -> dict[str, list]:
    chunker = Chunker(max_chars=700, overlap_sentences=1)
    return {d.meta.source: chunker.split(d) for d in laws}


def test_no_chunk_crosses_an_article(laws: list[Document], chunks: dict[str, list]) -> None:
    for doc in laws:
        s = parse_legal(doc.text)
        covered = set()
        for c in chunks[doc.meta.source]:
            assert c.text == doc.text[c.start:c.end]
            article = s.article(c.article)
            assert article is not None, c
            assert article.start <= c.start < c.end <= article.end
            covered.add(c.article)
            assert c.context == f"{s.title}, {article.title}"
            assert search_text(c) == f"{c.context}\n{c.text}"
        assert covered == {a.number for a in s.articles}  # every article is indexed


def test_long_articles_are_split_at_clause_boundaries(laws: list[Document], chunks: dict[str, list]) -> None:
    split = 0
    for doc in laws:
        s = parse_legal(doc.text)
        by_article: dict[str, list] = {}
        for c in chunks[doc.meta.source]:
            by_article.setdefault(c.article, []).append(c)
        for number, pieces in by_article.items():
            article = s.article(number)
            assert article is not None
            if len(pieces) == 1:
                assert (pieces[0].start, pieces[0].end) == (article.start, article.end)
                continue
            split += 1
            assert pieces[0].start == article.start  # the heading opens the first piece
            starts = {c.start for c in article.clauses} | {p.start for c in article.clauses for p in c.points}
            sentence_starts = {a for a, _ in split_sentences(doc.text, article.start, article.end)}
            for piece in pieces[1:]:
                # a clause, a point, or (inside an over-long point) a sentence; never mid-sentence
                assert piece.start in starts or piece.start in sentence_starts, doc.text[piece.start:piece.start + 60]
            for a, b in zip(pieces, pieces[1:], strict=False):
                assert a.end <= b.start  # no overlap inside an article
    assert split >= 20


def test_context_is_optional_and_changes_the_chunk_id(laws: list[Document]) -> None:
    doc = laws[0]
    with_ctx = Chunker(700, 1).split(doc)
    without = Chunker(700, 1, legal_context=False).split(doc)
    assert [(c.start, c.end, c.article) for c in with_ctx] == [(c.start, c.end, c.article) for c in without]
    assert all(c.context == "" and search_text(c) == c.text for c in without)
    assert not {c.chunk_id for c in with_ctx} & {c.chunk_id for c in without}


def test_reports_keep_their_chunks_and_ids() -> None:
    # reports have no context: their passages (and vectors) are the same as before legal texts existed
    for doc in load_all([REPORTS]):
        for c in Chunker(700, 1).split(doc):
            assert c.context == "" and c.article == ""


def test_every_label_matches_the_article_its_quote_comes_from(laws: list[Document],
                                                              chunks: dict[str, list]) -> None:
    """Over every sentence of every chunk of the three laws: the label names the law, the chunk's
    article, and the clause / point the sentence sits in."""
    checked = 0
    for doc in laws:
        s = parse_legal(doc.text)
        for c in chunks[doc.meta.source]:
            article = s.article(c.article)
            assert article is not None
            for start, end in split_sentences(doc.text, c.start, c.end):
                label, note = citation_label(doc.meta, doc.text, start, end)
                assert label.startswith(f"{s.title}, Điều {c.article}"), (label, doc.text[start:end])
                m = re.fullmatch(rf"{re.escape(s.title)}, Điều (\d+)(?:, khoản (\d+))?(?:, điểm ([a-zđ]))?", label)
                assert m is not None, label
                clause = next((x for x in article.clauses if x.start <= start < x.end), None)
                if m.group(2):
                    assert clause is not None and clause.number == int(m.group(2)) and end <= clause.end
                elif clause is not None:
                    assert end > clause.end or start < clause.start
                if m.group(3):
                    assert clause is not None
                    point = next(p for p in clause.points if p.letter == m.group(3))
                    assert point.start <= start and end <= point.end
                checked += 1
    assert checked > 900


def test_a_quote_over_several_clauses_is_labelled_with_the_article(laws: list[Document]) -> None:
    doc = next(d for d in laws if d.meta.source == "luat-cu-tru.txt")
    a = parse_legal(doc.text).article("30")
    assert a is not None and len(a.clauses) >= 4
    assert citation_label(doc.meta, doc.text, a.clauses[3].start, a.clauses[3].end)[0] == "Luật Cư trú, Điều 30, khoản 4"
    assert citation_label(doc.meta, doc.text, a.clauses[0].start, a.clauses[2].end)[0] == "Luật Cư trú, Điều 30"


def test_notes_resolve_cross_references(laws: list[Document]) -> None:
    doc = next(d for d in laws if d.meta.source == "luat-cu-tru.txt")
    text = doc.text
    i = text.index("khoản 1 Điều này")
    a = parse_legal(text).article_at(i)
    assert a is not None
    label, note = citation_label(doc.meta, text, i, i + len("khoản 1 Điều này"))
    assert note == f"khoản 1 Điều này = Luật Cư trú, Điều {a.number}, khoản 1"
    m = re.search(r"(?<!khoản \d )Điều (\d+) của Luật này", text)
    assert m is not None
    number = m.group(1)
    _, note = citation_label(doc.meta, text, m.start(), m.end())
    assert note.startswith(f"Điều {number} của Luật này = Luật Cư trú, Điều {number} (")


def test_report_labels_name_the_outlet_and_date_never_the_file() -> None:
    labels = {d.meta.source: citation_label(d.meta, d.text, 0, 50)[0] for d in load_all([REPORTS])}
    assert labels["000_fa699dd7983e293e.txt"] == "Báo Bình Định, 09/5/2025"
    assert labels["001_34f654742855b43a.txt"] == "Báo Bắc Ninh"
    assert labels["002_a0ff83433cb52b61.txt"].endswith(", 21/7/2023")
    assert labels["004_d6ff605c696d3f9a.txt"].endswith(", 08/3/2023")
    for source, label in labels.items():
        assert source.split("_")[1].split(".")[0] not in label and ".txt" not in label
        assert len(label) <= 100


def test_outlet_and_date_helpers() -> None:
    assert outlet_name("TRỌNG LỢI - Nguồn Báo Bình Định") == "Báo Bình Định"
    assert outlet_name("Theo Thùy Vy (Báo Bắc Ninh)") == "Báo Bắc Ninh"
    assert outlet_name("Thu Hiền") == ""
    assert format_date("2025-05-09") == "09/5/2025"
    assert format_date("2024-11") == "11/2024"
    assert format_date(None) == ""
