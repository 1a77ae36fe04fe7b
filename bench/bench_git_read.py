"""Why Heuristica reads git through the git command line: every file of a
revision's knowledge folder read (what ``?at=`` and ``heuristica diff`` do
first), through ``git ls-tree`` + one ``git cat-file --batch`` (ours), beside
one ``git show`` per file (the naive use of the command line) and, when they
are importable, the two well-kept libraries: pygit2 (libgit2) and dulwich
(pure Python). Neither library is a dependency: install them into a folder
of their own to compare, e.g.

    pip install --target /tmp/gitlibs pygit2 dulwich
    PYTHONPATH=/tmp/gitlibs python -m bench.bench_git_read [--pages 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.bench_history import build
from heuristica.history.git import Repository

NAIVE_FILES = 500
"""Files the naive way reads (one process each); its time is scaled to all."""


def _median(runs: int, work: Callable[[], int]) -> tuple[float, int]:
    times, read = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        read = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), read


def ours(repo: Repository, commit: str) -> int:
    entries = repo.tree(commit)
    return len(repo.blobs(entry.blob for entry in entries))


def naive(repo: Repository, commit: str) -> int:
    paths = [entry.path for entry in repo.tree(commit)][:NAIVE_FILES]
    for path in paths:
        repo.git("show", f"{commit}:{repo.prefix}/{path}")
    return len(paths)


def with_pygit2(repo: Repository, commit: str) -> int:
    import pygit2

    git = pygit2.Repository(str(repo.top))
    folder = git[commit].peel(pygit2.Tree) / repo.prefix
    read = 0
    stack = [git[folder.id]]
    while stack:
        for entry in stack.pop():
            if entry.type == pygit2.enums.ObjectType.TREE:
                stack.append(git[entry.id])
            else:
                read += len(git[entry.id].data) >= 0
    return read


def with_dulwich(repo: Repository, commit: str) -> int:
    from dulwich.object_store import iter_tree_contents
    from dulwich.repo import Repo

    git = Repo(str(repo.top))
    tree = git[git[commit.encode()].tree]
    _, folder = tree.lookup_path(git.object_store.__getitem__, repo.prefix.encode())
    read = 0
    for entry in iter_tree_contents(git.object_store, folder):
        read += len(git.object_store[entry.sha].data) >= 0
    return read


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        repo, shas = build(Path(tmp) / "team", args.pages, 50, 1)
        repo.git("repack", "-a", "-d", "-q")  # packed, as a clone is
        commit = shas[-1]
        took, files = _median(args.runs, lambda: ours(repo, commit))
        print(f"{files:,} files of one revision, read through:")
        print(f"  git ls-tree + git cat-file --batch (ours): {took:6.2f} s")
        slow, some = _median(1, lambda: naive(repo, commit))
        print(f"  git show per file (naive, {some} files timed): {slow * files / some:6.2f} s")
        for name, reader in (("pygit2", with_pygit2), ("dulwich", with_dulwich)):
            if importlib.util.find_spec(name) is None:
                print(f"  {name}: not installed")
                continue
            took, read = _median(args.runs, lambda reader=reader: reader(repo, commit))
            assert read == files, f"{name} read {read} files, not {files}"
            print(f"  {name}: {took:6.2f} s")


if __name__ == "__main__":
    main()
