"""Text that cannot be written as UTF-8 (lone UTF-16 surrogates), found before it reaches the parts that fail.

Why one module: a Python ``str`` may hold code points U+D800–U+DFFF ("surrogates") that have no UTF-8
encoding. They arrive from JSON escapes (``"\\ud800"``), from undecodable command-line bytes
(``surrogateescape``) and from broken PDF text layers. Deep inside, ``encode("utf-8")`` then raises (the
embedder, SQLite, a log file), which turned a typo into a 500 and a reset connection. Every entry point —
HTTP, Gradio, CLI, eval sets, ingest — checks with this one function and answers with a clear 4xx or error
message that says where the bad character is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Unencodable", "find_unencodable", "find_unencodable_field"]


@dataclass(frozen=True)
class Unencodable:
    """Where ``text`` first fails to encode: character offset and the offending code point (``U+D800``)."""

    offset: int
    codepoint: str

    def describe_vi(self) -> str:
        return f"ký tự không hợp lệ {self.codepoint} (nửa cặp UTF-16) ở vị trí {self.offset}"

    def describe_en(self) -> str:
        return f"invalid character {self.codepoint} (a lone UTF-16 surrogate) at position {self.offset}"


def find_unencodable(text: str) -> Unencodable | None:
    """None when ``text`` encodes as UTF-8, else the first character that does not.

    Fast path: ``encode`` succeeds for nearly all text, so the common case costs one C-level pass.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as err:
        return Unencodable(offset=err.start, codepoint=f"U+{ord(text[err.start]):04X}")
    return None


def find_unencodable_field(data: Any, where: str = "") -> tuple[str, Unencodable] | None:
    """In decoded JSON: the path (``history[0].content``) and position of the first string (or key)
    UTF-8 cannot encode; None when there is none."""
    if isinstance(data, str):
        bad = find_unencodable(data)
        return (where or "value", bad) if bad else None
    if isinstance(data, dict):
        for key, value in data.items():
            path = f"{where}.{key}" if where else str(key)
            found = find_unencodable_field(str(key), path) or find_unencodable_field(value, path)
            if found:
                return found
    if isinstance(data, list):
        for i, value in enumerate(data):
            found = find_unencodable_field(value, f"{where}[{i}]")
            if found:
                return found
    return None
