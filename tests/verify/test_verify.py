"""``verify`` runs each check as a real program in its own process session and
judges it: holds, fails (expected vs seen), error (crash, timeout) or skipped."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from heuristica.checks.run import CheckResult, Status
from heuristica.checks.verify import verify
from heuristica.commands.cli import main
from heuristica.kb.loader import load_knowledge
from tests.demos.conftest import alive_in_session, still_running
from tests.kb import page, write

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "verify_kb"
H = "heuristic/checked"


def run_checks(tmp_path: Path, *checks: dict[str, Any]) -> list[CheckResult]:
    write(tmp_path, "h.yaml", page(H, checks=list(checks)))
    result = load_knowledge(tmp_path)
    # Only errors: these pages test the runner, so their checks may well be ones the
    # content rules warn about (a constant print, a package used only as a range).
    assert [problem for problem in result.problems if problem.is_error] == []
    return verify(result.pages.values()).results


def check(name: str, code: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "claim": f"The claim of {name}.", "code": code, **fields}


def test_a_check_that_shows_what_it_must_holds(tmp_path: Path) -> None:
    (result,) = run_checks(
        tmp_path, check("prints", "print('threads=4')\n", expect={"output": "threads=4"})
    )
    assert (result.page, result.name, result.status) == (H, "prints", Status.HOLDS)
    assert result.claim == "The claim of prints."


def test_a_check_that_shows_something_else_fails_with_expected_and_seen(tmp_path: Path) -> None:
    (result,) = run_checks(
        tmp_path,
        check("prints", "print('threads=8')\n", expect={"output": ["threads=4"]}),
    )
    assert result.status is Status.FAILS
    assert result.expected == "exit status 0, the line 'threads=4'"
    assert result.seen == "exit status 0, printed:\nthreads=8"
    assert result.reason == "never printed 'threads=4'"


def test_a_wrong_exit_status_fails_and_says_both(tmp_path: Path) -> None:
    (result,) = run_checks(tmp_path, check("exits", "raise SystemExit(3)\n", expect={"exit": 0}))
    assert result.status is Status.FAILS
    assert result.reason == "exit status 3, not 0"


def test_an_assert_that_does_not_hold_is_a_failure_with_its_message(tmp_path: Path) -> None:
    (result,) = run_checks(tmp_path, check("asserts", "assert 2 + 2 == 5, 'arithmetic moved'\n"))
    assert result.status is Status.FAILS
    assert result.reason == "AssertionError: arithmetic moved"


def test_a_program_that_crashes_is_an_error_with_its_exception(tmp_path: Path) -> None:
    (result,) = run_checks(tmp_path, check("crashes", "import json\njson.loads('{')\n"))
    assert result.status is Status.ERROR
    assert result.reason.startswith("the program crashed: json.decoder.JSONDecodeError")
    assert "json.loads('{')" in result.seen


def test_a_program_killed_by_a_signal_is_an_error(tmp_path: Path) -> None:
    code = "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n"
    (result,) = run_checks(tmp_path, check("segfaults", code))
    assert result.status is Status.ERROR
    assert result.reason == "the program crashed: killed by SIGSEGV"


def test_an_expected_crash_holds(tmp_path: Path) -> None:
    code = "import multiprocessing as mp\nmp.set_forkserver_preload(42)\n"
    (result,) = run_checks(tmp_path, check("refuses", code, expect={"exit": 1}))
    assert result.status is Status.HOLDS


HANGING = """\
import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
print(f"session={os.getsid(0)}", flush=True)
print(f"pids={os.getpid()},{child.pid}", flush=True)
time.sleep(3600)
"""


def _printed(result: CheckResult, key: str) -> str:
    return next(line.split("=", 1)[1] for line in result.seen.splitlines() if line.startswith(key))


def test_a_check_past_its_timeout_is_killed_with_its_children_and_reported(
    tmp_path: Path,
) -> None:
    (result,) = run_checks(tmp_path, check("hangs", HANGING, timeout=2))

    assert result.status is Status.ERROR
    assert result.reason == "did not finish within 2 s; its process group was killed"
    session = int(_printed(result, "session="))
    pids = {int(pid) for pid in _printed(result, "pids=").split(",")}
    assert alive_in_session(session) == []
    assert still_running(pids) == []


def test_a_check_that_expects_a_hang_holds_and_leaves_nothing(tmp_path: Path) -> None:
    (result,) = run_checks(tmp_path, check("hangs", HANGING, expect={"hangs": 1.5}))

    assert result.status is Status.HOLDS
    assert result.seen == "still running after 1.5 s; killed"


def test_a_check_that_should_hang_but_finishes_fails(tmp_path: Path) -> None:
    (result,) = run_checks(tmp_path, check("quick", "print('done')\n", expect={"hangs": 5}))
    assert result.status is Status.FAILS
    assert result.expected == "still running after 5 s"
    assert result.seen.startswith("exit status 0 after")
    assert result.seen.endswith("done")


def test_a_check_whose_package_is_not_installed_is_skipped_with_the_reason(
    tmp_path: Path,
) -> None:
    fields = {"packages": ["heuristica-no-such-dist>=1"]}
    (result,) = run_checks(tmp_path, check("elsewhere", "raise SystemExit(1)\n", **fields))
    assert result.status is Status.SKIPPED
    assert "heuristica-no-such-dist not installed" in result.reason


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"python": ">=99"}, "about Python >=99 (this is "),
        ({"platform": "win32"}, "about platform win32 (this is linux)"),
        ({"packages": ["pytest<1"]}, f"about pytest<1 (this is {pytest.__version__})"),
    ],
)
def test_a_check_outside_the_versions_its_claim_is_about_is_not_applicable(
    tmp_path: Path, fields: dict[str, Any], reason: str
) -> None:
    (result,) = run_checks(tmp_path, check("elsewhere", "raise SystemExit(1)\n", **fields))
    assert result.status is Status.NOT_APPLICABLE
    assert reason in result.reason


def test_a_check_may_import_the_demo_engine_and_runs_in_an_empty_folder(tmp_path: Path) -> None:
    code = (
        "import os\n"
        "from heuristica.demos.spawn_vs_fork import workload\n"
        "print(f'rows={workload.group_by_sum(1000).height}')\n"
        "print(f'files={sorted(os.listdir())}')\n"
    )
    (result,) = run_checks(
        tmp_path,
        check("engine", code, packages=["polars"], expect={"output": ["rows=100"]}),
    )
    assert result.status is Status.HOLDS, result
    assert "files=['heuristica-check.py']" in result.seen


def test_checks_run_several_at_once_and_keep_page_order(tmp_path: Path) -> None:
    checks = [check(f"c{n}", f"print({n})\n", expect={"output": str(n)}) for n in range(4)]
    results = run_checks(tmp_path, *checks)
    assert [(r.name, r.status) for r in results] == [(f"c{n}", Status.HOLDS) for n in range(4)]


def test_the_fixture_base_verifies_as_designed() -> None:
    pages = load_knowledge(FIXTURE).pages.values()
    results = {(r.page, r.name): r.status for r in verify(pages).results}
    assert results == {
        ("implementation/fixture-get-context", "code-reference"): Status.FAILS,
        ("environment/fixture-linux", "crashes"): Status.ERROR,
        ("heuristic/prefer-spawn", "arithmetic-holds"): Status.HOLDS,
        ("heuristic/prefer-spawn", "arithmetic-fails"): Status.FAILS,
        ("heuristic/prefer-spawn", "sleeper-hangs"): Status.HOLDS,
    }


# The command line ---------------------------------------------------------------


def test_verify_exits_0_when_every_check_holds_and_prints_the_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "h.yaml", page(H, checks=[check("prints", "print(1)\n")]))

    code = main(["verify", str(tmp_path)])

    out = capsys.readouterr().out
    assert code == 0
    assert f"holds    {H}  prints" in out
    assert "Environment: CPython " in out
    assert "1 checks on 1 pages: 1 hold, 0 fail, 0 errors, 0 skipped, 0 not applicable" in out


def test_verify_exits_1_and_shows_expected_vs_seen_when_a_check_fails(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["verify", str(FIXTURE), "--page", "heuristic/prefer-spawn"])

    out = capsys.readouterr().out
    assert code == 1
    assert "FAILS    heuristic/prefer-spawn  arithmetic-fails" in out
    assert "expected: exit status 0, the line 'sum=5'" in out
    assert "seen:     exit status 0, printed:\n                   sum=4" in out


def test_verify_json_lists_each_check_with_page_status_and_environment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["verify", str(FIXTURE), "--format", "json", "--jobs", "1"])

    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert report["environment"]["implementation"] == "CPython"
    assert report["environment"]["executable"]
    first = report["checks"][0]
    assert set(first) >= {"page", "name", "claim", "status", "reason", "expected", "seen"}
    assert {c["status"] for c in report["checks"]} == {"holds", "fails", "error"}
    assert report["summary"]["checks"] == 5


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--page", "heuristic/prefer-spwan"], "did you mean 'heuristic/prefer-spawn'?"),
        (["--python", "/nowhere/python9"], "--python /nowhere/python9: no such interpreter"),
        (["--python", "/bin/false"], "could not say what it is"),
        (["--jobs", "0"], "--jobs 0: give 1 or more"),
    ],
)
def test_bad_usage_exits_2_with_a_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["verify", str(FIXTURE), *argv])
    assert code == 2
    assert message in capsys.readouterr().err


def test_verify_of_a_missing_folder_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", str(tmp_path / "nope")]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_a_page_with_a_malformed_check_makes_verify_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "h.yaml", page(H, checks=[check("Bad Name", "print(1)\n")]))
    assert main(["verify", str(tmp_path)]) == 1
    assert "'checks[1].name': must be lowercase" in capsys.readouterr().err


def test_control_characters_from_a_page_never_reach_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = check("escapes", "print('\\x1b]0;owned\\x07')\nraise SystemExit(1)\n")
    write(tmp_path, "h.yaml", page(H, checks=[hostile]))
    main(["verify", str(tmp_path)])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b]0;owned\\x07" in out


def test_verify_runs_from_any_folder_as_a_module(tmp_path: Path) -> None:
    import subprocess
    import sys

    from heuristica import child_env

    write(tmp_path, "h.yaml", page(H, checks=[check("prints", "print(1)\n")]))
    done = subprocess.run(
        [sys.executable, "-m", "heuristica", "verify", str(tmp_path), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=child_env(),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["checks"][0]["status"] == "holds"
    assert os.listdir(tmp_path) == ["h.yaml"]
