"""An answer quotes the document version its passages were retrieved from, even if a newer index
generation lands between retrieval and answering (an ingest running while the server answers)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from assistant import composition
from assistant.evidence import CorpusStats, EvidenceFinder
from assistant.extractive import ExtractiveAnswerer
from assistant.retrieval import HybridRetriever

DOC = "000_fa699dd7983e293e.txt"
QUESTION = "Tính đến quý I/2025, tỉnh Bình Định có bao nhiêu dịch vụ công trực tuyến toàn trình?"
OLD, NEW = "1.230", "1.450"


def test_answer_built_after_a_new_generation_quotes_the_retrieved_version(
    tmp_path: Path, corpus_dir: Path, embedder: Any, fresh_settings: Any
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(corpus_dir / DOC, corpus / DOC)
    settings = fresh_settings(tmp_path / "index", corpus_dir=corpus)
    parts = composition.build_index_parts(settings, embedder=embedder)
    assert not composition.ingest(settings, [corpus], parts=parts).failed
    reader = composition.open_reader(settings, parts=parts)
    old_text = reader.document_text(DOC)
    retriever = HybridRetriever(reader, dense_weight=settings.dense_weight, lexical_weight=settings.lexical_weight)
    stats = CorpusStats(reader.document_text(m.source) for m in reader.documents())
    finder = EvidenceFinder(stats, reader.document_text,
                            catalog=reader.documents, text_by_hash=reader.text_by_hash)
    answerer = ExtractiveAnswerer(finder, analyzer=retriever.analyze)

    contexts = retriever.retrieve(QUESTION, settings.top_k)  # retrieved from generation 1 ...
    assert all(c.chunk.doc_hash for c in contexts)

    # ... then generation 2 lands: every offset shifts (a new first line) and the figure changes
    body = (corpus / DOC).read_text(encoding="utf-8").replace(OLD, NEW)
    (corpus / DOC).write_text("Bản cập nhật tháng 7/2025 của báo cáo.\n\n" + body, encoding="utf-8")
    assert not composition.ingest(settings, [corpus], parts=parts).failed
    assert NEW in reader.document_text(DOC)  # the reader already serves generation 2

    answer = answerer.answer(QUESTION, contexts)
    assert not answer.refused, answer.meta
    assert OLD in answer.answer and NEW not in answer.answer
    for c in answer.citations:
        assert old_text[c.start:c.end] == c.quote  # offsets into the version that was retrieved

    fresh = answerer.answer(QUESTION, retriever.retrieve(QUESTION, settings.top_k))
    assert NEW in fresh.answer and OLD not in fresh.answer
