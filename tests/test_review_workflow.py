"""The pull-request review workflow that ``heuristica init`` writes
(.github/workflows/knowledge-review.yml, shown in docs/ci.md): its own shell
steps run as written, on a scripted repository where a pull request
is merged into its base as actions/checkout does, with `gh` answering from a
file of comments. Two pushes make one comment, updated."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from heuristica import child_env
from heuristica.commands.init import init
from tests.git_repo import ScriptedRepo
from tests.kb import page

REPO = Path(__file__).resolve().parents[1]
DOCS_INSTALL = "heuristica @ git+https://github.com/<owner>/heuristica@<tag>"
"""The install line docs/ci.md shows the workflow with."""
MARKER = "<!-- heuristica-diff -->"
H = "heuristic/use-spawn"


@pytest.fixture(scope="module")
def workflow(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The review workflow as ``heuristica init --install DOCS_INSTALL`` writes it."""
    team = tmp_path_factory.mktemp("init") / "team"
    init(team, install=DOCS_INSTALL)
    return (team / ".github" / "workflows" / "knowledge-review.yml").read_text()


def _jobs(workflow: str) -> dict[str, Any]:
    jobs: dict[str, Any] = yaml.safe_load(workflow)["jobs"]
    return jobs


def _steps(workflow: str) -> dict[str, dict[str, object]]:
    return {step.get("name", ""): step for step in _jobs(workflow)["review"]["steps"]}


def _on_runner(text: str, temp: Path) -> str:
    """``text`` with the runner's temporary folder as ``temp``."""
    return text.replace("${{ runner.temp }}", str(temp))


@pytest.fixture
def tools(tmp_path: Path) -> Path:
    """A bin folder with `heuristica` (this checkout) and `gh` (tests/fake_gh.py)."""
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    shims = {
        "heuristica": f'exec "{sys.executable}" -m heuristica "$@"',
        "gh": f'exec "{sys.executable}" "{REPO / "tests" / "fake_gh.py"}" "$@"',
    }
    for name, line in shims.items():
        shim = bin_folder / name
        shim.write_text(f"#!/bin/sh\n{line}\n")
        shim.chmod(0o755)
    return bin_folder


def _pull_request(repo: ScriptedRepo) -> str:
    """HEAD: the topic branch merged into main, as actions/checkout checks out a
    pull request; returns main's commit (the event's base.sha)."""
    base = repo.git("rev-parse", "main")
    repo.git("checkout", "-q", "--detach", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge topic into main", "topic")
    return base


def _run_steps(workflow: str, repo: ScriptedRepo, tools: Path, base: str, store: Path) -> None:
    steps = _steps(workflow)
    env = {
        **child_env(),
        **steps["Diff the knowledge base"]["env"],  # type: ignore[dict-item]
        **steps["Post or update the comment"]["env"],  # type: ignore[dict-item]
        "PATH": f"{tools}{os.pathsep}{os.environ['PATH']}",
        "BASE": base,
        "RUN": "https://github.example/team/kb/actions/runs/1",
        "GITHUB_REPOSITORY": "team/kb",
        "PR": "7",
        "GH_TOKEN": "unused",
        "FAKE_GH_STORE": str(store),
    }
    cache = _jobs(workflow)["review"]["env"]["HEURISTICA_CACHE"]
    env["HEURISTICA_CACHE"] = _on_runner(cache, store.parent / "runner-temp")
    for name in ("Diff the knowledge base", "Post or update the comment"):
        script = str(steps[name]["run"])
        subprocess.run(["bash", "-e", "-c", script], cwd=repo.top, env=env, check=True)


def test_two_pushes_make_one_comment_updated_and_an_html_artifact(
    workflow: str, tmp_path: Path, tools: Path
) -> None:
    repo = ScriptedRepo(tmp_path / "team")
    repo.write(f"{H}.yaml", page(H))
    repo.commit("first page")
    repo.git("checkout", "-q", "-b", "topic")
    repo.write("heuristic/cap-threads.yaml", page("heuristic/cap-threads"))
    repo.commit("add a heuristic")
    store = tmp_path / "comments.json"
    _run_steps(workflow, repo, tools, _pull_request(repo), store)
    (first,) = json.loads(store.read_text())
    assert first["body"].startswith(MARKER)
    assert "pages: 1 added" in first["body"]
    html = (repo.top / "knowledge-diff.html").read_text()
    assert 'id="graph-data"' in html and "heuristic/cap-threads" in html
    cache_step = _jobs(workflow)["review"]["steps"][3]  # keeps what the diff parsed
    assert cache_step["uses"].startswith("actions/cache@")
    kept = _on_runner(cache_step["with"]["path"], tmp_path / "runner-temp")
    assert [path.name.startswith("parsed-") for path in Path("/").glob(kept.lstrip("/"))] == [True]

    repo.git("checkout", "-q", "topic")
    repo.write(f"{H}.yaml", page(H, overview="Edited on the second push."))
    repo.commit("second push")
    _run_steps(workflow, repo, tools, _pull_request(repo), store)
    (second,) = json.loads(store.read_text())
    assert second["id"] == first["id"]
    assert "pages: 1 added, 1 changed" in second["body"]


def test_no_step_interpolates_event_values_into_its_script(workflow: str) -> None:
    for name, step in _steps(workflow).items():
        assert not re.search(r"\$\{\{", str(step.get("run", ""))), name


def test_docs_show_the_workflow_init_writes(workflow: str) -> None:
    assert f"pip install '{DOCS_INSTALL}'" in workflow
    assert workflow.strip() in (REPO / "docs" / "ci.md").read_text()
