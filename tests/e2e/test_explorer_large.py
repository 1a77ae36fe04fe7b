"""The whole graph of a large base (more pages than graph.js's LARGE): drawn as
a sketch (vis-network draws the nodes, the explorer the links and labels), and
still answering the reader: a click previews, a double-click opens, a node a
few pixels across can be hit, and the neighbourhood drawn after it is whole
again (labels and links of its own)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Frame, Page, expect

from bench.generate import generate
from tests.e2e.harness import running_app
from tests.e2e.locators import (
    card,
    expect_panel_title,
    graph_frame,
    node_point,
    url_node,
    wait_for_graph,
)

PAGES = 1600
ALL_DRAWN = "n => document.body.dataset.ready === '1' && network.body.data.nodes.length === n"
CLICKABLE = """() => {
    // Nodes away from the frame's edges, with no other node within 12 pixels.
    const box = network.body.container.getBoundingClientRect();
    const onScreen = Object.entries(network.getPositions())
        .map(([id, p]) => [id, network.canvasToDOM(p)]);
    const found = [];
    for (const [id, at] of onScreen) {
        if (at.x < 60 || at.y < 60 || at.x > box.width - 60 || at.y > box.height - 60) continue;
        const alone = onScreen.every(
            ([other, p]) => other === id || Math.hypot(p.x - at.x, p.y - at.y) > 12);
        if (alone && network.getNodeAt(at) === id) found.push(id);
        if (found.length === 2) return found;
    }
    return found;
}"""


@pytest.fixture(scope="module")
def large_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("large") / "knowledge"
    generate(PAGES, root)
    return root


@pytest.fixture(scope="module")
def large_url(large_base: Path) -> Iterator[str]:
    with running_app(large_base) as url:
        yield url


def title_of(base: Path, page_id: str) -> str:
    data = yaml.safe_load((base / f"{page_id}.yaml").read_text(encoding="utf-8"))
    return str(data["title"])


def whole_graph(page: Page, url: str) -> Frame:
    """The whole graph, fitted into its frame (it opens zoomed in on the focus,
    at labels one can read: F, or the "Fit all" button, shows it all)."""
    page.set_default_timeout(120_000)  # the layout is computed once, on a shared machine
    page.goto(url)
    frame = graph_frame(page)
    page.get_by_text("Whole graph").click()
    frame.wait_for_function(ALL_DRAWN, arg=PAGES)
    frame.get_by_role("button", name="Fit all (F)").click()
    expect(frame.get_by_role("button", name="Readable size (F)")).to_be_visible()
    return frame


def test_every_page_is_drawn_and_a_click_previews_it(page: Page, large_url: str):
    frame = whole_graph(page, large_url)
    assert frame.evaluate("network.body.data.nodes.get().every(n => 'x' in n && 'y' in n)")
    first, second = frame.evaluate(CLICKABLE)
    page.mouse.click(*node_point(page, frame, first))
    expect(card(frame)).to_have_attribute("data-node", first)
    card(frame).locator(".close").click()  # the card could cover the next node
    # A near miss (beside vis-network's circle, on the dot drawn for it) still picks the node.
    miss = frame.evaluate(
        "id => network.body.nodes[id].options.size * network.getScale() + 1.2", second
    )
    x, y = node_point(page, frame, second)
    page.mouse.click(x + miss, y)
    expect(card(frame)).to_have_attribute("data-node", second)


def test_a_double_click_opens_the_page_and_its_neighbourhood_is_drawn_whole(
    page: Page, large_url: str, large_base: Path
):
    frame = whole_graph(page, large_url)
    node = frame.evaluate(CLICKABLE)[0]
    page.mouse.dblclick(*node_point(page, frame, node))
    expect_panel_title(page, title_of(large_base, node))
    assert url_node(page) == [node]
    page.get_by_text("Whole graph").click()
    wait_for_graph(
        page,
        frame,
        """id => document.body.dataset.ready === '1' && network.body.data.nodes.length < 100
                && network.body.data.nodes.get(id).label && network.body.data.edges.length > 0""",
        node,
    )
