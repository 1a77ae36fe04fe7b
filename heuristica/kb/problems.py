"""What can be wrong with a knowledge base, said so an author can fix it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

__all__ = ["Problem", "Severity", "closest", "did_you_mean"]


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong, and where: ``file:line:col`` (1-based; 0 when unknown)."""

    file: str
    line: int
    col: int
    severity: Severity
    code: str
    """A stable short name for the kind of problem, e.g. ``unknown-field``."""
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.col}"
        return f"{where}: {self.severity}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


def closest(word: str, choices: Iterable[str], limit: int = 1, cutoff: float = 60) -> list[str]:
    """Up to ``limit`` choices most like ``word``, best first, each at least
    ``cutoff`` alike (0-100, rapidfuzz ratio)."""
    matches = process.extract(
        word, list(choices), scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit
    )
    return [choice for choice, _, _ in matches]


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string."""
    best = closest(word, choices)
    return f" (did you mean '{best[0]}'?)" if best else ""
