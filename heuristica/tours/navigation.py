"""Which tour and step a URL asks for: ``?tour=<id>&step=<n>`` (n counts from 1).

``resolve_position`` never fails: whatever the URL says, it returns a tour
and step to show, and a message for every part of the URL it could not
honour, naming the value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from heuristica.kb.markdown import escape_markdown, quoted
from heuristica.kb.model import Tour

__all__ = ["Position", "TourRequest", "default_tour", "resolve_position"]


@dataclass(frozen=True)
class Position:
    tour_id: str
    step: int
    """0-based; the URL shows it 1-based."""


@dataclass(frozen=True)
class TourRequest:
    position: Position
    problems: tuple[str, ...] = ()
    """What the URL asked for that cannot be shown, and what is shown instead."""


def default_tour(tours: Mapping[str, Tour]) -> str:
    """The tour shown when the URL names none: the first by title."""
    return min(tours, key=lambda tour_id: (tours[tour_id].title.lower(), tour_id))


def resolve_position(
    tour_values: Sequence[str], step_values: Sequence[str], tours: Mapping[str, Tour]
) -> TourRequest:
    """The position named by the URL's ``tour`` and ``step`` values (every value
    of each, as the URL gives them). ``tours`` must not be empty."""
    problems: list[str] = []
    fallback = default_tour(tours)
    tour_id = fallback
    if len(tour_values) > 1:
        shown = ", ".join(quoted(v) for v in tour_values[:3])
        problems.append(
            f"The link names more than one tour ({shown}); showing {_title(tours, fallback)}."
        )
    elif tour_values:
        asked = tour_values[0].strip()
        if asked in tours:
            tour_id = asked
        else:
            problems.append(
                f"There is no tour {quoted(asked)}; showing {_title(tours, fallback)}. "
                f"Tours: {', '.join(quoted(t) for t in sorted(tours))}."
            )
    count = len(tours[tour_id].steps)
    step = 0
    if len(step_values) > 1:
        shown = ", ".join(quoted(v) for v in step_values[:3])
        problems.append(f"The link names more than one step ({shown}); showing step 1.")
    elif step_values:
        asked = step_values[0].strip()
        if not re.fullmatch(r"-?[0-9]{1,9}", asked):
            problems.append(f"The step {quoted(asked)} is not a number; showing step 1 of {count}.")
        else:
            number = int(asked)
            step = min(max(number, 1), count) - 1
            if number != step + 1:
                problems.append(
                    f"This tour has steps 1 to {count}; there is no step {quoted(asked)}, "
                    f"showing step {step + 1}."
                )
    return TourRequest(Position(tour_id, step), tuple(problems))


def _title(tours: Mapping[str, Tour], tour_id: str) -> str:
    return f"“{escape_markdown(tours[tour_id].title)}”"
