"""`assistant ask "…" --json --index DIR` as a real subprocess prints the contract's Answer object."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from index.normalize import normalize_text


def _run(args: list[str], index_dir: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("assistant", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "ui.cli"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    return subprocess.run([*cmd, *args, "--index", str(index_dir)], capture_output=True, text=True,
                          timeout=300, env=env, cwd=Path(__file__).resolve().parents[2])


@pytest.fixture(scope="module")
def index_dir(corpus_index: Any) -> Path:
    return Path(corpus_index.index_dir)


def test_ask_json_prints_the_contract_answer(index_dir: Path, corpus_dir: Path) -> None:
    proc = _run(["ask", "Tỷ lệ số hóa dữ liệu hộ tịch của Bắc Ninh là bao nhiêu?", "--json"], index_dir)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert {"answer", "refused", "citations", "retrieved", "latency_ms"} <= set(data)
    assert data["refused"] is False and "63,4%" in data["answer"]
    assert isinstance(data["latency_ms"], float | int) and data["latency_ms"] > 0
    assert data["citations"]
    for c in data["citations"]:
        assert set(c) >= {"n", "source", "title", "quote", "start", "end"}
        text = normalize_text((corpus_dir / c["source"]).read_text(encoding="utf-8"))
        assert text[c["start"]:c["end"]] == c["quote"]
        assert f"[{c['n']}]" in data["answer"]
    for r in data["retrieved"]:
        assert set(r) >= {"source", "chunk_id", "score"}


def test_ask_json_refusal(index_dir: Path) -> None:
    proc = _run(["ask", "Tỉnh Quảng Trị có bao nhiêu dịch vụ công trực tuyến toàn trình?", "--json"], index_dir)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["refused"] is True and data["citations"] == []
    assert "Quảng Trị" in data["answer"]


def test_ask_plain_prints_answer_and_sources(index_dir: Path) -> None:
    proc = _run(["ask", "Bắc Ninh đã cấp bao nhiêu chữ ký số công cộng cho người dân?"], index_dir)
    assert proc.returncode == 0, proc.stderr
    assert "21.000" in proc.stdout
    assert "Nguồn / Sources:" in proc.stdout and "001_34f654742855b43a.txt" in proc.stdout


def test_ask_empty_question_fails_clearly(index_dir: Path) -> None:
    proc = _run(["ask", "   "], index_dir)
    assert proc.returncode == 2
    assert "trống" in proc.stderr
