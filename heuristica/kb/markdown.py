"""Page text, which is untrusted, made safe to show: one CommonMark parse,
two outputs.

Page fields are Markdown on purpose (emphasis, code, lists, tables, math).
Each is parsed once by markdown-it-py (CommonMark, GFM tables and
strikethrough, ``$``/``$$`` math), with raw HTML off and every link and image
URL judged by ``is_web_url``. The tree is then written out by us:

- ``safe_markdown``: Markdown for ``st.markdown`` and the Markdown hand-out.
  Every character of text is escaped, so the only constructs in the output
  are the ones written here: emphasis, code, lists, quotes, tables, headings,
  ``http(s)`` links and checked math.
- ``safe_html``: HTML for the offline hand-out, every text escaped.

The same rules hold in both:

- A link to anything but an absolute ``http(s)`` URL is no link: its Markdown
  shows as typed.
- An image is never loaded: it becomes a link to its URL, labelled by its alt
  text (the app works offline, and a page must not make readers' browsers
  fetch other hosts).
- Math is typeset only when it cannot change the page around it: no
  size-changing or space-making command (``\\rule``, ``\\hspace``, ``\\kern``,
  ``\\raisebox``, ``\\Huge``...), no length over a few ems, no macro
  definitions, no links, a bounded number of rows and characters. Other math is shown as code.
- Bidirectional control characters (U+202E...) are shown as ``⟨U+202E⟩``,
  so text reads in the order it is stored.
- Text longer than ``MAX_MARKDOWN_CHARS``, or with more than
  ``_MAX_BRACKETS`` ``[``, is shown as written, in a code block:
  markdown-it-py takes time quadratic in unmatched brackets.

The short strings are ``kb.text``, the math rules ``kb.math_safety`` (both
named here too).

Short strings that are not Markdown (titles, labels, file names, values from
the URL) go through ``escape_markdown`` or ``quoted`` instead.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable, Sequence

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin

from heuristica.kb.math_safety import formula_is_safe
from heuristica.kb.text import (
    code_span,
    escape,
    escape_markdown,
    is_web_url,
    one_line,
    quoted,
    visible_bidi,
)

__all__ = [
    "MAX_MARKDOWN_CHARS",
    "escape_markdown",
    "formula_is_safe",
    "is_web_url",
    "one_line",
    "quoted",
    "safe_html",
    "safe_html_inline",
    "safe_markdown",
    "visible_bidi",
]

MAX_MARKDOWN_CHARS = 20_000
"""Longer text is shown as written (a code block), not parsed: a real section
is a few thousand characters."""
_MAX_BRACKETS = 1_000
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_HEADING_SHIFT = 4
"""Headings in page text sit below the panel's own (``####`` sections)."""


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}, renderer_cls=_SafeHtml)
    md.enable(["table", "strikethrough"])
    md.use(
        dollarmath_plugin,
        allow_labels=False,
        allow_space=False,
        allow_digits=False,
        double_inline=True,
    )
    for kind in ("math_inline", "math_inline_double", "math_block"):
        md.add_render_rule(kind, _math_html)
    md.validateLink = is_web_url  # type: ignore[method-assign]
    md.core.ruler.push("unlink_empty_destinations", _unlink_empty_destinations)
    return md


