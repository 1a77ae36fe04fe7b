"""The checks across pages, run on every load after each file is parsed (or
taken from the parse cache): unique ids, links that reach a page the relation
table allows, demos that exist, tour steps that show a page that loaded.

A broken part is left out with a Problem and the rest stays: a page with a
broken link loads without that link, a tour whose step shows a missing page
loads without that step. Only a page or tour whose id is already taken is left
out whole. So one missing page never takes the pages that link to it along,
and no tour ever points at a page that is not in the graph.

These checks are cheap (a dictionary lookup per link), but at 10,000 pages
running them all again costs more than an edit may: given an ``AcrossMemo``
from the last load, only the pages whose result can have changed are checked
again (their file changed; a page they link to was added, removed or changed
type; for a broken link's "did you mean", the ids changed), so that deleting,
adding or renaming any page is still seen by every other page, and the result
is the one a full check gives (tests/test_incremental.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from heuristica.kb.content_rules import disagreements
from heuristica.kb.model import Link, Page, Tour
from heuristica.kb.parsecache import ParsedFile
from heuristica.kb.problems import Problem, Severity, did_you_mean
from heuristica.kb.relations import RELATIONS, allowed_targets

__all__ = ["AcrossMemo", "Checked", "check_across"]

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
    unverifiable: dict[str, tuple[str, str]]
    """Page id -> why its Code Reference cannot be checked (``ParsedFile.unverifiable``)."""


@dataclass(frozen=True)
class _Found:
    """One page's checks, as the last load found them."""

    item: ParsedFile
    type: str
    """The page's type: all a link to it depends on, besides its being there."""
    sound: Page
    problems: list[Problem]
    targets: tuple[str, ...]
    """Every page id it links to, found or not."""
    broken: bool
    """A link to a page that is not there: its "did you mean" depends on every id."""


class AcrossMemo:
    """What ``check_across`` found last time, kept for checking the same
    folder again: only the pages whose file changed, the pages that link to a
    page added, removed or of another type, and (when a page is added or
    removed, or the order of the files changes) the pages with a broken link
    are checked again. Everything else keeps its result, page object included."""

    def __init__(self) -> None:
        self.demos: frozenset[str] | None = None
        self.ids: list[str] = []
        """Every page id, in the order of the files."""
        self.found: dict[str, _Found] = {}
        self.linking: dict[str, set[str]] = {}
        """Page id -> the pages that link to it (whether it is there or not)."""
        self.inbound: Counter[str] = Counter()
        """Page id -> links kept to it."""

    def clear(self) -> None:
        self.ids = []
        self.found.clear()
        self.linking.clear()
        self.inbound.clear()

    def forget(self, page_id: str) -> None:
        found = self.found.pop(page_id)
        for target in found.targets:
            linking = self.linking.get(target)
            if linking is not None:
                linking.discard(page_id)
                if not linking:
                    del self.linking[target]
        self.inbound.subtract(link.to for link in found.sound.links)

    def remember(self, page_id: str, found: _Found) -> None:
        self.found[page_id] = found
        for target in found.targets:
            self.linking.setdefault(target, set()).add(page_id)
        self.inbound.update(link.to for link in found.sound.links)


def check_across(
    files: Sequence[ParsedFile],
    demos: Collection[str] | None,
    memo: AcrossMemo | None = None,
) -> Checked:
    """The pages and tours that load, from each file's parse result, and what is wrong.

    ``demos`` names the live demos a page may refer to; None skips that check.
    ``memo``, kept between loads of the same folder, spares checking again
    the pages whose result cannot have changed; the result is the same.
    """
    memo = memo if memo is not None else AcrossMemo()
    try:
        return _check_across(files, demos, memo)
    except BaseException:
        memo.clear()  # half updated: of no use
        raise


def _check_across(
    files: Sequence[ParsedFile], demos: Collection[str] | None, memo: AcrossMemo
) -> Checked:
    problems = [problem for item in files for problem in item.problems]
    sources = _sources(files, problems)
    wanted_demos = None if demos is None else frozenset(demos)
    if wanted_demos != memo.demos:
        memo.clear()
        memo.demos = wanted_demos
    found = memo.found
    gone = [page_id for page_id in found if page_id not in sources]
    again = {
        page_id
        for page_id, (item, page) in sources.items()
        if (seen := found.get(page_id)) is None or seen.item is not item
    }
    seen_differently = [
        page_id
        for page_id in (*gone, *again)
        if (seen := found.get(page_id)) is None
        or page_id not in sources
        or seen.type != sources[page_id][1].type
    ]
    for page_id in seen_differently:
        again.update(memo.linking.get(page_id, ()))
    ids = list(sources)
    if ids != memo.ids:  # a broken link's "did you mean" picks among them, in this order
        again.update(page_id for page_id, seen in found.items() if seen.broken)
    memo.ids = ids
    again &= sources.keys()
    for page_id in gone:
        memo.forget(page_id)
    for page_id in again:
        if page_id in found:
            memo.forget(page_id)
        item, page = sources[page_id]
        own: list[Problem] = []
        sound = _sound(item, page, sources, demos, own)
        targets = tuple(link.to for link in page.links)
        broken = any(target not in sources for target in targets)
        memo.remember(page_id, _Found(item, page.type, sound, own, targets, broken))
    pages = {}
    for page_id in sources:
        seen = found[page_id]
        pages[page_id] = seen.sound
        problems += seen.problems
    problems += _orphans(pages, sources, memo.inbound)
    problems += _release_disagreements(found, sources)
    tours = _tours(files, pages, problems)
    page_files = {page_id: item.file for page_id, (item, _) in sources.items()}
    unverifiable = {
        page_id: item.unverifiable
        for page_id, (item, _) in sources.items()
        if item.unverifiable is not None
    }
    return Checked(pages, page_files, tours, problems, unverifiable)


def _sources(files: Sequence[ParsedFile], problems: list[Problem]) -> _Sources:
    """Each page id's file and page: the first file that uses it (a problem at each other)."""
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
    return sources


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


def _release_disagreements(found: dict[str, _Found], sources: _Sources) -> list[Problem]:
    """A warning at each place that names another first release for an upstream
    change than some other place does (``polars#27767 ... first in 1.41.2`` here,
    ``first in 1.42.0`` there)."""
    claims = [claim for page_id in sources for claim in found[page_id].item.claims]
    problems = []
    for claim, other in disagreements(claims):
        where = (
            "elsewhere on this page"
            if other.page == claim.page
            else (f"on page '{other.page}' ({sources[other.page][0].file})")
        )
        message = (
            f"{claim.reference} is said here to be first in {' and '.join(claim.versions)}, "
            f"but first in {' and '.join(other.versions)} {where}; check the release tags "
            "and make the pages agree"
        )
        item = sources[claim.page][0]
        problems.append(_at(item, claim.loc, "release-disagreement", message, Severity.WARNING))
    return problems


def _orphans(pages: dict[str, Page], sources: _Sources, inbound: Counter[str]) -> list[Problem]:
    if len(pages) < 2:
        return []
    return [
        _at(
            sources[page_id][0],
            (),
            "orphan-page",
            f"page '{page_id}' links nowhere and nothing links to it",
            Severity.WARNING,
        )
        for page_id, page in pages.items()
        if not page.links and not inbound[page_id]
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
