"""The ``checks`` field of a page, validated by the loader like every field:
a malformed check is a Problem with the file, the line of the mistake and a
message that says what to write instead."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from heuristica.kb.loader import load_knowledge
from heuristica.kb.model import DEFAULT_CHECK_TIMEOUT, Check
from tests.kb import dump, page, write

H = "heuristic/use-spawn"
GOOD: dict[str, Any] = {
    "name": "prints-four",
    "claim": "Two and two make four.",
    "code": "print(2 + 2)\n",
    "expect": {"output": "4"},
}


def test_a_page_with_checks_loads_them_in_order(tmp_path: Path) -> None:
    second = {**GOOD, "name": "hangs", "expect": {"hangs": 2}, "python": ">=3.11"}
    write(tmp_path, "h.yaml", page(H, checks=[GOOD, second]))

    result = load_knowledge(tmp_path)

    assert result.problems == []
    first, hangs = result.pages[H].checks
    assert (first.name, first.expect.exit_status, first.expect.output_lines) == (
        "prints-four",
        0,
        ["4"],
    )
    assert first.timeout == DEFAULT_CHECK_TIMEOUT
    assert (hangs.expect.exit_status, hangs.time_limit, hangs.python) == (None, 2, ">=3.11")


def test_a_check_without_expect_must_exit_zero() -> None:
    check = Check.model_validate({"name": "runs", "claim": "It runs.", "code": "pass"})
    assert (check.expect.exit_status, check.expect.output_lines) == (0, [])


MALFORMED = [
    pytest.param(
        {**GOOD, "expekt": {"exit": 0}},
        "expekt:",
        "unknown field 'checks[1].expekt' (did you mean 'expect'?)",
        id="unknown-key",
    ),
    pytest.param(
        {**GOOD, "name": "Prints Four"},
        "name: Prints Four",
        "'checks[1].name': must be lowercase letters, digits and single hyphens",
        id="bad-name",
    ),
    pytest.param(
        {**GOOD, "name": "code-reference"},
        "name: code-reference",
        "'code-reference' is the check every implementation page gets",
        id="reserved-name",
    ),
    pytest.param(
        {k: v for k, v in GOOD.items() if k != "claim"},
        "- name: prints-four",
        "missing required section 'checks[1].claim'",
        id="missing-claim",
    ),
    pytest.param(
        {k: v for k, v in GOOD.items() if k != "code"},
        "- name: prints-four",
        "missing required section 'checks[1].code'",
        id="missing-code",
    ),
    pytest.param(
        {**GOOD, "expect": {"hangs": 5, "exit": 0}},
        "hangs: 5",
        "'hangs' cannot be combined with 'exit' or 'output'",
        id="hangs-with-exit",
    ),
    pytest.param(
        {**GOOD, "python": "3.12+"},
        "python: 3.12+",
        "'checks[1].python': must be a PEP 440 version specifier such as '>=3.12'",
        id="bad-python-specifier",
    ),
    pytest.param(
        {**GOOD, "timeout": 0},
        "timeout: 0",
        "'checks[1].timeout': Input should be greater than 0",
        id="non-positive-timeout",
    ),
    pytest.param(
        {**GOOD, "expect": {"hangs": 30}, "timeout": 10},
        "- name: prints-four",
        "expects a hang of 30 s, which the timeout of 10 s would cut short",
        id="hang-longer-than-timeout",
    ),
    pytest.param(
        {**GOOD, "expect": {"output": "4\n5"}},
        "output: '4",
        "each expected output is one line",
        id="multi-line-output",
    ),
    pytest.param(
        {**GOOD, "packages": ["polars", "not a name"]},
        "- not a name",
        "'checks[1].packages[2]': must be a distribution name and an optional range",
        id="bad-package-name",
    ),
    pytest.param(
        {**GOOD, "packages": ["polars>=1.42", "polars<2"]},
        "- polars<2",
        "'checks[1].packages[2]': names polars twice; give one range per package",
        id="package-named-twice",
    ),
    pytest.param(
        {**GOOD, "packages": ["polars[pyarrow]>=1"]},
        "- polars[pyarrow]>=1",
        "takes a name and a version range only (no extras, URL or ';' marker)",
        id="package-with-extras",
    ),
    pytest.param(
        {**GOOD, "packages": ["polars>=one"]},
        "- polars>=one",
        "'checks[1].packages[1]': must be a distribution name and an optional range",
        id="bad-package-range",
    ),
    pytest.param(
        {**GOOD, "platform": "Linux x86"},
        "platform: Linux x86",
        "'checks[1].platform'",
        id="bad-platform",
    ),
]


@pytest.mark.parametrize(("check", "marker", "message"), MALFORMED)
def test_a_malformed_check_is_a_problem_at_its_line(
    tmp_path: Path, check: dict[str, Any], marker: str, message: str
) -> None:
    text = dump(page(H, checks=[check]))
    bad = write(tmp_path, "h.yaml", text)

    result = load_knowledge(tmp_path)

    (problem,) = result.errors
    assert problem.file == bad.name
    assert message in problem.message
    marked_line = next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)
    assert problem.line == marked_line
    assert H not in result.pages


def test_a_duplicate_check_name_points_at_the_second_one(tmp_path: Path) -> None:
    text = dump(page(H, checks=[GOOD, {**copy.deepcopy(GOOD), "claim": "Again."}]))
    write(tmp_path, "h.yaml", text)

    (problem,) = load_knowledge(tmp_path).errors

    assert "the check name 'prints-four' is used twice on this page" in problem.message
    names = [n for n, line in enumerate(text.splitlines(), 1) if "name: prints-four" in line]
    assert problem.line == names[1]


def test_one_malformed_check_leaves_other_pages_loading(tmp_path: Path) -> None:
    write(tmp_path, "h.yaml", page(H, checks=[{**GOOD, "name": "Bad"}]))
    write(tmp_path, "e.yaml", page("environment/linux", checks=[GOOD]))

    result = load_knowledge(tmp_path)

    assert list(result.pages) == ["environment/linux"]
    assert len(result.errors) == 1
