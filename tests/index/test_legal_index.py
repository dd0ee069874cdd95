"""The bundled laws indexed with the reports by default: sources, kinds, labels through the reader, retrieval."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.settings import DEFAULT_CORPUS, DEFAULT_LAW_CORPUS, Settings
from index.chunking import split_sentences
from index.legal import parse_legal

LAWS = {"luat-can-cuoc.txt", "luat-cu-tru.txt", "luat-giao-dich-dien-tu.txt"}


def test_default_corpus_is_the_reports_and_the_laws(tmp_path: Path) -> None:
    assert Settings(index_dir=tmp_path).corpus_paths == [DEFAULT_CORPUS, DEFAULT_LAW_CORPUS]
    # an old configuration naming one folder still means that folder only
    assert Settings(index_dir=tmp_path, corpus_dir=tmp_path).corpus_paths == [tmp_path]
    assert Settings(index_dir=tmp_path, corpus_dirs=f"{tmp_path},{DEFAULT_CORPUS}").corpus_paths == [
        tmp_path, DEFAULT_CORPUS]


def test_one_index_holds_both_folders_with_relative_sources(law_corpus_index: Any) -> None:
    reader = law_corpus_index.reader
    docs = {m.source: m for m in reader.documents()}
    assert set(docs) >= LAWS and len(docs) == 8  # five reports, three laws, no README
    for source in LAWS:
        assert docs[source].kind == "law" and docs[source].places == ()
    assert all(docs[s].kind == "report" for s in set(docs) - LAWS)
    law_chunks = [c for c in reader.chunks() if c.source in LAWS]
    assert law_chunks and all(c.article and c.context.startswith(docs[c.source].title) for c in law_chunks)


def test_label_for_names_the_article_of_every_law_quote(law_corpus_index: Any) -> None:
    reader = law_corpus_index.reader
    for c in reader.chunks():
        text = reader.document_text(c.source)
        if c.source not in LAWS:
            label, note = reader.label_for(c.source, c.start, c.end)
            assert label and ".txt" not in label and note == ""
            continue
        structure = parse_legal(text)
        for start, end in split_sentences(text, c.start, c.end):
            label, _ = reader.label_for(c.source, start, end)
            assert label.startswith(f"{structure.title}, Điều {c.article}"), (label, c.article)
            rest = label[len(f"{structure.title}, Điều {c.article}"):]
            assert rest == "" or rest.startswith(", khoản ")
    assert reader.label_for("no-such-file.txt", 0, 5) == ("no-such-file.txt", "")


def test_everyday_words_find_the_legal_article(law_corpus_index: Any) -> None:
    """The synonyms pack links "nhập hộ khẩu" to "đăng ký thường trú" (no eval question reused)."""
    from assistant.retrieval import HybridRetriever
    from assistant.vocabulary import load_synonyms

    settings = law_corpus_index.settings
    retriever = HybridRetriever(law_corpus_index.reader, synonyms=load_synonyms(settings.synonyms_path))
    hits = retriever.search("Muốn nhập hộ khẩu vào nhà người thân thì cần điều kiện gì?", 5).chunks
    assert ("luat-cu-tru.txt", "20") in {(h.chunk.source, h.chunk.article) for h in hits}
    info = retriever.analyze("Muốn nhập hộ khẩu vào nhà người thân thì cần điều kiện gì?")
    assert "đăng ký thường trú" in info.synonyms
