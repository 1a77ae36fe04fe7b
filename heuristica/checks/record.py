"""The verification record: results of ``verify --record``, committed beside
the pages (``knowledge/verification.json``), and what it says about a page
now: the badge the panel shows, and warnings for ``check`` and Problems.

Per page, one entry per environment (interpreter, platform, the versions of
the packages that page's checks name): a team that verifies on several
versions keeps each one's results. Each entry carries a hash of the page as
loaded, so an edit after the run shows as "edited after its last
verification" until someone verifies again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from heuristica.checks.environment import Environment
from heuristica.checks.run import CheckResult, Status
from heuristica.kb.loader import LoadResult
from heuristica.kb.model import CODE_REFERENCE_CHECK, Implementation, Page
from heuristica.kb.problems import Problem, Severity
from heuristica.kb.signature import unparsable

if TYPE_CHECKING:
    from heuristica.checks.verify import Verification

__all__ = [
    "RECORD_FILE",
    "BadgeState",
    "PageRun",
    "PageVerification",
    "Record",
    "VerificationMemo",
    "page_hash",
    "page_verification",
    "read_record",
    "verification_problems",
    "with_verification_problems",
    "write_record",
]

RECORD_FILE = "verification.json"
"""In the knowledge base's folder. JSON, not YAML: the page loader skips it."""
FORMAT = 1
ENVIRONMENTS_KEPT = 8
"""Per page, the most recent environments kept; older ones drop out."""
SEEN_CHARS = 1500
"""How much of what a check showed is recorded (a traceback can be long)."""


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
    checks: dict[str, RecordedCheck]

    @property
    def failing(self) -> list[str]:
        return [n for n, c in self.checks.items() if c.status in (Status.FAILS, Status.ERROR)]

    @property
    def skipped(self) -> list[str]:
        return [n for n, c in self.checks.items() if c.status is Status.SKIPPED]

    @property
    def not_applicable(self) -> list[str]:
        return [n for n, c in self.checks.items() if c.status is Status.NOT_APPLICABLE]


class Record(_Recorded):
    format: int = FORMAT
    pages: dict[str, list[PageRun]] = Field(default_factory=dict)
    """Page id -> its runs, newest first, at most one per environment."""


def page_hash(page: Page) -> str:
    """Changes whenever anything on the page changes (not its file's formatting)."""
    data = page.model_dump(mode="json", by_alias=True)
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def has_checks(page: Page) -> bool:
    return bool(page.checks) or isinstance(page, Implementation)


class RecordError(Exception):
    """The record file cannot be read; carries the Problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def read_record(path: Path) -> Record:
    """The record at ``path``; an empty one when there is none. RecordError
    (with file, line and message) when the file is not a record."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Record()
    except (OSError, UnicodeDecodeError) as error:
        raise _record_error(path, 0, 0, f"cannot read the verification record: {error}") from None
    try:
        return Record.model_validate_json(text)
    except ValidationError as error:
        first = error.errors()[0]
        if first["type"] == "json_invalid":
            line, col = _json_position(text)
            message = f"the verification record is not valid JSON: {first['msg']}"
            raise _record_error(path, line, col, message) from None
        where = ".".join(str(part) for part in first["loc"])
        message = f"the verification record is malformed at '{where}': {first['msg']}"
        raise _record_error(path, 0, 0, message) from None


def _json_position(text: str) -> tuple[int, int]:
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return error.lineno, error.colno
    return 0, 0


def _record_error(path: Path, line: int, col: int, message: str) -> RecordError:
    problem = Problem(str(path), line, col, Severity.WARNING, "bad-verification-record", message)
    return RecordError(problem)


