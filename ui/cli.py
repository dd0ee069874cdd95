"""The ``assistant`` command line: ingest, ask, serve, eval.

This is an edge: it builds ``Settings`` once, calls the composition root, and turns
user-facing errors into a message on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from assistant.errors import USER_ERRORS
from assistant.settings import Settings

log = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="assistant", description="Trợ lý ảo dịch vụ công / public-service assistant")
    p.add_argument("--log-level", default=None, help="DEBUG, INFO, WARNING (default from ASSISTANT_LOG_LEVEL)")
    sub = p.add_subparsers(dest="command", required=True)

    def add_index(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--index", dest="index_dir", default=None,
                        help="index folder (default ASSISTANT_INDEX_DIR or data/index)")

    sp = sub.add_parser("ingest", help="index files/folders (default data/corpus/ and data/corpus-law/)")
    sp.add_argument("paths", nargs="*", help="files or folders; default: the bundled reports and laws")
    sp.add_argument("--no-progress", action="store_true", help="no progress bar")
    add_index(sp)

    sp = sub.add_parser("ask", help="answer one question")
    sp.add_argument("question")
    sp.add_argument("--json", action="store_true", help="print the Answer object as JSON")
    sp.add_argument("--history", default=None, help="JSON list of {role, content} turns")
    add_index(sp)

    sp = sub.add_parser("serve", help="web UI at /, API under /api/, widget at /widget.js")
    sp.add_argument("--host", default=None)
    sp.add_argument("--port", type=int, default=None)
    add_index(sp)

    sp = sub.add_parser("eval", help="run an eval dataset through the pipeline")
    sp.add_argument("dataset", type=Path)
    sp.add_argument("--out", type=Path, default=Path("eval-out"))
    sp.add_argument("--fail-under", action="store_true", help="exit 1 when a configured threshold is missed")
    sp.add_argument("--thresholds", type=Path, default=None, help="TOML file of metric thresholds")
    sp.add_argument("--no-progress", action="store_true")
    add_index(sp)

    sp = sub.add_parser("admin-hash", help="print ASSISTANT_ADMIN_PASSWORD_HASH for a console password")
    sp.add_argument("--password-stdin", action="store_true",
                    help="read the password from standard input instead of prompting")
    return p


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if getattr(args, "index_dir", None):
        overrides["index_dir"] = Path(args.index_dir)
    if getattr(args, "host", None):
        overrides["host"] = args.host
    if getattr(args, "port", None):
        overrides["port"] = args.port
    if args.log_level:
        overrides["log_level"] = args.log_level
    return Settings(**overrides)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = _settings(args)
    logging.basicConfig(level=settings.log_level.upper(),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    from assistant.pii import install_log_masking

    install_log_masking()  # no CCCD/phone/e-mail a user typed ever reaches a log line
    try:
        return _dispatch(args, settings)
    except USER_ERRORS as err:
        print(f"Lỗi / Error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Đã dừng / Interrupted.", file=sys.stderr)
        return 130


def _admin_hash(args: argparse.Namespace) -> int:
    """Hash a console password (prompted twice, never echoed) for ASSISTANT_ADMIN_PASSWORD_HASH."""
    import getpass

    from ui.admin_auth import hash_password

    if args.password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Mật khẩu quản trị / console password: ")
        if getpass.getpass("Nhập lại / again: ") != password:
            print("Hai lần nhập không khớp / the passwords differ.", file=sys.stderr)
            return 2
    if len(password) < 12:
        print("Mật khẩu cần ít nhất 12 ký tự / use at least 12 characters.", file=sys.stderr)
        return 2
    print(hash_password(password))
    return 0


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    from assistant import composition

    if args.command == "admin-hash":
        return _admin_hash(args)

    if args.command == "ingest":
        paths = ([Path(p) for p in args.paths] or [p for p in settings.corpus_paths if Path(p).exists()]
                 or list(settings.corpus_paths))
        report = composition.ingest(settings, paths, progress=not args.no_progress)
        for line in report.summary_lines():
            print(line)
        return 1 if report.failed else 0

    if args.command == "ask":
        question, history = _ask_input(args.question, args.history, settings)
        pipeline = composition.build_pipeline(settings)
        answer = pipeline.ask(question, history)
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        else:
            print(_readable(answer))
        return 0

    if args.command == "serve":
        from ui.app import run_server

        run_server(settings)
        return 0

    if args.command == "eval":
        from evals.runner import run_eval

        pipeline = composition.build_pipeline(settings)
        ok = run_eval(pipeline, args.dataset, args.out, thresholds_path=args.thresholds,
                      progress=not args.no_progress, settings=settings)
        return 1 if (args.fail_under and not ok) else 0

    raise AssertionError(args.command)


def _ask_input(question: str, history_json: str | None, settings: Settings) -> tuple[str, list[Any]]:
    """The question and history of ``assistant ask``, checked before the model is loaded.

    Why here and not only in the pipeline: a mistyped ``--history`` used to end in a traceback, and a
    question holding undecodable bytes (the shell passes them as lone surrogates) crashed the embedder;
    both are the user's input and get one clear line on stderr (exit 2) instead.
    """
    from assistant.errors import InvalidInput
    from assistant.pipeline import validate_history, validate_question

    raw: object = []
    if history_json:
        try:
            raw = json.loads(history_json)
        except json.JSONDecodeError as err:
            raise InvalidInput(f"--history không phải JSON hợp lệ ({err.msg}, cột {err.colno}). / "
                               f"--history is not valid JSON ({err.msg} at column {err.colno}); expected "
                               '[{"role": "user", "content": "..."}].') from None
    history = validate_history(raw, settings.max_history_turns, settings.max_question_chars)
    validate_question(question, settings.max_question_chars)
    return question, history


def _readable(answer: Any) -> str:
    lines = [answer.answer, ""]
    if answer.citations:
        lines.append("Nguồn / Sources:")
        for c in answer.citations:
            # what a person looks up ("Luật Cư trú, Điều 30, khoản 4", "Báo Bình Định, 09/5/2025"), then
            # where the quote's cross-references point, then the file and offsets for operators
            label = getattr(c, "label", "") or c.title or c.source
            lines.append(f"  [{c.n}] {label}")
            note = getattr(c, "note", "")
            if note:
                lines.append(f"      ({note})")
            lines.append(f"      “{c.quote}”")
            lines.append(f"      tệp / file: {c.source}, ký tự {c.start}–{c.end}")
    lines.append(f"({answer.latency_ms:.0f} ms)")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
