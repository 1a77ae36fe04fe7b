"""A value from the address bar is never Markdown: each page that reads a URL
parameter shows a value it cannot use as code, so a link or image in it is
text (no live link, nothing fetched), whatever the value holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from heuristica.ui.knowledge_base import ENV_VAR
from tests.markup import markdown_targets

REPO = Path(__file__).resolve().parent.parent
FIXTURE_KB = REPO / "tests" / "fixtures" / "explorer_kb"
HOSTILE = [
    "[click me](https://elsewhere.example)",
    "![a picture](https://elsewhere.example/i.png)",
    "<https://elsewhere.example>",
    "`x` [y][r]\n\n[r]: https://elsewhere.example",
    ":red[styled] **bold** $\\rule{3000px}{3000px}$",
]


def warnings_for(page: str, monkeypatch: pytest.MonkeyPatch, **params: str) -> list[str]:
    monkeypatch.setenv(ENV_VAR, str(FIXTURE_KB))
    app = AppTest.from_file(str(REPO / "heuristica" / "shell.py"), default_timeout=30)
    if page:
        app.switch_page(page)
    for name, value in params.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, app.exception
    return [warning.value for warning in app.main.warning]


def shows_as_code(body: str, value: str) -> None:
    """``value`` appears in ``body`` as one code span and makes no link, image or markup."""
    assert markdown_targets(body) == []
    (inline,) = [token for token in MarkdownIt().parse(body) if token.type == "inline"]
    children = inline.children or []
    codes = [token.content for token in children if token.type == "code_inline"]
    assert " ".join(value.split()) in codes, (body, codes)
    assert not any(token.type in ("strong_open", "em_open", "image") for token in children)


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(
    ("page", "name"),
    [("pages/demo.py", "demo"), ("pages/demo.py", "scenario"), ("", "node")],
)
def test_a_url_value_is_shown_as_code(
    page: str, name: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    (warning,) = warnings_for(page, monkeypatch, **{name: value})
    shows_as_code(warning, value)


@pytest.mark.parametrize("value", HOSTILE)
def test_tour_and_step_values_are_shown_as_code(
    value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    tour, step = warnings_for("pages/tour.py", monkeypatch, tour=value, step=value)
    shows_as_code(tour, value)
    shows_as_code(step, value)