def write_record(path: Path, pages: Iterable[Page], verification: Verification) -> Path:
    """Merge this run's results for ``pages`` into the record at ``path``.

    A page's entry for the same environment is replaced; other environments'
    are kept (newest first, at most ENVIRONMENTS_KEPT). A record that cannot be
    read is started afresh. Returns ``path``.
    """
    try:
        record = read_record(path)
    except RecordError:
        record = Record()
    runs = dict(record.pages)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    results: dict[str, list[CheckResult]] = {}
    for result in verification.results:
        results.setdefault(result.page, []).append(result)
    for page in pages:
        if page.id not in results:
            continue
        run = _page_run(page, results[page.id], verification.environment, now)
        others = [old for old in runs.get(page.id, []) if old.environment != run.environment]
        runs[page.id] = [run, *others][:ENVIRONMENTS_KEPT]
    fresh = Record(pages=dict(sorted(runs.items())))
    text = json.dumps(fresh.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return path


def _page_run(
    page: Page, results: list[CheckResult], environment: Environment, now: dt.datetime
) -> PageRun:
    named = sorted({name for result in results for name in result.packages})
    recorded = RecordedEnvironment(
        implementation=environment.implementation,
        python=environment.python,
        platform=environment.platform,
        machine=environment.machine,
        packages={name: environment.packages.get(name) for name in named},
    )
    return PageRun(
        page_hash=page_hash(page),
        verified_at=now,
        environment=recorded,
        checks={
            result.name: RecordedCheck(
                status=result.status,
                reason=result.reason,
                expected=result.expected[:SEEN_CHARS],
                seen=result.seen[:SEEN_CHARS],
                seconds=round(result.seconds, 3),
            )
            for result in results
        },
    )


class BadgeState(StrEnum):
    VERIFIED = "verified"
    FAILING = "failing"
    NOT_VERIFIED = "not_verified"
    STALE = "stale"


@dataclass(frozen=True)
class PageVerification:
    """What the record says about one page now."""

    state: BadgeState
    text: str
    """The badge, e.g. "Verified on CPython 3.11.7 · polars 2.1.0 · 2026-12-02"."""
    run: PageRun | None
    """The run the badge is about (the newest for the page as it is now)."""
    other_runs: tuple[PageRun, ...] = ()
    """Other environments this version of the page was verified on."""


def page_verification(page: Page, record: Record) -> PageVerification | None:
    """The page's verification state; None for a page that has nothing to verify."""
    if not has_checks(page):
        return None
    runs = record.pages.get(page.id, [])
    current = [run for run in runs if run.page_hash == page_hash(page)]
    if not runs:
        return PageVerification(BadgeState.NOT_VERIFIED, "Not verified", None)
    if not current:
        last = runs[0]
        text = f"Edited after its last verification ({_date(last)})"
        return PageVerification(BadgeState.STALE, text, last)
    run, others = current[0], tuple(current[1:])
    where = f"{run.environment.label()} · {_date(run)}"
    total = len(run.checks)
    if run.failing:
        verb = "fails" if len(run.failing) == 1 else "fail"
        text = f"{len(run.failing)} of {total} checks {verb} on {where}"
        return PageVerification(BadgeState.FAILING, text, run, others)
    if len(run.skipped) + len(run.not_applicable) == total:
        text = f"Not verified: no check ran on {where}"
        return PageVerification(BadgeState.NOT_VERIFIED, text, run, others)
    left_out = [
        f"{len(names)} {words}"
        for names, words in ((run.skipped, "skipped"), (run.not_applicable, "not applicable"))
        if names
    ]
    aside = f" ({', '.join(left_out)})" if left_out else ""
    return PageVerification(BadgeState.VERIFIED, f"Verified on {where}{aside}", run, others)


def _date(run: PageRun) -> str:
    return run.verified_at.date().isoformat()


def with_verification_problems(
    result: LoadResult, memo: VerificationMemo | None = None
) -> LoadResult:
    """``result`` with the warnings of ``verification_problems`` among its problems,
    sorted: what ``check``, the app and the MCP server all report."""
    result.problems = sorted([*result.problems, *verification_problems(result, memo)])
    return result


class VerificationMemo:
    """Each page's verification warnings from the last time, kept for loading
    the same folder again: a page that is the same object (so the same version
    of the same file) and a record file that did not change give the same
    warnings, without parsing its Code Reference or hashing it again."""

    def __init__(self) -> None:
        self.record_version: tuple[int, ...] | None = None
        self.record: Record | RecordError = Record()
        self.pages: dict[str, tuple[Page, str, list[Problem]]] = {}


def _record_version(path: Path) -> tuple[int, ...] | None:
    """What identifies one version of the record file ((0,) when there is
    none); None when it cannot be told (then it is read every time)."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return (0,)
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino, status.st_dev)


def verification_problems(
    result: LoadResult, memo: VerificationMemo | None = None
) -> list[Problem]:
    """Warnings for the loaded pages whose verification fails or is stale, for
    Code References that cannot be checked, and for a record that cannot be read.
    ``memo`` (kept between loads of the same folder) spares the work for the
    pages that did not change."""
    memo = memo if memo is not None else VerificationMemo()
    path = result.root / RECORD_FILE
    version = _record_version(path)
    if version is None or version != memo.record_version:
        memo.pages.clear()
        try:
            memo.record = read_record(path)
        except RecordError as error:
            memo.record = error
        memo.record_version = version
    record = memo.record
    problems: list[Problem] = []
    kept: dict[str, tuple[Page, str, list[Problem]]] = {}
    for page_id, page in result.pages.items():
        file = result.files.get(page_id, "")
        seen = memo.pages.get(page_id)
        if seen is not None and seen[0] is page and seen[1] == file:
            found = seen[2]
        else:
            found = _page_problems(result, page_id, page, file, record)
        kept[page_id] = (page, file, found)
        problems += found
    memo.pages = kept
    if isinstance(record, RecordError):
        # named like the loader's Problems: relative to the knowledge folder
        problems.append(replace(record.problem, file=RECORD_FILE))
    return problems


def _page_problems(
    result: LoadResult, page_id: str, page: Page, file: str, record: Record | RecordError
) -> list[Problem]:
    """One page's verification warnings (``file``: the page's, "" if unknown)."""
    root = result.root
    problems = _unparsable_reference(result, page_id, page, file)
    if isinstance(record, RecordError):
        return problems
    state = page_verification(page, record)
    if state is None or state.run is None:
        return problems
    file = file or RECORD_FILE
    if state.state is BadgeState.STALE:
        message = (
            f"page '{page_id}' was edited after its last verification "
            f"({_date(state.run)}): run 'python -m graph verify --record --page {page_id}'"
        )
        problems.append(Problem(file, 0, 0, Severity.WARNING, "stale-verification", message))
        return problems
    for name in state.run.failing:
        check = state.run.checks[name]
        line = _check_line(root / file, name)
        message = (
            f"check '{name}' {'fails' if check.status is Status.FAILS else 'errs'} on "
            f"{state.run.environment.label()} ({_date(state.run)}): {check.reason}"
        )
        problems.append(
            Problem(file, line, 1 if line else 0, Severity.WARNING, "failing-check", message)
        )
    return problems


def _unparsable_reference(result: LoadResult, page_id: str, page: Page, file: str) -> list[Problem]:
    if not isinstance(page, Implementation):
        return []
    if result.unverifiable is not None:  # found when the page was parsed
        found = result.unverifiable.get(page_id)
    else:
        found = unparsable(page.code_reference.import_, page.code_reference.signature)
    if not found:
        return []
    field, why = found
    line = _line_of(result.root / file, re.compile(rf"^\s*{field}\s*:"))
    message = f"'code_reference.{field}' cannot be checked: {why}"
    return [Problem(file, line, 1 if line else 0, Severity.WARNING, "unverifiable", message)]


def _check_line(file: Path, name: str) -> int:
    """The line of ``- name: <name>`` in the page's file, or 0 (the Code Reference check:
    the ``code_reference:`` line)."""
    pattern = (
        re.compile(r"^\s*code_reference\s*:")
        if name == CODE_REFERENCE_CHECK
        else re.compile(rf"^\s*-?\s*name\s*:\s*['\"]?{re.escape(name)}['\"]?\s*$")
    )
    return _line_of(file, pattern)


def _line_of(file: Path, pattern: re.Pattern[str]) -> int:
    """The first line of ``file`` that ``pattern`` matches, or 0."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 0
    return next((n for n, line in enumerate(text.splitlines(), 1) if pattern.match(line)), 0)
