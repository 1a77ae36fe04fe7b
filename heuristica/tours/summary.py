"""A live session's summary for its presenter: the steps with the time spent
on each, how the room answered each check question, and the hands and
questions raised, as Markdown and as CSV.

No names and no follower ids: the summary says what the room did, not who
did it. Text that followers wrote is untrusted: escaped in the Markdown, and
in the CSV a cell that a spreadsheet would read as a formula (``=``, ``+``,
``-``, ``@``, a tab or a carriage return first) starts with ``'``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from heuristica.kb.markdown import escape_markdown
from heuristica.kb.model import Tour
from heuristica.tours.audience import Raised, RoomState

__all__ = ["StepTime", "step_times", "summary_csv", "summary_markdown"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class StepTime:
    tour_id: str
    step: int
    seconds: float
    visits: int


def step_times(state: RoomState, until: float) -> list[StepTime]:
    """Time the presenter spent on each step (in the order first shown), each
    stay ending when she moved on, the last at ``until`` (epoch seconds)."""
    totals: dict[tuple[str, int], list[float]] = {}
    stays = list(state.timeline)
    ends = [at for at, _, _ in stays[1:]] + [until]
    for (at, tour_id, step), end in zip(stays, ends[: len(stays)], strict=True):
        spent = totals.setdefault((tour_id, step), [0.0, 0])
        spent[0] += max(end - at, 0.0)
        spent[1] += 1
    return [StepTime(t, s, seconds, int(visits)) for (t, s), (seconds, visits) in totals.items()]


def _clock(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


def _when(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _step_title(
    tours: Mapping[str, Tour], titles: Mapping[str, str], tour_id: str, step: int
) -> str:
    tour = tours.get(tour_id)
    if tour is None or step >= len(tour.steps):
        return f"{tour_id} step {step + 1}"
    page = tour.steps[step].page
    return titles.get(page, page)


def summary_markdown(
    code: str,
    state: RoomState,
    tours: Mapping[str, Tour],
    titles: Mapping[str, str],
    until: float,
) -> str:
    """The summary as a Markdown document (``titles``: page id -> title)."""
    lines = [f"# Live session {code}", ""]
    if state.timeline:
        lines += [f"From {_when(state.timeline[0][0])} to {_when(until)}.", ""]
    lines += [
        f"Followers at the end: {len(state.present)}; left before: {state.left}.",
        "",
        "## Steps",
        "",
        "| tour | step | page | time (m:ss) | visits |",
        "| --- | --- | --- | --- | --- |",
    ]
    for spent in step_times(state, until):
        title = _step_title(tours, titles, spent.tour_id, spent.step)
        lines.append(
            f"| {escape_markdown(spent.tour_id)} | {spent.step + 1} | {escape_markdown(title)} "
            f"| {_clock(spent.seconds)} | {spent.visits} |"
        )
    lines += ["", "## Answers", ""]
    distributions = _distributions(state, tours)
    for tour_id, step, prompt, rows in distributions:
        lines += [f"### {escape_markdown(tour_id)}, step {step + 1}: {escape_markdown(prompt)}", ""]
        lines += ["| answer | right | followers |", "| --- | --- | --- |"]
        lines += [
            f"| {escape_markdown(choice)} | {'yes' if right else ''} | {count} |"
            for choice, right, count in rows
        ]
        lines.append("")
    if not distributions:
        lines += ["No check question was answered.", ""]
    lines += ["## Hands and questions", ""]
    if not state.raised:
        lines += ["None were raised.", ""]
    for raised in state.raised:
        lines.append(f"- {_raised_line(raised, state, tours, titles)}")
    return "\n".join(lines).rstrip() + "\n"


def _raised_line(
    raised: Raised,
    state: RoomState,
    tours: Mapping[str, Tour],
    titles: Mapping[str, str],
) -> str:
    title = _step_title(tours, titles, raised.tour_id, raised.step)
    what = "hand raised (lost on this step)" if raised.kind == "hand" else "question"
    done = "answered" if raised.id in state.answered else "not marked answered"
    text = f": {escape_markdown(raised.text)}" if raised.text else ""
    title = escape_markdown(title)
    return f"{_when(raised.at)}, step {raised.step + 1} ({title}), {what}, {done}{text}"


def _distributions(
    state: RoomState, tours: Mapping[str, Tour]
) -> list[tuple[str, int, str, list[tuple[str, bool, int]]]]:
    """Each answered question: (tour id, step, prompt, [(choice, right, count)])."""
    asked = sorted({(t, s) for t, s, _, _ in state.answers})
    result = []
    for tour_id, step in asked:
        tour = tours.get(tour_id)
        question = tour.steps[step].question if tour and step < len(tour.steps) else None
        if question is None:
            continue
        counts = state.distribution(tour_id, step)
        rows = [
            (choice, choice == question.answer, counts.get(index, 0))
            for index, choice in enumerate(question.choices)
        ]
        result.append((tour_id, step, question.prompt, rows))
    return result


def _cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def summary_csv(
    code: str,
    state: RoomState,
    tours: Mapping[str, Tour],
    titles: Mapping[str, str],
    until: float,
) -> str:
    """The summary as one CSV table: ``section`` says what a row is (``step``:
    seconds spent; ``answer``: followers who chose it; ``hand`` or
    ``question``: when, and whether it was marked answered)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["session", "section", "tour", "step", "page", "text", "value", "detail"])

    def row(*cells: object) -> None:
        writer.writerow([_cell(c) for c in (code, *cells)])

    for spent in step_times(state, until):
        title = _step_title(tours, titles, spent.tour_id, spent.step)
        row("step", spent.tour_id, spent.step + 1, title, "", round(spent.seconds, 1), spent.visits)
    for tour_id, step, _, rows in _distributions(state, tours):
        title = _step_title(tours, titles, tour_id, step)
        for choice, right, count in rows:
            row("answer", tour_id, step + 1, title, choice, count, "right" if right else "")
    for raised in state.raised:
        title = _step_title(tours, titles, raised.tour_id, raised.step)
        done = "answered" if raised.id in state.answered else "open"
        when = _when(raised.at)
        row(raised.kind, raised.tour_id, raised.step + 1, title, raised.text, when, done)
    return out.getvalue()
