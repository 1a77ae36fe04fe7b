"""The Live demo's "Compare all" charts name every run on its bar (issue 23,
item 1: with four runs, two had no name). The charts are drawn by the page's
own function in a one-chart Streamlit script, so no demo has to run."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from tests.e2e.conftest import FIXTURE_KB
from tests.e2e.harness import running_app

CHART = """
import streamlit as st

from heuristica.demos.spawn_vs_fork.report import SCENARIOS, comparison_chart

rows = [
    {"run": name, "status": status, "start-up (s)": seconds}
    for name, status, seconds in zip(
        SCENARIOS, ["deadlock", "ok", "ok", "ok"], [0.58, 0.18, 9.7, 2.6], strict=True
    )
]
st.vega_lite_chart(comparison_chart(rows, "start-up (s)"), use_container_width=True)
"""

SHOWN_LABELS = """() => [...document.querySelectorAll('.vega-embed g.role-axis-label text')]
    .filter(t => getComputedStyle(t).opacity !== '0' && t.getAttribute('opacity') !== '0')
    .map(t => t.textContent)"""


def test_every_compared_run_is_named_on_its_bar(page: Page, tmp_path: Path) -> None:
    script = tmp_path / "chart.py"
    script.write_text(CHART, encoding="utf-8")
    with running_app(FIXTURE_KB, script=script) as url:
        page.set_viewport_size({"width": 1280, "height": 720})
        page.goto(url)
        page.locator(".vega-embed svg").wait_for()
        page.locator(".vega-embed g.role-legend-label text").first.wait_for()
        shown = page.evaluate(SHOWN_LABELS)
    for run in ("fork-after-polars", "fork-idle-parent", "spawn", "forkserver"):
        assert run in shown, shown
