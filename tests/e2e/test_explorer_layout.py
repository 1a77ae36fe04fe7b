"""The explorer stays legible as one wanders (issue 10, item 1), on the
shipped knowledge base: after every double-click, hold, Back and depth change
of a fixed walk, no two node circles overlap, no label covers another node
or label, every node is inside the frame, and a hold moves nothing already
on screen. Measured from vis-network's own positions and label boxes."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Frame, Page

from tests.e2e.locators import (
    double_click_node,
    expect_panel_title,
    graph_frame,
    hold_node,
    positions,
    wait_until_laid_out,
)

START = "principle/process-start-methods"
GET_CONTEXT = "implementation/multiprocessing-get-context"
SET_START_METHOD = "heuristic/set-start-method-once-or-pass-a-context"
POLARS = "heuristic/polars-use-spawn-not-fork"
SET_START_METHOD_TITLE = "Set the start method once, at the entry point — or pass a context"

LAYOUT = """() => {
    network.redraw();
    const ids = network.body.data.nodes.getIds();
    const shapes = ids.map((id) => {
        const node = network.body.nodes[id];
        const label = node.labelModule.size;
        const r = node.options.size + node.options.borderWidth / 2;
        return {
            id,
            circle: {x: node.x, y: node.y, r},
            label: {left: label.left, top: label.top,
                    right: label.left + label.width, bottom: label.top + label.height},
            box: network.getBoundingBox(id),
        };
    });
    const rectsMeet = (a, b) =>
        Math.min(a.right, b.right) > Math.max(a.left, b.left) &&
        Math.min(a.bottom, b.bottom) > Math.max(a.top, b.top);
    const rectMeetsCircle = (rect, c) => {
        const dx = c.x - Math.max(rect.left, Math.min(c.x, rect.right));
        const dy = c.y - Math.max(rect.top, Math.min(c.y, rect.bottom));
        return dx * dx + dy * dy < c.r * c.r;
    };
    const problems = [];
    for (const a of shapes) {
        for (const b of shapes) {
            if (a.id >= b.id) continue;
            const d = Math.hypot(a.circle.x - b.circle.x, a.circle.y - b.circle.y);
            if (d < a.circle.r + b.circle.r) problems.push(`circles overlap: ${a.id} ${b.id}`);
            if (rectsMeet(a.label, b.label)) problems.push(`labels overlap: ${a.id} ${b.id}`);
        }
        for (const b of shapes) {
            if (a.id !== b.id && rectMeetsCircle(a.label, b.circle)) {
                problems.push(`label of ${a.id} covers ${b.id}`);
            }
        }
    }
    const width = network.body.container.clientWidth;
    const height = network.body.container.clientHeight;
    for (const s of shapes) {
        const topLeft = network.canvasToDOM({x: s.box.left, y: s.box.top});
        const bottomRight = network.canvasToDOM({x: s.box.right, y: s.box.bottom});
        if (topLeft.x < 0 || topLeft.y < 0 || bottomRight.x > width || bottomRight.y > height) {
            problems.push(`outside the frame: ${s.id}`);
        }
    }
    return {count: ids.length, problems};
}"""


def assert_legible(frame: Frame, step: str) -> int:
    report = frame.evaluate(LAYOUT)
    assert report["problems"] == [], step
    assert report["count"] > 1, step
    return int(report["count"])


def change_depth(page: Page, depth: int) -> None:
    page.locator("[data-testid=stPopoverButton]").filter(has_text="Depth").click()
    page.get_by_role("radio", name=str(depth), exact=True).click()
    page.keyboard.press("Escape")


def test_a_walk_through_the_shipped_base_stays_legible(
    sized_page: Callable[[int, int], Page], shipped_url: str
):
    page = sized_page(1440, 900)
    page.goto(f"{shipped_url}/?node={START}")
    frame = graph_frame(page)
    revision = str(frame.evaluate("document.body.dataset.revision"))
    assert_legible(frame, "landing")

    def step(name: str) -> None:
        nonlocal revision
        revision = wait_until_laid_out(frame, revision)
        assert_legible(frame, name)

    double_click_node(page, frame, GET_CONTEXT)
    expect_panel_title(page, "multiprocessing.get_context(method)")
    step("opened get_context")

    before = positions(frame)
    hold_node(page, frame, START)
    step("held process start methods")
    after = positions(frame)
    assert set(after) > set(before), "the hold added no page"
    for node, (x, y) in before.items():
        assert abs(after[node][0] - x) < 0.5 and abs(after[node][1] - y) < 0.5, node

    double_click_node(page, frame, SET_START_METHOD)
    expect_panel_title(page, SET_START_METHOD_TITLE)
    step("opened set the start method")

    change_depth(page, 2)
    step("depth 2")

    double_click_node(page, frame, POLARS)
    expect_panel_title(page, "Polars: use spawn, not fork, for multiprocessing")
    step("opened the Polars heuristic")

    page.go_back()
    expect_panel_title(page, SET_START_METHOD_TITLE)
    step("Back")

    change_depth(page, 3)
    step("depth 3")

    change_depth(page, 1)
    step("depth 1")
