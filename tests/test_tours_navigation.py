"""Deep links ``?tour=<id>&step=<n>``: every value is checked, a wrong one is
named in a message, and a sensible position is shown instead."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from heuristica.kb.model import Tour, TourStep
from heuristica.tours.navigation import Position, resolve_position


def tour(tour_id: str, title: str, steps: int) -> Tour:
    return Tour(
        id=tour_id,
        title=title,
        audience="Newcomers",
        estimated_minutes=5,
        steps=[TourStep(page="principle/p", note="n") for _ in range(steps)],
    )


TOURS = {
    "why-fork": tour("why-fork", "Why fork deadlocks", 7),
    "polars-ten": tour("polars-ten", "Multiprocessing with Polars", 4),
}


def test_no_parameters_open_the_first_tour_by_title_at_step_one():
    assert resolve_position([], [], TOURS).position == Position("polars-ten", 0)
    assert resolve_position([], [], TOURS).problems == ()


def test_a_valid_link_opens_that_step():
    request = resolve_position(["why-fork"], ["5"], TOURS)
    assert request == resolve_position([" why-fork "], [" 5"], TOURS)
    assert request.position == Position("why-fork", 4)
    assert request.problems == ()


def test_an_unknown_tour_is_named_and_the_tours_are_listed():
    request = resolve_position(["why-frok"], ["2"], TOURS)
    assert request.position == Position("polars-ten", 1)
    assert request.problems == (
        "There is no tour `why-frok`; showing “Multiprocessing with Polars”. "
        "Tours: `polars-ten`, `why-fork`.",
    )


@pytest.mark.parametrize("step", ["two", "2.5", "", "0x3", "--1", "1e3", "٣"])
def test_a_step_that_is_not_a_number_is_named_and_step_one_shown(step: str):
    request = resolve_position(["why-fork"], [step], TOURS)
    assert request.position == Position("why-fork", 0)
    assert request.problems == (f"The step `{step}` is not a number; showing step 1 of 7.",)


@pytest.mark.parametrize(("step", "shown"), [("0", 1), ("-3", 1), ("8", 7), ("99999", 7)])
def test_a_step_out_of_range_is_named_and_the_nearest_step_shown(step: str, shown: int):
    request = resolve_position(["why-fork"], [step], TOURS)
    assert request.position == Position("why-fork", shown - 1)
    assert request.problems == (
        f"This tour has steps 1 to 7; there is no step `{step}`, showing step {shown}.",
    )


def test_repeated_parameters_are_refused_naming_the_values():
    request = resolve_position(["why-fork", "polars-ten"], ["1", "2"], TOURS)
    assert request.position == Position("polars-ten", 0)
    assert request.problems == (
        "The link names more than one tour (`why-fork`, `polars-ten`); "
        "showing “Multiprocessing with Polars”.",
        "The link names more than one step (`1`, `2`); showing step 1.",
    )


def test_a_hostile_value_is_shown_as_code_and_shortened():
    hostile = "<script>alert(1)</script>`**x**" + "a" * 100
    (problem,) = resolve_position([hostile], [], TOURS).problems
    (inline,) = [t for t in MarkdownIt().parse(problem) if t.type == "inline"]
    codes = [t.content for t in inline.children or () if t.type == "code_inline"]
    assert codes[0] == hostile[:80] + "…"
    assert len(codes) == 3
