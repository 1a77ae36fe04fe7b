"""Prove what pages claim: run every check of a knowledge base, each in its own
process session, under this or another interpreter, several at once.

``plan`` turns pages into runnable checks (each page's own ``checks``, plus
the Code Reference check of every implementation page); ``verify`` asks the
interpreter what it is, then runs and judges them.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from heuristica.checks.environment import (
    PROBE_FILE,
    PROBE_SOURCE,
    Environment,
    read_environment,
)
from heuristica.checks.local_code import Repositories, judge_reference
from heuristica.checks.run import (
    CHECK_FILE,
    CheckResult,
    PlannedCheck,
    Status,
    judge_expectations,
    judge_signature,
    run_check,
)
from heuristica.kb.model import CODE_REFERENCE_CHECK, Check, Implementation, Page
from heuristica.kb.signature import (
    parse_import,
    parse_signature,
    reference_unparsable,
)

__all__ = ["Verification", "code_reference_check", "plan", "top_modules", "verify"]


@dataclass(frozen=True)
class Verification:
    """What one ``verify`` run found, in the order of the pages and their checks."""

    environment: Environment
    results: list[CheckResult]

    @property
    def passed(self) -> bool:
        """True when no check fails or errs (skipped and not applicable ones are fine)."""
        return all(r.status not in (Status.FAILS, Status.ERROR) for r in self.results)

    def counts(self) -> dict[str, int]:
        return {status.value: sum(r.status is status for r in self.results) for status in Status}


def code_reference_check(page: Implementation, distribution: str | None) -> Check:
    """The check made from an implementation page's Code Reference.

    Built without validation: its name is the one reserved for it.
    """
    reference = page.code_reference
    if not reference.is_python:
        return Check.model_construct(
            name=CODE_REFERENCE_CHECK,
            claim=f"The Code Reference's file defines {reference.symbol}.",
            packages=[],
            python=None,
            language="python",
            tools=[],
            code=_where(page),
        )
    return Check.model_construct(
        name=CODE_REFERENCE_CHECK,
        claim="The Code Reference's import and signature match the installed version.",
        packages=[distribution] if distribution else [],
        python=reference.python,
        language="python",
        tools=[],
        code=f"{reference.import_}\n\n{reference.signature}\n",
    )


def _where(page: Implementation) -> str:
    """A non-Python Code Reference as its check shows it."""
    reference = page.code_reference
    at = f"\nrevision: {reference.revision}" if reference.revision else ""
    lines = f"\nlines: {reference.lines}" if reference.lines else ""
    return (
        f"repository: {reference.repository}\nfile: {reference.file}{lines}\n"
        f"symbol: {reference.symbol}{at}\n"
    )


def top_modules(pages: Iterable[Page]) -> list[str]:
    """The top-level modules the Code References of ``pages`` import."""
    return sorted(
        {
            binding.module.split(".")[0]
            for page in pages
            if isinstance(page, Implementation) and page.code_reference.import_ is not None
            if not _unparsable(page)
            for binding in parse_import(page.code_reference.import_)
        }
    )


def plan(
    pages: Iterable[Page], environment: Environment, repositories: Repositories | None = None
) -> list[PlannedCheck]:
    """Every check of ``pages``, page by page, each page's Code Reference check
    first; ``repositories``: the local checkouts that other languages' Code
    References are read from (none: those checks are not applicable)."""
    planned: list[PlannedCheck] = []
    for page in pages:
        if isinstance(page, Implementation) and page.code_reference.is_python:
            planned.append(_planned_code_reference(page, environment))
        elif isinstance(page, Implementation):
            planned.append(_planned_local_reference(page, repositories or Repositories()))
        planned += [_planned(page.id, check) for check in page.checks]
    return planned


def _planned(page_id: str, check: Check) -> PlannedCheck:
    if check.language == "python":
        return PlannedCheck(page_id, check, check.code, (), judge_expectations(check))
    return PlannedCheck(
        page_id,
        check,
        check.code,
        (),
        judge_expectations(check),
        file_name=f"{CHECK_FILE.removesuffix('.py')}.sh",
        shell=check.language,
    )


def _planned_local_reference(page: Implementation, repositories: Repositories) -> PlannedCheck:
    check = code_reference_check(page, None)
    reference = page.code_reference
    return PlannedCheck(
        page.id,
        check,
        "",
        (),
        judge_expectations(check),
        evaluate=lambda: judge_reference(reference, repositories),
    )


def _unparsable(page: Implementation) -> str:
    found = reference_unparsable(page.code_reference)
    return f"'code_reference.{found[0]}' {found[1]}" if found else ""


def _planned_code_reference(page: Implementation, environment: Environment) -> PlannedCheck:
    reference = page.code_reference
    assert reference.import_ is not None and reference.signature is not None  # Python's
    why = _unparsable(page)
    if why:
        check = code_reference_check(page, None)
        return PlannedCheck(page.id, check, "", (), judge_expectations(check), unrunnable=why)
    bindings = parse_import(reference.import_)
    signature = parse_signature(reference.signature)
    top = bindings[0].module.split(".")[0]
    info = environment.modules.get(top)
    check = code_reference_check(page, info.distribution if info else None)
    if info is not None and not info.installed:
        # Not installed at all: named as a package so the check is skipped, saying so.
        check = check.model_copy(update={"packages": [top]})
    request = {
        "what": "signature",
        "bindings": [binding.as_dict() for binding in bindings],
        "name": signature.name,
    }
    return PlannedCheck(
        page.id,
        check,
        PROBE_SOURCE,
        (json.dumps(request),),
        judge_signature(reference.import_, signature),
        file_name=PROBE_FILE,
    )


def packages_named(pages: Iterable[Page]) -> list[str]:
    return sorted({name for page in pages for check in page.checks for name in check.package_names})


def verify(
    pages: Iterable[Page],
    interpreter: str = sys.executable,
    jobs: int | None = None,
    repositories: Repositories | None = None,
) -> Verification:
    """Run every check of ``pages`` under ``interpreter``, ``jobs`` at a time
    (default: one per core), reading other languages' Code References from
    ``repositories``. ProbeError when the interpreter cannot be asked."""
    pages = list(pages)
    modules = top_modules(pages)
    environment = read_environment(interpreter, packages_named(pages), modules)
    planned = plan(pages, environment, repositories)
    workers = max(1, jobs or os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="check") as pool:
        results = list(pool.map(lambda p: run_check(p, environment, interpreter), planned))
    return Verification(environment, results)
