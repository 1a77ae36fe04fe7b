"""The explorer on a large knowledge base, in chromium: this checkout beside the
explorer as it was before previews moved into the browser, and a naive pyvis
embed, in the same run.

    python -m bench.bench_browser [--pages 10000] [--runs 3] [--before REF|''] [--no-naive]
                                  [--starts N] [--first-load-only [--no-whole-graph]]

Starts the real app (`streamlit run app.py`) on a generated knowledge base,
once from this checkout and once from ``--before`` (a git revision, default
the last commit before the drawing seam, extracted with ``git archive``; ''
for none), and
measures with Playwright what a reader waits for:
- first load: from the server's process start to the default view drawn
  and laid out in the browser (the page opened as soon as
  ``/_stcore/health`` answers), with the part before health answered and
  the load as the server's log gives it; and from health to drawn, the
  figure this bench gave before (which left out the load the server now
  does before it answers). A first, unmeasured start of each version writes
  its bytecode and, if it has none, its parse cache (bench/out/cache/), so
  the measured starts are warm ones (a stale cache, written by an earlier
  version of the same name: delete bench/out/cache/); ``--starts N`` measures it on
  N server starts per version, the versions by turns; each server has a new
  port, so the browser's cache is cold every time; with the server's CPU
  seconds and the load average, and with ``--no-whole-graph`` the timeline
  of each start (``first_load_timeline``);
- load: the same, server warm;
- click -> preview: the clicked page's preview on screen (here: the card in
  the graph; before: the panel, after a round trip to the server);
- double-click -> page in panel: the page opened in the panel, ``?node=`` in the URL;
- whole graph usable: the toggle flipped -> every page drawn and laid out,
  then a click on a page (one the network itself finds at that point, away
  from the frame's edges) shows its preview: the graph answers the reader.
  Cold: no layout on disk (every measured server starts with its layouts
  removed), the toggle flipped as soon as the first load has drawn the
  default view, on each server start (the moment the server starts the
  layout it held back until a browser drew its first view, so the toggle
  waits for all of it); again: a fresh page, from the
  server's layout and drawing in memory; after an edit: a page's link
  pointed elsewhere (the file put back after), so the layout is made again,
  from the previous one's positions.
Then the naive embed of the same views (``Network.from_nx`` +
``components.html``, physics on) in its own server: opened -> physics settled
(capped). Budgets (issue 10): click -> preview <= 150 ms median,
double-click <= 500 ms, whole graph usable <= 1.5 s, first load after a
server start <= 3 s.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import yaml
from playwright.sync_api import Frame, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bench.bench_render import OUT, knowledge_base
from bench.first_load_timeline import (
    BROWSER_MARKS,
    EVENTS_FILE,
    browser_marks,
    cpu_seconds,
    probe_env,
    server_marks,
    websocket_marks,
)
from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, REPO, AppServer, app_server, running_app
from tests.e2e.locators import graph_frame, node_point

BEFORE = "38fa7d3"
"""The last commit whose explorer previewed a click in the panel (a round trip)."""
LONG_MS = 180_000
SETTLE_CAP_S = 30.0
EDIT_SEEN_S = 2.0
"""Longer than the app waits before it looks at the files again where it
cannot watch them (1 s); where it can (``live.watch``), it loads an edit
0.2 s after the folder goes quiet and lays out the new whole graph then."""
SETTLED = "typeof network !== 'undefined' && network && network.physics.stabilized === true"

NAIVE_APP = """
import sys
sys.path.insert(0, {repo!r})
import streamlit as st
import networkx as nx
import streamlit.components.v1 as components
from pyvis.network import Network
from heuristica.draw.render import TYPE_COLOURS
from heuristica.draw.view import build_view, default_focus
from heuristica.ui.knowledge_base import current

kg = current().graph
depth = int(st.query_params.get("depth", 1))
view = build_view(kg, default_focus(kg, None), depth=depth, show_all="all" in st.query_params)
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


