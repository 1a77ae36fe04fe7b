"""`heuristica diff --format html`, opened from disk in Chromium with every request
off the machine blocked: the changes are drawn, each kind with its own legend
entry, and no page text runs as script or fetches anything, not even when every
node is hovered and clicked."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Dialog, Page, expect

from heuristica.commands.cli import main
from tests.e2e.conftest import RequestLog
from tests.e2e.locators import point_in
from tests.e2e.test_standalone_hostile import PAYLOADS
from tests.git_repo import ScriptedRepo
from tests.kb import page as a_page

BASE = "principle/innocent"


def hostile_change(top: Path) -> ScriptedRepo:
    """A principle linked to a heuristic that goes away; the change adds one
    heuristic per payload (each payload its title and overview) in its place."""
    repo = ScriptedRepo(top)
    repo.write(f"{BASE}.yaml", a_page(BASE, ("uses_heuristic", "heuristic/old")))
    repo.write("heuristic/old.yaml", a_page("heuristic/old", title="Old advice"))
    repo.commit("before")
    hostile = [f"heuristic/hostile-{n}" for n in range(len(PAYLOADS))]
    repo.write(f"{BASE}.yaml", a_page(BASE, *(("uses_heuristic", h) for h in hostile)))
    repo.remove("heuristic/old.yaml")
    for page_id, payload in zip(hostile, PAYLOADS, strict=True):
        repo.write(f"{page_id}.yaml", a_page(page_id, title=payload[:200], overview=payload))
    repo.commit("after")
    return repo


def test_the_html_diff_draws_each_kind_of_change_and_runs_no_page_text(
    page: Page, requests_made: RequestLog, tmp_path: Path
) -> None:
    repo = hostile_change(tmp_path / "team")
    out = tmp_path / "diff.html"
    assert main(["diff", "HEAD~1", "HEAD", str(repo.kb), "--format", "html", "-o", str(out)]) == 0
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.goto(out.as_uri())
    page.wait_for_selector('body[data-ready="1"]', state="attached")
    legend = page.locator("#legend")
    for entry in ("Page added", "Page removed", "Page changed", "Link added", "Link removed"):
        expect(legend).to_contain_text(entry)
    ids = page.evaluate("network.body.data.nodes.getIds()")
    assert sorted(ids) == sorted(
        [BASE, "heuristic/old", *(f"heuristic/hostile-{n}" for n in range(4))]
    )
    removed = page.evaluate("network.body.data.nodes.get('heuristic/old').color.border")
    assert removed.lower() == "#c62828"
    for node in sorted(ids):
        x, y = point_in(page, node)
        page.mouse.move(x, y)
        expect(page.locator("#tooltip")).to_be_visible()
        page.mouse.click(x, y)
        expect(page.locator("#card")).to_be_visible()
        page.mouse.move(0, 0)
    expect(page.locator("section.changes")).to_contain_text(PAYLOADS[0][:20])
    assert dialogs == []
    assert page.evaluate("window.__pwned") is None
    injected = page.evaluate(
        "document.querySelectorAll('img, svg, iframe, a[href^=\"javascript\"]').length"
    )
    assert injected == 0
    assert requests_made.urls == [out.as_uri()]
