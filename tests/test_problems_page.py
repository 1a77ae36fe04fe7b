"""The Problems page, run through the app shell by Streamlit's AppTest on a
knowledge base with mistakes in it (some of them hostile)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from heuristica.kb.loader import load_knowledge
from heuristica.kb.problems import Problem, Severity
from heuristica.ui.knowledge_base import ENV_VAR
from tests.kb import page, write

APP = Path(__file__).resolve().parent.parent / "heuristica" / "shell.py"
HOSTILE_FILE = '<img src=x onerror="window.__pwned=1">.yaml'
HOSTILE_FIELD = "<script>window.__pwned=1</script>"


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    write(tmp_path, "good.yaml", page("principle/good", ("uses_heuristic", "heuristic/typo")))
    typo = page("heuristic/typo")
    typo["reasonning"] = typo.pop("reasoning")
    write(tmp_path, "typo.yaml", typo)
    write(
        tmp_path,
        HOSTILE_FILE,
        page("principle/hostile", ("implemented_by", "implementation/missing"), title="Hostile"),
    )
    write(tmp_path, "field.yaml", {**page("environment/field"), HOSTILE_FIELD: 1})
    write(tmp_path, "lonely.yaml", page("implementation/lonely"))
    return tmp_path


def problems_page(root: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv(ENV_VAR, str(root))
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.run()
    app.switch_page("pages/problems.py").run()
    assert not app.exception, app.exception
    return app


def rows(app: AppTest) -> list[tuple[str, str, str, str]]:
    table = app.main.dataframe[0].value
    assert list(table.columns) == ["Where", "Severity", "Problem", "Message"]
    return [tuple(row) for row in table.itertuples(index=False)]


def expected(root: Path) -> list[Problem]:
    return sorted(load_knowledge(root).problems)


def where(problem: Problem) -> str:
    return f"{problem.file}:{problem.line}:{problem.col}" if problem.line else problem.file


def test_every_problem_is_listed_with_place_severity_and_message(
    broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = problems_page(broken, monkeypatch)
    problems = expected(broken)
    assert {p.severity for p in problems} == set(Severity)
    assert rows(app) == [(where(p), p.severity.value, p.code, p.message) for p in problems]
    typo = next(row for row in rows(app) if "reasonning" in row[3])
    assert re.fullmatch(r"typo\.yaml:\d+:\d+", typo[0])
    assert [m.value for m in app.main.metric] == [
        str(sum(p.is_error for p in problems)),
        str(sum(not p.is_error for p in problems)),
    ]


def test_severity_filter_shows_only_that_severity(
    broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = problems_page(broken, monkeypatch)
    app.multiselect(key="problems_severity").select(Severity.WARNING).run()
    warnings = [p for p in expected(broken) if not p.is_error]
    assert [row[0] for row in rows(app)] == [where(p) for p in warnings]
    assert f"{len(warnings)} of {len(expected(broken))} problems" in [c.value for c in app.caption]


def test_file_filter_shows_only_that_file(broken: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = problems_page(broken, monkeypatch)
    files = app.multiselect(key="problems_files")
    assert files.options == sorted({p.file for p in expected(broken)})
    assert HOSTILE_FILE in files.options
    files.select("typo.yaml").run()
    assert {row[0].rsplit(":", 2)[0] for row in rows(app)} == {"typo.yaml"}


def test_hostile_file_names_and_fields_stay_out_of_markdown(
    broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = problems_page(broken, monkeypatch)
    cells = " ".join(" ".join(row) for row in rows(app))
    assert HOSTILE_FILE in cells
    assert HOSTILE_FIELD in cells
    markdown = [
        element.value
        for element in (*app.markdown, *app.caption, *app.title, *app.warning, *app.success)
    ]
    assert not any("<img" in body or "<script" in body for body in markdown)


def test_the_sidebar_counts_the_problems(broken: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # AppTest drops the shell's sidebar after switch_page, so look on the first page.
    monkeypatch.setenv(ENV_VAR, str(broken))
    app = AppTest.from_file(str(APP), default_timeout=30).run()
    problems = expected(broken)
    errors = sum(p.is_error for p in problems)
    assert (errors, len(problems) - errors) == (5, 3)
    assert any("5 errors, 3 warnings in" in warning.value for warning in app.sidebar.warning)


def test_a_clean_knowledge_base_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "a.yaml", page("principle/a", ("uses_heuristic", "heuristic/b")))
    write(tmp_path, "b.yaml", page("heuristic/b"))
    app = problems_page(tmp_path, monkeypatch)
    assert [s.value for s in app.success] == [
        "No problems: every page loaded and every link is valid."
    ]
    assert not app.main.dataframe
