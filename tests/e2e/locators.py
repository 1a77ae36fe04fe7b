"""Locator helpers for the explorer's graph (the vis-network instance lives
as ``network`` in the component's iframe; ``body[data-ready="1"]`` once a
drawing is laid out)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Error, Frame, Locator, Page, TimeoutError, expect

GRAPH_FRAME = "heuristica_graph"
FRAME_SELECTOR = f'iframe[src*="{GRAPH_FRAME}"]'
HOLD_MS = 900


def open_explorer(page: Page, app_url: str, node: str | None = None) -> Frame:
    """Open the explorer (at ``?node=`` if given) and wait until its graph is drawn."""
    page.goto(f"{app_url}/" + (f"?node={node}" if node else ""))
    return graph_frame(page)


def graph_frame(page: Page) -> Frame:
    """The graph's frame once it has drawn; a frame replaced meanwhile (a
    fresh server's first run reruns the page) is looked up again."""
    for _ in range(3):
        page.wait_for_selector(FRAME_SELECTOR)
        frame = next(f for f in page.frames if GRAPH_FRAME in f.url)
        try:
            frame.wait_for_selector('body[data-ready="1"]')
        except Error:
            if not frame.is_detached():
                raise
            continue
        return frame
    raise AssertionError("the graph's frame kept being replaced")


def node_ids(frame: Frame) -> set[str]:
    return set(frame.evaluate("network.body.data.nodes.getIds()"))


def positions(frame: Frame) -> dict[str, tuple[float, float]]:
    raw = frame.evaluate("network.getPositions()")
    return {node: (p["x"], p["y"]) for node, p in raw.items()}


def point_in(document: Page | Frame, node: str) -> tuple[float, float]:
    """Where ``node`` is in the document that draws it, in its own coordinates;
    a node out of the graph's view (it opens zoomed in to labels one can read)
    is first brought into it, as a reader would pan to it."""
    inside = document.evaluate(
        """id => {
            const at = network.getPositions([id])[id];
            let p = network.canvasToDOM(at);
            const box = network.body.container.getBoundingClientRect();
            const m = 40;
            if (p.x < m || p.y < m || p.x > box.width - m || p.y > box.height - m) {
                // A pan by hand: the explorer keeps the view where the reader put it.
                network.body.emitter.emit("dragStart", {nodes: [], edges: []});
                network.moveTo({position: at, animation: false});
                network.body.emitter.emit("dragEnd", {nodes: [], edges: []});
                p = network.canvasToDOM(at);
            }
            return {x: box.left + p.x, y: box.top + p.y};
        }""",
        node,
    )
    return inside["x"], inside["y"]


def node_point(page: Page, frame: Frame, node: str) -> tuple[float, float]:
    """Where ``node`` is on the screen, in page coordinates (brought into view)."""
    x, y = point_in(frame, node)
    box = page.locator(FRAME_SELECTOR).bounding_box()
    assert box is not None
    return box["x"] + x, box["y"] + y


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
    """Until the graph has been redrawn and laid out around ``node``."""
    frame.wait_for_function(
        """id => { const n = network.body.data.nodes.get(id);
                   return n && n.size > 20 && document.body.dataset.ready === "1"; }""",
        arg=node,
    )


def wait_until_laid_out(frame: Frame, revision: str | None) -> str:
    """Until a drawing other than ``revision`` is laid out; its revision."""
    frame.wait_for_function(
        "r => document.body.dataset.ready === '1' && document.body.dataset.revision !== r",
        arg=revision,
    )
    return str(frame.evaluate("document.body.dataset.revision"))


GRAPH_STATE = """() => ({
    drawing: document.body.dataset.drawing, laidOut: document.body.dataset.revision,
    ready: document.body.dataset.ready === "1",
    nodes: network.body.data.nodes.length, edges: network.body.data.edges.length})"""


def wait_for_graph(page: Page, frame: Frame, condition: str, arg: object = None) -> None:
    """Until ``condition`` (a function of ``arg``) holds in the graph's frame;
    if it never does, the failure says what the graph and the page were doing:
    the drawing the frame last received and the last it laid out, the script's
    state."""
    try:
        frame.wait_for_function(condition, arg=arg)
    except TimeoutError as timeout:
        state = None if frame.is_detached() else frame.evaluate(GRAPH_STATE)
        script = page.locator("[data-testid=stApp]").get_attribute("data-test-script-state")
        raise AssertionError(f"graph: {state}; script: {script}") from timeout


def click_node(page: Page, frame: Frame, node: str) -> None:
    page.mouse.click(*node_point(page, frame, node))


def card(frame: Frame) -> Locator:
    """The preview card drawn inside the graph."""
    return frame.locator("#card")


def expect_panel_title(page: Page, title: str) -> None:
    """The panel shows ``title`` (a rerun on a busy machine can take seconds)."""
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=30_000)


def url_node(page: Page) -> list[str]:
    return parse_qs(urlsplit(page.url).query).get("node", [])


SETTLED = """() => [...document.images].every(
    image => image.complete || image.loading === "lazy")"""
NEXT_FRAMES = """() => document.fonts.ready.then(
    () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done))))"""


def settled(page: Page) -> None:
    """Until whatever the page and its frames show has had its chance to act:
    every image has loaded or failed (an injected ``onerror`` would have run,
    a remote ``src`` would have been asked for), the fonts are in, and two
    frames were drawn (styles applied, so a CSS ``url()`` would have been
    asked for). A condition, not a fixed wait: it ends as soon as it holds."""
    for frame in page.frames:
        if frame.is_detached():
            continue
        frame.wait_for_function(SETTLED)
        frame.evaluate(NEXT_FRAMES)


def run_finished(page: Page, pause_ms: int = 300) -> None:
    """Until Streamlit has finished running the page, and ``pause_ms`` more
    (the graph's last redraw, fonts)."""
    page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]")
    page.wait_for_timeout(pause_ms)


def open_settled(page: Page, url: str, pause_ms: int = 300) -> Frame:
    """Open ``url`` (a screen with a graph) until its graph is drawn and the
    script has finished running (``run_finished``); the graph's frame."""
    page.goto(url)
    frame = graph_frame(page)
    run_finished(page, pause_ms)
    return frame


def expect_step(page: Page, step: int, steps: int, timeout_ms: int = 30_000) -> None:
    """The tour page shows step ``step`` of ``steps``: one progress bar says
    so. While a run is under way Streamlit can show the previous run's bar,
    stale, beside the new one (an element above it came or went): that
    passes; two that stay fail here, after the deadline, not at first sight."""
    shown = page.get_by_text(f"Step {step} of {steps}", exact=True)
    expect(shown).to_have_count(1, timeout=timeout_ms)
    expect(shown).to_be_visible(timeout=timeout_ms)