@dataclass(frozen=True)
class Explorer:
    """One version of the app under measurement."""

    name: str
    script: Path
    previewed: Callable[[Page, Frame, str, str], None]
    """Waits until the preview of (page id, title) is on screen."""


def in_the_card(page: Page, frame: Frame, node: str, title: str) -> None:
    frame.wait_for_selector(f'#card[data-node="{node}"]:not([hidden])')


def in_the_panel(page: Page, frame: Frame, node: str, title: str) -> None:
    heading(page, title)


def previews_of(app: Path) -> Callable[[Page, Frame, str, str], None]:
    """How the explorer in ``app`` shows a click's preview: in the graph's
    card (from 00c3809 on), else in the panel."""
    page = app / "heuristica" / "draw" / "web" / "index.html"
    card = page.exists() and 'id="card"' in page.read_text(encoding="utf-8")
    return in_the_card if card else in_the_panel


def timed(*steps: Callable[[], object]) -> float:
    """Seconds taken by ``steps``, run one after the other."""
    start = time.perf_counter()
    for step in steps:
        step()
    return time.perf_counter() - start


def heading(page: Page, title: str) -> None:
    page.get_by_role("heading", name=title, exact=True).wait_for()


def open_explorer(page: Page, url: str) -> Frame:
    page.goto(url)
    return graph_frame(page)


def title_of(knowledge: Path, page_id: str) -> str:
    data = yaml.safe_load((knowledge / f"{page_id}.yaml").read_text(encoding="utf-8"))
    return str(data["title"])


def measure(
    page: Page, url: str, explorer: Explorer, knowledge: Path, runs: int, pages: int
) -> dict[str, list[float]]:
    results = {"load (server warm)": [timed(lambda: open_explorer(page, url)) for _ in range(runs)]}
    frame = open_explorer(page, url)
    others = frame.evaluate(
        """n => network.body.data.nodes.get({filter: x => !(x.size > 20)})
                 .slice(0, n).map(x => x.id)""",
        2 * runs,
    )
    targets = [(node, title_of(knowledge, node)) for node in others]

    def click(node: str, title: str) -> float:
        frame = open_explorer(page, url)
        point = node_point(page, frame, node)
        return timed(
            lambda: page.mouse.click(*point),
            lambda: explorer.previewed(page, frame, node, title),
        )

    def double_click(node: str, title: str) -> float:
        frame = open_explorer(page, url)
        point = node_point(page, frame, node)

        def opened() -> None:
            page.wait_for_url(lambda now: quote(node, safe="") in now or node in now)
            heading(page, title)

        return timed(lambda: page.mouse.dblclick(*point), opened)

    results["click -> preview"] = [click(*target) for target in targets[::2]]
    results["double-click -> page in panel"] = [double_click(*target) for target in targets[1::2]]
    whole = (page, url, pages, explorer, knowledge)
    results["whole graph usable, again"] = [whole_graph(*whole) for _ in range(runs)]
    results["whole graph usable, after an edit"] = [
        after_an_edit(knowledge, turn, lambda: whole_graph(*whole)) for turn in range(runs)
    ]
    return results


ALL_DRAWN = "n => document.body.dataset.ready === '1' && network.body.data.nodes.length === n"
A_NODE_TO_CLICK = """() => {
    const box = network.body.container.getBoundingClientRect();
    for (const [id, p] of Object.entries(network.getPositions())) {
        const at = network.canvasToDOM(p);
        if (at.x < 60 || at.y < 60 || at.x > box.width - 60 || at.y > box.height - 60) continue;
        if (network.getNodeAt(at) === id) return id;
    }
    return null;
}"""


