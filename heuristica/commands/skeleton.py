"""A new page's YAML with every section of its type, for an author to fill in."""

from __future__ import annotations

import datetime as dt
import json

from heuristica.kb.relations import RELATIONS, PageType

__all__ = ["skeleton"]

_COMMON = """\
type: {type}
id: {id}
title: {title}
domains: []          # tags, e.g. [Debugging, Python_Performance]
last_updated: {today}
sources:             # at least one: where this knowledge comes from
  - title: ""
    url: ""          # https://...
    kind: doc        # doc, code, issue, pull_request, release_notes, spec, paper, book,
                     # blog or discussion
overview: ""         # one short paragraph
description: ""      # Markdown
usage: ""            # Markdown: when to reach for this page
"""

_SECTIONS = {
    PageType.PRINCIPLE: """\
theoretical_basis: ""   # Markdown; $math$ allowed
""",
    PageType.IMPLEMENTATION: """\
code_reference:
  repository: ""     # https://github.com/owner/repo
  file: ""
  lines: ""          # optional, e.g. "120-180"
  signature: ""
  import: ""
io_contract:
  inputs:
    - {name: "", type: "", description: ""}
  outputs:
    - {name: "", type: "", description: ""}
usage_examples:
  - title: ""
    language: python
    code: ""
""",
    PageType.HEURISTIC: """\
insight:
  action: ""
  value: ""
  trade_off: ""
reasoning: ""
""",
    PageType.ENVIRONMENT: """\
system_requirements:
  - {name: "", requirement: ""}
dependencies:
  - {name: "", version: ""}
credentials: ""      # say "None." when none are needed
quick_install: ""
common_errors:
  - {error: "", cause: "", fix: ""}
compatibility_notes: ""
""",
}


def skeleton(page_type: PageType, page_id: str, title: str) -> str:
    """YAML text of an empty page; ``heuristica check`` lists what to fill in."""
    relations = ", ".join(
        name for name, rel in RELATIONS.items() if any(s == page_type for s, _ in rel.pairs)
    )
    links = f"links: []          # {{relation, to}}; from a {page_type}: {relations}\n"
    common = _COMMON.format(
        type=page_type.value, id=page_id, title=json.dumps(title), today=dt.date.today()
    )
    return common + _SECTIONS[page_type] + links
