"""Text that cannot be encoded as UTF-8 (lone UTF-16 surrogates) gets a clear 4xx or error at every entry point.

Issue 13, finding 1: ``"VNeID \\ud800 Bac Ninh"`` crashed ``/api/chat``, the stream and the Gradio UI with a
500 (in the embedder's ``encode("utf-8")``), a surrogate in ``history`` did the same, and the next request
on the same keep-alive connection was reset. Checked here through real parts: a real uvicorn server with
the Gradio UI mounted, one ``httpx.Client`` (one connection) for the bad and the next good request, the
real CLI in a subprocess, a real eval file, and a real ingest of a PDF whose text layer decodes to a
surrogate.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from reliability.live_server import PROJECT_ROOT, ThreadServer, subprocess_env

from assistant import composition
from assistant.errors import InvalidInput
from assistant.pipeline import validate_history, validate_question
from evals.dataset import DatasetError, load_dataset
from index.reader import IndexReader

BAD = "VNeID \ud800 Bac Ninh"
GOOD = "Bắc Ninh có bao nhiêu tài khoản VNeID được kích hoạt?"


def _body(data: Any) -> bytes:
    return json.dumps(data).encode("ascii")  # "\ud800" travels as a JSON escape, as a browser sends it


@pytest.fixture(scope="module")
def server(corpus_index: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThreadServer]:
    from ui.app import create_app

    root = tmp_path_factory.mktemp("unencodable")
    settings = corpus_index.settings.model_copy(update={
        "feedback_path": root / "feedback.jsonl", "database_path": root / "assistant.db",
        "state_db": root / "state.sqlite3", "rate_limit_per_minute": 10_000})
    pipeline = composition.build_pipeline(settings, reader=corpus_index.reader)
    srv = ThreadServer(create_app(settings, pipeline, index=corpus_index.reader, with_ui=True))
    yield srv
    srv.stop()


def _local_port(r: httpx.Response) -> int:
    return int(r.extensions["network_stream"].get_extra_info("client_addr")[1])


def _assert_clear_4xx(r: httpx.Response) -> None:
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    err = r.json()["error"]
    assert err["code"] == "invalid_text", err
    assert "U+D800" in err["message_en"] or "surrogate" in err["message_en"], err
    assert "UTF-16" in err["message"], err  # the Vietnamese message says what is wrong too


@pytest.mark.parametrize(("path", "payload"), [
    ("/api/chat", {"question": BAD}),
    ("/api/chat/stream", {"question": BAD}),
    ("/api/chat", {"question": GOOD, "history": [{"role": "user", "content": BAD}]}),
    ("/api/chat/stream", {"question": GOOD, "history": [{"role": "assistant", "content": "ok"},
                                                        {"role": "user", "content": BAD}]}),
    ("/api/feedback", {"question": BAD, "answer": "x", "rating": "up"}),
    ("/api/feedback", {"question": "q", "answer": "x", "rating": "down", "retrieved": ["a", "b\udfff"]}),
])
def test_http_gives_a_clear_4xx_and_the_connection_stays_usable(server: ThreadServer, path: str,
                                                                  payload: dict[str, Any]) -> None:
    with httpx.Client(base_url=server.base_url, timeout=120) as client:
        bad = client.post(path, content=_body(payload), headers={"Content-Type": "application/json"})
        _assert_clear_4xx(bad)
        good = client.post("/api/chat", json={"question": GOOD})
        assert good.status_code == 200, good.text[:300]
        assert _local_port(good) == _local_port(bad), "the server closed the keep-alive connection"


def test_error_names_the_field_and_position(server: ThreadServer) -> None:
    r = httpx.post(server.base_url + "/api/chat", timeout=30, headers={"Content-Type": "application/json"},
                   content=_body({"question": GOOD, "history": [{"role": "user", "content": "ok"},
                                                                {"role": "user", "content": BAD}]}))
    _assert_clear_4xx(r)
    assert "history[1].content" in r.json()["error"]["message_en"] and "position 6" in r.json()["error"]["message_en"]


def test_paired_surrogates_are_ordinary_text(server: ThreadServer) -> None:
    """An emoji written as a JSON surrogate pair is valid text and gets an answer."""
    r = httpx.post(server.base_url + "/api/chat", content=_body({"question": GOOD + " \U0001F600"}),
                   headers={"Content-Type": "application/json"}, timeout=120)
    assert r.status_code == 200, r.text[:300]


def test_gradio_ui_call_gives_a_clear_4xx(server: ThreadServer) -> None:
    config = httpx.get(server.base_url + "/config", timeout=30).json()
    fn = next(d for d in config["dependencies"] if d.get("api_name") == "respond")
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        bad = client.post("/gradio_api/queue/join", headers={"Content-Type": "application/json"},
                          content=_body({"data": [BAD, [], None, "vi"], "fn_index": fn["id"],
                                         "trigger_id": None, "event_data": None, "session_hash": "s3cur1ty"}))
        _assert_clear_4xx(bad)
        again = client.get("/config")
        assert again.status_code == 200 and _local_port(again) == _local_port(bad)


def test_pipeline_validation_rejects_unencodable_text() -> None:
    with pytest.raises(InvalidInput, match="U\\+D800"):
        validate_question(BAD, 2000)
    with pytest.raises(InvalidInput, match=r"history\[0\]"):
        validate_history([{"role": "user", "content": "a\udc80b"}], 10, 2000)


def _cli(*args: str, index_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ui.cli", *args, "--index", str(index_dir)],
                          capture_output=True, text=True, errors="backslashreplace", timeout=300,
                          env=subprocess_env(), cwd=PROJECT_ROOT)


def test_cli_ask_rejects_undecodable_question_and_history(corpus_index: Any) -> None:
    # Bytes that are not UTF-8 reach Python's argv as lone surrogates (surrogateescape).
    raw_arg = subprocess.run([sys.executable, "-m", "ui.cli", "ask", b"VNeID \xff Bac Ninh".decode(
        "utf-8", "surrogateescape"), "--index", str(corpus_index.index_dir)], capture_output=True,
        timeout=300, env=subprocess_env(), cwd=PROJECT_ROOT)
    err = raw_arg.stderr.decode("utf-8", "backslashreplace")
    assert raw_arg.returncode == 2, err[-1500:]
    assert "Traceback" not in err and "U+DCFF" in err, err[-1500:]
    hist = _cli("ask", GOOD, "--history", '[{"role": "user", "content": "VNeID \\ud800"}]',
                index_dir=corpus_index.index_dir)
    assert hist.returncode == 2 and "Traceback" not in hist.stderr, hist.stderr[-1500:]
    assert "history[0]" in hist.stderr and "U+D800" in hist.stderr, hist.stderr[-1500:]
    broken = _cli("ask", GOOD, "--history", "[{role: user}]", index_dir=corpus_index.index_dir)
    assert broken.returncode == 2 and "Traceback" not in broken.stderr and "--history" in broken.stderr


def test_eval_set_reports_the_line(tmp_path: Path) -> None:
    good = json.dumps({"id": "a", "question": GOOD, "history": []})
    bad = json.dumps({"id": "b", "question": "ok", "history": [{"role": "user", "content": BAD}]})
    path = tmp_path / "set.jsonl"
    path.write_text(f"{good}\n{bad}\n", encoding="utf-8")
    with pytest.raises(DatasetError) as exc:
        load_dataset(path)
    assert "line 2" in str(exc.value) and "history[0].content" in str(exc.value) and "U+D800" in str(exc.value)
    # the same character as raw (CESU-8) bytes is not UTF-8 at all: the line is named too
    path.write_bytes(f"{good}\n{good.replace('a', 'c', 1)}\n".encode() + b'{"id": "z", "question": "x \xed\xa0\x80"}\n')
    with pytest.raises(DatasetError) as exc:
        load_dataset(path)
    assert "line 3" in str(exc.value) and "UTF-8" in str(exc.value), str(exc.value)


def _pdf(text_ops: bytes, cmap: list[tuple[str, str]]) -> bytes:
    """A one-page PDF whose font's ToUnicode map decides what its text layer decodes to."""
    bf = "\n".join(f"<{a}> <{b}>" for a, b in cmap)
    cmap_stream = (f"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /X def "
                   f"1 begincodespacerange <00> <FF> endcodespacerange {len(cmap)} beginbfchar\n{bf}\n"
                   "endbfchar endcmap CMapName currentdict /CMap defineresource pop end end").encode()
    content = b"BT /F1 12 Tf 72 720 Td " + text_ops + b" Tj ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(cmap_stream) + cmap_stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


