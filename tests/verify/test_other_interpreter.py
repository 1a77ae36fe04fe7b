"""``verify --python``: checks run under another interpreter, whose own
version, platform and packages decide what is skipped and what holds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from heuristica.checks.run import Status
from heuristica.checks.verify import verify
from heuristica.commands.cli import main
from heuristica.kb.loader import load_knowledge
from tests.kb import page, write
from tests.verify.conftest import FAKE_DISTRIBUTION

H = "heuristic/generation-two"
GENERATION_CHECK = {
    "name": "generation-two",
    "claim": "fixture_pkg is in its second generation.",
    "packages": [FAKE_DISTRIBUTION],
    "code": (
        "import fixture_pkg\n"
        "assert fixture_pkg.GENERATION == 2, f'generation {fixture_pkg.GENERATION}'\n"
    ),
}


@pytest.fixture
def base(tmp_path: Path) -> Path:
    write(tmp_path, "h.yaml", page(H, checks=[GENERATION_CHECK]))
    return tmp_path


def report(base: Path, capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    main(["verify", str(base), "--format", "json", *argv])
    return json.loads(capsys.readouterr().out)


def test_the_same_check_is_skipped_fails_or_holds_by_the_interpreter_it_runs_under(
    base: Path, venvs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    here = report(base, capsys)
    old = report(base, capsys, "--python", str(venvs["1.0"]))
    new = report(base, capsys, "--python", str(venvs["2.0"]))

    skipped = here["checks"][0]
    assert skipped["status"] == "skipped"
    assert f"{FAKE_DISTRIBUTION} not installed under {sys.executable}" in skipped["reason"]
    assert old["checks"][0]["status"] == "fails"
    assert old["checks"][0]["reason"] == "AssertionError: generation 1"
    assert new["checks"][0]["status"] == "holds"


def test_a_claim_that_changed_between_versions_is_proven_on_both_sides(
    tmp_path: Path, venvs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """One check per range, each expecting its range's behaviour: under each
    version one holds and the other is not applicable; none fails."""
    generation = "import fixture_pkg\nprint(f'generation={fixture_pkg.GENERATION}')\n"
    before = {
        "name": "first-generation",
        "claim": "Before 2.0, fixture_pkg is in its first generation.",
        "packages": [f"{FAKE_DISTRIBUTION}<2"],
        "expect": {"output": "generation=1"},
        "code": generation,
    }
    after = {**before, "name": "second-generation", "packages": [f"{FAKE_DISTRIBUTION}>=2"]}
    after |= {"claim": "From 2.0 on, it is in its second.", "expect": {"output": "generation=2"}}
    write(tmp_path, "h.yaml", page(H, checks=[before, after]))

    runs = {v: report(tmp_path, capsys, "--python", str(venvs[v])) for v in ("1.0", "2.0")}

    statuses = {v: [c["status"] for c in run["checks"]] for v, run in runs.items()}
    assert statuses == {"1.0": ["holds", "not_applicable"], "2.0": ["not_applicable", "holds"]}
    assert runs["1.0"]["checks"][1]["reason"] == f"about {FAKE_DISTRIBUTION}>=2 (this is 1.0)"
    assert runs["2.0"]["summary"]["not_applicable"] == 1


def test_a_check_run_outside_its_range_would_fail_there(
    tmp_path: Path, venvs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The range is what keeps a correct, version-bound claim from failing
    elsewhere: the same check without it fails under the other version."""
    scoped = {**GENERATION_CHECK, "packages": [f"{FAKE_DISTRIBUTION}>=2"]}
    write(tmp_path, "h.yaml", page(H, checks=[scoped]))
    assert report(tmp_path, capsys, "--python", str(venvs["1.0"]))["checks"][0]["status"] == (
        "not_applicable"
    )
    assert main(["verify", str(tmp_path), "--python", str(venvs["1.0"])]) == 0
    capsys.readouterr()
    write(tmp_path, "h.yaml", page(H, checks=[GENERATION_CHECK]))
    assert main(["verify", str(tmp_path), "--python", str(venvs["1.0"])]) == 1


def test_the_environment_is_read_from_the_other_interpreter(
    base: Path, venvs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    environment = report(base, capsys, "--python", str(venvs["1.0"]))["environment"]

    assert environment["executable"] == str(venvs["1.0"])
    assert environment["packages"] == {FAKE_DISTRIBUTION: "1.0"}
    assert environment["python"] == ".".join(map(str, sys.version_info[:3]))


def test_a_python_specifier_is_judged_against_the_other_interpreter(
    tmp_path: Path, lean_python: Path
) -> None:
    version = subprocess.run(
        [str(lean_python), "-c", "import platform; print(platform.python_version())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    only_there = {"name": "only-there", "claim": "c", "python": f"=={version}", "code": "pass"}
    elsewhere = {"name": "elsewhere", "claim": "c", "python": f"!={version}", "code": "pass"}
    write(tmp_path, "h.yaml", page(H, checks=[only_there, elsewhere]))

    results = verify(load_knowledge(tmp_path).pages.values(), str(lean_python)).results

    assert [r.status for r in results] == [Status.HOLDS, Status.NOT_APPLICABLE]
    assert results[1].reason == f"about Python !={version} (this is {version})"


def test_the_demo_engine_runs_under_an_interpreter_without_the_app_dependencies(
    tmp_path: Path, lean_python: Path
) -> None:
    engine = {
        "name": "engine",
        "claim": "The demo engine needs only polars and psutil.",
        "packages": ["polars", "psutil"],
        "expect": {"output": ["rows=100", "pydantic=missing"]},
        "code": (
            "import importlib.util\n"
            "from heuristica.demos.spawn_vs_fork import workload\n"
            "print(f'rows={workload.group_by_sum(1000).height}')\n"
            "print('pydantic=' + ('missing' if importlib.util.find_spec('pydantic') is None"
            " else 'present'))\n"
        ),
    }
    write(tmp_path, "h.yaml", page(H, checks=[engine]))

    verification = verify(load_knowledge(tmp_path).pages.values(), str(lean_python))

    (result,) = verification.results
    assert result.status is Status.HOLDS, result
    assert verification.environment.packages["polars"] is not None
