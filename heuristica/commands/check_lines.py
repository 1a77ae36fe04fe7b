"""A check's result as the terminal shows it (``verify`` and ``verify --matrix``):
one line per result, and for a failure or an error its claim, why, expected and
seen, every line made safe to print."""

from __future__ import annotations

import unicodedata

from heuristica.checks.run import CheckResult, Status

__all__ = ["printable", "result_lines"]

_MARKS = {
    Status.HOLDS: "holds",
    Status.FAILS: "FAILS",
    Status.ERROR: "ERROR",
    Status.SKIPPED: "skipped",
    Status.NOT_APPLICABLE: "n/a",
}


def result_lines(result: CheckResult) -> list[str]:
    head = f"{_MARKS[result.status]:<8} {result.page}  {result.name}  ({result.seconds:.1f} s)"
    if result.status is Status.HOLDS:
        return [head]
    if result.status in (Status.SKIPPED, Status.NOT_APPLICABLE):
        return [f"{head}: {result.reason}"]
    lines = [head, *_field("claim", result.claim), *_field("why", result.reason)]
    lines += [*_field("expected", result.expected), *_field("seen", result.seen)]
    return lines


def _field(label: str, text: str) -> list[str]:
    if not text:
        return []
    first, *rest = text.splitlines() or [""]
    indent = " " * 9
    return [f"{indent}{label + ':':<10}{first}", *(f"{indent}{'':<10}{line}" for line in rest)]


def printable(text: str) -> str:
    """Page text and program output are untrusted: control characters (terminal
    escapes) are shown as escapes, never sent to the terminal."""
    return "".join(
        char if char in "\n\t" or unicodedata.category(char) != "Cc" else repr(char)[1:-1]
        for char in text
    )
