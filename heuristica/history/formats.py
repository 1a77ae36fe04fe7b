"""A ``Diff`` for people and tools: text for a terminal, JSON (schema in
docs/reviewing-changes.md), and Markdown for a pull-request comment.

Text and Markdown list the same sections, built once (``sections``); each
item keeps its parts apart (a sign, an id, free text) so that each format
escapes the free text, which comes from pages, its own way: control
characters shown for a terminal, Markdown and HTML marks neutralised for a
comment.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from heuristica.history.compare import CheckChange, Diff, Side, VerificationChange
from heuristica.kb.problems import Problem
from heuristica.kb.relations import RELATIONS
from heuristica.search.text import printable

__all__ = [
    "COMMENT_LIMIT",
    "MARKER",
    "SCHEMA",
    "Item",
    "Section",
    "summary_line",
    "to_json",
    "to_markdown",
    "to_text",
]

SCHEMA = "heuristica-diff/1"
"""Named in the JSON; a new number when a key changes meaning or goes away."""
MARKER = "<!-- heuristica-diff -->"
"""The first line of the Markdown: how a workflow finds its own comment to update."""
COMMENT_LIMIT = 65_536
"""GitHub's limit on the characters of one pull-request comment."""
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


@dataclass(frozen=True)
class Item:
    sign: str
    """"+", "-", "~" or "!"."""
    code: str
    """An id or a file: shown as code."""
    text: str = ""
    """Free text from the pages (untrusted)."""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: tuple[Item, ...]


def _plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def summary_line(diff: Diff) -> str:
    """One line: how much changed, most telling first."""
    if diff.empty:
        return "No change to the knowledge."
    c = diff.counts()
    parts = []
    pages = [
        f"{c[key]} {word}"
        for key, word in (
            ("pages_added", "added"),
            ("pages_removed", "removed"),
            ("pages_renamed", "renamed"),
            ("pages_changed", "changed"),
        )
        if c[key]
    ]
    if pages:
        parts.append("pages: " + ", ".join(pages))
    links = [
        f"{c[k]} {w}" for k, w in (("links_added", "added"), ("links_removed", "removed")) if c[k]
    ]
    if links:
        parts.append("links: " + ", ".join(links))
    lost = sum(len(t.lost_steps) for t in diff.tours)
    if lost:
        parts.append(f"{_plural(lost, 'tour step')} lost")
    if c["checks_changed"]:
        parts.append(_plural(c["checks_changed"], "check") + " edited")
    failing = sum(1 for v in diff.verification if v.kind == "fails")
    if failing:
        parts.append(f"{_plural(failing, 'check')} now failing")
    if c["problems_introduced"] or c["problems_fixed"]:
        parts.append(
            f"problems: {c['problems_introduced']} introduced, {c['problems_fixed']} fixed"
        )
    return "; ".join(parts) + "."


def _link_text(link: Any) -> str:
    return f"{link.source} —{RELATIONS[link.relation].label}→ {link.target}"


def _problem_item(sign: str, problem: Problem) -> Item:
    where = problem.file + (f":{problem.line}:{problem.col}" if problem.line else "")
    return Item(sign, where, f"{problem.severity}: {problem.message}")


def _verification_text(change: VerificationChange) -> str:
    words = {"not_applicable": "not applicable"}
    before, after = (words.get(s, s) for s in (change.before, change.after))
    return f"{before} → {after}"


_SIGNS = {"added": "+", "removed": "-"}
"""How an item's change is marked; anything else is "~"."""


def _fields(fields: Sequence[str]) -> str:
    return f" ({', '.join(fields)})" if fields else ""


def _at(change: CheckChange | VerificationChange) -> str:
    return f"{change.page} · {change.check}"


def _check_item(change: CheckChange) -> Item:
    return Item(_SIGNS.get(change.change, "~"), _at(change), change.change + _fields(change.fields))


def _tour_items(diff: Diff) -> list[Item]:
    items = []
    for tour in diff.tours:
        sign = _SIGNS.get(tour.change, "~")
        items.append(Item(sign, tour.id, f"{tour.title}: {tour.change}{_fields(tour.fields)}"))
        items += [
            Item("!", f"{tour.id} step {number}", f"shows {page}, which is gone")
            for number, page in tour.lost_steps
        ]
        items += [
            Item("~", f"{tour.id} step {number}", f"shows {page}, which changed")
            for number, page in tour.changed_steps
        ]
    return items


def sections(diff: Diff) -> list[Section]:
    """The non-empty sections of ``diff``, in reading order."""
    found = [
        ("pages_added", "Pages added", [Item("+", p.id, p.title) for p in diff.pages_added]),
        ("pages_removed", "Pages removed", [Item("-", p.id, p.title) for p in diff.pages_removed]),
        (
            "pages_renamed",
            "Pages renamed",
            [Item("~", f"{r.old} → {r.new}", r.title) for r in diff.pages_renamed],
        ),
        (
            "pages_changed",
            "Pages changed",
            [Item("~", p.id, f"{p.title}{_fields(p.fields)}") for p in diff.pages_changed],
        ),
        ("links_added", "Links added", [Item("+", _link_text(k)) for k in diff.links_added]),
        ("links_removed", "Links removed", [Item("-", _link_text(k)) for k in diff.links_removed]),
        ("tours", "Tours", _tour_items(diff)),
        (
            "checks",
            "Checks",
            [
                Item(
                    _SIGNS.get(c.change, "~"), f"{c.page} · {c.check}", c.change + _fields(c.fields)
                )
                for c in diff.checks
            ],
        ),
        (
            "verification",
            "Verification record",
            [
                Item(
                    "!" if v.kind == "fails" else "~",
                    f"{v.page} · {v.check}",
                    _verification_text(v),
                )
                for v in diff.verification
            ],
        ),
        (
            "problems_introduced",
            "Problems introduced",
            [_problem_item("+", p) for p in diff.problems_introduced],
        ),
        ("problems_fixed", "Problems fixed", [_problem_item("-", p) for p in diff.problems_fixed]),
    ]
    return [Section(key, title, tuple(items)) for key, title, items in found if items]


