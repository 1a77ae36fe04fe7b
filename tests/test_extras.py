"""Screens and commands whose extra is not installed say which extra to
install (the core-only venv in tests/test_printed_commands.py covers serve
and mcp): the Live demo page without Polars, verify --matrix without uv."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from heuristica.checks.cell_env import BuildError, uv_command
from tests.demos.test_demo_page import PAGE


def test_the_demo_page_without_polars_names_the_demo_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A None entry makes the module unimportable here, as when it is not installed.
    monkeypatch.setitem(sys.modules, "polars", None)
    app = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not app.exception
    (warning,) = app.warning
    assert "Polars is not installed with this heuristica" in warning.value
    assert [code.value for code in app.code] == ["pip install 'heuristica[demo]'"]
    assert not app.button  # nothing to run


def test_verify_matrix_without_uv_names_the_matrix_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "uv", None)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(
        BuildError, match=r"pip install 'heuristica\[matrix\]' \(or put uv on PATH\)"
    ):
        uv_command()
