"""The explorer on a large knowledge base, in chromium, beside a naive pyvis embed.

    python -m bench.bench_browser [--pages 10000] [--runs 3]

Starts the real app (`streamlit run app.py`) on a generated knowledge base
and measures with Playwright what a reader waits for:
- first load: page opened -> the default view drawn and frozen (the server
  loads the knowledge base during this first session);
- load: the same, server warm;
- click: preview of the clicked page in the panel;
- double-click: the page opened in the panel (and ``?node=`` in the URL);
- whole graph: the toggle flipped -> every page drawn (first time: layout
  computed unless cached on disk; again: from the cached layout);
- server-side rerun of the Explore page (AppTest, in this process, caches warm).
In the same run, a naive embed of the same views (``Network.from_nx`` +
``components.html``, physics on) in its own server: opened -> physics settled
(capped). Budgets: usable <= 2 s, rerun <= 100 ms, double-click <= 1 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Frame, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bench.bench_render import knowledge_base
from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, REPO, running_app

GRAPH_FRAME = "heuristica_graph"
SETTLE_CAP_S = 30.0
SETTLED = "typeof network !== 'undefined' && network && network.physics.stabilized === true"

NAIVE_APP = """
import sys
sys.path.insert(0, {repo!r})
import streamlit as st
import networkx as nx
import streamlit.components.v1 as components
from pyvis.network import Network
from heuristica.graph.render import TYPE_COLOURS
from heuristica.graph.view import build_view, default_focus
from heuristica.ui.knowledge_base import current

kg = current().graph
depth = int(st.query_params.get("depth", 1))
view = build_view(kg, default_focus(kg), depth=depth, show_all="all" in st.query_params)
plain = nx.DiGraph()
for page_id in view.nodes:
    page = kg.page(page_id)
    plain.add_node(page_id, label=page.title, title=page.overview,
                   color=TYPE_COLOURS[page.page_type])
