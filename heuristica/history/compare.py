"""What a change does to the knowledge: two loaded knowledge bases compared.

Pages are matched by id; a page removed and one added with the same content
under another id is a rename. Links are compared as typed triples (source,
relation, target) after renames, so a link that follows its renamed page is
not reported twice. Tours lose a step when the page it shows is gone. Checks
are compared by name on each page, and the verification record by each
check's state (the worst result over the environments it ran in, or
``unverified``). Problems are compared by file, severity, code and message,
not line: a problem that moved down a line was neither introduced nor fixed,
nor one that names another date (a check verified again, still stale).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from heuristica.checks.grid import page_grid
from heuristica.checks.recorded import Record
from heuristica.checks.run import Status
from heuristica.kb.model import CODE_REFERENCE_CHECK, Implementation, Page, Tour
from heuristica.kb.problems import Problem

__all__ = [
    "UNVERIFIED",
    "CheckChange",
    "Diff",
    "LinkChange",
    "PageChange",
    "Rename",
    "Side",
    "TourChange",
    "VerificationChange",
    "compare",
]

UNVERIFIED = "unverified"
"""A check's state when the record has no run of it for the page as it is."""
_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_FAILING = {Status.FAILS.value, Status.ERROR.value}

Link = tuple[str, str, str]
"""(source, relation, target)."""


@dataclass(frozen=True)
class Side:
    """What is compared on one side: the pages, tours, record and problems."""

    name: str
    """How the revision was named ("main", "working-tree")."""
    commit: str | None
    """The commit (None: the working tree)."""
    label: str
    """For people: "abc1234567 (subject)" or "the working tree"."""
    pages: Mapping[str, Page]
    tours: Mapping[str, Tour]
    problems: list[Problem]
    record: Record | None
    files: Mapping[str, str] = field(default_factory=dict)
    """Page id -> its file, relative to the knowledge folder."""


@dataclass(frozen=True)
class PageChange:
    """A page added, removed or changed (``fields``: the fields that differ)."""

    id: str
    title: str
    type: str
    file: str
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rename:
    """The same page under a new id (its content otherwise unchanged)."""

    old: str
    new: str
    title: str
    type: str
    file: str


@dataclass(frozen=True, order=True)
class LinkChange:
    source: str
    relation: str
    target: str


@dataclass(frozen=True)
class TourChange:
    """A tour added, removed or changed: the steps it lost (their page is gone)
    and the steps that show a page this change edited."""

    id: str
    title: str
    change: str
    """"added", "removed" or "changed"."""
    fields: tuple[str, ...] = ()
    lost_steps: tuple[tuple[int, str], ...] = ()
    """(step number, page id) of each step whose page no longer loads."""
    changed_steps: tuple[tuple[int, str], ...] = ()
    """(step number, page id) of each step whose page was edited."""


@dataclass(frozen=True)
class CheckChange:
    page: str
    check: str
    change: str
    """"added", "removed" or "changed"."""
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class VerificationChange:
    """One check whose recorded state differs, e.g. holds -> fails."""

    page: str
    check: str
    before: str
    after: str

    @property
    def kind(self) -> str:
        """ "fails" (now fails or errs), "proven" (now holds), "not_applicable"
        (now outside the versions its claim is about), or "changed"."""
        if self.after in _FAILING:
            return "fails"
        if self.after == Status.HOLDS.value:
            return "proven"
        if self.after == Status.NOT_APPLICABLE.value:
            return "not_applicable"
        return "changed"


