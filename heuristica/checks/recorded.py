"""The shape of the verification record (``verification.json``), format 2.

Format 2 adds the matrix: ``cells`` (each cell of ``verify --matrix``: its
interpreter, the packages installed, when, and why it could not be built if
it could not), and ``cell`` on each page run that came from one. A format 1
record (no cells; every run from a plain ``verify --record``) is read as it
is, its runs belonging to no cell, and is written back as format 2.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from heuristica.checks.run import Status
from heuristica.kb.model import Implementation, Page

__all__ = [
    "FORMAT",
    "PageRun",
    "Record",
    "RecordedCell",
    "RecordedCheck",
    "RecordedEnvironment",
    "has_checks",
    "page_hash",
]

FORMAT = 2


class _Recorded(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class RecordedEnvironment(_Recorded):
    implementation: str
    python: str
    platform: str
    machine: str = ""
    packages: dict[str, str | None] = Field(default_factory=dict)

    def label(self) -> str:
        """``CPython 3.11.7 · polars 2.1.0``."""
        parts = [f"{self.implementation} {self.python}"]
        parts += [f"{name} {version or 'not installed'}" for name, version in self.packages.items()]
        return " · ".join(parts)


class RecordedCheck(_Recorded):
    status: Status
    reason: str = ""
    expected: str = ""
    seen: str = ""
    seconds: float = 0.0


class PageRun(_Recorded):
    """One page verified in one environment."""

    page_hash: str
    verified_at: dt.datetime
    environment: RecordedEnvironment
    """The interpreter, and the versions of the packages the page's checks name."""
    checks: dict[str, RecordedCheck]
    cell: str | None = None
    """The matrix cell it ran in; None for a plain ``verify --record``."""

    @property
    def failing(self) -> list[str]:
        return [n for n, c in self.checks.items() if c.status in (Status.FAILS, Status.ERROR)]

    @property
    def skipped(self) -> list[str]:
        return [n for n, c in self.checks.items() if c.status is Status.SKIPPED]

    @property
    def not_applicable(self) -> list[str]:
        return [n for n, c in self.checks.items() if c.status is Status.NOT_APPLICABLE]


class RecordedCell(_Recorded):
    """One cell of the matrix as last run."""

    python: str
    """The version the matrix names (``3.12`` or ``3.12.1``)."""
    versions: dict[str, str] = Field(default_factory=dict)
    """The packages under test in this cell, at their versions."""
    verified_at: dt.datetime
    environment: RecordedEnvironment | None = None
    """What the cell's interpreter said it is, with every package installed; None
    when the cell could not be built."""
    installed: list[str] = Field(default_factory=list)
    """What was installed into its environment (``name==version``)."""
    reason: str = ""
    """Why the cell could not be built ("" when it was)."""
    counts: dict[str, int] = Field(default_factory=dict)
    """How many checks hold, fail, … there."""


class Record(_Recorded):
    format: int = FORMAT
    cells: dict[str, RecordedCell] = Field(default_factory=dict)
    """The matrix's cells, in the matrix's order."""
    pages: dict[str, list[PageRun]] = Field(default_factory=dict)
    """Page id -> its runs: one per cell, in the cells' order, then the plain
    runs, newest first, at most one per environment."""

    @field_validator("format")
    @classmethod
    def _known(cls, value: int) -> int:
        if not 1 <= value <= FORMAT:
            raise ValueError(
                f"format {value} is not one this heuristica reads (1 to {FORMAT}): "
                "a newer heuristica wrote it"
            )
        return value


_ADDED_LATER: dict[str, dict[str, object]] = {
    "checks": {"language": "python", "tools": []},
    "code_reference": {"language": "python", "symbol": None, "revision": None},
}
"""Fields added after records were first made (code in other languages), with
their defaults: left out of the hash while they hold them, so a page that
does not use them hashes as before and its recorded results stay current."""


def _without_later_defaults(data: dict[str, Any]) -> dict[str, Any]:
    def pruned(part: dict[str, Any], defaults: dict[str, object]) -> dict[str, Any]:
        return {k: v for k, v in part.items() if k not in defaults or v != defaults[k]}

    checks = [pruned(check, _ADDED_LATER["checks"]) for check in data.get("checks", [])]
    data = {**data, "checks": checks}
    if "code_reference" in data:
        data["code_reference"] = pruned(data["code_reference"], _ADDED_LATER["code_reference"])
    return data


def page_hash(page: Page) -> str:
    """Changes whenever anything on the page changes (not its file's formatting)."""
    data = _without_later_defaults(page.model_dump(mode="json", by_alias=True))
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def has_checks(page: Page) -> bool:
    return bool(page.checks) or isinstance(page, Implementation)
