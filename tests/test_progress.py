"""The commands' progress bar: on a terminal, after a second, never elsewhere."""

from __future__ import annotations

import io

from heuristica.commands.progress import AFTER_SECONDS, ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_bar_shows_on_a_terminal_only_after_a_second_and_is_cleared() -> None:
    stream, clock = Terminal(), Clock()
    bar = ProgressBar("Reading the pages", clock.now, stream, clock)
    bar(64, 10_000)
    assert stream.getvalue() == ""
    clock.now += AFTER_SECONDS
    bar(5_000, 10_000)
    assert stream.getvalue() == f"\rReading the pages [{'#' * 15}{'.' * 15}] 5,000/10,000"
    bar(5_064, 10_000)  # too soon after the last drawing: not drawn again
    clock.now += 1
    bar(10_000, 10_000)
    assert stream.getvalue().endswith(f"[{'#' * 30}] 10,000/10,000")
    bar.close()
    last = stream.getvalue().rsplit("\r", 2)
    assert last[-1] == "" and last[-2].strip() == ""


def test_the_bar_is_quiet_when_not_on_a_terminal() -> None:
    stream, clock = io.StringIO(), Clock()
    bar = ProgressBar("Reading the pages", clock.now - 10, stream, clock)
    bar(5_000, 10_000)
    bar.close()
    assert stream.getvalue() == ""
