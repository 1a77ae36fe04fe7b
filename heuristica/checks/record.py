"""The verification record: results of ``verify --record`` (and of
``verify --matrix --record``), committed beside the pages
(``knowledge/verification.json``), and what it says about a page now: the
warnings for ``check`` and Problems (the badge and grid: ``grid``).

Per page, one run per matrix cell, and one per environment of a plain
``verify --record`` (interpreter, platform, the versions of the packages that
page's checks name): a team that verifies on several versions keeps each
one's results. Each run carries a hash of the page as loaded, so an edit
after the run shows as "edited after its last verification" until someone
verifies again. The shape: ``recorded``; its file: ``record_file``; results
into it: ``record_writing`` (all importable from here). This module says what
the record means for the pages now: the warnings.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from heuristica.checks.grid import (
    BadgeState,
    Column,
    PageVerification,
    page_verification,
)
from heuristica.checks.matrix_file import matrix_problems
from heuristica.checks.record_file import RECORD_FILE, RecordError, read_record
from heuristica.checks.record_writing import merge_records, write_matrix_record, write_record
from heuristica.checks.recorded import PageRun, Record, RecordedCheck, has_checks, page_hash
from heuristica.checks.run import Status
from heuristica.kb.loader import LoadResult
from heuristica.kb.model import CODE_REFERENCE_CHECK, Implementation, Page
from heuristica.kb.problems import Problem, Severity
from heuristica.kb.signature import reference_unparsable
from heuristica.kb.where import command

__all__ = [
    "RECORD_FILE",
    "BadgeState",
    "PageRun",
    "PageVerification",
    "Record",
    "RecordError",
    "RecordedCheck",
    "TextOf",
    "VerificationMemo",
    "has_checks",
    "merge_records",
    "page_hash",
    "page_verification",
    "read_record",
    "verification_problems",
    "with_verification_problems",
    "write_matrix_record",
    "write_record",
]


def with_verification_problems(
    result: LoadResult,
    memo: VerificationMemo | None = None,
    record: Record | RecordError | None = None,
    read: TextOf | None = None,
) -> LoadResult:
    """``result`` with the warnings of ``verification_problems`` among its problems,
    sorted: what ``check``, the app and the MCP server all report."""
    found = verification_problems(result, memo, record, read)
    result.problems = sorted([*result.problems, *found])
    return result


def _given_record(memo: VerificationMemo, record: Record | RecordError) -> None:
    if record is not memo.record:
        memo.pages.clear()
        memo.record, memo.record_version = record, None


def _current_record(memo: VerificationMemo, path: Path) -> None:
    """The record at ``path`` into ``memo``, read again only if it changed."""
    version = _record_version(path)
    if version is None or version != memo.record_version:
        memo.pages.clear()
        try:
            memo.record = read_record(path)
        except RecordError as error:
            memo.record = error
        memo.record_version = version


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
    result: LoadResult,
    memo: VerificationMemo | None = None,
    record: Record | RecordError | None = None,
    read: TextOf | None = None,
) -> list[Problem]:
    """Warnings for the loaded pages whose verification fails or is stale, for
    Code References that cannot be checked, and for a record that cannot be read.
    ``memo`` (kept between loads of the same folder) spares the work for the
    pages that did not change. ``record``, when the caller read it already, is
    taken as the folder's; the memo then keeps the pages' warnings for as
    long as it is given the very same record object. ``read`` gives a page
    file's text (relative to the folder) for the lines warnings point at,
    when the files are not on disk (a revision read from git)."""
    memo = memo if memo is not None else VerificationMemo()
    read = read if read is not None else _on_disk(result.root)
    if record is not None:
        _given_record(memo, record)
    else:
        _current_record(memo, result.root / RECORD_FILE)
    record = memo.record
    problems: list[Problem] = []
    kept: dict[str, tuple[Page, str, list[Problem]]] = {}
    for page_id, page in result.pages.items():
        file = result.files.get(page_id, "")
        seen = memo.pages.get(page_id)
        if seen is not None and seen[0] is page and seen[1] == file:
            found = seen[2]
        else:
            found = _page_problems(result, page_id, page, file, record, read)
        kept[page_id] = (page, file, found)
        problems += found
    memo.pages = kept
    if isinstance(record, RecordError):
        # named like the loader's Problems: relative to the knowledge folder
        problems.append(replace(record.problem, file=RECORD_FILE))
    return problems + matrix_problems(result.root)


def _page_problems(
    result: LoadResult,
    page_id: str,
    page: Page,
    file: str,
    record: Record | RecordError,
    read: TextOf,
) -> list[Problem]:
    """One page's verification warnings (``file``: the page's, "" if unknown)."""
    root = result.root
    problems = _unparsable_reference(result, page_id, page, file, read)
    if isinstance(record, RecordError):
        return problems
    state = page_verification(page, record)
    if state is None or state.run is None:
        return problems
    file = file or RECORD_FILE
    if state.state is BadgeState.STALE:
        message = (
            f"page '{page_id}' was edited after its last verification "
            f"({state.run.verified_at.date().isoformat()}): "
            f"run '{command('verify', root, '--record', '--page', page_id)}'"
        )
        problems.append(Problem(file, 0, 0, Severity.WARNING, "stale-verification", message))
        return problems
    grid = state.grid
    if grid is None:
        return problems
    # A cell outside a check's declared range ran it as not applicable: it never fails there.
    for name in grid.checks:
        failing = [column for column in grid.columns if name in column.failing]
        if failing:
            problems.append(_failing_check(read(file), file, name, failing))
    return problems


def _failing_check(text: str, file: str, name: str, columns: list[Column]) -> Problem:
    first = columns[0].results[name]
    verb = "fails" if first.status is Status.FAILS else "errs"
    where = "; ".join(
        f"{column.label} ({column.verified_at.date().isoformat()}"
        + (f", cell {', '.join(column.cells[name])})" if column.cells.get(name) else ")")
        for column in columns
    )
    line = _check_line(text, name)
    message = f"check '{name}' {verb} inside its declared range on {where}: {first.reason}"
    return Problem(file, line, 1 if line else 0, Severity.WARNING, "failing-check", message)


def _unparsable_reference(
    result: LoadResult, page_id: str, page: Page, file: str, read: TextOf
) -> list[Problem]:
    if not isinstance(page, Implementation):
        return []
    if result.unverifiable is not None:  # found when the page was parsed
        found = result.unverifiable.get(page_id)
    else:
        found = reference_unparsable(page.code_reference)
    if not found:
        return []
    field, why = found
    line = _line_of(read(file), re.compile(rf"^\s*{field}\s*:"))
    message = f"'code_reference.{field}' cannot be checked: {why}"
    return [Problem(file, line, 1 if line else 0, Severity.WARNING, "unverifiable", message)]


def _check_line(text: str, name: str) -> int:
    """The line of ``- name: <name>`` in the page's file, or 0 (the Code Reference check:
    the ``code_reference:`` line)."""
    pattern = (
        re.compile(r"^\s*code_reference\s*:")
        if name == CODE_REFERENCE_CHECK
        else re.compile(rf"^\s*-?\s*name\s*:\s*['\"]?{re.escape(name)}['\"]?\s*$")
    )
    return _line_of(text, pattern)


TextOf = Callable[[str], str]
"""A page file's text, given its path relative to the knowledge folder ("" when
it cannot be read)."""


def _on_disk(root: Path) -> TextOf:
    def read(file: str) -> str:
        try:
            return (root / file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return ""

    return read


def _line_of(text: str, pattern: re.Pattern[str]) -> int:
    """The first line of ``text`` that ``pattern`` matches, or 0."""
    return next((n for n, line in enumerate(text.splitlines(), 1) if pattern.match(line)), 0)
