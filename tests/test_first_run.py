"""What a server's first run of the app costs beyond the app's own work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from heuristica.ui import knowledge_base
from heuristica.ui.frontend_files import plain_data

APP = Path(__file__).resolve().parent.parent / "heuristica" / "shell.py"

EXPLORER_KB = Path(__file__).resolve().parent / "fixtures" / "explorer_kb"

_FIRST_RUN = """
import sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=120)
at.run()
assert not at.exception, at.exception
print(" ".join(sorted(m for m in ("IPython", "pandas") if m in sys.modules)))
"""

_AFTER_THE_WARM_UP = """
import sys
from streamlit.testing.v1 import AppTest
from heuristica.ui.knowledge_base import import_for_first_view, warm_up
warm_up()
import_for_first_view().join()
before = set(sys.modules)
at = AppTest.from_file(sys.argv[1], default_timeout=120)
at.run()
assert not at.exception, at.exception
print(" ".join(sorted(set(sys.modules) - before)))
"""

_WARM_UP = """
import sys
from heuristica.ui.knowledge_base import import_for_grids, warm_up
warm_up()
print("pandas" in sys.modules)
import_for_grids(after_seconds=0).join()
print("pandas" in sys.modules)
"""


def in_a_fresh_python(script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``script`` run by a new interpreter over the explorer's fixture base."""
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
        env={**os.environ, "HEURISTICA_KNOWLEDGE": str(EXPLORER_KB)},
    )


def test_the_first_run_imports_neither_pandas_nor_ipython() -> None:
    """Streamlit's dataframe check on a component's data imports pandas (over
    a second of a server's first run), and pyvis imports IPython (a quarter
    of a second): the app needs neither for a page without a verification
    grid (this base has no record)."""
    run = in_a_fresh_python(_FIRST_RUN, str(APP))
    assert run.stdout.strip() == ""


def test_after_the_warm_up_the_first_run_imports_only_what_must_be_imported_in_a_run() -> None:
    """The server imports what the first view needs as it starts answering
    (app.py, ``FIRST_VIEW_IMPORTS``), while a browser loads Streamlit's
    scripts: the first run then imports only the app's Streamlit glue (a
    module that declares a component must be imported in a session's run, or
    the component is never registered) and Streamlit's own modules."""
    run = in_a_fresh_python(_AFTER_THE_WARM_UP, str(APP))
    imported = run.stdout.strip().splitlines()[-1].split()
    assert "heuristica.ui.graph_component" in imported  # the run's own imports are seen
    assert [
        name for name in imported if not name.startswith(("heuristica.ui.", "streamlit."))
    ] == []


def test_the_server_imports_pandas_for_the_verification_grid_after_its_load_not_before() -> None:
    """The grid of a page verified in several environments is a data grid,
    which needs pandas: the server imports it in the background as it starts
    answering (app.py), so no reader's run pays, and its start (the load
    before it answers) does not wait for it either."""
    run = in_a_fresh_python(_WARM_UP)
    assert run.stdout.strip().splitlines()[-2:] == ["False", "True"]


def test_plain_data_is_the_same_json() -> None:
    data = {"query": "spawn", "results": [{"id": "a", "spans": [[0, 1]]}], "none": None}
    plain = plain_data(data)
    assert isinstance(plain["results"], tuple)
    assert json.dumps(plain) == json.dumps(data)
    assert plain_data(["a"]) == ["a"]


def test_an_import_ahead_of_the_first_view_that_fails_is_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(knowledge_base, "FIRST_VIEW_IMPORTS", ("heuristica.no_such_module",))
    knowledge_base.import_for_first_view().join()
    assert "could not import heuristica.no_such_module ahead of the first view" in caplog.text
