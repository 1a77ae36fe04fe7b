"""How ``check`` reports a knowledge base's problems: for a person (``text``),
for programs (``json``) and for CI (``github``, ``sarif``, ``junit``).

Every format says the same thing: each Problem with its file, line and
column, and whether the check failed. A check fails on an error, and with
``strict`` on a warning too; a warning keeps its own severity in every
format, and the report says once that ``--strict`` made warnings fail.

Problem messages quote page text, which is untrusted: each format escapes it
for its own syntax (workflow-command escapes, JSON, XML without the control
characters XML 1.0 forbids).
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from heuristica import __version__

if TYPE_CHECKING:  # ``heuristica check --help`` reads FORMATS without loading the loader
    from heuristica.kb.knowledge import KnowledgeGraph
    from heuristica.kb.loader import LoadResult
    from heuristica.kb.problems import Problem

__all__ = ["FORMATS", "Findings", "Report", "Summary", "github_data", "github_property"]

TOOL = "heuristica"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


@dataclass(frozen=True)
class Summary:
    """What was checked, counted."""

    pages: int
    pages_per_type: dict[str, int]
    links: int
    tours: int
    errors: int
    warnings: int

    @classmethod
    def of(cls, result: LoadResult, graph: KnowledgeGraph) -> Summary:
        """``result`` counted, its pages and links as ``graph`` (made of them) holds them."""
        return cls(
            pages=len(result.pages),
            pages_per_type={t.value: n for t, n in graph.stats().items()},
            links=graph.link_count,
            tours=len(result.tours),
            errors=len(result.errors),
            warnings=len(result.warnings),
        )

    def __str__(self) -> str:
        per_type = ", ".join(f"{n} {t}" for t, n in self.pages_per_type.items())
        return (
            f"{self.pages} pages ({per_type}), {self.links} links, {self.tours} tours, "
            f"{self.errors} errors, {self.warnings} warnings"
        )


@dataclass(frozen=True)
class Findings:
    """What ``check`` found in the knowledge folder ``root``: every problem and
    every file it read (from a load, or as the last check on the same files
    kept them: ``commands.checked``)."""

    root: Path
    problems: list[Problem]
    sources: list[str]


@dataclass(frozen=True)
class Report:
    """One run of ``check``: what was read, what is wrong, and how strictly to judge."""

    findings: Findings
    summary: Summary
    strict: bool = False

    def fails(self, problem: Problem) -> bool:
        """Whether ``problem`` fails the check (an error; a warning when strict)."""
        return problem.is_error or self.strict

    @property
    def failed(self) -> bool:
        return any(self.fails(p) for p in self.findings.problems)

    @property
    def strict_note(self) -> str | None:
        """Why the check failed when only warnings made it fail, else None."""
        problems = self.findings.problems
        count = sum(not p.is_error for p in problems)
        if not self.strict or count < len(problems) or not count:
            return None
        return f"--strict: warnings fail the check ({count} warning{'s' * (count != 1)})"

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


def _text(report: Report) -> str:
    lines = [str(p) for p in report.findings.problems]
    lines.append(str(report.summary))
    if report.strict_note:
        lines.append(report.strict_note)
    return "\n".join(lines) + "\n"


def _json(report: Report) -> str:
    out = {
        "problems": [p.to_dict() for p in report.findings.problems],
        "summary": asdict(report.summary),
        "failed": report.failed,
    }
    return json.dumps(out, indent=2) + "\n"


# GitHub workflow commands: ``::error file=F,line=L,col=C,title=T::message``.
# Escapes as in GitHub's actions/toolkit (packages/core/src/command.ts).
_DATA_ESCAPES = {"%": "%25", "\r": "%0D", "\n": "%0A"}
_PROPERTY_ESCAPES = {**_DATA_ESCAPES, ":": "%3A", ",": "%2C"}


def github_data(text: str) -> str:
    """``text`` as a workflow command's message."""
    return "".join(_DATA_ESCAPES.get(c, c) for c in text)


def github_property(text: str) -> str:
    """``text`` as a workflow command's property value (``file=``, ``title=``)."""
    return "".join(_PROPERTY_ESCAPES.get(c, c) for c in text)


def _github_command(level: str, message: str, **properties: str | int) -> str:
    props = ",".join(f"{key}={github_property(str(value))}" for key, value in properties.items())
    return f"::{level}{' ' * bool(props)}{props}::{github_data(message)}"


