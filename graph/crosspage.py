"""The checks across pages, run on every load after each file is parsed (or
taken from the parse cache): unique ids, links that reach a page the relation
table allows, demos that exist, tour steps that show a page that loaded.

A broken part is left out with a Problem and the rest stays: a page with a
broken link loads without that link, a tour whose step shows a missing page
loads without that step. Only a page or tour whose id is already taken is left
out whole. So one missing page never takes the pages that link to it along,
and no tour ever points at a page that is not in the graph.

These checks are cheap (a dictionary lookup per link); they run in full on
every load, so that deleting, adding or renaming any page is always seen by
every other page.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from heuristica.graph.model import Link, Page, Tour
from heuristica.graph.parsecache import ParsedFile
from heuristica.graph.problems import Problem, Severity, did_you_mean
from heuristica.graph.relations import RELATIONS, allowed_targets

__all__ = ["Checked", "check_across"]

_Sources = dict[str, tuple[ParsedFile, Page]]
"""Page id -> the file it is written in, and the page as parsed."""


def _at(
    item: ParsedFile,
    loc: tuple[str | int, ...],
    code: str,
    message: str,
    severity: Severity = Severity.ERROR,
) -> Problem:
    line, col = item.place(*loc)
    return Problem(item.file, line, col, severity, code, message)


@dataclass(frozen=True)
class Checked:
    pages: dict[str, Page]
    files: dict[str, str]
    """Page id -> the file it is written in."""
    tours: dict[str, Tour]
    problems: list[Problem]
    """Every file's own Problems and those found across pages, unsorted."""


def check_across(files: Sequence[ParsedFile], demos: Collection[str] | None) -> Checked:
    """The pages and tours that load, from each file's parse result, and what is wrong.

    ``demos`` names the live demos a page may refer to; None skips that check.
    """
    problems = [problem for item in files for problem in item.problems]
    sources: _Sources = {}
    for item in files:
        if item.page is None:
            continue
        first = sources.get(item.page.id)
        if first is None:
            sources[item.page.id] = (item, item.page)
        else:
            message = f"id '{item.page.id}' is already used by {first[0].file}"
            problems.append(_at(item, ("id",), "duplicate-id", message))
    pages = {
        page_id: _sound(item, page, sources, demos, problems)
        for page_id, (item, page) in sources.items()
    }
    problems += _orphans(pages, sources)
    tours = _tours(files, pages, problems)
    page_files = {page_id: item.file for page_id, (item, _) in sources.items()}
    return Checked(pages, page_files, tours, problems)


def _sound(
    item: ParsedFile,
    page: Page,
    sources: _Sources,
    demos: Collection[str] | None,
    problems: list[Problem],
) -> Page:
    """``page`` without its broken links and unknown demo (each a Problem)."""
    kept = []
    for index, link in enumerate(page.links):
        relation = RELATIONS.get(link.relation)
        target = sources.get(link.to)
        # page.type is the type's name: cheaper than page_type's enum, and equal to it
        if relation and target and (page.type, target[1].type) in relation.pairs:
            kept.append(link)
        else:
            problems.append(_link_problem(item, page, index, link, sources))
    update: dict[str, object] = {}
    if len(kept) < len(page.links):
        update["links"] = kept
    if demos is not None and page.demo and page.demo not in demos:
        hint = did_you_mean(page.demo, demos)
        message = (
            f"unknown demo '{page.demo}'{hint}; available: {sorted(demos)}. "
            "The page is shown without a demo"
        )
        problems.append(_at(item, ("demo",), "unknown-demo", message))
        update["demo"] = None
    return page.model_copy(update=update) if update else page


_WITHOUT_LINK = "; the page is shown without this link"


def _link_problem(
    item: ParsedFile, page: Page, index: int, link: Link, sources: _Sources
) -> Problem:
    """Why ``link`` (the ``index``-th of ``page``) cannot be drawn."""
    source_type = page.page_type
    if link.relation not in RELATIONS:
        hint = did_you_mean(link.relation, RELATIONS)
        message = (
            f"unknown relation '{link.relation}'{hint}; expected one of {list(RELATIONS)}"
            + _WITHOUT_LINK
        )
        return _at(item, ("links", index, "relation"), "unknown-relation", message)
    if link.to not in sources:
        hint = did_you_mean(link.to, sources)
        message = f"link to '{link.to}', which does not exist{hint}" + _WITHOUT_LINK
        return _at(item, ("links", index, "to"), "broken-link", message)
    target_type = sources[link.to][1].page_type
    allowed = [t.value for t in allowed_targets(source_type, link.relation)]
    can = f"it may point to: {allowed}" if allowed else "it may not start here"
    message = (
        f"a {source_type} page cannot link '{link.relation}' to a {target_type} page "
        f"('{link.to}'); from a {source_type}, {can}" + _WITHOUT_LINK
    )
    return _at(item, ("links", index, "relation"), "relation-not-allowed", message)


def _orphans(pages: dict[str, Page], sources: _Sources) -> list[Problem]:
    if len(pages) < 2:
        return []
    linked = {link.to for page in pages.values() for link in page.links}
    return [
        _at(
            sources[page_id][0],
            (),
            "orphan-page",
            f"page '{page_id}' links nowhere and nothing links to it",
            Severity.WARNING,
        )
        for page_id, page in pages.items()
        if not page.links and page_id not in linked
    ]


def _tours(
    files: Sequence[ParsedFile], pages: dict[str, Page], problems: list[Problem]
) -> dict[str, Tour]:
    """Tours by id, each without the steps that show no loaded page."""
    tours: dict[str, Tour] = {}
    sources: dict[str, ParsedFile] = {}
    for item in files:
        tour = item.tour
        if tour is None:
            continue
        if tour.id in sources:
            message = f"tour id '{tour.id}' is already used by {sources[tour.id].file}"
            problems.append(_at(item, ("id",), "duplicate-id", message))
            continue
        sources[tour.id] = item
        steps = []
        for index, step in enumerate(tour.steps):
            if step.page in pages:
                steps.append(step)
                continue
            hint = did_you_mean(step.page, pages)
            message = (
                f"step {index + 1} shows '{step.page}', which does not exist{hint}; "
                "the tour is shown without this step"
            )
            problems.append(_at(item, ("steps", index, "page"), "broken-link", message))
        if not steps:
            message = "no step of this tour shows a page that loaded; the tour is left out"
            problems.append(_at(item, ("id",), "empty-tour", message))
            continue
        tours[tour.id] = (
            tour if len(steps) == len(tour.steps) else tour.model_copy(update={"steps": steps})
        )
    return tours
