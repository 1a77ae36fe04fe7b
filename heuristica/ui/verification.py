"""The panel's verification parts: the badge under a page's metadata, "Where
it holds" (one summary line and a grid of its checks by the environments
they ran in, a cell opening what was expected and seen), and "Checks" (each
check's claim, worst recorded result and code).

All of it reads the verification record through ``checks.grid``, so
the badge, the line and the grid say the same thing. Page text and what a
check printed are untrusted: escaped Markdown, code blocks, and grid cells
(drawn as text by the data grid), never HTML.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import streamlit as st

from heuristica.checks.grid import (
    BadgeState,
    Column,
    PageGrid,
    PageVerification,
    page_verification,
)
from heuristica.checks.record import (
    RECORD_FILE,
    Record,
    RecordedCheck,
    RecordError,
    has_checks,
    read_record,
)
from heuristica.checks.run import Status
from heuristica.checks.verify import code_reference_check
from heuristica.kb.markdown import escape_markdown, safe_markdown, visible_bidi
from heuristica.kb.model import CODE_REFERENCE_CHECK, Implementation, Page
from heuristica.kb.where import command, folder_for_visitors
from heuristica.ui.knowledge_base import current, knowledge_root
from heuristica.ui.streamlit_internals import ColumnConfig

__all__ = ["SYMBOLS", "checks_section", "verification_badge", "where_it_holds"]

BadgeColour = Literal["green", "red", "gray", "orange"]

_BADGES: dict[BadgeState, tuple[BadgeColour, str]] = {
    BadgeState.VERIFIED: ("green", ":material/verified:"),
    BadgeState.FAILING: ("red", ":material/error:"),
    BadgeState.NOT_VERIFIED: ("gray", ":material/help:"),
    BadgeState.STALE: ("orange", ":material/history:"),
}
_RESULT_ICONS: dict[Status, str] = {
    Status.HOLDS: ":material/check_circle:",
    Status.FAILS: ":material/cancel:",
    Status.ERROR: ":material/error:",
    Status.SKIPPED: ":material/do_not_disturb_on:",
    Status.NOT_APPLICABLE: ":material/remove_circle_outline:",
}
SYMBOLS: dict[Status, str] = {
    Status.HOLDS: "✓ holds",
    Status.FAILS: "✗ fails",
    Status.ERROR: "! error",
    Status.SKIPPED: "○ skipped",
    Status.NOT_APPLICABLE: "– n/a",
}
"""How a grid cell reads: a mark for the eye, a word for everyone."""
_CELL_COLOURS: dict[str, str] = {
    SYMBOLS[Status.HOLDS]: "background-color: #e6f4ea; color: #1e6b34",
    SYMBOLS[Status.FAILS]: "background-color: #fce8e6; color: #a50e0e",
    SYMBOLS[Status.ERROR]: "background-color: #fef3e0; color: #8a4b00",
    SYMBOLS[Status.SKIPPED]: "color: #5f6368",
    SYMBOLS[Status.NOT_APPLICABLE]: "color: #80868b",
}
CHECK_COLUMN = "Check"


@st.cache_resource(max_entries=4, show_spinner=False)
def _read_record(path: Path, changed: tuple[int, int]) -> Record | None:
    """The record at ``path``, cached until the file changes (``changed`` is its
    mtime and size); None when it is unreadable: the Problems page says why."""
    try:
        return read_record(path)
    except RecordError:
        return None


def _record() -> Record | None:
    path = current().root / RECORD_FILE  # a revision's own record under ?at=
    try:
        stat = path.stat()
    except OSError:
        return Record()
    return _read_record(path, (stat.st_mtime_ns, stat.st_size))


def _badge_text(text: str) -> str:
    # st.badge escapes brackets itself; escaping them twice would break its markup.
    return escape_markdown(text.replace("[", "(").replace("]", ")"))


def verification_badge(page: Page) -> None:
    """The page's verification state as a badge: verified (where, when), failing,
    not verified, or edited since; nothing for a page without checks."""
    record = _record()
    if record is None:
        st.caption("The verification record cannot be read: see Problems.")
        return
    state = page_verification(page, record)
    if state is None:
        return
    colour, icon = _BADGES[state.state]
    st.badge(_badge_text(state.text), icon=icon, color=colour)


def where_it_holds(page: Page) -> None:
    """The page's checks by the environments they were verified in: one line,
    then the grid; selecting a cell opens its result. Shown when the page was
    verified in more than one environment (one is the badge and Checks)."""
    state = page_verification(page, _record() or Record())
    grid = state.grid if state else None
    if grid is None or len(grid.columns) < 2:
        return
    st.markdown("#### Where it holds")
    st.markdown(f"**{escape_markdown(grid.summary())}**")
    # room for the grid's toolbar, which floats above its top edge on hover and
    # otherwise covers the end of the summary line
    st.space("small")
    event = st.dataframe(
        _grid_styler(grid),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-cell",
        key=f"where_it_holds_{page.id}",
        column_config=_grid_columns(grid),
    )
    st.caption(
        "One row per check, one column per environment. ✓ holds · ✗ fails · ! error · "
        "○ skipped (a package it needs is not installed there) · – not applicable "
        "(outside the versions its claim is about). Select a cell to see what was "
        "expected and seen."
    )
    cells = list(event.selection.cells) if event else []
    if cells:
        row, column_id = cells[0]
        if column_id != CHECK_COLUMN and 0 <= row < len(grid.checks):
            _grid_cell(page, grid, grid.checks[row], grid.columns[int(column_id[1:])])


def _column_id(index: int) -> str:
    return f"c{index}"


def _grid_rows(grid: PageGrid) -> list[dict[str, str]]:
    def mark(column: Column, name: str) -> str:
        result = column.results.get(name)
        return SYMBOLS[result.status] if result else ""

    return [
        {CHECK_COLUMN: name, **{_column_id(i): mark(c, name) for i, c in enumerate(grid.columns)}}
        for name in grid.checks
    ]


def _grid_styler(grid: PageGrid) -> Any:
    import pandas as pd  # Streamlit's own dependency; only the grid needs it

    frame = pd.DataFrame(_grid_rows(grid))
    return frame.style.map(lambda value: _CELL_COLOURS.get(value, ""))


def _grid_columns(grid: PageGrid) -> dict[str, ColumnConfig]:
    columns: dict[str, ColumnConfig] = {
        CHECK_COLUMN: st.column_config.TextColumn(
            CHECK_COLUMN, pinned=True, help="Each row is one check of this page"
        )
    }
    for i, (header, column) in enumerate(zip(grid.headers(), grid.columns, strict=True)):
        columns[_column_id(i)] = st.column_config.TextColumn(
            header, help=column.label, width="small"
        )
    return columns


def _grid_cell(page: Page, grid: PageGrid, name: str, column: Column) -> None:
    result = column.results.get(name)
    claims = {check: claim for check, claim, _, _ in _page_checks(page)}
    # A container's key becomes a CSS class: only letters, digits, - and _ in it.
    key = "where_it_holds_cell_" + re.sub(r"[^A-Za-z0-9_-]", "-", page.id)
    with st.container(border=True, key=key):
        if result is None:
            where = escape_markdown(column.label)
            st.markdown(f"**{escape_markdown(name)}** did not run on {where}")
            return
        st.markdown(
            f"**{escape_markdown(name)} · {result.status.words}** on "
            f"{escape_markdown(column.label)}"
        )
        cells = column.cells.get(name, ())
        where = f"in cell {', '.join(cells)}, " if cells else ""
        st.caption(escape_markdown(f"{where}verified {column.verified_at.date().isoformat()}"))
        st.markdown(safe_markdown(claims.get(name, "")))
        _result_details(result)


def _result_details(result: RecordedCheck) -> None:
    if result.reason:
        st.markdown(escape_markdown(result.reason))
    for heading, text in (("Expected", result.expected), ("Seen", result.seen)):
        if text:
            st.markdown(f"**{heading}**")
            st.code(visible_bidi(text), language=None, wrap_lines=True)


def checks_section(page: Page) -> None:
    """Each check of the page, with its claim, code and worst recorded result."""
    if not has_checks(page):
        return
    state = page_verification(page, _record() or Record())
    stale = state is not None and state.state is BadgeState.STALE
    st.markdown("#### Checks")
    folder, by_name = folder_for_visitors(knowledge_root())
    where_to_run = f", in the folder that holds `{escape_markdown(folder)}`" if by_name else ""
    st.caption(f"Run them on your machine{where_to_run}:")
    shown = command("verify", folder, "--page", page.id)
    st.code(shown, language="bash", wrap_lines=True)
    for name, claim, code, language in _page_checks(page):
        found = _last_result(state, name)
        result = found[1] if found else None
        icon = _RESULT_ICONS[result.status] if result else ":material/radio_button_unchecked:"
        label = f"{escape_markdown(name)} · {result.status.words if result else 'not run'}"
        with st.expander(label, icon=icon):
            st.markdown(safe_markdown(claim))
            if found is not None:
                _check_result(*found, stale=stale)
            st.markdown("**Code**")
            st.code(visible_bidi(code), language=language, wrap_lines=True)


def _last_result(state: PageVerification | None, name: str) -> tuple[str, RecordedCheck] | None:
    """Where and how ``name`` did worst as the page is now, or in its last run
    before an edit; None when it never ran."""
    if state is None:
        return None
    if state.state is BadgeState.STALE and state.run is not None:
        result = state.run.checks.get(name)
        return (state.run.environment.label(), result) if result else None
    worst = state.grid.worst(name) if state.grid else None
    return (worst[0].label, worst[1]) if worst else None


def _page_checks(page: Page) -> list[tuple[str, str, str, str]]:
    """(name, claim, code, language) of each check, the Code Reference check first."""
    checks: list[tuple[str, str, str, str]] = [
        (check.name, check.claim, check.code, check.language) for check in page.checks
    ]
    if isinstance(page, Implementation):
        check = code_reference_check(page, None)
        language = "python" if page.code_reference.is_python else "yaml"
        checks.insert(0, (CODE_REFERENCE_CHECK, check.claim, check.code.strip(), language))
    return checks


def _check_result(where: str, result: RecordedCheck, *, stale: bool) -> None:
    when = "Last result, before the page was edited" if stale else "Last result"
    st.markdown(
        f"**{when}: {result.status.words}** on {escape_markdown(where)} ({result.seconds:.1f} s)"
    )
    if result.status is not Status.HOLDS:
        _result_details(result)
    elif result.reason:
        st.markdown(escape_markdown(result.reason))
