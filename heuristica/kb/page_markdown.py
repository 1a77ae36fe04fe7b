"""A whole page as one Markdown document, for readers outside the browser
(the MCP server's ``get_page`` and its page resources).

Every section of the page's type in the panel's order, its sources, then the
pages it links to and the pages linking to it, each named by id and
relation. Page text is untrusted: all of it goes through ``safe_markdown`` (no
script link, no raw HTML, no image a renderer would fetch), and code sits in
fences longer than any backtick run inside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from pydantic import BaseModel

from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.markdown import one_line, safe_markdown
from heuristica.kb.model import (
    SECTIONS,
    CodeReference,
    CommonError,
    Dependency,
    Insight,
    IOContract,
    Page,
    SystemRequirement,
    UsageExample,
)
from heuristica.kb.relations import RELATIONS

__all__ = ["page_markdown", "reference_facts"]


def page_markdown(page: Page, kg: KnowledgeGraph) -> str:
    """``page`` as Markdown, with its links and backlinks in ``kg``."""
    lines = [
        f"# {_inline(page.title)}",
        "",
        f"*{page.page_type.label}* · `{page.id}` · domains: "
        + ", ".join(_inline(d) for d in page.domains)
        + f" · last updated {page.last_updated.isoformat()}",
        "",
    ]
    for field, heading in SECTIONS[page.page_type]:
        lines += [f"## {heading}", "", _SECTIONS.get(field, safe_markdown)(getattr(page, field))]
        lines.append("")
    lines += ["## Sources", ""]
    lines += [
        f"- [{_inline(s.title)}](<{s.url}>) · {s.kind.value.replace('_', ' ')}"
        for s in page.sources
    ]
    lines += ["", *_relations(page, kg)]
    return "\n".join(lines).rstrip() + "\n"


def _relations(page: Page, kg: KnowledgeGraph) -> list[str]:
    """The page's links (``relation -> id``) and backlinks (``id -> relation``)."""
    outgoing = sorted((rel, target) for _, target, rel in kg.nx.out_edges(page.id, keys=True))
    incoming = sorted((rel, source) for source, _, rel in kg.nx.in_edges(page.id, keys=True))
    lines = ["## Links", ""]
    lines += [
        f"- {RELATIONS[rel].label} (`{rel}`) → `{target}` {_title(kg, target)}"
        for rel, target in outgoing
    ] or ["None."]
    lines += ["", "## Backlinks", ""]
    lines += [
        f"- {RELATIONS[rel].inverse}: `{source}` {_title(kg, source)} (`{rel}` → this page)"
        for rel, source in incoming
    ] or ["None."]
    return lines


def _title(kg: KnowledgeGraph, page_id: str) -> str:
    return f"({_inline(kg.page(page_id).title)})"


def _code_block(code: str, language: str = "") -> str:
    """``code`` in a fence that nothing inside it can close."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{re.sub(r'[^A-Za-z0-9_+-]', '', language)}\n{code.rstrip()}\n{fence}"


def _inline(text: str) -> str:
    """A title, name or other short string as inert Markdown on one line; kept
    readable (an agent reads the Markdown itself), never escaped to backslashes."""
    return one_line(safe_markdown(text))


def _cell(text: str) -> str:
    """Table-cell Markdown on one line, its pipes escaped."""
    return _inline(text).replace("|", "\\|")


def _table(rows: Sequence[BaseModel], columns: Sequence[str]) -> str:
    """Rows as a Markdown table, one column per field."""
    head = [column.replace("_", " ").capitalize() for column in columns]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(columns)]
    lines += [
        "| " + " | ".join(_cell(getattr(row, c) or "") for c in columns) + " |" for row in rows
    ]
    return "\n".join(lines)


def _code_reference(ref: CodeReference) -> str:
    lines = f", lines {_inline(ref.lines)}" if ref.lines else ""
    parts = [f"**Repository** <{ref.repository}>", f"**File** {_inline(ref.file)}{lines}"]
    parts += [f"**{label}** {_inline(value)}" for label, value in reference_facts(ref)]
    for label, code in (("Signature", ref.signature), ("Import", ref.import_)):
        if code is not None:
            parts += [f"**{label}**", _code_block(code, ref.language)]
    return "\n\n".join(parts)


def reference_facts(ref: CodeReference) -> list[tuple[str, str]]:
    """What a Code Reference in another language says besides its file."""
    if ref.is_python:
        return []
    named = [("Language", ref.language), ("Symbol", ref.symbol), ("Revision", ref.revision)]
    return [(label, value) for label, value in named if value]


def _io_contract(contract: IOContract) -> str:
    columns = ("name", "type", "description")
    return "\n\n".join(
        [
            "**Inputs**",
            _table(contract.inputs, columns),
            "**Outputs**",
            _table(contract.outputs, columns),
        ]
    )


def _usage_examples(examples: Sequence[UsageExample]) -> str:
    parts: list[str] = []
    for example in examples:
        parts += [f"**{_inline(example.title)}**", _code_block(example.code, example.language)]
        if example.explanation:
            parts.append(safe_markdown(example.explanation))
    return "\n\n".join(parts)


def _insight(insight: Insight) -> str:
    return "\n\n".join(
        f"**{heading}**\n\n{safe_markdown(text)}"
        for heading, text in (
            ("Action", insight.action),
            ("Value", insight.value),
            ("Trade-off", insight.trade_off),
            ("Compatibility", insight.compatibility),
        )
        if text
    )


def _rows(*columns: str) -> Callable[[Sequence[BaseModel]], str]:
    return lambda rows: _table(rows, columns)


_SECTIONS: dict[str, Callable[..., str]] = {
    "code_reference": _code_reference,
    "io_contract": _io_contract,
    "usage_examples": _usage_examples,
    "insight": _insight,
    "system_requirements": _rows(*SystemRequirement.model_fields),
    "dependencies": _rows(*Dependency.model_fields),
    "common_errors": _rows(*CommonError.model_fields),
    "quick_install": lambda text: _code_block(text, "bash"),
}
"""How each structured section is written; any other field is Markdown prose."""
