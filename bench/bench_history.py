"""The knowledge history on a 10,000-page base in a real git repository: the
diff of two revisions that differ in 50 pages, and one page's history, each
beside the naive way in the same run.

    python -m bench.bench_history [--pages 10000] [--changed 50] [--commits 20] [--runs 3]

- diff, first time: nothing in the cache; each revision's pages read from
  git's blobs and parsed once for both sides, in two processes as the
  command does (ours: ``kb.spread_parse``), beside loading both
  revisions in full from scratch (each written out, each file parsed, then
  compared: the naive way).
- the same first diff parsed in two processes and in one, by turns.
- the same first diff as the command a user or a CI job runs (``python -m
  heuristica diff BASE HEAD FOLDER --format markdown``): a new process, its
  interpreter and imports included, timed from its start to its exit.
- diff, again: the parse results kept by the first run (a CI job whose cache
  step restored them, a second diff on a laptop), beside the naive way with
  both revisions' folders written already.
- diff, after a push: the same base, a head one commit later (50 more pages
  edited): what the review workflow does on each push.
- diff against the working tree (the command's default, and CI's checkout).
- one page's history: ``git log`` of its file (ours) beside walking every
  commit and comparing the page's blob (the naive way).
- ``?at=`` on a revision already seen (its name resolved, its folder in the
  cache): loaded by a server that has it open, and by a server just started
  (its parse results read from the cache), beside the first load of today
  (the working tree, a server just started, its parse results in the cache).

Budgets (2 cores, 10,000 pages): a diff of two revisions that differ in 50
pages <= 3 s; one page's history <= 200 ms; ``?at=`` on a revision already
seen <= the first load of today.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from bench.generate import generate
from heuristica.checks.record import with_verification_problems
from heuristica.commands.diff_report import diff_sides
from heuristica.history.compare import Side, compare
from heuristica.history.git import WORKING_TREE, Repository, repository
from heuristica.history.snapshot import revision_folder
from heuristica.kb.loader import load_knowledge
from heuristica.kb.parsecache import CACHE_ENV_VAR, cache_path
from heuristica.live.knowledge_base import KnowledgeBase, LiveKnowledgeBase


def _git(top: Path, *args: str) -> str:
    import subprocess

    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Bench",
        "GIT_AUTHOR_EMAIL": "bench@example.org",
        "GIT_COMMITTER_NAME": "Bench",
        "GIT_COMMITTER_EMAIL": "bench@example.org",
    }
    done = subprocess.run(
        ["git", *args], cwd=top, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _edit(kb: Path, files: list[Path], rng: random.Random, count: int, mark: str) -> None:
    for path in rng.sample(files, count):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("overview: ", f"overview: {mark} ", 1), encoding="utf-8")


def build(top: Path, pages: int, changed: int, commits: int) -> tuple[Repository, list[str]]:
    """A repository whose knowledge/ has ``pages`` pages, then ``commits``
    commits of ``changed`` edited pages each; the commits, oldest first."""
    kb = top / "knowledge"
    generate(pages, kb)
    _git(top, "init", "-q", "-b", "main")
    _git(top, "add", "-A")
    _git(top, "commit", "-q", "-m", "base")
    shas = [_git(top, "rev-parse", "HEAD")]
    files = sorted(kb.rglob("*.yaml"))
    rng = random.Random(7)
    for number in range(commits):
        _edit(kb, files, rng, changed, f"Edit {number}.")
        _git(top, "commit", "-q", "-am", f"edit {number}")
        shas.append(_git(top, "rev-parse", "HEAD"))
    return repository(kb), shas


class Took(NamedTuple):
    """The median wall time of some runs, and the CPU time they used (this
    process and the git processes it waited for): the machine's load lengthens
    the first, hardly the second."""

    wall: float
    cpu: float

    def __str__(self) -> str:
        return f"{self.wall:6.2f} s (CPU {self.cpu:5.2f} s)"


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _timed(runs: int, setup: Callable[[], None], work: Callable[[], object]) -> Took:
    walls, cpus = [], []
    for _ in range(runs):
        setup()
        start, used = time.perf_counter(), _cpu()
        work()
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - used)
    return Took(statistics.median(walls), statistics.median(cpus))


def _by_turns(
    runs: int, setup: Callable[[], None], ours: Callable[[], object], other: Callable[[], object]
) -> tuple[Took, Took]:
    """The median of each way, run by turns (ours, other, ours, ...) so that
    the machine's load falls on both alike."""
    pairs = [(_timed(1, setup, ours), _timed(1, setup, other)) for _ in range(runs)]
    return _median([p[0] for p in pairs]), _median([p[1] for p in pairs])


def _median(runs: list[Took]) -> Took:
    return Took(statistics.median(t.wall for t in runs), statistics.median(t.cpu for t in runs))


def _naive_diff(repo: Repository, base: str, head: str) -> None:
    """Both revisions written out and loaded in full, each on its own."""
    sides = []
    for commit in (base, head):
        folder = revision_folder(repo, commit)
        result = with_verification_problems(load_knowledge(folder))
        pages, tours, problems = result.pages, result.tours, result.problems
        sides.append(Side(commit, commit, commit, pages, tours, problems, None))
    compare(*sides)


