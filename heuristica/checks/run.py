"""One check: decide whether it applies here, run its program in isolation,
and judge what it showed against what it must show."""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

from packaging.specifiers import SpecifierSet

from heuristica.checks.environment import Environment, check_env
from heuristica.kb.model import Check
from heuristica.kb.signature import Signature, differences, installed_parameters, render
from heuristica.processes.runner import RunOutcome, run_file

__all__ = [
    "CHECK_FILE",
    "CheckResult",
    "PlannedCheck",
    "Status",
    "Verdict",
    "judge_expectations",
    "judge_signature",
    "needed_tools",
    "not_run",
    "run_check",
]

CHECK_FILE = "heuristica-check.py"
"""The file a check's program is written to: a name no ``import`` can reach, so
a check never shadows the module it tests."""
SHOWN_LINES = 12
"""How many of the last lines printed a failing result shows."""


class Status(StrEnum):
    HOLDS = "holds"
    FAILS = "fails"
    ERROR = "error"
    SKIPPED = "skipped"
    """It cannot run here: a package it names is not installed, or a command it
    needs is not on PATH."""
    NOT_APPLICABLE = "not_applicable"
    """It runs only where its claim is about, and this is outside: another
    version of Python or of a package it names, or another platform."""

    @property
    def words(self) -> str:
        """As a reader says it: ``not applicable``."""
        return self.value.replace("_", " ")


@dataclass(frozen=True)
class Verdict:
    status: Status
    reason: str = ""
    expected: str = ""
    seen: str = ""


Judge = Callable[[RunOutcome], Verdict]


@dataclass(frozen=True)
class PlannedCheck:
    """A check ready to run: its program (run as a file), arguments and judge."""

    page: str
    check: Check
    program: str
    args: tuple[str, ...]
    judge: Judge
    file_name: str = CHECK_FILE
    unrunnable: str = ""
    """Why this check cannot run at all (it then fails, saying so)."""
    shell: str = ""
    """The shell that runs the program ("": the interpreter being verified runs it)."""
    evaluate: Callable[[], Verdict] | None = None
    """Judges the check without running a program (a Code Reference in another
    language is read from a local checkout)."""


@dataclass(frozen=True)
class CheckResult:
    page: str
    name: str
    claim: str
    status: Status
    reason: str
    expected: str
    seen: str
    seconds: float
    packages: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["status"] = self.status.value
        data["packages"] = list(self.packages)
        data["seconds"] = round(self.seconds, 3)
        return data


def not_run(check: Check, environment: Environment) -> Verdict | None:
    """Why ``check`` is not run under ``environment`` (skipped: a package is not
    installed; not applicable: outside the versions or platform its claim is
    about), or None when it runs."""
    tools = [tool for tool in needed_tools(check) if shutil.which(tool) is None]
    if tools:
        return Verdict(Status.SKIPPED, f"needs {', '.join(tools)}: not found on PATH")
    scopes = check.scopes
    missing = [scope.name for scope in scopes if environment.packages.get(scope.name) is None]
    if missing:
        where = environment.executable
        return Verdict(Status.SKIPPED, f"{', '.join(missing)} not installed under {where}")
    outside = [
        f"{scope} (this is {environment.packages[scope.name]})"
        for scope in scopes
        if not scope.contains(str(environment.packages[scope.name]))
    ]
    if check.python and not SpecifierSet(check.python).contains(
        environment.python, prereleases=True
    ):
        outside.insert(0, f"Python {check.python} (this is {environment.python})")
    if check.platform and not environment.platform.startswith(check.platform):
        outside.append(f"platform {check.platform} (this is {environment.platform})")
    if outside:
        return Verdict(Status.NOT_APPLICABLE, f"about {'; '.join(outside)}")
    return None


def needed_tools(check: Check) -> list[str]:
    """The commands ``check`` runs that must be on PATH: its shell, then its ``tools``."""
    shell = [] if check.language == "python" else [check.language]
    return list(dict.fromkeys([*shell, *check.tools]))


def run_check(planned: PlannedCheck, environment: Environment, interpreter: str) -> CheckResult:
    """Run one check (or skip it) and judge it."""
    if planned.unrunnable:
        return _result(planned, Verdict(Status.FAILS, planned.unrunnable), 0.0)
    verdict = not_run(planned.check, environment)
    if verdict is not None:
        return _result(planned, verdict, 0.0)
    if planned.evaluate is not None:
        started = time.monotonic()
        return _result(planned, planned.evaluate(), time.monotonic() - started)
    with tempfile.TemporaryDirectory(prefix="heuristica-check-") as folder:
        program = Path(folder) / planned.file_name
        program.write_text(planned.program, encoding="utf-8")
        runner = shutil.which(planned.shell) or planned.shell if planned.shell else interpreter
        outcome = run_file(
            runner,
            program,
            planned.args,
            planned.check.time_limit,
            Path(folder),
            _program_env(interpreter, shell=bool(planned.shell)),
        )
        verdict = _without_folder(planned.judge(outcome), folder)
    if outcome.leftovers:
        verdict = Verdict(
            Status.ERROR,
            f"processes {outcome.leftovers} of the check were still alive after cleanup",
            verdict.expected,
            verdict.seen,
        )
    return _result(planned, verdict, outcome.seconds)


def _program_env(interpreter: str, *, shell: bool) -> dict[str, str]:
    """A shell check finds the interpreter being verified first on PATH, as
    ``python3``/``python`` (in a virtual environment or a matrix cell)."""
    env = check_env()
    if shell:
        folder = str(Path(interpreter).parent)
        env["PATH"] = os.pathsep.join(part for part in (folder, env.get("PATH", "")) if part)
    return env


