"""Whatever the product tells a user to run works where that user is: every
shell command in the README's and the docs' code blocks, and every command
the app prints, run with the installed wheel (a fresh venv) from a folder
outside the repository; and a core-only install runs the command line and
names the extra for the rest."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.core_venv import make_core_venv
from tests.installed import REPO, outside_env, run, team
from tests.kb import page, write
from tests.test_panel import Draw, draw, host  # noqa: F401 - the panel's host app and its fixture
from tests.verify.recorded import HOLDS, build

pytestmark = pytest.mark.timeout(900)  # the first test may build the wheel and the venv

DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]

NOT_RUN = {
    # installs: the venv fixture installs the built wheel the same way (pip install WHEEL)
    "pip install": "installs heuristica; the fixtures install the wheel the same way",
    "bash scripts/install-test-deps": "installs system packages and runs the whole suite (CI)",
    "streamlit run": "starts a server that stays up (tests/e2e start and drive it)",
    "HEURISTICA_KNOWLEDGE=examples/sql-indexing streamlit run": "a server (tests/e2e)",
    "heuristica serve": "starts a server that stays up (tests/e2e/test_installed_app.py)",
    "heuristica mcp": "serves MCP on stdin until closed (test_packaging drives it)",
    "docker compose": "needs Docker",
    "python -m bench.": "benchmarks take minutes; bench/ runs them",
    "git add": "changes the reader's git index",
    "heuristica verify --python": "names an interpreter the reader makes first",
    "heuristica verify knowledge --matrix": "builds one environment per cell with uv (minutes)",
    "heuristica verify --matrix": "builds one environment per cell with uv (minutes)",
    "heuristica verify knowledge --cell": "builds a cell's environment with uv (minutes)",
    "heuristica verify knowledge --merge": "merges records that CI jobs made",
    "heuristica verify --page heuristic/polars-use-spawn-not-fork": (
        "four Polars checks that deadlock on purpose, 20 s; a --page run is tested below"
    ),
}
WHOLE_EXAMPLE = "runs every check of the shipped knowledge base (minutes); CI runs it"
NOT_RUN_EXACTLY = {
    f"heuristica verify{options}": WHOLE_EXAMPLE
    for options in ("", " --record", " --format json", " --jobs 1")
}


def code_blocks(document: Path) -> list[list[str]]:
    """The command lines of each bash block, comments and continuation lines dropped."""
    blocks = re.findall(r"```(?:bash|sh|shell)\n(.*?)```", document.read_text("utf-8"), re.S)
    return [
        [
            line.split("  #")[0].rstrip()
            for line in block.splitlines()
            if line.strip() and not line.lstrip().startswith("#")
        ]
        for block in blocks
    ]


def reason_not_run(line: str) -> str | None:
    """Why ``line`` is not run here (the longest matching prefix), or None."""
    if line in NOT_RUN_EXACTLY:
        return NOT_RUN_EXACTLY[line]
    matches = [prefix for prefix in NOT_RUN if line == prefix or line.startswith(f"{prefix} ")]
    matches += [prefix for prefix in NOT_RUN if prefix.endswith(".") and line.startswith(prefix)]
    return NOT_RUN[max(matches, key=len)] if matches else None


def shell(venv: Path, script: str, cwd: Path) -> tuple[int, str]:
    """``script`` run by bash (stopping at the first failure) with ``venv``'s
    commands first on PATH, as a user who installed heuristica there runs it."""
    env = {**outside_env(), "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-e", "-x", "-c", script], cwd=cwd, env=env, capture_output=True, text=True
    )
    return done.returncode, done.stdout + done.stderr


BLOCKS = [
    pytest.param(document, index, id=f"{document.name}-{index}")
    for document in DOCUMENTS
    for index, block in enumerate(code_blocks(document))
    if any(reason_not_run(line) is None for line in block)
]


def test_every_documented_command_is_run_or_says_why_not() -> None:
    lines = [line for document in DOCUMENTS for block in code_blocks(document) for line in block]
    ran = [line for line in lines if reason_not_run(line) is None]
    assert all(line.startswith(("heuristica ", "cd ")) for line in ran), ran
    assert len(ran) >= 15


@pytest.mark.parametrize(("document", "index"), BLOCKS)
def test_the_commands_of_a_code_block_run_from_the_installed_wheel(
    venv: Path, tmp_path: Path, document: Path, index: int
) -> None:
    folder = team(tmp_path / "team")
    block = code_blocks(document)[index]
    script = "\n".join(line for line in block if reason_not_run(line) is None)
    status, output = shell(venv, script, folder)
    assert status == 0, output


# --- what the app prints ------------------------------------------------------------


def test_the_problems_page_command_runs_and_lists_the_problem(
    venv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = team(tmp_path / "with space")
    write(folder / "knowledge", "heuristic/broken.yaml", "type: heuristic\nid: [\n")
    monkeypatch.setenv("HEURISTICA_KNOWLEDGE", str(folder / "knowledge"))
    app = AppTest.from_file(str(REPO / "heuristica" / "shell.py"), default_timeout=30)
    app.run()
    app.switch_page("pages/problems.py").run()
    (printed,) = [code.value for code in app.main.code if code.value.startswith("heuristica ")]
    # the folder outside the server's working folder is named alone, to run where it is
    assert str(tmp_path) not in printed
    assert "in the folder that holds `knowledge`" in app.caption[0].value
    status, output = shell(venv, printed, folder)
    assert status == 1, output
    assert "heuristic/broken.yaml:3:1: error" in output


def test_the_tour_pages_docs_pointer_prints_the_tours_document(
    venv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "no tours"
    write(folder, "heuristic/a.yaml", page("heuristic/a", title="A"))
    monkeypatch.setenv("HEURISTICA_KNOWLEDGE", str(folder))
    app = AppTest.from_file(str(REPO / "heuristica" / "shell.py"), default_timeout=30)
    app.run()
    app.switch_page("pages/tour.py").run()
    (hint,) = [info.value for info in app.info if "heuristica docs" in info.value]
    (printed,) = re.findall(r"`(heuristica docs [\w-]+)`", hint)
    status, output = shell(venv, printed, tmp_path)
    assert status == 0, output
    assert output.startswith("# Tours: onboarding sessions\n")


def test_the_badges_verify_command_runs_that_page(venv: Path, draw: Draw, tmp_path: Path) -> None:  # noqa: F811
    recorded = build(tmp_path / "recorded kb")
    app = draw(recorded, HOLDS)
    (printed,) = [code.value for code in app.code if code.value.startswith("heuristica verify")]
    status, output = shell(venv, printed, tmp_path)
    assert status == 0, output
    assert f"holds    {HOLDS}  ok" in output


# --- the core install ---------------------------------------------------------------


@pytest.fixture(scope="session")
def core(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_core_venv(tmp_path_factory.mktemp("core") / "env", wheel)


def test_the_core_install_cannot_import_the_extras(core: Path, tmp_path: Path) -> None:
    extras = ("streamlit", "polars", "mcp", "uv", "redis", "pyvis", "pandas", "numpy")
    probe = f"import importlib.util as u; print([m for m in {extras} if u.find_spec(m)])"
    done = run([str(core / "bin" / "python"), "-c", probe], cwd=tmp_path)
    assert done.stdout.strip() == "[]", done.stderr


RETRIED = "principle/idempotent-operations-can-be-retried"


def test_the_core_install_checks_searches_finds_paths_verifies_and_diffs(
    core: Path, tmp_path: Path
) -> None:
    script = "\n".join(
        [
            "heuristica init team",
            "heuristica check team/knowledge --strict",
            "heuristica search idempotent team/knowledge",
            f"heuristica path {RETRIED} implementation/mkdir-p team/knowledge",
            "heuristica verify team/knowledge",
            "heuristica export team/knowledge --format json -o kb.json",
            "heuristica docs page-format > /dev/null",
            # the review workflow's diff, as it runs there (the core install)
            "git init -q team && git -C team add -A",
            "git -C team -c user.name=T -c user.email=t@example.com commit -q -m first",
            f"sed -i 's/^title: .*/title: Run it again/' team/knowledge/{RETRIED}.yaml",
            "heuristica diff HEAD team/knowledge --format markdown -o diff.md",
            "heuristica diff HEAD team/knowledge --format html -o diff.html",
        ]
    )
    status, output = shell(core, script, tmp_path)
    assert status == 0, output
    assert "pages: 1 changed" in (tmp_path / "diff.md").read_text()
    assert RETRIED in (tmp_path / "diff.html").read_text()


@pytest.mark.parametrize(
    ("args", "extra"),
    [(["serve", "knowledge"], "app"), (["mcp", "knowledge"], "mcp")],
)
def test_the_core_install_names_the_extra_a_command_needs(
    core: Path, tmp_path: Path, args: list[str], extra: str
) -> None:
    (tmp_path / "knowledge").mkdir()
    done = run([str(core / "bin" / "heuristica"), *args], cwd=tmp_path)
    assert done.returncode == 2
    assert f"needs the '{extra}' extra" in done.stderr
    assert f"pip install 'heuristica[{extra}]'" in done.stderr


def test_the_second_knowledge_base_passes_strict_check_from_the_core(
    core: Path, tmp_path: Path
) -> None:
    shutil.copytree(REPO / "examples" / "sql-indexing", tmp_path / "sql")
    status, output = shell(core, "heuristica check sql --strict", tmp_path)
    assert status == 0, output
