"""Untrusted page text through kb.markdown: one CommonMark parse, written
out as Markdown (the panel, the Markdown hand-out) or HTML (the HTML
hand-out), with the same rules in both: web links only, no image loaded,
math that cannot grow past its line, bidirectional controls made visible."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape as html_escape
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from heuristica.kb.markdown import (
    MAX_MARKDOWN_CHARS,
    escape_markdown,
    formula_is_safe,
    quoted,
    safe_html,
    safe_html_inline,
    safe_markdown,
)
from heuristica.kb.text import inert_line, plain_title, title_markdown
from tests.markup import SCRIPT_LINKS, html_targets, is_web, markdown_targets

REPO = Path(__file__).resolve().parent.parent
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def not_web(targets: list[str]) -> list[str]:
    return [target for target in targets if not is_web(target)]


@pytest.mark.parametrize("pattern", SCRIPT_LINKS)
def test_no_script_link_survives_in_markdown_or_html(pattern: str) -> None:
    text = pattern.replace("{n}", "1")
    assert not_web(markdown_targets(safe_markdown(text))) == []
    assert not_web(html_targets(safe_html(text))) == []


def test_every_script_link_at_once_leaves_no_live_link() -> None:
    text = "\n\n".join(p.replace("{n}", str(n)) for n, p in enumerate(SCRIPT_LINKS))
    assert not_web(markdown_targets(safe_markdown(text))) == []
    assert not_web(html_targets(safe_html(text))) == []


def test_a_refused_link_shows_as_the_text_typed() -> None:
    assert safe_html("[click](javascript:alert(1))") == "<p>[click](javascript:alert(1))</p>\n"
    shown = safe_markdown("[click](javascript:alert(1))")
    assert markdown_targets(shown) == []
    assert re.sub(r"\\(.)", r"\1", shown) == "[click](javascript:alert(1))"


def test_web_links_stay_links_in_both_outputs() -> None:
    text = (
        "[docs](https://docs.python.org/3/) and <https://pola.rs> and [the spec][s]\n\n"
        "[s]: http://example.org/a_b?x=1&y=2"
    )
    urls = ["https://docs.python.org/3/", "https://pola.rs", "http://example.org/a_b?x=1&y=2"]
    assert sorted(markdown_targets(safe_markdown(text))) == sorted(urls)
    assert sorted(html_targets(safe_html(text))) == sorted(urls)
    assert 'rel="noopener noreferrer"' in safe_html(text)


def test_remote_images_become_links_labelled_by_their_alt_text() -> None:
    text = "![a diagram](https://elsewhere.example/d.png) ![](https://elsewhere.example/e.png)"
    markdown = safe_markdown(text)
    assert "![" not in markdown
    assert markdown == (
        "[a diagram](<https://elsewhere.example/d.png>) [image](<https://elsewhere.example/e.png>)"
    )
    html = safe_html(text)
    assert "tag:img" not in html_targets(html)
    assert (
        '<a href="https://elsewhere.example/d.png" rel="noopener noreferrer">a diagram</a>' in html
    )


@pytest.mark.parametrize(
    ("formula", "display"),
    [
        (r"\rule{3000px}{3000px}", False),
        (r"\rule{10em}{1pt}", False),
        (r"x \hspace{100em} y", False),
        (r"x \kern-3000px y", False),
        (r"x \mkern5000mu y", False),
        (r"\raisebox{50em}{x}", False),
        (r"\Huge x", True),
        (r"{\huge x}", False),
        (r"\def\a{\a\a}\a", True),
        (r"\newcommand{\x}{y}\x", True),
        (r"\href{https://elsewhere.example}{x}", False),
        (r"\url{https://elsewhere.example}", False),
        (r"\includegraphics{https://elsewhere.example/x.png}", True),
        (r"\htmlStyle{position:fixed}{x}", False),
        (r"\rlap{\text{over the page}}", False),
        (r"\begin{aligned} a \\[3000px] b \end{aligned}", True),
        ("x + " * 80 + "x", False),
        (r"\begin{array}{c}" + r"a \\ " * 41 + r"\end{array}", True),
        (r"[x](javascript:alert(1))", False),
        (r"<img src=x onerror=alert(1)>", False),
        ("x\n[r]: javascript:alert(1)", True),
    ],
)
def test_math_that_could_cover_the_page_or_fetch_is_not_typeset(
    formula: str, display: bool
) -> None:
    assert not formula_is_safe(formula, display)


@pytest.mark.parametrize(
    ("formula", "display"),
    [
        (r"p \times C", False),
        (r"t = \lfloor C / p \rfloor", False),
        (r"\frac{w}{p} + c_t < w \quad\Longleftrightarrow\quad c_t < w", True),
        (r"\begin{aligned} a &= b \\[4pt] c &= d \end{aligned}", True),
        (r"x \, y \; z \quad w", False),
        (r"\left(1 - \tfrac{1}{p}\right)", False),
        (r"\int_0^{10} f(x)\, dx = 10 pi", False),
    ],
)
def test_ordinary_math_is_typeset(formula: str, display: bool) -> None:
    assert formula_is_safe(formula, display)


def test_refused_math_is_shown_as_code_and_kept_math_stays_math() -> None:
    text = "a $\\rule{3000px}{3000px}$ b $p \\times C$\n\n$$\n\\Huge x\n$$"
    assert safe_markdown(text) == (
        "a `$\\rule{3000px}{3000px}$` b $p \\times C$\n\n```latex\n$$\\Huge x$$\n```"
    )
    html = safe_html(text)
    assert "<code>$\\rule{3000px}{3000px}$</code>" in html
    assert '<span class="math">$p \\times C$</span>' in html
    assert '<code class="language-latex">$$\\Huge x$$' in html


@pytest.mark.parametrize("control", list(BIDI_CONTROLS))
def test_bidi_controls_are_shown_as_their_code_point(control: str) -> None:
    shown = f"⟨U+{ord(control):04X}⟩"
    text = f"admin{control}txt.exe and `code{control}` and\n\n```\nif x{control}:\n```"
    for out in (
        safe_markdown(text),
        safe_html(text),
        safe_html_inline(text),
        escape_markdown(text),
        quoted(text, limit=1000),
    ):
        assert control not in out
        assert shown in out.replace("\\", "")


def test_text_too_long_to_parse_is_shown_as_written_in_a_code_block() -> None:
    for text in ("[" * 5_000, "word " * (MAX_MARKDOWN_CHARS // 5 + 1)):
        markdown = safe_markdown(text)
        assert markdown.startswith("*This text is too long to format; it is shown as written.*")
        assert markdown_targets(markdown) == []
        assert text.strip() in markdown
        assert "<pre><code>" in safe_html(text)


def test_quoted_values_are_code_whatever_they_hold() -> None:
    for value in ("[x](https://elsewhere.example)", "a`b``c", "![i](https://e.example/i.png)"):
        shown = quoted(value)
        assert markdown_targets(shown) == []
        assert safe_html(shown) == f"<p><code>{value.replace('&', '&amp;')}</code></p>\n"
    assert quoted("no-such-tour") == "`no-such-tour`"


def test_escape_markdown_keeps_every_character_and_one_line() -> None:
    text = "<img src=x> *a* _b_ [c](d) `e` $f$ :red[g] # h\n| i |"
    escaped = escape_markdown(text)
    assert re.sub(r"\\(.)", r"\1", escaped) == " ".join(text.split())
    assert "\n" not in escaped
    assert not re.search(r"(?<!\\)[<>*_\[\]`$:|#]", escaped)


def test_structure_survives_rewriting() -> None:
    text = (
        "Intro with **bold**, *em*, ~~gone~~ and `code`.\n\n"
        "- one\n- two\n  1. nested\n\n"
        "> quoted\n\n"
        "| a | b |\n|:--|--:|\n| 1 | `x\\|y` |\n\n"
        "```python\nprint('<b>')\n```\n\n"
        "# A heading"
    )
    assert safe_markdown(text) == (
        "Intro with **bold**, *em*, ~~gone~~ and `code`\\.\n\n"
        "- one\n- two\n  1. nested\n\n"
        "> quoted\n\n"
        "| a | b |\n| :-- | --: |\n| 1 | `x\\|y` |\n\n"
        "```python\nprint('<b>')\n```\n\n"
        "##### A heading"
    )


def _normal(html: str) -> str:
    """HTML with what rewriting may change and a reader cannot see evened out:
    heading levels (page headings move below the panel's), emphasis marks (a
    nested emphasis may pair up differently), tight or loose single items, and
    whitespace."""
    html = re.sub(r"<(/?)h\d>", r"<\1h>", html)
    html = re.sub(r"</?(?:em|strong|s)>|[*_~]", "", html)
    html = re.sub(r"\s+", " ", html)
    blocks = r"</?(?:p|li|ul|ol|blockquote|h|pre|table|thead|tbody|tr|td|th|div)\b[^>]*>"
    html = re.sub(rf"\s*({blocks})\s*", r"\1", html)
    html = re.sub(r"<li><p>(.*?)</p></li>", r"<li>\1</li>", html)
    html = re.sub(r"\$\$\s+|\s+\$\$", "$$", html)
    return re.sub(r"\s*(</code>)", r"\1", html)


def _shipped_texts() -> Iterator[str]:
    for path in sorted((REPO / "knowledge").rglob("*.yaml")):
        stack = [yaml.safe_load(path.read_text("utf-8"))]
        while stack:
            value = stack.pop()
            if isinstance(value, str):
                yield value
            elif isinstance(value, dict):
                stack.extend(value.values())
            elif isinstance(value, list):
                stack.extend(value)


def test_shipped_page_text_means_the_same_after_rewriting() -> None:
    texts = list(_shipped_texts())
    assert len(texts) > 500
    for text in texts:
        assert _normal(safe_html(safe_markdown(text))) == _normal(safe_html(text)), text


PIECES = st.sampled_from(
    [
        *"ab \n*_`[]()<>!#|$\\:~=+-.&",
        "\n\n", "    ", "\t", "\r\n", "\x00", "é", "x\u202ey", "**", "``", "~~", "$$",
        "# ", "- ", "1. ", "2) ", "> ", "---", "```", "~~~", "<b>", "&amp;", "&#x61;",
        "&#32;", "[l]", "[l]: https://a.example", "[t](https://u.example)",
        "![i](https://i.example/k.png)", "https://x.example/z", "\n|-|-|\n", "a|b",
        "javascript:alert(1)", "[x](", "](java", "script:", "&#106;", "data:", "<java",
    ]
)  # fmt: skip
"""Fragments with a meaning in Markdown, joined at random."""
MARKDOWNISH = st.lists(PIECES, max_size=40).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWNISH)
def test_rewritten_markdown_reads_as_the_original(text: str) -> None:
    assert _normal(safe_html(safe_markdown(text))) == _normal(safe_html(text))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWNISH)
def test_no_text_makes_a_live_link_other_than_to_the_web(text: str) -> None:
    assert not_web(markdown_targets(safe_markdown(text))) == []
    assert not_web(html_targets(safe_html(text))) == []
    assert not_web(html_targets(safe_html_inline(text))) == []


def test_a_title_shows_its_code_as_code_and_everything_else_as_written() -> None:
    title = "Cap Polars' threads before `import polars` runs (≥ 1.42) *not* [x](y)"
    html = MarkdownIt("commonmark").renderInline(title_markdown(title))
    assert html == (
        "Cap Polars' threads before <code>import polars</code> runs (≥ 1.42) *not* [x](y)"
    )
    assert (
        plain_title(title) == "Cap Polars' threads before import polars runs (≥ 1.42) *not* [x](y)"
    )
    assert plain_title("a\u202eb `c`") == "a⟨U+202E⟩b c"


def test_an_inert_line_renders_as_written_with_few_escapes() -> None:
    text = "raises RuntimeError: context has already been set. set_start_method(x=1)"
    assert inert_line(text) == text, "nothing here can become markup"
    hostile = "1. <img src=x onerror=alert(1)> ![p](https://t.example/p.png) _em_ `c`"
    rendered = MarkdownIt("commonmark", {"html": True}).render(inert_line(hostile))
    assert rendered == f"<p>{html_escape(hostile, quote=False)}</p>\n"
