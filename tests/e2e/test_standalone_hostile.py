"""The explorer's "Download as HTML" file, opened from disk, runs no page text
as script, whatever the pages say (issue 9, item 1: pyvis's template switched
its tooltips to innerHTML as soon as any tooltip contained "href"): not in a
tooltip, not in the preview card a click opens."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Dialog, Page, expect

from heuristica.draw.render import standalone_html
from heuristica.draw.view import build_view
from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.loader import load_knowledge
from tests.e2e.conftest import RequestLog
from tests.kb import page, write

PAYLOADS = [
    '<img src=x onerror="window.__pwned=1"> href',
    "<svg onload=window.__pwned=1></svg> href",
    '<a href="javascript:window.__pwned=1">href</a>',
    "</script><script>window.__pwned=1</script>",
]


def hostile_kb(root: Path) -> Path:
    """A principle linked to one heuristic per payload, each payload in its title
    and overview, plus an innocent page whose overview says "href"."""
    heuristics = [f"heuristic/hostile-{n}" for n in range(len(PAYLOADS))]
    write(
        root,
        "principle.yaml",
        page(
            "principle/innocent",
            *(("uses_heuristic", h) for h in heuristics),
            overview="Set the href attribute of a link to the page's URL.",
        ),
    )
    for page_id, payload in zip(heuristics, PAYLOADS, strict=True):
        write(root, f"{page_id}.yaml", page(page_id, title=payload[:200], overview=payload))
    return root


def test_downloaded_graph_runs_no_page_text_when_every_node_is_hovered(
    page: Page, requests_made: RequestLog, tmp_path: Path
):
    kg = KnowledgeGraph(load_knowledge(hostile_kb(tmp_path / "kb")).pages)
    assert len(kg) == len(PAYLOADS) + 1
    view = build_view(kg, "principle/innocent")
    download = tmp_path / "graph.html"
    download.write_text(standalone_html(view, kg), encoding="utf-8")
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.goto(download.as_uri())
    page.wait_for_selector('body[data-ready="1"]')
    for node in sorted(view.nodes):
        point = page.evaluate(
            """(id) => {
                const dom = network.canvasToDOM(network.getPositions([id])[id]);
                const box = network.body.container.getBoundingClientRect();
                return {x: box.left + dom.x, y: box.top + dom.y};
            }""",
            node,
        )
        page.mouse.move(point["x"], point["y"])
        tooltip = page.locator("#tooltip")
        expect(tooltip, f"no tooltip over {node}: the hover missed").to_be_visible()
        title = kg.page(node).title
        expect(tooltip.locator(".first")).to_have_text(title)
        page.mouse.click(point["x"], point["y"])
        expect(tooltip).to_be_hidden()
        expect(page.locator("#card .title")).to_have_text(title)
        page.mouse.move(0, 0)
    assert dialogs == []
    assert page.evaluate("window.__pwned") is None
    injected = page.evaluate(
        "document.querySelectorAll('img, svg, iframe, a[href^=\"javascript\"]').length"
    )
    assert injected == 0
    assert requests_made.urls == [download.as_uri()]
