"""A command whose reader leaves before the end ("heuristica search fork |
head -3") ends quietly, as ``cat`` or ``grep`` do: no error message, no
traceback, exit code 141 (a shell's for a command ended by SIGPIPE).

Each command runs in a real process whose stdout is a pipe no one reads: its
read end is closed before the command prints anything, so the first write
(or the flush at the end) finds the reader gone, every time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from heuristica import EXAMPLE_KNOWLEDGE
from heuristica.commands.cli import STDOUT_CLOSED

REPO = Path(__file__).resolve().parent.parent
H = "heuristic/polars-use-spawn-not-fork"
KNOWLEDGE = str(EXAMPLE_KNOWLEDGE)


def run_unread(cache: Path, *args: str) -> tuple[int, str]:
    """``python -m graph ARGS`` printing into a pipe whose reader has left:
    its exit code and what it said on stderr."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "graph", *args],
            cwd=REPO,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "HEURISTICA_CACHE": str(cache)},
            check=False,
        )
    finally:
        os.close(write_end)
    return done.returncode, done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["search", "fork", KNOWLEDGE, "--limit", "20"],
        ["search", "fork", KNOWLEDGE, "--format", "json"],
        ["check", KNOWLEDGE],
        ["path", H, "environment/linux-glibc", KNOWLEDGE],
        ["docs"],
    ],
    ids=lambda args: " ".join(a for a in args if a != KNOWLEDGE),
)
def test_a_reader_that_leaves_ends_the_command_quietly(tmp_path: Path, args: list[str]) -> None:
    code, said = run_unread(tmp_path / "cache", *args)
    assert "Traceback" not in said and "Broken pipe" not in said, said
    assert "Exception ignored" not in said, said
    assert code == STDOUT_CLOSED, said


@pytest.mark.parametrize("option", ["--help", "--version"])
def test_help_and_version_unread_end_quietly_too(tmp_path: Path, option: str) -> None:
    """argparse prints them and ignores a write that fails: they end 0."""
    assert run_unread(tmp_path / "cache", option) == (0, "")


def test_a_search_read_to_the_end_still_exits_0(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "graph", "search", "fork", KNOWLEDGE],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "HEURISTICA_CACHE": str(tmp_path / "cache")},
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.startswith("1. ")
