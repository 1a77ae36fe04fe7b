"""A new team's first steps on the command line: ``init`` makes a knowledge
base that passes ``check --strict`` and ``verify``, ``new`` finds the
knowledge base it runs in, ``docs`` prints what the messages point to, and
every command takes the folder the same way."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from heuristica import __version__
from heuristica.commands import cli
from heuristica.commands.cli import main
from heuristica.commands.init import TEMPLATE, InstallSpec, install_spec
from heuristica.kb.where import DOCS, command, find_knowledge, folder_argument

INIT_FILES = [
    ".github/workflows/knowledge-review.yml",
    ".github/workflows/knowledge.yml",
    ".github/workflows/verify-matrix.yml",
    ".pre-commit-config.yaml",
    "README.md",
    "knowledge/environment/posix-shell.yaml",
    "knowledge/heuristic/make-setup-scripts-idempotent.yaml",
    "knowledge/implementation/mkdir-p.yaml",
    "knowledge/matrix.toml",
    "knowledge/principle/idempotent-operations-can-be-retried.yaml",
    "knowledge/repositories.toml",
    "knowledge/tours/start-here.yaml",
]


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("team") / "ours"
    assert main(["init", str(folder)]) == 0
    return folder


# --- init ---------------------------------------------------------------------------


def test_init_writes_pages_of_each_kind_a_tour_ci_and_a_hook(team: Path) -> None:
    assert files_under(team) == INIT_FILES
    assert not any("{" in line and "}" in line for line in _placeholders(team))


def _placeholders(folder: Path) -> list[str]:
    """Lines that still hold one of the template's ``{name}`` placeholders."""
    return [
        line
        for path in folder.rglob("*")
        if path.is_file()
        for line in path.read_text("utf-8").splitlines()
        if re.search(r"\{(today|knowledge|knowledge_pattern|install|install_matrix)\}", line)
    ]


def test_what_init_made_passes_check_strict_and_verify(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(team / "knowledge"), "--strict"]) == 0
    assert main(["verify", str(team / "knowledge")]) == 0
    out = capsys.readouterr().out
    assert "2 hold, 0 fail, 0 errors, 0 skipped, 1 not applicable" in out
    assert "no local checkout of https://github.com/coreutils/coreutils" in out


def test_the_workflow_checks_strictly_and_verifies(team: Path) -> None:
    workflow = yaml.safe_load((team / ".github/workflows/knowledge.yml").read_text())
    runs = [step["run"] for step in workflow["jobs"]["knowledge"]["steps"] if "run" in step]
    assert runs == [
        f"pip install {install_spec().spec}",
        "heuristica check knowledge --format github --strict",
        "heuristica verify knowledge",
    ]


def test_the_review_workflow_diffs_the_knowledge_folder_with_the_same_install(
    team: Path,
) -> None:
    workflow = yaml.safe_load((team / ".github/workflows/knowledge-review.yml").read_text())
    runs = [str(step["run"]) for step in workflow["jobs"]["review"]["steps"] if "run" in step]
    assert runs[0] == f"pip install {install_spec().spec}"
    (diff,) = (run for run in runs if run.startswith("heuristica diff"))
    assert 'heuristica diff "$BASE" HEAD knowledge --format markdown' in diff
    assert 'heuristica diff "$BASE" HEAD knowledge --format html' in diff


