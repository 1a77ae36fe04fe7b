"""The repository's own pre-commit hooks (.pre-commit-config.yaml), as
pre-commit itself reads them: the checks CI runs, each a tool this
environment has, and the knowledge check passing on the shipped pages."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from pre_commit.clientlib import load_config

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / ".pre-commit-config.yaml"


def hooks() -> dict[str, dict[str, object]]:
    config = load_config(str(CONFIG))  # raises on anything pre-commit would refuse
    return {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}


def test_the_hooks_are_the_checks_ci_runs() -> None:
    assert list(hooks()) == ["ruff", "ruff-format", "mypy", "import-linter", "heuristica-check"]
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    for command in ("ruff check", "ruff format --check", "mypy"):
        assert command in ci


def test_each_hook_runs_a_tool_this_environment_has() -> None:
    here = Path(sys.executable).parent  # a virtualenv's tools, activated or not
    for hook_id, hook in hooks().items():
        program = shlex.split(str(hook["entry"]))[0]
        found = (here / program).exists() or shutil.which(program)
        assert found, f"{hook_id}: {program} is not installed"


def test_the_knowledge_hook_passes_on_the_shipped_pages() -> None:
    hook = hooks()["heuristica-check"]
    assert hook["pass_filenames"] is False and "knowledge/" in str(hook["files"])
    argv = shlex.split(str(hook["entry"]))
    argv[0] = sys.executable if argv[0] == "python" else argv[0]
    done = subprocess.run(argv, cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
