"""``heuristica verify``: run the checks of a knowledge base and print
what holds, what fails (expected vs seen), what errs, what was skipped (a
package not installed) and what is not applicable (outside the versions or
platform its claim is about).

Exit codes: 0 no check fails or errs, 1 a check fails or errs (or a
page could not be loaded), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

from heuristica.checks.environment import ProbeError
from heuristica.checks.record import RECORD_FILE, write_record
from heuristica.checks.verify import Verification, packages_named, verify
from heuristica.commands import verify_matrix
from heuristica.commands.check_lines import printable, result_lines
from heuristica.commands.usage import UsageError
from heuristica.commands.verify_matrix import repositories_of
from heuristica.kb.loader import LoadResult
from heuristica.kb.model import Page
from heuristica.kb.problems import did_you_mean

__all__ = ["printable", "result_lines", "run_verify"]


def run_verify(result: LoadResult, args: argparse.Namespace) -> int:
    """Verify the pages of ``result`` as ``args`` say; the exit code."""

    _refuse_mixed(args)
    if args.merge:
        return verify_matrix.run_merge(result, args)
    pages = _chosen(result, args.page or [])
    if args.matrix is not None or args.cell or args.print_github_matrix:
        return verify_matrix.run_matrix_verify(result, pages, args)
    interpreter = _interpreter(args.python)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"--jobs {args.jobs}: give 1 or more checks to run at once")
    for problem in result.errors:
        print(printable(str(problem)), file=sys.stderr)
    started = time.monotonic()
    try:
        verification = verify(pages, interpreter, args.jobs, repositories_of(result))
    except ProbeError as error:
        raise UsageError(str(error)) from None
    seconds = time.monotonic() - started
    if args.format == "json":
        print(json.dumps(_as_json(verification, pages, seconds), indent=2))
    else:
        print(_as_text(verification, pages, seconds))
    if args.record:
        path = write_record(result.root / RECORD_FILE, pages, verification)
        print(f"recorded {len(pages)} pages in {path}", file=sys.stderr)
    return 0 if verification.passed and not result.errors else 1


def _refuse_mixed(args: argparse.Namespace) -> None:
    """Options of the matrix that do not go with others."""
    matrix = args.matrix is not None or bool(args.cell) or args.print_github_matrix
    if matrix and args.python:
        raise UsageError("--python runs one interpreter; the matrix names its own: drop one")
    if args.merge and (args.cell or args.print_github_matrix or args.record or args.page):
        raise UsageError("--merge only merges records: give it alone (with --matrix FILE)")


def _chosen(result: LoadResult, page_ids: list[str]) -> list[Page]:
    for page_id in page_ids:
        if page_id not in result.pages:
            hint = did_you_mean(page_id, result.pages)
            raise UsageError(f"--page {page_id}: no such page in {result.root}{hint}")
    if not page_ids:
        return list(result.pages.values())
    return [result.pages[page_id] for page_id in dict.fromkeys(page_ids)]


def _interpreter(python: str | None) -> str:
    if python is None:
        return sys.executable
    found = shutil.which(python) or shutil.which(str(Path(python).expanduser()))
    if found is None:
        raise UsageError(
            f"--python {python}: no such interpreter; give the path of a Python "
            "executable (e.g. .venv/bin/python) or a command on PATH"
        )
    return found


def _summary(verification: Verification, pages: list[Page], seconds: float) -> dict[str, object]:
    return {
        "checks": len(verification.results),
        "pages": len({r.page for r in verification.results}),
        "pages_loaded": len(pages),
        **verification.counts(),
        "seconds": round(seconds, 3),
    }


def _as_json(verification: Verification, pages: list[Page], seconds: float) -> dict[str, object]:
    return {
        "environment": verification.environment.to_dict(),
        "checks": [result.to_dict() for result in verification.results],
        "summary": _summary(verification, pages, seconds),
    }


def _as_text(verification: Verification, pages: list[Page], seconds: float) -> str:
    lines = [line for result in verification.results for line in result_lines(result)]
    environment = verification.environment
    named = [*packages_named(pages), *_code_reference_packages(verification)]
    counts = verification.counts()
    lines += [
        "",
        f"Environment: {environment.implementation} {environment.python} on "
        f"{environment.platform} ({environment.machine}), {environment.executable}",
    ]
    if named:
        packages = ", ".join(
            f"{name} {environment.packages.get(name) or 'not installed'}"
            for name in dict.fromkeys(named)
        )
        lines.append(f"Packages: {packages}")
    summary = _summary(verification, pages, seconds)
    lines.append(
        f"{summary['checks']} checks on {summary['pages']} pages: {counts['holds']} hold, "
        f"{counts['fails']} fail, {counts['error']} errors, {counts['skipped']} skipped, "
        f"{counts['not_applicable']} not applicable "
        f"({seconds:.1f} s)"
    )
    return "\n".join(printable(line) for line in lines)


def _code_reference_packages(verification: Verification) -> list[str]:
    return [name for result in verification.results for name in result.packages]