plain.add_edges_from((e.source, e.target, {{"title": e.relation}}) for e in view.edges)
net = Network(directed=True, cdn_resources="in_line", height="640px", width="100%")
net.from_nx(plain)
components.html(net.generate_html(), height=660)
"""


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def graph_frame(page: Page) -> Frame:
    page.wait_for_selector(f'iframe[title*="{GRAPH_FRAME}"]', timeout=120_000)
    return next(f for f in page.frames if GRAPH_FRAME in f.url)


def open_ours(page: Page, url: str) -> Frame:
    page.goto(url)
    frame = graph_frame(page)
    frame.wait_for_selector('body[data-ready="1"]', timeout=120_000)
    return frame


def node_point(page: Page, frame: Frame, node: str) -> tuple[float, float]:
    inside = frame.evaluate(
        """id => { const p = network.canvasToDOM(network.getPositions([id])[id]);
                   const b = network.body.container.getBoundingClientRect();
                   return [b.left + p.x, b.top + p.y]; }""",
        node,
    )
    box = page.locator(f'iframe[title*="{GRAPH_FRAME}"]').bounding_box()
    assert box is not None
    return box["x"] + inside[0], box["y"] + inside[1]


def neighbours_on_screen(frame: Frame, count: int) -> list[tuple[str, str]]:
    """(id, label) of ``count`` non-focus nodes."""
    return frame.evaluate(
        """n => network.body.data.nodes.get({filter: x => !x.size}).slice(0, n)
                 .map(x => [x.id, x.title.split("\\n")[0]])""",
        count,
    )


def heading(page: Page, title: str) -> None:
    page.get_by_role("heading", name=title, exact=True).wait_for(timeout=60_000)


def measure_ours(page: Page, url: str, runs: int, pages: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {"first load": [timed(lambda: open_ours(page, url))]}
    results["load"] = [timed(lambda: open_ours(page, url)) for _ in range(runs)]
    targets = neighbours_on_screen(open_ours(page, url), 2 * runs)
    results["click -> preview in panel"] = [
        react(page, url, page.mouse.click, node, title, opened=False)
        for node, title in targets[::2]
    ]
    results["double-click -> page in panel"] = [
        react(page, url, page.mouse.dblclick, node, title, opened=True)
        for node, title in targets[1::2]
    ]
    results["whole graph, first time"] = [whole_graph(page, url, pages)]
    results["whole graph, again"] = [whole_graph(page, url, pages)]
    return results


def react(
    page: Page,
    url: str,
    press: Callable[[float, float], None],
    node: str,
    title: str,
    opened: bool,
) -> float:
    """Seconds from pressing on ``node`` to its title in the panel (and, when
    ``opened``, its id in the URL: the page was opened, not just previewed)."""
    frame = open_ours(page, url)
    point = node_point(page, frame, node)

    def shown() -> None:
        if opened:
            page.wait_for_url(lambda now: quote(node, safe="") in now or node in now)
        heading(page, title)

    return timed(lambda: (press(*point), shown()))


def whole_graph(page: Page, url: str, pages: int) -> float:
    """Seconds from flipping the whole-graph toggle to every page drawn."""
    frame = open_ours(page, url)
    toggle = page.get_by_text("Whole graph", exact=False)
    all_drawn = "n => document.body.dataset.ready === '1' && network.body.data.nodes.length === n"
    return timed(
        lambda: (toggle.click(), frame.wait_for_function(all_drawn, arg=pages, timeout=180_000))
    )


def open_naive(page: Page, url: str, cap: float = SETTLE_CAP_S) -> str:
    """Open a naive embed: seconds until its physics settled, or how far it got by ``cap``."""
    start = time.perf_counter()
    page.goto(url)
    try:
        page.wait_for_selector("iframe", timeout=cap * 1000)
    except PlaywrightTimeout:
        return f"no graph yet after {cap:.0f} s (server still building it)"
    frame = next(f for f in page.frames if f.url == "about:srcdoc")
    left = max(cap - (time.perf_counter() - start), 0.1)
    try:
        frame.wait_for_function(SETTLED, timeout=left * 1000, polling=100)
    except PlaywrightTimeout:
        return f"drawn, still moving after {cap:.0f} s"
    return f"{time.perf_counter() - start:6.2f} s"


def rerun_cost(knowledge: Path, runs: int) -> dict[str, float]:
    """Median seconds of one Explore page run, caches warm (server side only)."""
    from streamlit.testing.v1 import AppTest

    os.environ["HEURISTICA_KNOWLEDGE"] = str(knowledge)
    costs = {}
    for label, show_all in (("default view", False), ("whole graph", True)):
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=300)
        at.session_state["explore_show_all"] = show_all
        at.run()
        times = [timed(at.run) for _ in range(runs)]
        costs[label] = statistics.median(times)
    return costs


def show(name: str, values: list[float]) -> None:
    shown = ", ".join(f"{v:.2f}" for v in values)
    print(f"  {name:36s} median {statistics.median(values):6.2f} s   ({shown})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    knowledge = knowledge_base(args.pages)
    print(f"{args.pages} pages in {knowledge}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        print("heuristica explorer (streamlit run app.py):")
        with running_app(knowledge) as url:
            for name, values in measure_ours(page, url, args.runs, args.pages).items():
                show(name, values)
        print("naive pyvis embed (Network.from_nx + components.html), opened -> settled:")
        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / "naive_app.py"
            script.write_text(NAIVE_APP.format(repo=str(REPO)))
            with running_app(knowledge, script) as url:
                open_naive(page, url, cap=120)  # the server loads the knowledge base
                for label, query in (
                    ("load", ""),
                    ("depth 3", "?depth=3"),
                    ("whole graph", "?all"),
                ):
                    print(f"  {label:36s} {open_naive(page, url + query)}", flush=True)
        browser.close()
    print("server-side rerun of the Explore page (AppTest, caches warm):")
    for label, seconds in rerun_cost(knowledge, args.runs).items():
        print(f"  {label:36s} median {seconds * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