def _unlink_empty_destinations(state: StateCore) -> None:
    """markdown-it keeps a link or image whose URL it refused, pointing at ``""``
    (the page itself): keep its text, drop the link."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        dropped: list[bool] = []
        for token in block.children:
            if token.type == "link_open":
                dropped.append(not is_web_url(str(token.attrGet("href") or "")))
                if dropped[-1]:
                    continue
            elif token.type == "link_close" and dropped.pop():
                continue
            elif token.type == "image" and not is_web_url(str(token.attrGet("src") or "")):
                token = Token("text", "", 0, content=token.content)
            children.append(token)
        block.children = children


def _parse(text: str) -> list[Token]:
    return _MD.parse(visible_bidi(text))


def _too_big(text: str) -> bool:
    return len(text) > MAX_MARKDOWN_CHARS or text.count("[") > _MAX_BRACKETS


_TOO_BIG_NOTE = "This text is too long to format; it is shown as written."


# ---------------------------------------------------------------- Markdown out


@functools.lru_cache(maxsize=4096)
def safe_markdown(text: str) -> str:
    """Untrusted Markdown ``text`` as Markdown that means the same, minus
    anything unsafe (see the module's rules). Remembered: the panel asks for
    the same fields on every rerun, and parsing takes milliseconds each."""
    if _too_big(text):
        return f"*{_TOO_BIG_NOTE}*\n\n" + _fence(visible_bidi(text))
    root = SyntaxTreeNode(_parse(text))
    return "\n".join(_block_lines(root.children, tight=False)).strip("\n")


def _block_lines(nodes: Sequence[SyntaxTreeNode], tight: bool) -> list[str]:
    """Lines of these sibling blocks, a blank line between them unless ``tight``."""
    lines: list[str] = []
    previous_list = ""
    for node in nodes:
        if lines and not tight:
            lines.append("")
        if node.type in _LIST_MARKUPS:
            markup = _list_markup(node, previous_list)
            lines += _list(node, markup)
            previous_list = node.type + markup
        else:
            lines += _BLOCKS.get(node.type, _paragraph)(node, tight)
            previous_list = ""
    return lines


_LIST_MARKUPS = {"bullet_list": "-*+", "ordered_list": ".)"}


def _list_markup(node: SyntaxTreeNode, previous_list: str) -> str:
    """The list's own marker, unless the list just before used it: two lists
    in a row with one marker would be read as one."""
    choices = node.markup + _LIST_MARKUPS[node.type]
    return next(markup for markup in choices if node.type + markup != previous_list)


def _prefixed(lines: list[str], first: str, rest: str) -> list[str]:
    return [
        (first if index == 0 else rest) + line if line else (first if index == 0 else rest).rstrip()
        for index, line in enumerate(lines)
    ]


def _paragraph(node: SyntaxTreeNode, tight: bool) -> list[str]:
    # A line of spaces (from entities) would end the paragraph: write them as one.
    return [line if line.strip() else "&#32;" for line in _inline(node.children).split("\n")]


def _heading(node: SyntaxTreeNode, tight: bool) -> list[str]:
    level = min(int(node.tag[1]) + _HEADING_SHIFT, 6)
    return ["#" * level + " " + _inline(node.children, one_row=True)]


def _quote(node: SyntaxTreeNode, tight: bool) -> list[str]:
    return _prefixed(_block_lines(node.children, tight=False) or [""], "> ", "> ")


def _list(node: SyntaxTreeNode, markup: str) -> list[str]:
    ordered = node.type == "ordered_list"
    number = int(node.attrs.get("start", 1)) if ordered else 0
    tight = all(
        block.hidden
        for item in node.children
        for block in item.children
        if block.type == "paragraph"
    )
    lines: list[str] = []
    for item in node.children:
        marker = f"{number}{markup} " if ordered else f"{markup} "
        number += 1
        if lines and not tight:
            lines.append("")
        body = _block_lines(item.children, tight=tight) or [""]
        lines += _prefixed(body, marker, " " * len(marker))
    return lines


def _fence(code: str, info: str = "") -> str:
    """A fenced code block; tildes when the language names a backtick."""
    language = info.split(maxsplit=1)[0] if info.strip() else ""
    mark = "~" if "`" in language else "`"
    runs = [len(run) for run in re.findall(f"{mark}+", code)]
    fence = mark * max(3, max(runs, default=0) + 1)
    body = f"{code.removesuffix(chr(10))}\n" if code else ""
    return f"{fence}{language}\n{body}{fence}"


def _code(node: SyntaxTreeNode, tight: bool) -> list[str]:
    return _fence(node.content, node.info).split("\n")


def _rule(node: SyntaxTreeNode, tight: bool) -> list[str]:
    return ["---"]


def _math_block(node: SyntaxTreeNode, tight: bool) -> list[str]:
    formula = node.content.strip("\n")
    if formula_is_safe(formula, display=True):
        lines = formula.split("\n")
        return ["$$", *lines, "$$"] if len(lines) > 1 else [f"$${formula}$$"]
    return _fence(f"$${formula}$$", "latex").split("\n")


def _table(node: SyntaxTreeNode, tight: bool) -> list[str]:
    rows = [row for section in node.children for row in section.children]
    if not rows:
        return []
    header = rows[0].children
    align = {"left": ":--", "center": ":-:", "right": "--:"}

    def row_line(cells: Sequence[SyntaxTreeNode]) -> str:
        texts = [_inline(cell.children, one_row=True, in_table=True) for cell in cells]
        return "| " + " | ".join(texts) + " |"

    def alignment(cell: SyntaxTreeNode) -> str:
        style = str(cell.attrs.get("style", ""))
        return align.get(style.removeprefix("text-align:"), "---")

    return [
        row_line(header),
        "| " + " | ".join(alignment(cell) for cell in header) + " |",
        *(row_line(row.children) for row in rows[1:]),
    ]


_BLOCKS: dict[str, Callable[[SyntaxTreeNode, bool], list[str]]] = {
    "heading": _heading,
    "blockquote": _quote,
    "fence": _code,
    "code_block": _code,
    "hr": _rule,
    "math_block": _math_block,
    "table": _table,
}
"""How each block is written; any other (a paragraph) as its inline text."""

_DELIMITERS = {"em": "*", "strong": "**", "s": "~~"}


def _inline(nodes: Sequence[SyntaxTreeNode], one_row: bool = False, in_table: bool = False) -> str:
    """Inline ``nodes`` (the children of a paragraph, heading, cell or link) as Markdown.

    ``one_row`` writes line breaks as spaces (headings, table cells); in a
    table, ``|`` is escaped inside code too.
    """
    out: list[str] = []
    for node in nodes:
        if node.type == "inline":
            out.append(_inline(node.children, one_row, in_table))
        elif node.type == "text":
            out.append(escape(_SPACES.sub(" ", node.content)))
        elif node.type in ("softbreak", "hardbreak"):
            out.append(" " if one_row else ("\n" if node.type == "softbreak" else "\\\n"))
        elif node.type == "code_inline":
            span = code_span(node.content)
            out.append(span.replace("|", "\\|") if in_table else span)
        elif node.type in _DELIMITERS:
            mark = _DELIMITERS[node.type]
            inner = _inline(node.children, one_row, in_table)
            # a space next to the mark (from an entity) would stop it opening or closing
            inner = re.sub(r"^ | $", "&#32;", inner)
            out.append(mark + inner + mark)
        elif node.type in ("link", "image"):
            out.append(_link(node, one_row, in_table))
        elif node.type.startswith("math_inline"):
            out.append(_math_inline(node.content, display=node.type != "math_inline"))
    return "".join(out)


def _link(node: SyntaxTreeNode, one_row: bool, in_table: bool) -> str:
    """A link, or an image as a link to it labelled by its alt text; no title."""
    url = str(node.attrs.get("href") or node.attrs.get("src") or "")
    if node.type == "image":
        label = escape(one_line(node.content)) or "image"
    else:
        label = _inline(node.children, one_row, in_table) or escape(url)
    return f"[{label}](<{url}>)"


def _math_inline(formula: str, display: bool) -> str:
    formula = one_line(formula)
    dollars = "$$" if display else "$"
    if not formula or not formula_is_safe(formula, display):
        return code_span(f"{dollars}{formula}{dollars}") if formula else ""
    return f"{dollars}{formula}{dollars}"


# -------------------------------------------------------------------- HTML out


def _math_html(
    renderer: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Math as its TeX source in the page (the hand-out typesets nothing), marked
    up as ``safe_markdown`` writes it: checked math as math, other math as code."""
    token = tokens[idx]
    display = token.type != "math_inline"
    block = token.type == "math_block"
    formula = token.content.strip("\n") if block else one_line(token.content)
    if not formula and not block:
        return ""
    dollars = "$$" if display else "$"
    source = html.escape(dollars + formula + dollars)
    if not formula_is_safe(formula, display):
        return (
            f'<pre><code class="language-latex">{source}\n</code></pre>\n'
            if block
            else (f"<code>{source}</code>")
        )
    return f'<div class="math">{source}</div>\n' if block else f'<span class="math">{source}</span>'


class _SafeHtml(RendererHTML):
    """markdown-it's HTML renderer, with images as links and page headings shifted down."""

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        label = html.escape(one_line(token.content)) or "image"
        src = html.escape(str(token.attrGet("src")))
        return f'<a href="{src}" rel="noopener noreferrer">{label}</a>'

    def link_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        tokens[idx].attrs.pop("title", None)
        tokens[idx].attrSet("rel", "noopener noreferrer")
        return self.renderToken(tokens, idx, options, env)

    def heading_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return f"<h{min(int(tokens[idx].tag[1]) + _HEADING_SHIFT, 6)}>"

    def heading_close(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        return f"</h{min(int(tokens[idx].tag[1]) + _HEADING_SHIFT, 6)}>\n"


def safe_html(text: str) -> str:
    """Untrusted Markdown ``text`` as HTML in which every piece of text is
    escaped and every link is ``http(s)`` (see the module's rules)."""
    if _too_big(text):
        shown = html.escape(visible_bidi(text).removesuffix("\n"))
        return f"<p><em>{_TOO_BIG_NOTE}</em></p>\n<pre><code>{shown}\n</code></pre>\n"
    rendered: str = _MD.renderer.render(_parse(text), _MD.options, {})
    return rendered


def safe_html_inline(text: str) -> str:
    """One line of untrusted Markdown (a question, a choice) as inline HTML."""
    if _too_big(text):
        return html.escape(visible_bidi(one_line(text)))
    tokens = _MD.parseInline(visible_bidi(one_line(text)))
    rendered: str = _MD.renderer.render(tokens, _MD.options, {})
    return rendered


_MD = _parser()