def whole_graph(page: Page, url: str, pages: int, explorer: Explorer, knowledge: Path) -> float:
    """Seconds from flipping the whole-graph toggle to every page drawn, plus
    the seconds a click on one of them takes to show its preview (finding a
    page to click, between the two, is not counted)."""
    frame = open_explorer(page, url)
    toggle = page.get_by_text("Whole graph", exact=False).first
    drawn = timed(toggle.click, lambda: frame.wait_for_function(ALL_DRAWN, arg=pages))
    node = frame.evaluate(A_NODE_TO_CLICK)
    if node is None:
        raise AssertionError("no page of the whole graph can be clicked on its own")
    point = node_point(page, frame, node)
    title = title_of(knowledge, node)
    return drawn + timed(
        lambda: page.mouse.click(*point), lambda: explorer.previewed(page, frame, node, title)
    )


def cold_whole_graph(
    page: Page, server: AppServer, explorer: Explorer, knowledge: Path, pages: int
) -> float | None:
    """``whole_graph`` on a server just started; None, said with the frame's
    state and a screenshot in bench/out/, if the graph never answered (not
    a figure: the median is of the starts that answered)."""
    try:
        return whole_graph(page, server.url, pages, explorer, knowledge)
    except PlaywrightTimeout as timeout:
        name = re.sub(r"\W+", "-", explorer.name)
        shot = OUT / f"cold-whole-graph-{name}-{time.time():.0f}.png"
        page.screenshot(path=str(shot))
        frames = [frame for frame in page.frames if frame is not page.main_frame]
        state = [frame.evaluate(FRAME_STATE) for frame in frames if not frame.is_detached()]
        said = timeout.message.splitlines()[0]
        print(
            f"  {explorer.name}: the whole graph never answered ({said}); "
            f"frame: {state}; screenshot: {shot}",
            flush=True,
        )
        return None


FRAME_STATE = """() => ({
    ready: document.body.dataset.ready, drawing: document.body.dataset.drawing,
    revision: document.body.dataset.revision,
    nodes: typeof network === 'undefined' ? null : network.body.data.nodes.length,
    card: (document.getElementById('card') || {}).dataset,
})"""


def after_an_edit(knowledge: Path, turn: int, measured: Callable[[], float]) -> float:
    """``measured()`` after a page's first link is pointed at another page of
    the same type (another one each ``turn``), once the server has seen the
    change; the page's file is put back after."""
    page_file = sorted((knowledge / "heuristic").glob("*.yaml"))[turn]
    text = page_file.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    old = str(data["links"][0]["to"])
    kind = old.split("/")[0]
    linked = {str(link["to"]) for link in data["links"]}
    others = sorted(path.stem for path in (knowledge / kind).glob("*.yaml"))
    data["links"][0]["to"] = next(f"{kind}/{o}" for o in others if f"{kind}/{o}" not in linked)
    try:
        page_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        time.sleep(EDIT_SEEN_S)
        return measured()
    finally:
        page_file.write_text(text, encoding="utf-8")


def forget_layouts(cache: Path) -> None:
    """Remove every whole-graph layout a server could find: in the knowledge
    base's folder under ``cache`` (``kb.parsecache.cache_folder``), and where
    versions before it kept them (``$TMPDIR/heuristica-layouts``)."""
    for folder in [*cache.glob("*/layouts"), Path(tempfile.gettempdir()) / "heuristica-layouts"]:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def serving(knowledge: Path, explorer: Explorer, timeline: bool = False) -> Iterator[AppServer]:
    """A fresh server of ``explorer`` over ``knowledge``, its output in a
    file, and with ``timeline`` the probe that marks its start. Each version
    keeps its own parse cache: a cache written by one version is ignored by
    another, which would then parse every page."""
    cache = cache_folder(explorer)
    forget_layouts(cache)
    with tempfile.TemporaryDirectory(prefix="heuristica-bench-log-") as folder:
        log = Path(folder) / "server.log"
        # Bytecode written and used, as an installed app has it (this machine's
        # PYTHONDONTWRITEBYTECODE made every start compile the app's modules).
        env = {
            "HEURISTICA_CACHE": str(cache),
            "PYTHONDONTWRITEBYTECODE": "",
            **(probe_env(log.with_name(EVENTS_FILE)) if timeline else {}),
        }
        with app_server(knowledge, explorer.script, log, env) as server:
            yield server