def _diff_command(repo: Repository, base: str, head: str) -> None:
    """``heuristica diff`` in a new process, its markdown thrown away."""
    import subprocess
    import sys

    subprocess.run(
        [
            sys.executable,
            "-m",
            "heuristica",
            "diff",
            base,
            head,
            str(repo.top / "knowledge"),
            "--format",
            "markdown",
        ],
        cwd=repo.top,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        stdout=subprocess.DEVNULL,
        check=True,
    )


def _naive_history(repo: Repository, file: str) -> list[str]:
    """Every commit, and the page's blob in it compared with its parent's."""
    path = f"{repo.prefix}/{file}"
    touched, before = [], None
    for sha in repo.git("rev-list", "--reverse", "HEAD").decode().split():
        blob = repo.git("rev-parse", f"{sha}:{path}").decode().strip()
        if blob != before:
            touched.append(sha)
        before = blob
    return touched


def _live(folder: Path) -> LiveKnowledgeBase:
    """The live knowledge base a server just started makes of ``folder``."""
    return LiveKnowledgeBase(folder, cache_file=cache_path(folder), rescan_seconds=float("inf"))


def _opened_at(repo: Repository, revision: str, live: LiveKnowledgeBase | None) -> KnowledgeBase:
    """What ``?at=REVISION`` does: the name resolved and described, the folder
    found in the cache, loaded (by ``live`` when the server has it open)."""
    commit = repo.resolve(revision)
    repo.describe(commit)
    folder = revision_folder(repo, commit)
    return (live or _live(folder)).current()


def _at_revision(repo: Repository, kb: Path, revision: str, runs: int) -> None:
    """?at= on a revision already seen, beside the first load of today."""
    for folder in (kb, revision_folder(repo, repo.resolve(revision))):
        first = _live(folder)
        first.current()
        first.save_cache()  # as a server does ten seconds after a load

    def nothing() -> None:
        pass

    restarted, today = _by_turns(
        runs, nothing, lambda: _opened_at(repo, revision, None), lambda: _live(kb).current()
    )
    open_here = _live(revision_folder(repo, repo.resolve(revision)))
    open_here.current()
    kept = _timed(runs, nothing, lambda: _opened_at(repo, revision, open_here))
    print(
        f"?at= seen, open in this server: {kept}   after a server start: {restarted}"
        f"   first load of today (server start): {today}"
    )


def _report_load() -> None:
    print(f"   (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--changed", type=int, default=50)
    parser.add_argument("--commits", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        os.environ[CACHE_ENV_VAR] = str(cache)
        started = time.perf_counter()
        repo, shas = build(Path(tmp) / "team", args.pages, args.changed, args.commits)
        print(
            f"{args.pages:,} pages, {args.commits} commits of {args.changed} edited pages "
            f"(built in {time.perf_counter() - started:.1f} s)"
        )
        base, head = shas[-2], shas[-1]
        kb = repo.top / "knowledge"

        def empty_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        def nothing() -> None:
            pass

        ours, naive = _by_turns(
            args.runs,
            empty_cache,
            lambda: diff_sides(repo, base, head, kb, spread=True),
            lambda: _naive_diff(repo, base, head),
        )
        print(f"diff, first time:  {ours}   naive (both loaded in full): {naive}")
        two, one = _by_turns(
            args.runs,
            empty_cache,
            lambda: diff_sides(repo, base, head, kb, spread=True),
            lambda: diff_sides(repo, base, head, kb),
        )
        print(f"  parsed in two processes: {two}   in one (the way before): {one}")
        command = _timed(args.runs, empty_cache, lambda: _diff_command(repo, base, head))
        print(f"  the same, as the command (a new process, --format markdown): {command}")
        _report_load()
        again, naive_again = _by_turns(
            args.runs,
            nothing,
            lambda: diff_sides(repo, base, head, kb, spread=True),
            lambda: _naive_diff(repo, base, head),
        )
        print(f"diff, again:       {again}   naive:          {naive_again}")
        _report_load()
        earlier = shas[-3]

        def first_push() -> None:
            diff_sides(repo, earlier, base, kb, spread=True)  # the pull request as it was

        pushed = _timed(
            args.runs, first_push, lambda: diff_sides(repo, earlier, head, kb, spread=True)
        )
        print(f"diff, after a push (base seen, head one commit on): {pushed}")
        working = _timed(
            args.runs, nothing, lambda: diff_sides(repo, base, WORKING_TREE, kb, spread=True)
        )
        print(f"diff against the working tree (seen before): {working}")
        _report_load()
        page = next(iter(load_knowledge(kb).files.values()))
        history = _timed(args.runs, nothing, lambda: repo.log([page]))
        slow = _timed(1, nothing, lambda: _naive_history(repo, page))
        print(
            f"one page's history: {history.wall * 1000:6.0f} ms   "
            f"naive (every commit's blob): {slow.wall * 1000:6.0f} ms"
        )
        _at_revision(repo, kb, shas[-5], args.runs)


if __name__ == "__main__":
    main()