@dataclass(frozen=True)
class Diff:
    """Everything that differs between ``base`` and ``head``."""

    base: Side
    head: Side
    pages_added: tuple[PageChange, ...] = ()
    pages_removed: tuple[PageChange, ...] = ()
    pages_renamed: tuple[Rename, ...] = ()
    pages_changed: tuple[PageChange, ...] = ()
    links_added: tuple[LinkChange, ...] = ()
    links_removed: tuple[LinkChange, ...] = ()
    tours: tuple[TourChange, ...] = ()
    checks: tuple[CheckChange, ...] = ()
    verification: tuple[VerificationChange, ...] = ()
    problems_introduced: tuple[Problem, ...] = ()
    problems_fixed: tuple[Problem, ...] = ()

    @property
    def empty(self) -> bool:
        """Nothing differs."""
        return not any(
            getattr(self, name)
            for name in (
                "pages_added",
                "pages_removed",
                "pages_renamed",
                "pages_changed",
                "links_added",
                "links_removed",
                "tours",
                "checks",
                "verification",
                "problems_introduced",
                "problems_fixed",
            )
        )

    def counts(self) -> dict[str, int]:
        """How many of each kind of change, by stable key."""
        return {
            "pages_added": len(self.pages_added),
            "pages_removed": len(self.pages_removed),
            "pages_renamed": len(self.pages_renamed),
            "pages_changed": len(self.pages_changed),
            "links_added": len(self.links_added),
            "links_removed": len(self.links_removed),
            "tours_affected": len(self.tours),
            "checks_changed": len(self.checks),
            "verification_changed": len(self.verification),
            "problems_introduced": len(self.problems_introduced),
            "problems_fixed": len(self.problems_fixed),
        }

    def touched_pages(self) -> set[str]:
        """Every page id this change adds, removes, renames or edits, on either side."""
        touched = {c.id for c in (*self.pages_added, *self.pages_removed, *self.pages_changed)}
        touched |= {r.old for r in self.pages_renamed} | {r.new for r in self.pages_renamed}
        return touched


def compare(base: Side, head: Side) -> Diff:
    """What changed from ``base`` to ``head``."""
    renames = _renames(base, head)
    renamed_old = {r.old for r in renames}
    renamed_new = {r.new for r in renames}
    forward = {r.old: r.new for r in renames}
    added = [
        _page_change(head, page_id)
        for page_id in sorted(head.pages.keys() - base.pages.keys() - renamed_new)
    ]
    removed = [
        _page_change(base, page_id)
        for page_id in sorted(base.pages.keys() - head.pages.keys() - renamed_old)
    ]
    changed = [
        _page_change(head, page_id, fields)
        for page_id in sorted(base.pages.keys() & head.pages.keys())
        if (fields := _changed_fields(base.pages[page_id], head.pages[page_id]))
    ]
    base_links = {(forward.get(s, s), r, forward.get(t, t)) for s, r, t in _links(base.pages)}
    head_links = set(_links(head.pages))
    edited = {c.id for c in changed}
    return Diff(
        base,
        head,
        pages_added=tuple(added),
        pages_removed=tuple(removed),
        pages_renamed=tuple(renames),
        pages_changed=tuple(changed),
        links_added=tuple(LinkChange(*link) for link in sorted(head_links - base_links)),
        links_removed=tuple(LinkChange(*link) for link in sorted(base_links - head_links)),
        tours=tuple(_tour_changes(base, head, edited)),
        checks=tuple(_check_changes(base, head, forward)),
        verification=tuple(_verification_changes(base, head, forward)),
        problems_introduced=tuple(_problems_only_in(head.problems, base.problems)),
        problems_fixed=tuple(_problems_only_in(base.problems, head.problems)),
    )


def _dump(page: Page | Tour) -> dict[str, Any]:
    return page.model_dump(mode="json", by_alias=True, exclude_defaults=False)


def _changed_fields(before: Page | Tour, after: Page | Tour) -> tuple[str, ...]:
    if before is after or before == after:
        return ()
    old, new = _dump(before), _dump(after)
    return tuple(name for name in dict.fromkeys([*old, *new]) if old.get(name) != new.get(name))


def _page_change(side: Side, page_id: str, fields: tuple[str, ...] = ()) -> PageChange:
    page = side.pages[page_id]
    return PageChange(
        page_id, page.title, page.page_type.value, side.files.get(page_id, ""), fields
    )


def _renames(base: Side, head: Side) -> list[Rename]:
    """Pages gone from ``base`` whose content, but for the id, is a new page's."""

    def content(page: Page) -> str:
        data = _dump(page)
        data.pop("id")
        return repr(sorted(data.items()))

    gone = {content(base.pages[i]): i for i in sorted(base.pages.keys() - head.pages.keys())}
    renames = []
    for new_id in sorted(head.pages.keys() - base.pages.keys()):
        old_id = gone.pop(content(head.pages[new_id]), None)
        if old_id is not None:
            page = head.pages[new_id]
            file = head.files.get(new_id, "")
            renames.append(Rename(old_id, new_id, page.title, page.page_type.value, file))
    return renames


