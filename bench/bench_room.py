"""A room on real app servers: how long each follower takes to reach each step.

    python -m bench.bench_room [--pages 10000] [--steps 4] [--followers 30] [--crowd 100]
                               [--no-baseline] [--no-crowd] [--profile FOLDER]

The servers serve the generated base of ``--pages`` pages (bench/generate.py,
10,000 by default; copied once to bench/out/room<N>/ with a five-step tour of
its pages), or with ``--pages 0`` the ten-page test fixture.

One presenter presses Next; N followers, each its own Streamlit session,
must show the new step. The followers are lightweight clients that speak
Streamlit's websocket protocol (tests/e2e/streamlit_client.py): they ask for
the tour page as a browser does, apply the URL the page writes, and re-send
a fragment's run every time the server's ``auto_rerun`` timer says so, as
the browser's own timer does; they only skip drawing. A follower has
"reached" step k when the server has sent it the progress bar "Step k of n".

Four rooms, in the same run:
1. today's way (the polling design this branch replaced, taken from git):
   one server, N followers joined by code, each polling every 0.5 s;
2. ours: one server, N followers joined by link, woken when the step moves;
3. before the room features (presence, answers, hands: the app as it was in
   the last commit without them, taken from git): C followers spread over two
   servers sharing one Redis (a real redis-server on a free port), the
   presenter on the first;
4. ours: the same room with them.
In rooms 2 and 4, before stepping, every follower answers the first step's
question at a random moment within ``ANSWER_WINDOW_S`` (5 s), and the run
prints how long after the last answer the presenter's screen counted them
all. ``--no-baseline`` leaves out room 1 (each follower that cannot join there
costs a 60 s deadline), ``--no-before`` room 3, ``--no-crowd`` rooms 3 and 4
(``--crowd 0`` does too);
``--profile FOLDER`` records each of our servers with py-spy (if installed)
while the presenter steps, as FOLDER/<room>-<server>.txt (collapsed stacks).
Printed per room: time from the presenter's click to each follower showing
the step (median, 90th percentile, worst over every follower and step),
server CPU seconds per step (and per follower per step) and while idle, server memory per browser
session, how many whole-page and fragment runs each follower's page had per
step, and the machine's load average at the end. Bounded: every wait has a
deadline, every process is stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import yaml
from streamlit.proto.WidgetStates_pb2 import WidgetState

from bench.bench_render import OUT, knowledge_base
from heuristica.kb.relations import PageType
from tests.e2e.harness import REPO, running_app
from tests.e2e.streamlit_client import StreamlitClient
from tests.e2e.test_tour_live import CODE
from tests.redis_server import RedisServer

FIXTURE = REPO / "tests" / "fixtures" / "explorer_kb"
"""The ten-page base (``--pages 0``): the fixture's own tour."""
TOUR = "first-steps"
STEPS_IN_TOUR = 5
STEP_DEADLINE_S = 60.0
"""A follower that has not shown a step after this long counts as this long."""
IDLE_SECONDS = 4.0
POLLING_MARKER = "_attached_poll"
"""Found in ui/tour_live.py while followers polled; the benchmark's "today"."""
ROOM_MARKER = "Audience"
"""Found in ui/tour_live.py since the room's state comes back (issue 24)."""
ANSWER_WINDOW_S = 5.0
ANSWER_SEED = 24


@dataclass
class RoomResult:
    name: str
    latencies: list[float] = field(default_factory=list)
    missed: int = 0
    not_joined: int = 0
    """Followers that could not join within STEP_DEADLINE_S (the room was too busy)."""
    cpu_per_step: float = 0.0
    cpu_idle_per_s: float = 0.0
    rss_per_session_mb: float = 0.0
    page_runs_per_step: float = 0.0
    """Whole-page runs per follower per step (the app script and the page)."""
    fragment_runs_per_step: float = 0.0
    load_average: tuple[float, float, float] = (0.0, 0.0, 0.0)
    followers: int = 0
    answers_counted_after: float | None = None
    """Seconds from the last follower's answer to the presenter's screen counting all."""

    def report(self) -> str:
        if not self.latencies:
            return f"{self.name:<44} no measurement"
        ordered = sorted(self.latencies)
        p90 = ordered[int(0.9 * (len(ordered) - 1))]
        missed = f", {self.missed} missed" if self.missed else ""
        if self.not_joined:
            missed += f", {self.not_joined} could not join within {STEP_DEADLINE_S:.0f} s"
        return (
            f"{self.name:<44} median {statistics.median(ordered):5.2f} s  p90 {p90:5.2f} s  "
            f"worst {ordered[-1]:5.2f} s{missed}\n"
            f"{'':<44} server CPU {self.cpu_per_step:5.2f} s per step, "
            f"{self.cpu_idle_per_s:5.3f} s/s idle, "
            f"{self.rss_per_session_mb:5.2f} MB per session, "
            f"{1000 * self.cpu_per_step / max(self.followers, 1):5.1f} ms per follower per step\n"
            f"{'':<44} per follower per step {self.page_runs_per_step:.2f} page runs, "
            f"{self.fragment_runs_per_step:.2f} fragment runs; "
            f"load average {' '.join(f'{x:.2f}' for x in self.load_average)}"
            + (
                ""
                if self.answers_counted_after is None
                else f"\n{'':<44} {self.followers} answers within {ANSWER_WINDOW_S:.0f} s: "
                f"the presenter's count complete {self.answers_counted_after:5.2f} s "
                "after the last"
            )
        )


