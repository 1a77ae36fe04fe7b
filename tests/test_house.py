"""The house (docs/architecture.md) as the imports make it: no arrow runs
back up (import-linter's layers contract in pyproject.toml), no circle of
rooms or of modules, every wing says what it holds and may import, no module
or function grows past the sizes the project keeps to, and the picture in
docs/house.svg is the house as it is."""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path

from heuristica import IMPORT_ROOT
from scripts.house import House, measure, svg

REPO = Path(__file__).resolve().parents[1]
PICTURE = REPO / "docs" / "house.svg"
LINT_IMPORTS = (
    "from importlinter.cli import lint_imports; raise SystemExit(lint_imports(no_cache=True))"
)
WINGS = (
    "processes",
    "kb",
    "checks",
    "demos",
    "search",
    "history",
    "draw",
    "live",
    "tours",
    "commands",
    "ui",
)
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
LARGER: dict[str, str] = {}
"""Modules allowed past MAX_MODULE_LINES, and why."""
LONGER = {
    "heuristica.commands.mcp.build_server": "the MCP SDK's idiom: each tool a decorated "
    "function of the server, each a few lines",
    "heuristica.demos.spawn_vs_fork.workload._collect": "the demo's own workload, shown to "
    "readers whole on the Live demo page",
}
"""Functions allowed past MAX_FUNCTION_LINES, and why."""


@functools.cache
def house() -> House:
    """The house, measured once for these tests (every file parsed: seconds)."""
    return measure(REPO)


def test_no_import_runs_back_up_the_layers() -> None:
    assert IMPORT_ROOT == REPO, "run from the checkout"
    # In a process of its own: import-linter configures logging, which would
    # silence every logger that exists in this one.
    done = subprocess.run(
        [sys.executable, "-c", LINT_IMPORTS], cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_no_circles_and_no_arrow_back_up_among_rooms_and_modules() -> None:
    built = house()
    assert built.circles(built.rooms) == []
    assert built.circles(built.imports) == []
    assert built.back_up() == []


def test_each_wing_says_what_it_holds_and_what_it_may_import() -> None:
    for wing in WINGS:
        init = REPO / "heuristica" / wing / "__init__.py"
        text = init.read_text("utf-8")
        assert text.startswith('"""') and "May import" in text, init


def test_modules_and_functions_stay_small_but_for_the_named_ones() -> None:
    built = house()
    large = {m for m, lines in built.lines.items() if lines > MAX_MODULE_LINES}
    long = {f"{f.module}.{f.name}" for f in built.functions if f.lines > MAX_FUNCTION_LINES}
    assert large <= set(LARGER), f"over {MAX_MODULE_LINES} lines: {sorted(large - set(LARGER))}"
    assert long <= set(LONGER), f"over {MAX_FUNCTION_LINES} lines: {sorted(long - set(LONGER))}"


def test_the_picture_is_the_house_as_it_is() -> None:
    assert PICTURE.read_text("utf-8") == svg(house()), (
        "the imports changed: python -m scripts.house --svg docs/house.svg"
    )
