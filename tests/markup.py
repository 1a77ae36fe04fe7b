"""What a Markdown or HTML text would make a reader's browser follow or fetch,
read by a parser that trusts everything (no link check, raw HTML on), and the
hostile links tests feed through every place page text is shown."""

from __future__ import annotations

from html.parser import HTMLParser

from markdown_it import MarkdownIt

__all__ = ["SCRIPT_LINKS", "html_targets", "is_web", "markdown_targets"]

SCRIPT_LINKS = [
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](jav&#x61;script:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click]( javascript:alert(1) )",
    "[click](<java\tscript:alert(1)>)",
    "[click](<\x01javascript:alert(1)>)",
    "[click](javascript:alert(1) 'a title')",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "[click][r{n}]\n\n[r{n}]: javascript:alert(1)",
    "[click][r{n}]\n\n[r{n}]:\njavascript:alert(1)",
    "[r{n}]\n\n[r{n}]: javascript:alert(1)\n  'a title'",
    "> [click][r{n}]\n>\n> [r{n}]: javascript:alert(1)",
    "- [click][r{n}]\n\n  [r{n}]: javascript:alert(1)",
    "1. item\n   [click][r{n}]\n\n   [r{n}]:\n   javascript:alert(1)",
    "[cl\\]ick](javascript:alert(1))",
    "[cl\\[ick\\]](javascript:alert(1))",
    "`a\n\n[click](javascript:alert(1)) b`",
    "``x`\n\n[click](javascript:alert(1))",
    "[click](\njavascript:alert(1))",
    "*[click](javascript:alert(1))*",
    "| a |\n| - |\n| [click](javascript:alert(1)) |",
    "[click](javascript:alert(1))\n===",
    "![click](javascript:alert(1))",
    "[![img](https://example.org/i.png)](javascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![click](data:image/png;base64,iVBORw0KGgo=)",
    "[click](vbscript:msgbox(1))",
    "[click](file:///etc/passwd)",
    '<a href="javascript:alert(1)">click</a>',
    "[click](//elsewhere.example/x)",
    "$[click](javascript:alert(1))$",
    "$$\n[r{n}]: javascript:alert(1)\n$$\n\n[click][r{n}]",
    "$<a href='javascript:alert(1)'>click</a>$",
]
"""Links that must never be live: script, data, file and host-relative URLs, in
every shape CommonMark allows, and inside math (which a viewer without math
reads as Markdown) (``{n}`` keeps reference labels apart when
several patterns share one text). Reference definitions split over lines or
inside a quote or list item, and code spans across paragraphs, passed the
regular expressions this project used before."""


def is_web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


_TRUSTING = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
_TRUSTING.validateLink = lambda url: True  # type: ignore[method-assign]


def markdown_targets(markdown: str) -> list[str]:
    """Every link and image URL in ``markdown``, and each piece of raw HTML as
    ``html:...``, as a renderer with no link check would see them."""
    found: list[str] = []
    stack = list(_TRUSTING.parse(markdown))
    while stack:
        token = stack.pop()
        stack.extend(token.children or ())
        if token.type in ("html_inline", "html_block"):
            found.append(f"html:{token.content}")
        for name in ("href", "src"):
            if token.attrGet(name) is not None:
                found.append(str(token.attrGet(name)))
    return found


class _Targets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action", "formaction", "xlink:href", "srcset"):
                self.found.append(value or "")
            if name.startswith("on"):
                self.found.append(f"handler:{name}")
        if tag in ("script", "iframe", "object", "embed", "img", "svg"):
            self.found.append(f"tag:{tag}")


def html_targets(html: str) -> list[str]:
    """Every URL an element of ``html`` points at, plus ``handler:on...`` for
    event handlers and ``tag:...`` for elements that run or load things."""
    parser = _Targets()
    parser.feed(html)
    parser.close()
    return parser.found
