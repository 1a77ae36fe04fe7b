"""kb.spread_parse: many files parsed in two processes give exactly what one
process gives, whatever becomes of the second; and it is used only where a
fork is safe. Real forks, real files; nothing is timed."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from typing import IO

import psutil
import pytest

from heuristica.kb import spread_parse
from heuristica.kb.loader import parse_data
from heuristica.kb.parsecache import ParsedFile
from heuristica.kb.spread_parse import Item, may_spread, parse_all
from tests.kb import dump, page

COUNT = 60


def _items() -> list[Item]:
    """Pages of every type, a tour, and files that are not pages (their Problems)."""
    items: list[Item] = []
    kinds = ("principle", "implementation", "heuristic", "environment")
    for n in range(COUNT):
        kind = kinds[n % 4]
        data = dump(page(f"{kind}/p-{n}", ("related_to", f"{kinds[(n + 1) % 4]}/p-{n + 1}")))
        items.append((f"{kind}/p-{n}.yaml", (n, 1, 2, 3, 4), data.encode()))
    items.append(("heuristic/broken.yaml", (7, 7, 7, 7, 7), b"title: [unclosed\n"))
    items.append(("heuristic/deep.yaml", (8, 8, 8, 8, 8), b"a: " + b"[" * 100 + b"]" * 100))
    items.append(("principle/no-id.yaml", (9, 9, 9, 9, 9), b"title: Only a title\n"))
    items.append(("heuristic/latin.yaml", (6, 6, 6, 6, 6), b"title: caf\xe9\n"))
    return items


@pytest.fixture
def spreads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Spreading allowed for this test's few files, on this machine whatever
    its cores, in this test process whatever threads others left (the child
    here only parses and writes a file); the pids forked."""
    monkeypatch.setattr(spread_parse, "SPREAD_AT", 10)
    monkeypatch.setattr(spread_parse, "_cores", lambda: 2)
    monkeypatch.setattr(spread_parse, "_threads", lambda: 1)
    forked: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        pid = real_fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    yield forked


def _one_process(items: list[Item]) -> list[ParsedFile]:
    return [parse_data(data, relative) for relative, _, data in items]


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_two_processes_give_what_one_gives(spreads: list[int]) -> None:
    items = _items()
    spread = parse_all(items, parse_data, spread=True)
    assert len(spreads) == 1 and _reaped(spreads[0])
    assert spread == _one_process(items)
    assert any(parsed.problems for parsed in spread)  # the broken files say why, both ways


def test_without_spread_nothing_is_forked(spreads: list[int]) -> None:
    assert parse_all(_items(), parse_data, spread=False) == _one_process(_items())
    assert spreads == []


def _exits_at_once(_items: object, _parse: object, _out: object) -> None:
    os._exit(3)


def _writes_nonsense(items: list[Item], _parse: object, out: IO[bytes]) -> None:
    for _ in items:
        out.write(b"not a result\n")


def _writes_too_few(items: list[Item], parse: spread_parse.Parse, out: IO[bytes]) -> None:
    spread_parse._write_results(items[:-1], parse, out)


@pytest.mark.parametrize("child", [_exits_at_once, _writes_nonsense, _writes_too_few])
def test_whatever_becomes_of_the_second_process_its_share_is_parsed_here(
    spreads: list[int], monkeypatch: pytest.MonkeyPatch, child: object
) -> None:
    # The child is this process forked: what is patched here is what it runs.
    monkeypatch.setattr(spread_parse, "_write_results", child)
    items = _items()
    assert parse_all(items, parse_data, spread=True) == _one_process(items)
    assert len(spreads) == 1 and _reaped(spreads[0])  # no child left, not even a zombie


def test_a_fork_the_system_refuses_parses_everything_here(
    spreads: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    items = _items()
    assert parse_all(items, parse_data, spread=True) == _one_process(items)


def test_another_thread_is_counted_and_then_nothing_forks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spread_parse, "_cores", lambda: 2)
    before = spread_parse._threads()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert spread_parse._threads() == before + 1
        assert not may_spread(100_000)
    finally:
        stop.set()
        other.join()


def test_few_files_or_one_core_do_not_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(spread_parse, "_threads", lambda: 1)  # whatever other tests left
    monkeypatch.setattr(spread_parse, "_cores", lambda: 2)
    assert not may_spread(spread_parse.SPREAD_AT - 1)
    assert may_spread(spread_parse.SPREAD_AT)
    monkeypatch.setattr(spread_parse, "_cores", lambda: 1)
    assert not may_spread(spread_parse.SPREAD_AT)


def _writes_in_another_order(items: list[Item], parse: spread_parse.Parse, out: IO[bytes]) -> None:
    spread_parse._write_results(items[::-1], parse, out)


def test_results_for_other_files_than_its_share_are_not_taken(spreads: list[int]) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(spread_parse, "_write_results", _writes_in_another_order)
        items = _items()
        assert parse_all(items, parse_data, spread=True) == _one_process(items)


_KILLED_MID_PARSE = """
import os, sys, time
from heuristica.kb import spread_parse
from heuristica.kb.loader import parse_data
spread_parse.SPREAD_AT, spread_parse._cores, spread_parse._threads = 10, lambda: 2, lambda: 1

def hang(items, parse, out):
    print("child", os.getpid(), flush=True)
    time.sleep(120)

def slow(data, relative):
    time.sleep(120)

spread_parse._write_results = hang
items = [(f"heuristic/p-{n}.yaml", (n, 0, 0, 0, 0), b"title: t") for n in range(20)]
spread_parse.parse_all(items, slow, spread=True)
"""


def _gone(process: psutil.Process) -> bool:
    try:
        return process.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_a_command_killed_mid_parse_leaves_no_process() -> None:
    import signal
    import subprocess
    import sys
    import time

    parent = subprocess.Popen(
        [sys.executable, "-c", _KILLED_MID_PARSE], stdout=subprocess.PIPE, text=True
    )
    child: psutil.Process | None = None
    try:
        assert parent.stdout is not None
        line = parent.stdout.readline()
        child = psutil.Process(int(line.split()[1]))
        assert child.ppid() == parent.pid
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        deadline = time.monotonic() + 30
        while not _gone(child):
            assert time.monotonic() < deadline, "the child outlived its killed parent"
            time.sleep(0.05)
    finally:
        parent.kill()
        parent.wait()
        if child is not None and not _gone(child):
            child.kill()  # this test failed: leave nothing behind anyway