def test_the_matrix_workflow_plans_runs_one_cell_per_job_and_merges(
    team: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workflow = yaml.safe_load((team / ".github/workflows/verify-matrix.yml").read_text())
    jobs = workflow["jobs"]
    runs = {name: [s["run"] for s in job["steps"] if "run" in s] for name, job in jobs.items()}
    install = f"pip install 'heuristica[matrix]=={__version__}'"
    assert runs["plan"][0] == runs["cell"][0] == runs["record"][0] == install
    assert "heuristica verify knowledge --print-github-matrix" in runs["plan"][1]
    assert runs["cell"][1] == 'heuristica verify knowledge --cell "${{ matrix.cell }}" --record'
    assert runs["record"][1] == "heuristica verify knowledge --merge cells/*/verification.json"
    assert jobs["cell"]["strategy"]["matrix"] == "${{ fromJSON(needs.plan.outputs.matrix) }}"
    # the plan step's command, run on what init wrote, names cells the cell step takes
    assert main(["verify", str(team / "knowledge"), "--print-github-matrix"]) == 0
    planned = json.loads(capsys.readouterr().out)["include"]
    assert [cell["cell"] for cell in planned] == ["py3.11", "py3.12"]


def test_the_matrix_workflow_installs_the_matrix_extra_of_the_given_install(
    tmp_path: Path,
) -> None:
    spec = "heuristica @ git+https://git.example.com/we/heuristica@v0.1.0"
    assert main(["init", str(tmp_path), "--install", spec]) == 0
    workflow = yaml.safe_load((tmp_path / ".github/workflows/verify-matrix.yml").read_text())
    runs = [s.get("run") for s in workflow["jobs"]["plan"]["steps"]]
    matrix = "heuristica[matrix] @ git+https://git.example.com/we/heuristica@v0.1.0"
    assert f"pip install '{matrix}'" in runs


def test_the_pre_commit_hook_checks_the_knowledge_folder(team: Path) -> None:
    config = yaml.safe_load((team / ".pre-commit-config.yaml").read_text())
    (hook,) = config["repos"][0]["hooks"]
    assert hook["entry"] == "heuristica check knowledge --strict"
    files = re.compile(hook["files"])
    assert files.search("knowledge/heuristic/a.yaml") and not files.search("src/a.yaml")


def test_init_says_what_to_do_next(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "t")]) == 0
    out = capsys.readouterr().out
    assert f"wrote {len(INIT_FILES)} files into " in out
    assert command("check", folder_argument(tmp_path / "t" / "knowledge"), "--strict") in out


def test_init_from_a_checkout_says_the_workflows_install_line_is_a_guess(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the tests run heuristica from this checkout: no installed distribution
    assert main(["init", str(tmp_path / "t")]) == 0
    out = capsys.readouterr().out
    assert f"Note: the workflows run 'pip install heuristica=={__version__}', but " in out
    assert "init --install SPEC writes it for you" in out


def test_init_install_names_what_the_workflow_installs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = "heuristica @ git+https://git.example.com/we/heuristica@v0.1.0"
    assert main(["init", str(tmp_path), "--install", spec]) == 0
    assert "Note:" not in capsys.readouterr().out
    workflow = yaml.safe_load((tmp_path / ".github/workflows/knowledge.yml").read_text())
    assert f"pip install '{spec}'" in [
        step.get("run") for step in workflow["jobs"]["knowledge"]["steps"]
    ]
    review = yaml.safe_load((tmp_path / ".github/workflows/knowledge-review.yml").read_text())
    assert f"pip install '{spec}'" in [
        step.get("run") for step in review["jobs"]["review"]["steps"]
    ]


class Installed:
    """A stand-in for ``importlib.metadata``'s Distribution with a direct_url.json."""

    def __init__(self, direct_url: str | None) -> None:
        self.direct_url = direct_url

    def read_text(self, name: str) -> str | None:
        return self.direct_url if name == "direct_url.json" else None


@pytest.mark.parametrize(
    ("direct_url", "spec", "known"),
    [
        (None, f"heuristica=={__version__}", True),
        (
            '{"url": "https://github.com/we/heuristica", '
            '"vcs_info": {"vcs": "git", "commit_id": "abc123"}}',
            "heuristica @ git+https://github.com/we/heuristica@abc123",
            True,
        ),
        (
            '{"url": "https://example.com/heuristica-0.1.0-py3-none-any.whl", "archive_info": {}}',
            "heuristica @ https://example.com/heuristica-0.1.0-py3-none-any.whl",
            True,
        ),
        (
            '{"url": "file:///home/me/heuristica", "dir_info": {}}',
            f"heuristica=={__version__}",
            False,
        ),
        ("not json", f"heuristica=={__version__}", False),
    ],
    ids=["index", "git", "wheel-url", "local-folder", "unreadable"],
)
def test_the_install_line_follows_where_heuristica_came_from(
    monkeypatch: pytest.MonkeyPatch, direct_url: str | None, spec: str, known: bool
) -> None:
    monkeypatch.setattr(
        "heuristica.commands.init.metadata.distribution", lambda name: Installed(direct_url)
    )
    assert install_spec() == InstallSpec(spec, known)


def test_init_overwrites_nothing_and_writes_nothing_when_a_file_is_there(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "README.md").write_text("ours\n")
    assert main(["init", str(tmp_path)]) == 2
    assert "not overwriting what is there: " in capsys.readouterr().err
    assert files_under(tmp_path) == ["README.md"]
    assert (tmp_path / "README.md").read_text() == "ours\n"


def test_init_into_a_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "f").write_text("")
    assert main(["init", str(tmp_path / "f")]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_the_template_ships_dot_files_under_plain_names() -> None:
    assert not [p for p in TEMPLATE.rglob("*") if p.name.startswith(".")]


# --- new ----------------------------------------------------------------------------


def test_new_in_a_nested_folder_writes_into_the_knowledge_base_it_is_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["init", str(tmp_path)]) == 0
    capsys.readouterr()
    monkeypatch.chdir(tmp_path / "knowledge" / "heuristic")
    assert main(["new", "environment", "Our CI runners"]) == 0
    written = tmp_path / "knowledge" / "environment" / "our-ci-runners.yaml"
    assert written.is_file()
    out = capsys.readouterr().out
    assert out == (
        "wrote ../environment/our-ci-runners.yaml: fill in every section, then run: "
        "heuristica check ..\n"
    )