def cache_folder(explorer: Explorer) -> Path:
    return OUT / "cache" / re.sub(r"\W+", "-", explorer.name).strip("-")


def warm_start(knowledge: Path, explorer: Explorer, wait: float = 60.0) -> None:
    """Start ``explorer`` once, unmeasured: it writes its modules' bytecode
    and, unless it has one, saves its parse cache (about ten seconds after
    its load; a version that keeps none is given ``wait`` seconds)."""
    had_cache = any(cache_folder(explorer).glob("parsed-*.json"))
    with serving(knowledge, explorer):
        deadline = time.monotonic() + wait
        while not had_cache and not any(cache_folder(explorer).glob("parsed-*.json")):
            if time.monotonic() > deadline:
                return
            time.sleep(0.5)


FROM_START = "first load, from process start"
UNTIL_HEALTHY = "  of which: start until health"
LOADING = "  of which: the load (its log)"
FROM_HEALTH = "first load, from health (former)"
WHOLE_COLD = "whole graph usable, cold"
SERVER_CPU = "  server CPU s until drawn"
LOAD_AVERAGE = "  load average (1 min) at the start"
TIMELINE = "  t "
_LOADED = re.compile(r"pages loaded from .* in ([0-9.]+) s")


def first_load(page: Page, server: AppServer) -> dict[str, list[float]]:
    """A server's first load, just started: from its process's start to the
    default view drawn in the browser (what a reader waits for after a
    start), how much of it passed before ``/_stcore/health`` answered and
    how long the server says its load took; and from health answering to
    drawn (the figure this bench gave before, which left the load out).
    Then the server's CPU seconds by then, and the timeline of the start
    (``first_load_timeline``), each step in seconds from the process start."""
    load = os.getloadavg()[0]
    with websocket_marks(page) as socket:
        frame = open_explorer(page, server.url)
        drawn = time.perf_counter()
    cpu = cpu_seconds(server.process.pid)
    figures = {
        FROM_START: [drawn - server.started],
        UNTIL_HEALTHY: [server.healthy - server.started],
        FROM_HEALTH: [drawn - server.healthy],
        SERVER_CPU: [cpu],
        LOAD_AVERAGE: [load],
    }
    said = _LOADED.search(server.log.read_text(errors="replace")) if server.log else None
    if said:
        figures[LOADING] = [float(said[1])]
    started = time.time() - (time.perf_counter() - server.started)
    marks = {
        **(server_marks(server.log.with_name(EVENTS_FILE)) if server.log else {}),
        **socket,
        **browser_marks(page, frame),
        "health answered": started + server.healthy - server.started,
        "default view drawn and laid out": started + drawn - server.started,
    }
    for event, at in sorted(marks.items(), key=lambda mark: mark[1]):
        figures[f"{TIMELINE}{event}"] = [at - started]
    return figures


@contextmanager
def checkout(revision: str) -> Iterator[Path]:
    """The app at ``revision``, extracted into a temporary folder (links kept)."""
    with tempfile.TemporaryDirectory(prefix="heuristica-before-") as folder:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "--format=tar", revision],
            check=True,
            capture_output=True,
        ).stdout
        archive_file = Path(folder) / "app.tar"
        archive_file.write_bytes(archive)
        with tarfile.open(archive_file) as tar:
            tar.extractall(Path(folder) / "app", filter="tar")
        yield Path(folder) / "app"


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
    """Median seconds of one Explore page run of this checkout, caches warm
    (server side only, AppTest in this process)."""
    from streamlit.testing.v1 import AppTest

    os.environ["HEURISTICA_KNOWLEDGE"] = str(knowledge)
    costs = {}
    for label, show_all in (("default view", False), ("whole graph", True)):
        at = AppTest.from_file(str(REPO / "heuristica" / "shell.py"), default_timeout=300)
        at.session_state["explore_show_all"] = show_all
        at.run()
        costs[label] = statistics.median(timed(at.run) for _ in range(runs))
    return costs