def _github(report: Report) -> str:
    lines = []
    for problem in report.findings.problems:
        where: dict[str, str | int] = {"file": problem.file}
        if problem.line:
            where |= {"line": problem.line, "col": problem.col or 1}
        level = "error" if problem.is_error else "warning"
        lines.append(_github_command(level, problem.message, **where, title=problem.code))
    lines.append(str(report.summary))
    if report.strict_note:
        lines.append(_github_command("error", report.strict_note, title="strict"))
    return "\n".join(lines) + "\n"


def _artifact_location(file: str) -> dict[str, str]:
    """A SARIF artifactLocation: relative to the working folder (``%SRCROOT%``)
    when the file is inside it, as code scanning expects, else a file: URI."""
    path = Path(file)
    if path.is_absolute():
        return {"uri": path.as_uri()}
    return {"uri": quote(path.as_posix()), "uriBaseId": "%SRCROOT%"}


def _sarif_result(problem: Problem, rule_index: int) -> dict[str, object]:
    physical: dict[str, object] = {"artifactLocation": _artifact_location(problem.file)}
    if problem.line:
        region = {"startLine": problem.line}
        if problem.col:
            region["startColumn"] = problem.col
        physical["region"] = region
    return {
        "ruleId": problem.code,
        "ruleIndex": rule_index,
        "level": "error" if problem.is_error else "warning",
        "message": {"text": problem.message},
        "locations": [{"physicalLocation": physical}],
    }


def _sarif(report: Report) -> str:
    problems = report.findings.problems
    codes = sorted({p.code: p for p in problems}.items())
    rules = [
        {
            "id": code,
            "shortDescription": {"text": code.replace("-", " ").capitalize()},
            "defaultConfiguration": {"level": "error" if first.is_error else "warning"},
        }
        for code, first in codes
    ]
    index = {code: i for i, (code, _) in enumerate(codes)}
    invocation: dict[str, object] = {"executionSuccessful": True, "exitCode": report.exit_code}
    if report.strict_note:
        invocation["toolExecutionNotifications"] = [{"message": {"text": report.strict_note}}]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": TOOL, "version": __version__, "rules": rules}},
                "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "invocations": [invocation],
                "results": [_sarif_result(p, index[p.code]) for p in problems],
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold, not even escaped."""


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _junit_case(file: str, problems: list[Problem], report: Report) -> ET.Element:
    case = ET.Element(
        "testcase", classname=f"{TOOL}.check", name=_xml_text(file), file=_xml_text(file)
    )
    failing = [p for p in problems if report.fails(p)]
    passing = [p for p in problems if not report.fails(p)]

    def listed(items: list[Problem]) -> str:
        return _xml_text("\n".join(f"{p} [{p.code}]" for p in items))

    if failing:
        kinds = sorted({p.severity.value for p in failing})
        count = len(failing)
        failure = ET.SubElement(
            case,
            "failure",
            message=f"{count} problem{'s' * (count != 1)} ({', '.join(kinds)})",
            type=",".join(sorted({p.code for p in failing})),
        )
        failure.text = listed(failing)
    if passing:
        ET.SubElement(case, "system-out").text = listed(passing)
    return case


def _junit(report: Report) -> str:
    """One testcase per file read: a file passes when nothing in it fails the check."""
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in report.findings.problems:
        by_file[problem.file].append(problem)
    files = sorted({*report.findings.sources, *by_file})
    cases = [_junit_case(file, by_file.get(file, []), report) for file in files]
    failures = sum(1 for case in cases if case.find("failure") is not None)
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": "0"}
    suites = ET.Element("testsuites", {"name": f"{TOOL} check", **counts})
    suite = ET.SubElement(
        suites,
        "testsuite",
        {"name": _xml_text(f"{TOOL} check {os.fspath(report.findings.root)}"), **counts},
    )
    suite.extend(cases)
    if report.strict_note:
        ET.SubElement(suite, "system-out").text = report.strict_note
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


FORMATS: dict[str, Callable[[Report], str]] = {
    "text": _text,
    "json": _json,
    "github": _github,
    "sarif": _sarif,
    "junit": _junit,
}
"""Format name (``check --format``) -> the whole report in that format."""