def _heading(diff: Diff) -> str:
    return f"Knowledge changes from {diff.base.label} to {diff.head.label}"


def to_text(diff: Diff) -> str:
    """For a terminal: a heading, the summary, then each section's items."""
    lines = [printable(_heading(diff)), summary_line(diff)]
    for section in sections(diff):
        lines += ["", f"{section.title} ({len(section.items)})"]
        for item in section.items:
            text = f"  {printable(item.text)}" if item.text else ""
            lines.append(f"  {item.sign} {printable(item.code)}{text}")
    return "\n".join(lines) + "\n"


def _side_json(side: Side) -> dict[str, Any]:
    links = sum(len(page.links) for page in side.pages.values())
    return {
        "revision": side.name,
        "commit": side.commit,
        "label": side.label,
        "pages": len(side.pages),
        "links": links,
        "tours": len(side.tours),
        "problems": len(side.problems),
    }


def to_json(diff: Diff) -> str:
    """The documented JSON (docs/reviewing-changes.md): stable keys, sorted lists."""
    data = {
        "schema": SCHEMA,
        "base": _side_json(diff.base),
        "head": _side_json(diff.head),
        "changed": not diff.empty,
        "summary": summary_line(diff),
        "counts": diff.counts(),
        "pages": {
            "added": [_page_json(p) for p in diff.pages_added],
            "removed": [_page_json(p) for p in diff.pages_removed],
            "renamed": [
                {"from": r.old, "to": r.new, "title": r.title, "type": r.type, "file": r.file}
                for r in diff.pages_renamed
            ],
            "changed": [{**_page_json(p), "fields": list(p.fields)} for p in diff.pages_changed],
        },
        "links": {
            "added": [_link_json(link) for link in diff.links_added],
            "removed": [_link_json(link) for link in diff.links_removed],
        },
        "tours": [
            {
                "id": t.id,
                "title": t.title,
                "change": t.change,
                "fields": list(t.fields),
                "lost_steps": [{"step": n, "page": page} for n, page in t.lost_steps],
                "changed_steps": [{"step": n, "page": page} for n, page in t.changed_steps],
            }
            for t in diff.tours
        ],
        "checks": [
            {"page": c.page, "check": c.check, "change": c.change, "fields": list(c.fields)}
            for c in diff.checks
        ],
        "verification": [
            {"page": v.page, "check": v.check, "before": v.before, "after": v.after, "kind": v.kind}
            for v in diff.verification
        ],
        "problems": {
            "introduced": [p.to_dict() for p in diff.problems_introduced],
            "fixed": [p.to_dict() for p in diff.problems_fixed],
        },
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _page_json(page: Any) -> dict[str, Any]:
    return {"id": page.id, "title": page.title, "type": page.type, "file": page.file}


def _link_json(link: Any) -> dict[str, str]:
    return {"source": link.source, "relation": link.relation, "target": link.target}


def markdown_text(text: str) -> str:
    """Page text inert in a GitHub comment: no HTML, no Markdown marks, one line."""
    flat = " ".join(printable(text).split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


def _markdown_code(text: str) -> str:
    flat = " ".join(printable(text).split()).replace("`", "'")
    return f"`{flat}`"


def _markdown_item(item: Item) -> str:
    text = f" {markdown_text(item.text)}" if item.text else ""
    return f"- {markdown_text(item.sign)} {_markdown_code(item.code)}{text}"


_Rendered = list[tuple[Section, list[str]]]
"""Each section with its items as Markdown lines, made once however often cut."""


def _markdown(diff: Diff, rendered: _Rendered, limit: int | None, note: str) -> str:
    lines = [
        MARKER,
        f"**Knowledge review** · {summary_line(diff)}",
        "",
        f"{markdown_text(_heading(diff))}.",
    ]
    if note:
        lines += ["", f"> {note}"]
    for section, items in rendered:
        shown = items if limit is None else items[:limit]
        lines += ["", f"<details><summary>{section.title} ({len(items)})</summary>", ""]
        lines += shown
        if len(shown) < len(items):
            lines.append(f"- … and {len(items) - len(shown)} more")
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def to_markdown(diff: Diff, limit: int = COMMENT_LIMIT, where: str = "") -> str:
    """A pull-request comment: the marker, a summary line, then each section
    folded. Longer than ``limit`` characters, each section keeps as many of its
    first items as let the whole fit, with a note that says so (``where``:
    where the whole diff is)."""
    rendered = [(s, [_markdown_item(item) for item in s.items]) for s in sections(diff)]
    whole = _markdown(diff, rendered, None, "")
    if len(whole) <= limit:
        return whole
    total = sum(len(items) for _, items in rendered)
    note = (
        f"Shortened to fit a comment ({len(whole):,} characters, over the {limit:,} "
        f"that GitHub allows): each section lists its first items of {total:,}."
        + (f" {where}" if where else " Run `heuristica diff` for the whole list.")
    )
    fits, too_many = 0, max(len(items) for _, items in rendered)
    while too_many - fits > 1:
        middle = (fits + too_many) // 2
        if len(_markdown(diff, rendered, middle, note)) <= limit:
            fits = middle
        else:
            too_many = middle
    return _markdown(diff, rendered, fits, note)
