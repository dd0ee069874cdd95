"""ui/ layering: the API server and the Gradio UI never import each other, and only the CLI reaches evals.

Why a test: these imports used to sit inside functions (a cycle no linter saw); ``ast`` finds them
wherever they are, so the shared streaming and error edge stays in ``ui.answer_stream`` / ``ui.edge_errors``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

UI = Path(__file__).resolve().parents[2] / "ui"


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at module level or inside functions (``from ui import x`` gives ``ui.x``)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize(("module", "other"), [("server", "gradio_app"), ("gradio_app", "server")])
def test_server_and_gradio_app_do_not_import_each_other(module: str, other: str) -> None:
    imported = _imported_modules(UI / f"{module}.py")
    assert f"ui.{other}" not in imported, f"ui/{module}.py imports ui.{other}"


def test_only_the_cli_imports_evals() -> None:
    offenders = sorted(
        str(path.relative_to(UI.parent))
        for path in UI.rglob("*.py")
        if path.name != "cli.py" or path.parent != UI
        if any(name == "evals" or name.startswith("evals.") for name in _imported_modules(path))
    )
    assert offenders == []
