"""axe-core (vendored in tests/e2e/axe/, see axe-core.json) run inside a real
page or frame by Playwright: the WCAG 2.1 A and AA rules, nothing fetched."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Frame

__all__ = ["AXE", "WCAG_21_AA", "violations"]

AXE = Path(__file__).parent / "axe" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

_RUN = """async (tags) => {
    const result = await axe.run(document, {
        runOnly: {type: "tag", values: tags},
        iframes: false,
        resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
        id: v.id,
        help: v.help,
        nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary}`),
    }));
}"""


def violations(frame: Frame) -> list[dict[str, Any]]:
    """What axe-core finds wrong in ``frame`` (a page's main frame, or an
    iframe such as the graph's) at WCAG 2.1 AA; iframes inside it are left
    to their own run."""
    if not frame.evaluate("typeof window.axe !== 'undefined'"):
        frame.evaluate(AXE.read_text(encoding="utf-8"))
    result: list[dict[str, Any]] = frame.evaluate(_RUN, WCAG_21_AA)
    return result
