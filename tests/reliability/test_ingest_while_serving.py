"""An ingest in another process changes the documents while the server keeps answering.

The server (real app, real uvicorn, embedded Chroma) answers from index generation N while
``assistant ingest`` (a subprocess) rewrites a document, adds one and re-embeds. A poller asks the same
question over HTTP throughout. Every answer must be entirely from generation N or entirely from N+1:
its retrieved chunk ids all belong to one generation, its figure is that generation's figure, and its
quotes are verbatim in that generation's text. Before the commit answers are old, after it new — with
no restart, no error, and no partial state in between.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from reliability.live_server import PROJECT_ROOT, ThreadServer, assistant_cmd, subprocess_env

from assistant.composition import build_index_parts, build_pipeline, ingest, open_reader
from index.manifest import read_manifest

DOC = "000_fa699dd7983e293e.txt"
OTHER = "001_34f654742855b43a.txt"
QUESTION = "Tính đến quý I/2025, tỉnh Bình Định có bao nhiêu dịch vụ công trực tuyến toàn trình?"
OLD, NEW = "1.230", "1.450"


@pytest.mark.slow
def test_answers_are_fully_old_or_fully_new_during_an_ingest(
    tmp_path: Path, corpus_dir: Path, embedder: Any, fresh_settings: Any
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in (DOC, OTHER):
        shutil.copy(corpus_dir / name, corpus / name)
    assert OLD in (corpus / DOC).read_text(encoding="utf-8")
    settings = fresh_settings(tmp_path / "index", corpus_dir=corpus, feedback_path=tmp_path / "fb.jsonl",
                              rate_limit_per_minute=100_000, max_queue=64)
    parts = build_index_parts(settings, embedder=embedder)
    assert not ingest(settings, [corpus], parts=parts).failed
    reader = open_reader(settings, parts=parts)
    old_manifest = read_manifest(settings.index_dir)
    assert old_manifest is not None
    old_ids = old_manifest.chunk_ids()
    old_text = reader.document_text(DOC)

    from ui.app import create_app

    server = ThreadServer(create_app(settings, build_pipeline(settings, reader=reader), index=reader,
                                     with_ui=False))
    first = httpx.post(server.base_url + "/api/chat", json={"question": QUESTION}, timeout=120).json()
    assert OLD in first["answer"], first["answer"]

    # The new version: every passage of DOC shifts (new first line), the figure changes, a file is added.
    new_body = (corpus / DOC).read_text(encoding="utf-8").replace(OLD, NEW)
    (corpus / DOC).write_text("Bản cập nhật tháng 7/2025.\n\n" + new_body, encoding="utf-8")
    (corpus / "new_notice.txt").write_text("Thông báo mới về dịch vụ công trực tuyến của tỉnh Bình Định năm "
                                           "2025: người dân có thể nộp hồ sơ trên Cổng Dịch vụ công.\n",
                                           encoding="utf-8")

    answers: list[dict[str, Any]] = []
    errors: list[str] = []
    stop = threading.Event()

    def poll() -> None:
        with httpx.Client(timeout=120) as client:
            while not stop.is_set():
                try:
                    t0 = time.monotonic()
                    r = client.post(server.base_url + "/api/chat", json={"question": QUESTION})
                    if r.status_code == 200:
                        answers.append({**r.json(), "_t0": t0, "_at": time.monotonic()})
                    else:
                        errors.append(f"{r.status_code} {r.text[:200]}")
                except httpx.HTTPError as err:
                    errors.append(repr(err))

    pollers = [threading.Thread(target=poll, daemon=True) for _ in range(2)]
    try:
        for t in pollers:
            t.start()
        time.sleep(1.0)
        proc = subprocess.run(assistant_cmd("ingest", str(corpus), "--index", str(settings.index_dir),
                                            "--no-progress"), cwd=PROJECT_ROOT, env=subprocess_env(),
                              capture_output=True, text=True, timeout=600)
        committed_at = time.monotonic()
        assert proc.returncode == 0, proc.stderr[-2000:]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(NEW in a["answer"] for a in answers[-3:]):
            time.sleep(0.5)
        time.sleep(1.0)
    finally:
        stop.set()
        for t in pollers:
            t.join(180)
        server.stop()

    new_manifest = read_manifest(settings.index_dir)
    assert new_manifest is not None and new_manifest.generation == old_manifest.generation + 1
    new_ids = new_manifest.chunk_ids()
    new_text = reader.document_text(DOC)  # the reader now serves the new generation
    assert NEW in new_text and old_text != new_text

    kinds = {"old": 0, "new": 0}
    problems: list[str] = []
    for a in answers:
        ids = {r["chunk_id"] for r in a["retrieved"]}
        in_old, in_new = ids <= old_ids, ids <= new_ids
        kind = "old" if in_old and not in_new else "new" if in_new and not in_old else None
        if kind is None:
            problems.append(f"retrieved ids from both/neither generation: {sorted(ids - old_ids - new_ids)}")
            continue
        kinds[kind] += 1
        text = old_text if kind == "old" else new_text
        want, other = (OLD, NEW) if kind == "old" else (NEW, OLD)
        if want not in a["answer"] or other in a["answer"]:
            problems.append(f"{kind} retrieval but answer {a['answer'][:120]!r}")
        for c in a["citations"]:
            if c["source"] == DOC and text[c["start"]:c["end"]] != c["quote"]:
                problems.append(f"{kind} answer quotes text not at its offsets in the {kind} document")
    print(f"\ningest while serving: {len(answers)} answers ({kinds['old']} old, {kinds['new']} new), "
          f"{len(errors)} errors, {len(problems)} mixed")
    assert not errors, errors[:5]
    assert not problems, problems[:5]
    assert kinds["old"] >= 1 and kinds["new"] >= 1, kinds
    # once a new answer has been given, no request started afterwards gets an old one
    first_new = min(a["_at"] for a in answers if NEW in a["answer"])
    assert not [a for a in answers if a["_t0"] > first_new and OLD in a["answer"]]
    assert first_new <= committed_at + 60
