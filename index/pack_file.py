"""One TOML file of a corpus pack (gazetteer, evidence terms, messages), read and checked the same way.

Why one reader: every pack file is edited by people who know the corpus, not the code, so each must
fail the same way at start, naming the file and the entry, instead of each loader guessing its own
checks; and every string in it is normalised (NFC, one tone-mark style) like the documents.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from index.normalize import normalize_text

__all__ = ["PackFile"]


class PackFile:
    """The parsed TOML of ``path``; ``what`` names the file in errors ("the gazetteer")."""

    def __init__(self, path: Path | str, what: str) -> None:
        self.path = Path(path)
        try:
            self.data: dict[str, Any] = tomllib.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
            raise ValueError(f"cannot read {what} {self.path}: {err}") from err

    def error(self, message: str) -> ValueError:
        """An error about this file's content, naming it."""
        return ValueError(f"{self.path}: {message}")

    def words(self, key: str) -> tuple[str, ...]:
        """The list ``key`` (absent: empty), each entry normalised; anything else but non-empty strings is an error."""
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.error(f"'{key}' must be a list of words")
        return tuple(normalize_text(v).strip() for v in value)

    def table(self, key: str) -> dict[str, str]:
        """The table ``key`` (absent: empty), keys and values normalised; a value that is not words is an error."""
        value = self.data.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, str) and v.strip() for v in value.values()):
            raise self.error(f"[{key}] must map words to words")
        return {normalize_text(k).strip(): normalize_text(v).strip() for k, v in value.items()}
