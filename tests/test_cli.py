"""`python -m graph` check / export / new, as an author runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from heuristica.commands.cli import main
from tests.kb import page, write

REPO = Path(__file__).resolve().parent.parent
H, E = "heuristic/use-spawn", "environment/linux"


def sound(root: Path) -> Path:
    write(root, "h.yaml", page(H, ("requires_env", E)))
    write(root, "e.yaml", page(E))
    return root


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "graph", *args], cwd=REPO, capture_output=True, text=True
    )


def test_check_on_the_shipped_knowledge_base_passes() -> None:
    done = run("check")
    assert done.returncode == 0, done.stdout
    assert " 0 errors" in done.stdout.splitlines()[-1]


def test_check_sound_base_prints_summary_and_exits_0(tmp_path: Path) -> None:
    done = run("check", str(sound(tmp_path)))
    assert done.returncode == 0
    assert done.stdout.strip() == (
        "2 pages (0 principle, 0 implementation, 1 heuristic, 1 environment), "
        "1 links, 0 tours, 0 errors, 0 warnings"
    )


def test_check_prints_each_problem_and_exits_1_without_traceback(tmp_path: Path) -> None:
    sound(tmp_path)
    write(tmp_path, "bad.yaml", "type: heuristic\nid: [\n")
    done = run("check", str(tmp_path))
    assert done.returncode == 1
    assert done.stdout.splitlines()[0].startswith(f"{tmp_path / 'bad.yaml'}:3:1: error: YAML")
    assert "Traceback" not in done.stderr + done.stdout


def test_warnings_alone_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sound(tmp_path)
    write(tmp_path, "lonely.yaml", page("principle/lonely"))
    assert main(["check", str(tmp_path)]) == 0
    assert "warning: page 'principle/lonely' links nowhere" in capsys.readouterr().out


def test_check_json_lists_problems_and_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sound(tmp_path)
    write(tmp_path, "x.yaml", page(H, type="heurstic"))
    assert main(["check", str(tmp_path), "--format", "json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["summary"]["errors"] == 1
    problem = out["problems"][0]
    assert (problem["line"], problem["col"], problem["code"]) == (1, 7, "unknown-type")
    assert problem["severity"] == "error"


def test_missing_path_is_bad_usage_exit_2(tmp_path: Path) -> None:
    done = run("check", str(tmp_path / "nope"))
    assert done.returncode == 2
    assert "no such folder" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_option_is_bad_usage_exit_2() -> None:
    assert run("check", "--format", "xml").returncode == 2


def test_export_graphml_opens_in_networkx(tmp_path: Path) -> None:
    out = tmp_path / "kb.graphml"
    assert main(["export", str(sound(tmp_path / "kb")), "--format", "graphml", "-o", str(out)]) == 0
    graph = nx.read_graphml(out)
    assert graph.nodes[H]["type"] == "heuristic"
    assert [d["relation"] for _, _, d in graph.edges(data=True)] == ["requires_env"]


def test_export_json_is_node_link_with_whole_pages(tmp_path: Path) -> None:
    out = tmp_path / "kb.json"
    assert main(["export", str(sound(tmp_path / "kb")), "--format", "json", "-o", str(out)]) == 0
    data = json.loads(out.read_text())
    assert {n["id"] for n in data["nodes"]} == {H, E}
    assert data["links"] == [
        {"source": H, "target": E, "relation": "requires_env", "label": "Requires"}
    ]
    heuristic = next(n["page"] for n in data["nodes"] if n["id"] == H)
    assert heuristic["insight"]["action"] == "Use spawn."


@pytest.mark.parametrize("page_type", ["principle", "implementation", "heuristic", "environment"])
def test_new_writes_a_skeleton_with_every_section(
    tmp_path: Path, page_type: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", page_type, "Fork is Tricky!", "--dir", str(tmp_path)]) == 0
    path = tmp_path / page_type / "fork-is-tricky.yaml"
    assert path.exists()
    capsys.readouterr()
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "unknown field" not in out and "YAML syntax" not in out
    assert "'overview' is empty: write it" in out
    assert f"id: {page_type}/fork-is-tricky" in path.read_text()


def test_new_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "heuristic", "Use spawn", "--dir", str(tmp_path)]) == 0
    path = tmp_path / "heuristic" / "use-spawn.yaml"
    path.write_text("mine")
    assert main(["new", "heuristic", "Use spawn", "--dir", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert path.read_text() == "mine"


def test_new_refuses_a_title_without_letters(tmp_path: Path) -> None:
    assert main(["new", "heuristic", "!!!", "--dir", str(tmp_path)]) == 2


_HEAVY = ("networkx", "pydantic", "yaml", "tantivy", "streamlit", "mcp", "markdown_it")
"""What a command that reads no page has no need to import (each 0.1-1.1 s)."""


@pytest.mark.parametrize(
    "argv", [["--version"], ["check", "--help"], ["diff", "--help"], ["search", "--help"]]
)
def test_a_command_that_reads_no_page_imports_none_of_the_loaders_code(argv: list[str]) -> None:
    # `heuristica --version` took 0.8 s when the CLI imported every command's code at start.
    code = (
        "import sys\nfrom heuristica.commands.cli import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        "print('MODULES', *sorted(sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = out.stdout.rpartition("MODULES")[2].split()
    assert "heuristica.commands.cli" in modules
    loaded = [name for name in modules if name.split(".")[0] in _HEAVY]
    ours = [
        name for name in modules if name.startswith(("heuristica.kb.loader", "heuristica.draw"))
    ]
    assert not loaded and not ours, f"{' '.join(argv)} imported {loaded + ours}"


def test_diff_has_a_writer_for_every_format_it_offers() -> None:
    from heuristica.commands.diff import FORMATS
    from heuristica.commands.diff_report import WRITERS

    assert tuple(WRITERS) == FORMATS


def test_every_command_names_a_function_that_exists() -> None:
    # Each command's code is imported only when it runs (commands.lazy.Handler):
    # a misspelt module or function would fail only then.
    import argparse
    import importlib

    from heuristica.commands.cli import _parser
    from heuristica.commands.lazy import Handler

    commands = next(
        action
        for action in _parser("heuristica")._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    handlers = {name: sub.get_default("run") for name, sub in commands.choices.items()}
    lazy = {name: run for name, run in handlers.items() if isinstance(run, Handler)}
    assert {"check", "search", "diff", "new", "init", "docs", "path", "export", "verify"} <= set(
        lazy
    )
    for name, run in lazy.items():
        assert callable(getattr(importlib.import_module(run.module), run.function)), name