def _links(pages: Mapping[str, Page]) -> Iterable[Link]:
    for page in pages.values():
        for link in page.links:
            yield page.id, link.relation, link.to


def _tour_changes(base: Side, head: Side, edited: set[str]) -> Iterable[TourChange]:
    for tour_id in sorted(base.tours.keys() | head.tours.keys()):
        before, after = base.tours.get(tour_id), head.tours.get(tour_id)
        if before is None or after is None:
            either = after or before
            change = "added" if before is None else "removed"
            yield TourChange(tour_id, either.title if either else tour_id, change)
            continue
        lost = tuple(
            (number, step.page)
            for number, step in enumerate(before.steps, 1)
            if step.page not in head.pages
        )
        touched = tuple(
            (number, step.page) for number, step in enumerate(after.steps, 1) if step.page in edited
        )
        fields = _changed_fields(before, after)
        if fields or lost or touched:
            yield TourChange(tour_id, after.title, "changed", fields, lost, touched)


def _checks(page: Page) -> dict[str, dict[str, Any]]:
    checks = {check.name: check.model_dump(mode="json") for check in page.checks}
    if isinstance(page, Implementation):
        checks[CODE_REFERENCE_CHECK] = page.code_reference.model_dump(mode="json", by_alias=True)
    return checks


def _before(base: Side, forward: Mapping[str, str]) -> dict[str, Page]:
    """The base's pages by the id they have in the head."""
    return {forward.get(i, i): page for i, page in base.pages.items()}


def _check_changes(base: Side, head: Side, forward: Mapping[str, str]) -> Iterable[CheckChange]:
    before = _before(base, forward)
    for page_id in sorted(before.keys() | head.pages.keys()):
        was, now = before.get(page_id), head.pages.get(page_id)
        if was is now:
            continue  # the same parse of the same file: nothing to compare
        old = _checks(was) if was is not None else {}
        new = _checks(now) if now is not None else {}
        for name in sorted(old.keys() | new.keys()):
            if name not in new:
                yield CheckChange(page_id, name, "removed")
            elif name not in old:
                yield CheckChange(page_id, name, "added")
            elif old[name] != new[name]:
                fields = tuple(
                    k
                    for k in dict.fromkeys([*old[name], *new[name]])
                    if old[name].get(k) != new[name].get(k)
                )
                yield CheckChange(page_id, name, "changed", fields)


def check_states(page: Page, record: Record | None) -> dict[str, str]:
    """Each check of ``page`` and its state in ``record``: the worst result over
    the environments it ran in for the page as it is, or ``UNVERIFIED``."""
    names = list(_checks(page))
    grid = page_grid(page, record) if record is not None else None
    states = dict.fromkeys(names, UNVERIFIED)
    if grid is not None:
        for name in names:
            worst = grid.worst(name)
            if worst is not None:
                states[name] = worst[1].status.value
    return states


def _verification_changes(
    base: Side, head: Side, forward: Mapping[str, str]
) -> Iterable[VerificationChange]:
    before = _before(base, forward)
    same_record = base.record is head.record
    for page_id in sorted(head.pages):
        page, earlier = head.pages[page_id], before.get(page_id)
        if same_record and earlier is page:
            continue  # the same page read against the same record
        after = check_states(page, head.record)
        old = check_states(earlier, base.record) if earlier is not None else {}
        for name, state in after.items():
            was = old.get(name, UNVERIFIED)
            if was != state:
                yield VerificationChange(page_id, name, was, state)


def _problems_only_in(these: list[Problem], others: list[Problem]) -> list[Problem]:
    """The problems of ``these`` that ``others`` do not have (by file, severity,
    code and message; as many times as they occur more often)."""

    def key(problem: Problem) -> tuple[str, str, str, str]:
        message = _DAY.sub("YYYY-MM-DD", problem.message)
        return (problem.file, problem.severity.value, problem.code, message)

    spare = Counter(key(p) for p in others)
    only = []
    for problem in these:
        if spare[key(problem)]:
            spare[key(problem)] -= 1
        else:
            only.append(problem)
    return only