def polling_baseline(folder: Path) -> Path:
    """The app as it was in the last commit whose followers polled, exported from git."""
    return exported_app(folder, lambda live: POLLING_MARKER in live, "the polling design")


def before_room(folder: Path) -> Path:
    """The app as it was in the last commit before the room's state came back."""
    return exported_app(folder, lambda live: ROOM_MARKER not in live, "no room features")


def exported_app(folder: Path, wanted: Callable[[str], bool], what: str) -> Path:
    """The app of the newest commit whose tour_live.py (ui/ before issue 25's move
    into heuristica/, heuristica/ui/ after) is ``wanted``, exported from git."""
    commits = subprocess.run(
        ["git", "log", "--format=%H", "--", *TOUR_LIVE_PATHS],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    chosen = next((c for c in commits if (live := _tour_live_at(c)) and wanted(live)), None)
    if chosen is None:
        raise SystemExit(f"no commit with {what} found in this repository's history")
    archive = subprocess.run(
        ["git", "archive", chosen], cwd=REPO, capture_output=True, check=True
    ).stdout
    folder.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "app.py"


TOUR_LIVE_PATHS = ("heuristica/ui/tour_live.py", "ui/tour_live.py")


def _tour_live_at(commit: str) -> str:
    return next((text for path in TOUR_LIVE_PATHS if (text := _file_at(commit, path))), "")


def _file_at(commit: str, path: str) -> str:
    shown = subprocess.run(
        ["git", "show", f"{commit}:{path}"], cwd=REPO, capture_output=True, text=True
    )
    return shown.stdout


def server_process(url: str) -> psutil.Process:
    port = url.rsplit(":", 1)[1]
    for child in psutil.Process().children(recursive=True):
        try:
            if "streamlit" in " ".join(child.cmdline()) and port in child.cmdline():
                return child
        except psutil.NoSuchProcess:
            continue
    raise RuntimeError(f"no server process for {url}")


def cpu_seconds(processes: list[psutil.Process]) -> float:
    return sum(p.cpu_times().user + p.cpu_times().system for p in processes)


def rss_mb(processes: list[psutil.Process]) -> float:
    return sum(p.memory_info().rss for p in processes) / 2**20


def step_text(step: int) -> str:
    return f"^Step {step} of {STEPS_IN_TOUR}$"


async def start_presenter(url: str) -> tuple[StreamlitClient, str]:
    presenter = StreamlitClient(url, page="tour", query_string=f"tour={TOUR}&step=1")
    await presenter.connect()
    await presenter.run()
    await presenter.wait_for_text(step_text(1), STEP_DEADLINE_S)
    await presenter.click("Present")
    code = await presenter.wait_for_text(CODE, STEP_DEADLINE_S)
    return presenter, code


async def join_by_code(url: str, code: str) -> StreamlitClient:
    """Today's way in: open Tours, type the code, press Join."""
    follower = StreamlitClient(url, page="tour")
    await follower.connect()
    await follower.run()
    await follower.wait_for_text(step_text(1), STEP_DEADLINE_S)
    field_id = follower.widgets["Session code"].id
    join_id = follower.widgets["Join"].id
    await follower.run(
        widget_states=[
            WidgetState(id=field_id, string_value=code),
            WidgetState(id=join_id, trigger_value=True),
        ]
    )
    await follower.wait_for_text(f"Following session `{code}` live", STEP_DEADLINE_S)
    return follower


async def join_by_link(url: str, code: str) -> StreamlitClient:
    follower = StreamlitClient(url, page="tour", query_string=f"follow={code}")
    await follower.connect()
    await follower.run()
    await follower.wait_for_text(f"Following session `{code}` live", STEP_DEADLINE_S)
    return follower


@contextmanager
def profiled(servers: list[psutil.Process], folder: Path | None, room: str) -> Iterator[None]:
    """py-spy records each server (collapsed stacks) while the block runs, if asked."""
    if folder is None or shutil.which("py-spy") is None:
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", room.lower()).strip("-")
    spies = [
        subprocess.Popen(
            [
                "py-spy",
                "record",
                "--pid",
                str(server.pid),
                "--format",
                "raw",
                "--rate",
                "200",
                "--nonblocking",
                "--gil",
                "--output",
                str(folder / f"{slug}-{index}.txt"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for index, server in enumerate(servers)
    ]
    try:
        yield
    finally:
        for spy in spies:
            spy.send_signal(signal.SIGINT)
        for spy in spies:
            try:
                spy.wait(timeout=30)
            except subprocess.TimeoutExpired:
                spy.kill()
                spy.wait()


async def measure_room(
    name: str,
    urls: list[str],
    followers: int,
    by_link: bool,
    steps: int,
    profile: Path | None = None,
    answers: bool = False,
) -> RoomResult:
    result = RoomResult(name)
    servers = [server_process(url) for url in urls]
    rss_before = rss_mb(servers)
    presenter, code = await start_presenter(urls[0])
    join = join_by_link if by_link else join_by_code
    crowd: list[StreamlitClient] = []
    for index in range(followers):
        try:
            crowd.append(await join(urls[index % len(urls)], code))
        except TimeoutError:
            result.not_joined += 1
    await asyncio.sleep(IDLE_SECONDS / 2)
    result.rss_per_session_mb = (rss_mb(servers) - rss_before) / (followers + 1)
    idle_cpu = cpu_seconds(servers)
    await asyncio.sleep(IDLE_SECONDS)
    result.cpu_idle_per_s = (cpu_seconds(servers) - idle_cpu) / IDLE_SECONDS
    result.followers = len(crowd)
    if answers:
        result.answers_counted_after = await _answer_all(presenter, crowd)
        await asyncio.sleep(1.0)
    step_cpu = cpu_seconds(servers)
    page_runs = sum(c.full_runs_started for c in crowd)
    fragment_runs = sum(c.fragment_runs_started for c in crowd)
    with profiled(servers, profile, name):
        await _step_through(result, presenter, crowd, steps)
    result.cpu_per_step = (cpu_seconds(servers) - step_cpu) / steps
    seats = max(len(crowd), 1) * steps
    result.page_runs_per_step = (sum(c.full_runs_started for c in crowd) - page_runs) / seats
    result.fragment_runs_per_step = (
        sum(c.fragment_runs_started for c in crowd) - fragment_runs
    ) / seats
    result.load_average = os.getloadavg()
    for client in [presenter, *crowd]:
        await client.close()
    return result


async def _step_through(
    result: RoomResult, presenter: StreamlitClient, crowd: list[StreamlitClient], steps: int
) -> None:
    for step in range(2, 2 + steps):
        reached: dict[int, float] = {}
        for index, follower in enumerate(crowd):
            follower.on_text = _recorder(reached, index, step)
        clicked = time.monotonic()
        await presenter.click("Next")
        deadline = clicked + STEP_DEADLINE_S
        while len(reached) < len(crowd) and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        result.latencies += [reached.get(i, deadline) - clicked for i in range(len(crowd))]
        result.missed += len(crowd) - len(reached)
        await asyncio.sleep(1.0)


async def _answer_all(presenter: StreamlitClient, crowd: list[StreamlitClient]) -> float:
    """Every follower answers the step's question at a random moment within
    ``ANSWER_WINDOW_S``; seconds from the last answer sent to the presenter's
    screen counting them all (``STEP_DEADLINE_S`` if it never does)."""
    counted = asyncio.Event()
    counted_at = [0.0]
    everyone = re.compile(rf"^{len(crowd)} answered")

    def seen(text: str) -> None:
        if everyone.match(text) and not counted.is_set():
            counted_at[0] = time.monotonic()
            counted.set()

    presenter.on_text = seen
    rng = random.Random(ANSWER_SEED)
    plan = [(rng.uniform(0, ANSWER_WINDOW_S), rng.choice(["fork", "spawn"])) for _ in crowd]

    async def answer(follower: StreamlitClient, delay: float, choice: str) -> float:
        await asyncio.sleep(delay)
        radio = next(w for w in follower.widgets.values() if w.kind == "radio")
        await follower.choose(radio.label, choice)
        return time.monotonic()

    sent = await asyncio.gather(*(answer(f, *p) for f, p in zip(crowd, plan, strict=True)))
    try:
        await asyncio.wait_for(counted.wait(), STEP_DEADLINE_S)
    except TimeoutError:
        return STEP_DEADLINE_S
    return max(counted_at[0] - max(sent), 0.0)


def _recorder(reached: dict[int, float], index: int, step: int) -> Callable[[str], None]:
    pattern = re.compile(step_text(step))

    def seen(text: str) -> None:
        if index not in reached and pattern.match(text):
            reached[index] = time.monotonic()

    return seen


@contextmanager
def servers(
    knowledge: Path, script: Path, count: int, env: dict[str, str] | None = None
) -> Iterator[list[str]]:
    with ExitStack() as stack:
        yield [
            stack.enter_context(running_app(knowledge, script=script, env=env))
            for _ in range(count)
        ]


def room_base(pages: int) -> Path:
    """The knowledge base the rooms run on: the generated base of ``pages``
    pages (bench/out/, made once) with a tour of five of its pages, the first
    with the fixture's question (fork or spawn); the fixture for 0."""
    if pages <= 0:
        return FIXTURE
    root = OUT / f"room{pages}"
    tour = root / "tours" / f"{TOUR}.yaml"
    if not tour.exists():
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(knowledge_base(pages), root)
        steps = [_step(root, kind, 0) for kind in PageType] + [_step(root, PageType.PRINCIPLE, -1)]
        steps[0]["question"] = ROOM_QUESTION
        tour.parent.mkdir()
        tour_data = {
            "id": TOUR,
            "title": "First steps",
            "audience": "Newcomers to the team",
            "estimated_minutes": 5,
            "steps": steps,
        }
        text = yaml.safe_dump(tour_data, sort_keys=False)
        tour.write_text(text, encoding="utf-8")
    return root


ROOM_QUESTION = {
    "prompt": "Which start method is safe once Polars has run in the parent?",
    "choices": ["fork", "spawn"],
    "answer": "spawn",
    "explanation": "Spawn starts a fresh interpreter, which builds its own thread pool.",
}


def _step(root: Path, kind: PageType, index: int) -> dict[str, object]:
    """A step on the ``index``-th page of type ``kind``."""
    page = sorted((root / kind.value).glob("*.yaml"))[index].stem
    return {"page": f"{kind.value}/{page}", "note": f"A page of type {kind.value}."}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3, help="Next presses per room (<= 4)")
    parser.add_argument(
        "--pages", type=int, default=10_000, help="generated base (0: the ten-page fixture)"
    )
    parser.add_argument("--followers", type=int, default=30)
    parser.add_argument("--crowd", type=int, default=100, help="followers over two servers")
    parser.add_argument("--no-baseline", action="store_true", help="leave out today's polling room")
    parser.add_argument("--no-crowd", action="store_true", help="leave out the two-server rooms")
    parser.add_argument(
        "--no-before", action="store_true", help="leave out the room without the room features"
    )
    parser.add_argument(
        "--profile", type=Path, help="record our servers with py-spy into this folder"
    )
    arguments = parser.parse_args()
    steps = min(arguments.steps, STEPS_IN_TOUR - 1)
    knowledge = room_base(arguments.pages)
    loads = " ".join(f"{load:.2f}" for load in os.getloadavg())
    print(f"knowledge base: {knowledge}; load average {loads}", flush=True)
    results: list[RoomResult] = []
    with tempfile.TemporaryDirectory() as folder:
        rooms = []
        if not arguments.no_baseline:
            baseline = polling_baseline(Path(folder) / "today")
            rooms.append((f"today: 1 server, {arguments.followers} polling", baseline, 1, False))
        if arguments.followers > 0:
            rooms.append((f"ours: 1 server, {arguments.followers} woken", REPO / "app.py", 1, True))
        for name, script, count, by_link in rooms:
            with servers(knowledge, script, count) as urls:
                ours = script == REPO / "app.py"
                profile = arguments.profile if ours else None
                room = measure_room(
                    name, urls, arguments.followers, by_link, steps, profile, answers=ours
                )
                results.append(asyncio.run(room))
                print(results[-1].report(), flush=True)
        if arguments.no_crowd or arguments.crowd <= 0:
            return
        redis_folder = Path(folder) / "redis"
        redis_folder.mkdir()
        redis = RedisServer(redis_folder)
        redis.start()
        try:
            env = {"HEURISTICA_REDIS_URL": redis.url}
            crowds = [] if arguments.no_before else [("before the room features", False)]
            crowds.append(("ours", True))
            for label, ours in crowds:
                script = REPO / "app.py" if ours else before_room(Path(folder) / "before")
                with servers(knowledge, script, 2, env) as urls:
                    name = f"{label}: 2 servers + Redis, {arguments.crowd} woken"
                    profile = arguments.profile if ours else None
                    room = measure_room(
                        name, urls, arguments.crowd, True, steps, profile, answers=ours
                    )
                    results.append(asyncio.run(room))
                print(results[-1].report(), flush=True)
        finally:
            redis.stop()


if __name__ == "__main__":
    main()
