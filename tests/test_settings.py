"""A knowledge base's own settings (heuristica.toml, kb.settings): the page the
explorer opens on, and every mistake in the file at its line."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from heuristica.commands.cli import main
from heuristica.kb.loader import LoadResult, load_knowledge
from heuristica.kb.problems import Severity
from heuristica.kb.settings import SETTINGS_FILE
from heuristica.live.fingerprint import folder_fingerprint
from heuristica.ui.knowledge_base import ENV_VAR, RESCAN_SECONDS
from tests.clock import FakeClock
from tests.kb import page, write

APP = Path(__file__).resolve().parent.parent / "heuristica" / "shell.py"
H, E, P = "heuristic/use-spawn", "environment/linux", "principle/fork-copies-one-thread"


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """Three pages; the heuristic has the most links, the environment fewer."""
    write(tmp_path, "h.yaml", page(H, ("requires_env", E), title="Use spawn"))
    write(tmp_path, "e.yaml", page(E, title="Linux"))
    write(tmp_path, "p.yaml", page(P, ("uses_heuristic", H), title="Fork copies one thread"))
    return tmp_path


def settings(root: Path, text: str) -> LoadResult:
    (root / SETTINGS_FILE).write_text(text, encoding="utf-8")
    return load_knowledge(root)


def test_without_a_settings_file_the_defaults_hold(kb: Path) -> None:
    result = load_knowledge(kb)
    assert result.settings.start_page is None
    assert not result.problems


def test_the_start_page_is_read(kb: Path) -> None:
    result = settings(kb, f'# where the explorer opens\nstart_page = "{E}"\n')
    assert result.settings.start_page == E
    assert not result.problems


@pytest.mark.parametrize(
    ("text", "line", "severity", "code", "said"),
    [
        (
            '# the start\nstart_page = "heuristic/use-spwn"\n',
            2,
            Severity.ERROR,
            "start-page-missing",
            "start_page names page 'heuristic/use-spwn', which is not in this knowledge base "
            "(did you mean 'heuristic/use-spawn'?); the explorer opens on the page with the "
            "most links instead",
        ),
        ("start_page = 3\n", 1, Severity.ERROR, "bad-settings", "must be a page id"),
        ('start_page = "use-spawn"\n', 1, Severity.ERROR, "bad-settings", "got 'use-spawn'"),
        ('start_page = "heuristic/use-spawn\n', 1, Severity.ERROR, "bad-settings", "valid TOML"),
        (
            f'start_page = "{H}"\nstrat_page = "{E}"\n',
            2,
            Severity.WARNING,
            "unknown-setting",
            "unknown setting 'strat_page' (did you mean 'start_page'?)",
        ),
    ],
)
def test_each_mistake_is_a_problem_at_its_line(
    kb: Path, text: str, line: int, severity: Severity, code: str, said: str
) -> None:
    result = settings(kb, text)
    (problem,) = result.problems
    assert (problem.file, problem.line, problem.severity, problem.code) == (
        SETTINGS_FILE,
        line,
        severity,
        code,
    )
    assert said in problem.message
    assert result.pages.keys() == {H, E, P}, "a wrong settings file stops no page loading"
    assert result.settings.start_page == (H if code == "unknown-setting" else None)


def test_check_names_the_file_and_line_and_fails(
    kb: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (kb / SETTINGS_FILE).write_text('start_page = "heuristic/gone"\n', encoding="utf-8")
    assert main(["check", str(kb)]) == 1
    out = capsys.readouterr().out
    assert f"{SETTINGS_FILE}:1:1: error: start_page names page 'heuristic/gone'" in out


def test_editing_the_settings_file_changes_the_folder_fingerprint(kb: Path) -> None:
    before = folder_fingerprint(kb)
    (kb / SETTINGS_FILE).write_text(f'start_page = "{E}"\n', encoding="utf-8")
    added = folder_fingerprint(kb)
    (kb / SETTINGS_FILE).write_text(f'start_page = "{H}"\n', encoding="utf-8")
    assert len({before, added, folder_fingerprint(kb)}) == 3


@pytest.fixture
def explorer(kb: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv(ENV_VAR, str(kb))
    st.cache_resource.clear()
    return AppTest.from_file(str(APP), default_timeout=30)


def panel_title(app: AppTest) -> str:
    return app.subheader[0].value


def test_the_explorer_opens_on_the_start_page_and_follows_an_edit(
    kb: Path, explorer: AppTest, app_clock: FakeClock
) -> None:
    (kb / SETTINGS_FILE).write_text(f'start_page = "{E}"\n', encoding="utf-8")
    explorer.run()
    assert not explorer.exception
    assert panel_title(explorer) == "Linux", "not the best-linked page: the one the file names"
    (kb / SETTINGS_FILE).write_text(f'start_page = "{P}"\n', encoding="utf-8")
    app_clock.advance(RESCAN_SECONDS)
    explorer.run()
    assert panel_title(explorer) == "Fork copies one thread"


def test_a_start_page_that_is_gone_opens_the_best_linked_page(kb: Path, explorer: AppTest) -> None:
    (kb / SETTINGS_FILE).write_text('start_page = "heuristic/gone"\n', encoding="utf-8")
    explorer.run()
    assert not explorer.exception
    assert panel_title(explorer) == "Use spawn"
