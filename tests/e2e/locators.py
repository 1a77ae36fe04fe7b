"""Locator helpers for the explorer's graph (the vis-network instance lives
as ``network`` in the component's iframe, as in pyvis's own template)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Frame, Page, expect

GRAPH_FRAME = "heuristica_graph"
HOLD_MS = 900


def open_explorer(page: Page, app_url: str, node: str | None = None) -> Frame:
    """Open the explorer (at ``?node=`` if given) and wait until its graph is drawn."""
    page.goto(f"{app_url}/" + (f"?node={node}" if node else ""))
    return graph_frame(page)


def graph_frame(page: Page) -> Frame:
    page.wait_for_selector(f'iframe[title*="{GRAPH_FRAME}"]')
    frame = next(f for f in page.frames if GRAPH_FRAME in f.url)
    frame.wait_for_selector('body[data-ready="1"]')
    return frame


def node_ids(frame: Frame) -> set[str]:
    return set(frame.evaluate("network.body.data.nodes.getIds()"))


def positions(frame: Frame) -> dict[str, tuple[float, float]]:
    raw = frame.evaluate("network.getPositions()")
    return {node: (p["x"], p["y"]) for node, p in raw.items()}


def node_point(page: Page, frame: Frame, node: str) -> tuple[float, float]:
    """Where ``node`` is on the screen, in page coordinates."""
    inside = frame.evaluate(
        """id => {
            const p = network.canvasToDOM(network.getPositions([id])[id]);
            const box = network.body.container.getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y};
        }""",
        node,
    )
    box = page.locator(f'iframe[title*="{GRAPH_FRAME}"]').bounding_box()
    assert box is not None
    return box["x"] + inside["x"], box["y"] + inside["y"]


def double_click_node(page: Page, frame: Frame, node: str) -> None:
    page.mouse.dblclick(*node_point(page, frame, node))


def hold_node(page: Page, frame: Frame, node: str) -> None:
    page.mouse.move(*node_point(page, frame, node))
    page.mouse.down()
    page.wait_for_timeout(HOLD_MS)
    page.mouse.up()


def wait_for_node(frame: Frame, node: str) -> None:
    frame.wait_for_function("id => network.body.data.nodes.get(id) !== null", arg=node)


def wait_for_focus(frame: Frame, node: str) -> None:
    """Until the graph has been redrawn around ``node``."""
    frame.wait_for_function(
        "id => { const n = network.body.data.nodes.get(id); return n && n.size > 20; }", arg=node
    )


def expect_panel_title(page: Page, title: str) -> None:
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()


def url_node(page: Page) -> list[str]:
    return parse_qs(urlsplit(page.url).query).get("node", [])