CMAP = [("41", "0056"), ("42", "004E"), ("20", "0020"), ("43", "0043")]
GOOD_PDF_OPS = b"(AB CCC AB CCC AB)"  # "VN CCC VN CCC VN"


def test_ingest_of_a_pdf_decoding_to_surrogates_fails_clearly_and_loses_nothing(
        tmp_path: Path, fresh_settings: Callable[..., Any], embedder: Any) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.txt").write_text("Bình Định có 1.230 dịch vụ công trực tuyến toàn trình. " * 3, encoding="utf-8")
    (folder / "b.pdf").write_bytes(_pdf(GOOD_PDF_OPS, CMAP))
    settings = fresh_settings(tmp_path / "idx")
    parts = composition.build_index_parts(settings, embedder=embedder)
    first = composition.ingest(settings, [folder], parts=parts)
    assert not first.failed, first.failed
    # the PDF is replaced by a damaged export: its "C" now decodes to a lone surrogate
    (folder / "b.pdf").write_bytes(_pdf(GOOD_PDF_OPS, [*CMAP[:3], ("43", "D800")]))
    (folder / "c.txt").write_text("Bắc Ninh kích hoạt 728.400 tài khoản định danh điện tử. " * 3, encoding="utf-8")
    second = composition.ingest(settings, [folder], parts=parts)
    failed = dict(second.failed)
    assert list(failed) == ["b.pdf"] and not second.removed, second.failed
    assert "U+D800" in failed["b.pdf"] and "line 1" in failed["b.pdf"], failed
    reader = IndexReader(parts.index_dir, parts.store, embedder)
    assert "VN CCC VN" in reader.document_text("b.pdf")  # the old version is kept
    assert "728.400" in reader.document_text("c.txt")  # and the rest of the run went in
