"""`heuristica serve` and `mcp`: which knowledge folder they use, what they pass
to Streamlit, and a clear message for each mistake a user can make."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from heuristica import EXAMPLE_KNOWLEDGE, KNOWLEDGE_ENV
from heuristica.commands import cli
from heuristica.commands.cli import main
from heuristica.commands.serve import APP, streamlit_command

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder with no knowledge/ in it, and no $HEURISTICA_KNOWLEDGE."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(KNOWLEDGE_ENV, raising=False)
    return tmp_path


def test_without_a_folder_the_shipped_example_is_served_and_said_so(
    elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli._knowledge(None) == EXAMPLE_KNOWLEDGE.resolve()
    assert "(the example that ships with heuristica)" in capsys.readouterr().err


def test_knowledge_in_the_working_folder_comes_before_the_example(
    elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (elsewhere / "knowledge").mkdir()
    assert cli._knowledge(None) == elsewhere / "knowledge"
    assert "found in the working folder" in capsys.readouterr().err


def test_the_environment_variable_comes_before_the_working_folder(
    elsewhere: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (elsewhere / "knowledge").mkdir()
    (elsewhere / "team").mkdir()
    monkeypatch.setenv(KNOWLEDGE_ENV, "team")
    assert cli._knowledge(None) == elsewhere / "team"
    assert cli._knowledge(Path("knowledge")) == elsewhere / "knowledge", "the folder given wins"


def test_streamlit_gets_the_installed_app_the_settings_and_the_folder(elsewhere: Path) -> None:
    argv, env = streamlit_command(elsewhere, 8600, ["--server.address", "127.0.0.1"])
    assert argv[:5] == [sys.executable, "-m", "streamlit", "run", str(APP)]
    assert "--browser.gatherUsageStats=false" in argv and "--server.headless=true" in argv
    assert argv[-3:] == ["--server.port=8600", "--server.address", "127.0.0.1"]
    assert env[KNOWLEDGE_ENV] == str(elsewhere)
    assert env["PYTHONPATH"].split(":")[0] == str(APP.parent.parent)


def test_the_served_app_skips_streamlits_full_collection_after_every_run(elsewhere: Path) -> None:
    # gc.collect(2) after each run was ~90 % of a woken tour follower's cost (docs/tours.md)
    argv, _ = streamlit_command(elsewhere, None, [])
    assert "--runner.postScriptGC=false" in argv


def test_the_served_app_does_not_watch_its_own_source(elsewhere: Path) -> None:
    # every session would walk each loaded module's path and keep its own watchers
    argv, _ = streamlit_command(elsewhere, None, [])
    assert "--server.fileWatcherType=none" in argv


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["serve", "--knowledge", "missing"], "missing: no such folder"),
        (["serve", "--knowledge", "file.txt"], "file.txt: not a folder"),
        (
            ["serve", "knowledge", "oops"],
            "'oops': give one folder; Streamlit options start with --",
        ),
        (["serve", "--port", "8600", "oops"], "oops: no such folder"),
        (
            ["serve", "knowledge", "--knowledge", "knowledge"],
            "two folders: knowledge and --knowledge",
        ),
        (["mcp", "missing"], "missing: no such folder"),
    ],
)
def test_serve_and_mcp_mistakes_are_named_with_exit_2(
    elsewhere: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    (elsewhere / "knowledge").mkdir()
    (elsewhere / "file.txt").write_text("not a folder")
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"heuristica {args[0]}: error: ") and says in err


@pytest.mark.parametrize("port", ["0", "65536", "http", "-1"])
def test_a_bad_port_is_refused_by_name(port: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "graph", "serve", "--port", port],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert f"argument --port: '{port}' is not a port number (1-65535)" in done.stderr


def test_unknown_options_are_refused_outside_serve(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--server.port", "1"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments: --server.port" in capsys.readouterr().err
