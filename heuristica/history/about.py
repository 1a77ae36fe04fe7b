"""Only what a diff changed for one page: what a page's history opens."""

from __future__ import annotations

from dataclasses import replace

from heuristica.history.compare import Diff

__all__ = ["about"]


def about(diff: Diff, page_id: str) -> Diff:
    """Only what ``diff`` changed for one page: the page itself (under either id
    when renamed), its links, the tour steps that show it, its checks and their
    record, and the problems in its file."""
    renamed = {r.old for r in diff.pages_renamed if r.new == page_id}
    renamed |= {r.new for r in diff.pages_renamed if r.old == page_id}
    ids = {page_id} | renamed
    files = {side.files[i] for side in (diff.base, diff.head) for i in ids if i in side.files}

    def steps(found: tuple[tuple[int, str], ...]) -> tuple[tuple[int, str], ...]:
        return tuple(step for step in found if step[1] in ids)

    tours = (
        replace(t, lost_steps=steps(t.lost_steps), changed_steps=steps(t.changed_steps))
        for t in diff.tours
    )
    return replace(
        diff,
        pages_added=tuple(c for c in diff.pages_added if c.id in ids),
        pages_removed=tuple(c for c in diff.pages_removed if c.id in ids),
        pages_renamed=tuple(r for r in diff.pages_renamed if {r.old, r.new} & ids),
        pages_changed=tuple(c for c in diff.pages_changed if c.id in ids),
        links_added=tuple(k for k in diff.links_added if {k.source, k.target} & ids),
        links_removed=tuple(k for k in diff.links_removed if {k.source, k.target} & ids),
        tours=tuple(t for t in tours if t.lost_steps or t.changed_steps),
        checks=tuple(c for c in diff.checks if c.page in ids),
        verification=tuple(v for v in diff.verification if v.page in ids),
        problems_introduced=tuple(p for p in diff.problems_introduced if p.file in files),
        problems_fixed=tuple(p for p in diff.problems_fixed if p.file in files),
    )
