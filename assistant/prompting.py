"""Prompt templates from ``prompts/*.txt``, checked when loaded rather than when first used.

Why check at load time: a template edited by hand that lost ``{context}`` would otherwise send the
model a prompt without the documents and every answer would silently turn into a refusal or a
fabrication. ``load_prompts()`` runs once at startup (composition root) and raises
``PromptTemplateError`` naming the file and the missing/unknown placeholder.

Templates use ``str.format`` fields (``{context}``); literal braces are written ``{{`` ``}}``.
Values are substituted once and never re-parsed, so braces inside documents or questions are safe.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources

from assistant.errors import AssistantError

__all__ = ["PROMPT_FIELDS", "PromptSet", "PromptTemplate", "PromptTemplateError", "load_prompts",
           "REFUSAL_MARKER"]

# What the model must output, alone, when the numbered context does not contain the answer.
# ASCII and bracket-free so it survives any tokenizer and cannot be mistaken for a [n] marker.
REFUSAL_MARKER = "KHONG_CO_TRONG_TAI_LIEU"

# name -> the placeholders it must contain (exactly these: missing or extra ones are errors).
PROMPT_FIELDS: dict[str, frozenset[str]] = {
    "answer_system": frozenset({"refusal_marker"}),
    "answer_user": frozenset({"context", "question", "answer_language", "refusal_marker"}),
    "condense": frozenset({"history", "question"}),
}


class PromptTemplateError(AssistantError):
    """A prompt template is missing, unreadable, or has wrong placeholders (fix the .txt file)."""


@dataclass(frozen=True)
class PromptTemplate:
    name: str
    text: str
    fields: frozenset[str]

    def render(self, **values: str) -> str:
        given = frozenset(values)
        if given != self.fields:
            raise PromptTemplateError(
                f"prompt {self.name!r} needs exactly {sorted(self.fields)}, got {sorted(given)}"
            )
        return self.text.format(**values)


@dataclass(frozen=True)
class PromptSet:
    answer_system: PromptTemplate
    answer_user: PromptTemplate
    condense: PromptTemplate


def parse_template(name: str, text: str, required: frozenset[str]) -> PromptTemplate:
    """Check ``text`` has exactly the ``required`` placeholders; raise a message saying which differ."""
    where = f"prompts/{name}.txt"
    if not text.strip():
        raise PromptTemplateError(f"{where} is empty")
    try:
        found = {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    except ValueError as err:  # unbalanced braces
        raise PromptTemplateError(f"{where}: {err} (write literal braces as {{{{ and }}}})") from None
    bad_syntax = sorted(f for f in found if not f.isidentifier())
    if bad_syntax:
        raise PromptTemplateError(
            f"{where}: placeholders must be plain names like {{context}}, found {bad_syntax!r} "
            "(write literal braces as {{ and }})"
        )
    missing, unknown = sorted(required - found), sorted(found - required)
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing " + ", ".join("{" + f + "}" for f in missing))
        if unknown:
            parts.append("unknown " + ", ".join("{" + f + "}" for f in unknown))
        raise PromptTemplateError(f"{where}: {'; '.join(parts)}; allowed: {sorted(required)}")
    return PromptTemplate(name=name, text=text, fields=frozenset(found))


def load_prompts(overrides: Mapping[str, str] | None = None) -> PromptSet:
    """Load and check every template from the ``prompts`` package.

    ``overrides`` (name -> text) replaces a file's text; it exists so tests and deployments can
    check a custom template through the same validation.
    """
    overrides = overrides or {}
    unknown = sorted(set(overrides) - set(PROMPT_FIELDS))
    if unknown:
        raise PromptTemplateError(f"unknown prompt name(s) {unknown}; known: {sorted(PROMPT_FIELDS)}")
    loaded: dict[str, PromptTemplate] = {}
    for name, required in PROMPT_FIELDS.items():
        text = overrides[name] if name in overrides else _read_packaged(name)
        loaded[name] = parse_template(name, text, required)
    return PromptSet(**loaded)


def _read_packaged(name: str) -> str:
    try:
        return resources.files("prompts").joinpath(f"{name}.txt").read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as err:
        raise PromptTemplateError(
            f"prompt template prompts/{name}.txt not found ({err}); reinstall the package "
            "(pip install -e .) so prompts/*.txt are included"
        ) from None