def _without_folder(verdict: Verdict, folder: str) -> Verdict:
    """Tracebacks name the program by its temporary folder; leave the folder out,
    so the same result reads (and is recorded) the same on every run."""
    prefix = f"{folder}{os.sep}"
    return Verdict(
        verdict.status,
        verdict.reason.replace(prefix, ""),
        verdict.expected,
        verdict.seen.replace(prefix, ""),
    )


def _result(planned: PlannedCheck, verdict: Verdict, seconds: float) -> CheckResult:
    check = planned.check
    return CheckResult(
        page=planned.page,
        name=check.name,
        claim=check.claim,
        status=verdict.status,
        reason=verdict.reason,
        expected=verdict.expected,
        seen=verdict.seen,
        seconds=seconds,
        packages=tuple(check.package_names),
    )


def _lines(outcome: RunOutcome, kind: str) -> list[str]:
    return [event["line"] for event in outcome.events if event["event"] == kind]


def _tail(lines: list[str]) -> str:
    return "\n".join(lines[-SHOWN_LINES:])


def _exception(stderr: list[str]) -> str:
    """The last line of an uncaught exception's traceback, e.g. ``ValueError: x``."""
    if not any(line.startswith("Traceback (most recent call last):") for line in stderr):
        return ""
    return next((line for line in reversed(stderr) if line and not line[0].isspace()), "")


def _exit_words(returncode: int | None) -> str:
    if returncode is not None and returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit status {returncode}"


def judge_expectations(check: Check) -> Judge:
    """The judge of a page's own check: its ``expect``, as docs/page-format.md says."""
    expect = check.expect

    def judge(outcome: RunOutcome) -> Verdict:
        printed = _lines(outcome, "output")
        stderr = _lines(outcome, "stderr")
        if expect.hangs is not None:
            expected = f"still running after {expect.hangs:g} s"
            if outcome.status == "timed_out":
                return Verdict(Status.HOLDS, "", expected, f"{expected}; killed")
            seen = f"{_exit_words(outcome.returncode)} after {outcome.seconds:.1f} s"
            shown = _tail(printed + stderr)
            return Verdict(Status.FAILS, "it finished", expected, f"{seen}\n{shown}".strip())
        expected = _expected_words(check)
        if outcome.status == "timed_out":
            return Verdict(
                Status.ERROR,
                f"did not finish within {check.timeout:g} s; its process group was killed",
                expected,
                _tail(printed + stderr),
            )
        missing = [line for line in expect.output_lines if line not in {p.strip() for p in printed}]
        if outcome.returncode == expect.exit_status and not missing:
            return Verdict(Status.HOLDS, "", expected, _seen_words(outcome, printed))
        exception = _exception(stderr)
        if outcome.returncode != expect.exit_status:
            if exception.startswith("AssertionError"):
                return Verdict(Status.FAILS, exception, expected, _seen_words(outcome, printed))
            if exception or (outcome.returncode or 0) < 0:
                return Verdict(
                    Status.ERROR,
                    f"the program crashed: {exception or _exit_words(outcome.returncode)}",
                    expected,
                    _tail(printed + stderr),
                )
        reasons = [f"never printed {line!r}" for line in missing]
        if outcome.returncode != expect.exit_status:
            reasons.insert(0, f"{_exit_words(outcome.returncode)}, not {expect.exit_status}")
        return Verdict(Status.FAILS, "; ".join(reasons), expected, _seen_words(outcome, printed))

    return judge


def _expected_words(check: Check) -> str:
    words = [f"exit status {check.expect.exit_status}"]
    words += [f"the line {line!r}" for line in check.expect.output_lines]
    return ", ".join(words)


def _seen_words(outcome: RunOutcome, printed: list[str]) -> str:
    words = _exit_words(outcome.returncode)
    return f"{words}, printed:\n{_tail(printed)}" if printed else f"{words}, printed nothing"


def judge_signature(page_import: str, page_signature: Signature) -> Judge:
    """The judge of the Code Reference check: the probe's description of the
    installed object against the page's signature."""
    expected = f"{page_import}\n{page_signature.name}{render(page_signature.parameters)}"

    def judge(outcome: RunOutcome) -> Verdict:
        stderr = _lines(outcome, "stderr")
        try:
            answer = json.loads(_lines(outcome, "output")[-1])
        except (IndexError, json.JSONDecodeError):
            crash = _exception(stderr) or _exit_words(outcome.returncode)
            if outcome.status == "timed_out":
                crash = "importing it did not finish in time"
            return Verdict(Status.ERROR, f"importing it failed: {crash}", expected, _tail(stderr))
        return _signature_verdict(answer, page_signature, expected)

    return judge


def _signature_verdict(answer: dict[str, object], page: Signature, expected: str) -> Verdict:
    outcome = answer["outcome"]
    if outcome == "import-failed":
        return Verdict(Status.FAILS, "the page's import fails", expected, str(answer["message"]))
    if outcome == "not-found":
        return Verdict(
            Status.FAILS,
            f"the installed version has no '{page.name}'",
            expected,
            f"no '{page.name}' reachable from the import",
        )
    if outcome == "no-signature":
        return Verdict(
            Status.SKIPPED, f"Python cannot read the signature of '{page.name}'", expected, ""
        )
    described = answer["parameters"]
    assert isinstance(described, list)  # the probe's answer, by construction
    installed = installed_parameters(described)
    seen = f"{answer['where']}{render(installed)}"
    found = differences(page.parameters, installed)
    if found:
        return Verdict(Status.FAILS, "; ".join(found), expected, seen)
    return Verdict(Status.HOLDS, "", expected, seen)
