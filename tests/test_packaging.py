"""heuristica as a team installs it (see tests/installed.py): what the wheel
holds, and each command run from a folder outside the repository."""

from __future__ import annotations

import ast
import re
import shlex
import sys
import tomllib
import zipfile
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from mcp import StdioServerParameters
from packaging.requirements import Requirement
from pre_commit.clientlib import load_manifest

from tests.agent import connected, text
from tests.installed import REPO, SPAWN, TEAM_PAGES, heuristica, outside_env, run
from tests.kb import page, write

pytestmark = pytest.mark.timeout(900)  # the first test also builds the wheel and the venv
PACKAGE = REPO / "heuristica"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))


# What the wheel holds


def test_wheel_holds_the_app_its_pages_frontends_settings_and_example(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {name.split("/")[0] for name in names} == {
        "heuristica",
        wheel.name.split("-py3")[0] + ".dist-info",
    }, "nothing but heuristica is installed at the top level"
    # every file of the package, the example knowledge base it links to
    # included (a frontend folder missing from package-data fails here, not in
    # a team's browser)
    expected = {"heuristica/streamlit.toml"} | {
        f"heuristica/{path.relative_to(PACKAGE).as_posix()}"
        for path in [*PACKAGE.rglob("*"), *(PACKAGE / "knowledge").rglob("*")]
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert {"heuristica/app.py", "heuristica/shell.py", "heuristica/pages/tour.py"} <= expected
    assert expected - names == set()


def test_installed_files_are_the_wheels_copies_not_links(venv: Path, tmp_path: Path) -> None:
    shown = run(
        [str(venv / "bin" / "python"), "-c", "import heuristica; print(heuristica.__file__)"],
        cwd=tmp_path,
    )
    package = Path(shown.stdout.strip()).parent
    assert package.is_relative_to(venv), shown.stdout + shown.stderr
    assert not any(path.is_symlink() for path in package.rglob("*"))
    assert (package / "commands" / "cli.py").is_file() and (package / "knowledge").is_dir()


def test_the_installed_help_names_python_m_graph_only_as_the_checkouts_form(
    venv: Path, tmp_path: Path
) -> None:
    said = run([heuristica(venv), "--help"], cwd=tmp_path)
    assert said.returncode == 0, said.stderr
    text = " ".join(said.stdout.split())
    mentions = text.count("python -m graph")
    assert (
        mentions and text.count('In a checkout, "python -m graph" is the same command') == mentions
    )
    outside = run([str(venv / "bin" / "python"), "-m", "graph", "--help"], cwd=tmp_path)
    assert outside.returncode != 0 and "No module named graph" in outside.stderr


# The command, from a team's folder


def test_check_runs_from_a_folder_outside_the_repository(venv: Path, team_folder: Path) -> None:
    done = run([heuristica(venv), "check"], cwd=team_folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[-1].startswith(f"{TEAM_PAGES} pages (")
    write(team_folder / "knowledge", "heuristic/broken.yaml", "type: heuristic\nid: [\n")
    done = run([heuristica(venv), "check", "knowledge", "--format", "github"], cwd=team_folder)
    assert done.returncode == 1
    errors = [line for line in done.stdout.splitlines() if line.startswith("::error ")]
    assert errors and errors[0].startswith(
        "::error file=knowledge/heuristic/broken.yaml,line=3,col=1,"
    )


def test_search_runs_from_a_folder_outside_the_repository(
    venv: Path, team_folder: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    env = {**outside_env(), "HEURISTICA_CACHE": str(cache)}
    done = run([heuristica(venv), "search", "spawn not fork"], cwd=team_folder, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert SPAWN in done.stdout
    # What it parsed and indexed is kept for the next run, which answers the same.
    assert [p.name.split("-")[0] for p in sorted(cache.iterdir())] == ["parsed", "search"]
    again = run([heuristica(venv), "search", "spawn not fork"], cwd=team_folder, env=env)
    assert again.stdout == done.stdout


def test_path_runs_from_a_folder_outside_the_repository(venv: Path, team_folder: Path) -> None:
    done = run([heuristica(venv), "path", "principle/ours", SPAWN], cwd=team_folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Ours → ")


def test_verify_runs_a_pages_check_from_a_folder_outside_the_repository(
    venv: Path, team_folder: Path
) -> None:
    check = {"name": "prints-ok", "claim": "It prints ok.", "code": "print('ok')"}
    checked = page(
        "heuristic/checked",
        ("requires_env", "environment/macos"),
        checks=[check | {"expect": {"output": "ok"}}],
    )
    write(team_folder / "knowledge", "heuristic/checked.yaml", checked)
    done = run([heuristica(venv), "verify", "--page", "heuristic/checked"], cwd=team_folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "holds    heuristic/checked  prints-ok" in done.stdout


def test_pre_commit_hook_refuses_a_broken_page(venv: Path, team_folder: Path) -> None:
    (hook,) = load_manifest(str(REPO / ".pre-commit-hooks.yaml"))
    assert (hook["id"], hook["language"], hook["pass_filenames"]) == (
        "heuristica-check",
        "python",
        False,
    )
    files = re.compile(hook["files"])
    assert files.search("knowledge/heuristic/a.yaml") and files.search("docs/knowledge/t.yml")
    assert not files.search("myknowledge/a.yaml") and not files.search("knowledge/README.md")
    command = [str(venv / "bin" / shlex.split(hook["entry"])[0]), *shlex.split(hook["entry"])[1:]]
    assert run(command, cwd=team_folder).returncode == 0
    write(team_folder / "knowledge", "heuristic/broken.yaml", "type: heuristic\nid: [\n")
    refused = run(command, cwd=team_folder)
    assert refused.returncode == 1 and "broken.yaml:3:1: error" in refused.stdout


def test_mcp_serves_the_folder_from_outside_the_repository(venv: Path, team_folder: Path) -> None:
    server = StdioServerParameters(
        command=heuristica(venv), args=["mcp", "knowledge"], cwd=team_folder, env=outside_env()
    )
    with connected(server) as agent:
        answer = agent.call("get_page", id="principle/ours")
    assert not answer.is_error and text(answer).startswith("# Ours\n")


# What the package declares


def _imported_distributions() -> set[str]:
    """Distributions that the package's code imports (third-party only)."""
    owners = packages_distributions()
    found: set[str] = set()
    files = list(PACKAGE.rglob("*.py"))
    for path in files:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.split(".")[0]
                if top not in sys.stdlib_module_names and top != "heuristica":
                    found.update(owners[top])
    return found


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> list[Requirement]:
    """The core's dependencies and every extra's (``all`` names the others)."""
    project = PYPROJECT["project"]
    extras = [text for texts in project["optional-dependencies"].values() for text in texts]
    requirements = map(Requirement, [*project["dependencies"], *extras])
    return [r for r in requirements if _canonical(r.name) != "heuristica"]


def test_every_imported_package_is_a_declared_dependency() -> None:
    declared = {_canonical(requirement.name) for requirement in _declared()}
    assert {_canonical(d) for d in _imported_distributions()} - declared == set()


def test_the_all_extra_names_every_other_extra() -> None:
    extras = PYPROJECT["project"]["optional-dependencies"]
    (everything,) = extras["all"]
    assert Requirement(everything).extras == set(extras) - {"all"}


def test_requirements_pin_a_version_within_every_declared_range() -> None:
    pins = {
        _canonical(Requirement(line).name): Requirement(line)
        for line in (REPO / "requirements.txt").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith(("#", "-"))
    }
    for dependency in _declared():
        pin = pins.get(_canonical(dependency.name))
        assert pin is not None, f"{dependency.name} is declared but not pinned"
        (exact,) = pin.specifier
        assert exact.operator == "==", f"{pin} is not an exact pin"
        assert dependency.specifier.contains(exact.version), f"{pin} is outside {dependency}"