def test_new_from_the_repository_root_finds_its_knowledge_folder(tmp_path: Path) -> None:
    (tmp_path / "knowledge").mkdir()
    (tmp_path / "src" / "deep").mkdir(parents=True)
    assert find_knowledge(tmp_path / "src" / "deep") == tmp_path / "knowledge"


def test_new_with_no_knowledge_base_around_says_how_to_start_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["new", "heuristic", "X"]) == 2
    assert "start one with 'heuristica init'" in capsys.readouterr().err


# --- docs, help, serve ------------------------------------------------------------------


def test_docs_lists_and_prints_the_shipped_documents(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["docs"]) == 0
    assert "  page-format\n" in capsys.readouterr().out
    assert main(["docs", "page-format"]) == 0
    assert capsys.readouterr().out == (DOCS / "page-format.md").read_text("utf-8")
    assert main(["docs", "nope"]) == 2
    assert "no document 'nope'; there are: " in capsys.readouterr().err


def test_messages_point_at_docs_that_exist(capsys: pytest.CaptureFixture[str]) -> None:
    from heuristica.kb.signature import unparsable

    _, why = unparsable("print(1)", "def f()") or ("", "")
    (name,) = re.findall(r"`heuristica docs ([\w-]+)`", why)
    assert main(["docs", name]) == 0
    assert "## The Code Reference check" in capsys.readouterr().out


def test_version_names_the_installed_heuristica(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert (exited.value.code, capsys.readouterr().out) == (0, f"heuristica {__version__}\n")


def test_help_is_complete_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "``" not in out and "python -m graph" in out
    assert "Exit codes: 0 sound" in out and out.rstrip().endswith('as "| head" does).')


@pytest.mark.parametrize(
    "name", ["check", "export", "new", "init", "docs", "search", "path", "verify", "serve", "mcp"]
)
def test_each_commands_help_says_what_it_does_and_what_each_argument_is(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        main([name, "--help"])
    out = capsys.readouterr().out
    _, description, *sections = out.split("\n\n")
    assert description.strip() and "``" not in out
    for section in sections:
        title, *lines = section.splitlines()
        if title == "positional arguments:":
            for line, after in zip(lines, [*lines[1:], ""], strict=True):
                if not line.startswith("   "):  # an argument, then its help here or below
                    assert len(line.split()) > 1 or after.startswith("   "), line


def test_serve_takes_the_folder_as_its_argument_like_the_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[tuple[Path, int | None, list[str]]] = []
    monkeypatch.setattr(
        "heuristica.commands.serve.exec_streamlit",
        lambda root, port, options: served.append((root, port, options)),
    )
    (tmp_path / "kb").mkdir()
    cli.main(["serve", str(tmp_path / "kb"), "--server.address", "0.0.0.0", "--port", "8601"])
    assert served == [((tmp_path / "kb").resolve(), 8601, ["--server.address", "0.0.0.0"])]
