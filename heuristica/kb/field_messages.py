"""What a content author reads when a page does not fit its model: each
pydantic error as a code and a sentence naming the field, with "did you
mean" for a misspelt one."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from heuristica.kb.problems import did_you_mean

__all__ = ["field_message"]


def _field_names(model: type, loc: tuple[str | int, ...]) -> list[str]:
    """The field names a model accepts at ``loc``, for "did you mean"."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return []
        annotation = info.annotation
        for candidate in (annotation, *getattr(annotation, "__args__", ())):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                current = candidate
                break
    fields = getattr(current, "model_fields", {})
    return [info.alias or name for name, info in fields.items() if name != "type"]


def _path(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


_FRIENDLY = {
    "id": "must be '<type>/<slug>' in lowercase letters, digits and hyphens, "
    "e.g. 'heuristic/use-spawn'",
    "Tour.id": "must be lowercase letters, digits and hyphens, e.g. 'why-fork-deadlocks'",
    "to": "must be a page id '<type>/<slug>', e.g. 'principle/posix-fork'",
    "page": "must be a page id '<type>/<slug>', e.g. 'principle/posix-fork'",
    "url": "must be an http:// or https:// address",
    "repository": "must be an http:// or https:// address",
    "domains": "must be a word of letters, digits and '_', e.g. 'Python_Performance'",
}


def field_message(model: type, error: ErrorDetails) -> tuple[str, str]:
    """(code, author-facing message) for one pydantic error."""
    loc = tuple(error["loc"])
    where = _path(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        hint = did_you_mean(str(loc[-1]), _field_names(model, loc[:-1]))
        return "unknown-field", f"unknown field '{where}'{hint}"
    if kind == "missing":
        return "missing-field", f"missing required section '{where}'"
    if kind == "string_pattern_mismatch":
        named = next((str(p) for p in reversed(loc) if str(p) in _FRIENDLY), "")
        rule = _FRIENDLY.get(f"{model.__name__}.{named}") or _FRIENDLY.get(
            named, error["msg"].lower()
        )
        return "bad-value", f"'{where}' {rule}; got {error['input']!r}"
    if kind == "enum":
        return "bad-value", f"'{where}': {error['msg'].lower()}; got {error['input']!r}"
    if kind in ("too_short", "string_too_short"):
        return "empty-section", f"'{where}' is empty: write it"
    return "bad-value", f"'{where}': {error['msg']}"