def load_average() -> str:
    return " ".join(f"{load:.2f}" for load in os.getloadavg())


def median(values: list[float], unit: str = " s") -> str:
    shown = ", ".join(f"{v:.2f}" for v in values)
    return f"{statistics.median(values):6.2f}{unit} ({shown})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--before", default=BEFORE, help="git revision to compare with ('' for none)"
    )
    parser.add_argument("--no-naive", action="store_true", help="skip the naive pyvis embed")
    parser.add_argument(
        "--first-load-only", action="store_true", help="measure only the first loads"
    )
    parser.add_argument(
        "--starts", type=int, default=1, help="server starts per version for the first load"
    )
    parser.add_argument(
        "--no-whole-graph",
        action="store_true",
        help="with --first-load-only: skip the cold whole graph after each first load,"
        " and show each first load's timeline",
    )
    args = parser.parse_args()
    knowledge = knowledge_base(args.pages)
    print(f"{args.pages} pages in {knowledge}; load average {load_average()}", flush=True)
    results: dict[str, dict[str, list[float]]] = {}
    with sync_playwright() as p, checkout(args.before or "HEAD") as before:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.set_default_timeout(LONG_MS)
        # The timeline's marks only where no whole graph is measured: with them,
        # a second start's cold whole graph failed to show a clicked page's
        # preview in 3 of 4 runs (not seen without them; cause not found).
        timeline = args.no_whole_graph
        if timeline:
            page.add_init_script(BROWSER_MARKS)
        explorers = [Explorer("this checkout", REPO / "app.py", in_the_card)]
        if args.before:
            explorers.append(
                Explorer(f"before ({args.before})", before / "app.py", previews_of(before))
            )
        for explorer in explorers:
            warm_start(knowledge, explorer)
        for explorer in explorers:
            with serving(knowledge, explorer, timeline) as server:
                results[explorer.name] = first_load(page, server)
                if not args.no_whole_graph:
                    cold = cold_whole_graph(page, server, explorer, knowledge, args.pages)
                    results[explorer.name][WHOLE_COLD] = [] if cold is None else [cold]
                if not args.first_load_only:
                    results[explorer.name].update(
                        measure(page, server.url, explorer, knowledge, args.runs, args.pages)
                    )
            print(f"measured {explorer.name}", flush=True)
        for _ in range(args.starts - 1):  # the versions by turns, so drift hits both
            for explorer in explorers:
                with serving(knowledge, explorer, timeline) as server:
                    for figure, values in first_load(page, server).items():
                        results[explorer.name].setdefault(figure, []).extend(values)
                    if not args.no_whole_graph:
                        cold = cold_whole_graph(page, server, explorer, knowledge, args.pages)
                        results[explorer.name][WHOLE_COLD] += [] if cold is None else [cold]
        if args.starts > 1:
            print(f"measured first loads, cold whole graphs: {args.starts} starts each", flush=True)
        print(f"load average {load_average()}")
        names = list(results)
        print(f"\n  {'median (each run)':44s}" + "".join(f"{name:>36s}" for name in names))
        for figure in dict.fromkeys(f for name in names for f in results[name]):
            unit = "" if figure == LOAD_AVERAGE else " s"
            shown = (
                median(results[n][figure], unit) if figure in results[n] else "-" for n in names
            )
            print(f"  {figure:44s}" + "".join(f"{cell:>36s}" for cell in shown))
        if not (args.no_naive or args.first_load_only):
            print("\nnaive pyvis embed (Network.from_nx + components.html), opened -> settled:")
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
                        print(f"  {label:34s} {open_naive(page, url + query)}", flush=True)
        browser.close()
    if args.first_load_only:
        return
    print("\nserver-side rerun of the Explore page, this checkout (AppTest, caches warm):")
    for label, seconds in rerun_cost(knowledge, args.runs).items():
        print(f"  {label:34s} median {seconds * 1000:6.0f} ms")


if __name__ == "__main__":
    main()
