"""Math in page text (``$...$``, ``$$...$$``) is typeset by KaTeX only when it
cannot change the page around it: no size-changing or space-making command,
no length over a few ems, no macro definitions, no links, a bounded number of
rows and characters. Other math is shown as code."""

from __future__ import annotations

import re

__all__ = ["formula_is_safe"]

_MAX_FORMULA = {False: 300, True: 1_000}
"""Longest formula typeset, inline (False) and on its own lines (True)."""
_MAX_ROWS = 40
_MAX_EMS = 3.0
"""The largest explicit length a formula may use, in ems (``\\\\[4pt]`` in an
aligned block is fine; ``\\rule{3000px}{3000px}`` paints over the page)."""
_REFUSED_COMMAND = re.compile(
    r"\\(?:rule|[hv]space|[hv]skip|m?kern|mskip|mspace|raisebox|raise|lower|"
    r"move(?:left|right)|[hv]rule|(?:math)?[lrc]lap|smash|"
    r"tiny|scriptsize|footnotesize|small|normalsize|large|Large|LARGE|huge|Huge|"
    r"[gex]?def|let|futurelet|(?:re)?newcommand|providecommand|global|"
    r"href|url|includegraphics|html[A-Za-z]*)(?![A-Za-z])"
)
_EMS_PER_UNIT = {
    "em": 1.0,
    "ex": 0.431,
    "mu": 1 / 18,
    "pt": 0.1,
    "bp": 0.1,
    "dd": 0.107,
    "cc": 1.28,
    "nd": 0.107,
    "nc": 1.28,
    "pc": 1.2,
    "mm": 0.285,
    "cm": 2.85,
    "in": 7.23,
    "px": 0.0625,
    "sp": 0.1 / 65536,
}
_LENGTH = re.compile(rf"(\d+(?:\.\d*)?|\.\d+)\s*(?:true)?\s*({'|'.join(_EMS_PER_UNIT)})")
"""A TeX length as KaTeX reads one: a number and a unit (any sign)."""
_MARKUP_IN_MATH = re.compile(r"<[A-Za-z/!?]|\][(\[:]")
"""What a Markdown viewer without math (one opening the hand-out) would read
as a tag or a link inside a formula."""
_ROW_BREAK = re.compile(r"\\\\|\\cr(?![A-Za-z])|\\newline(?![A-Za-z])")


def formula_is_safe(formula: str, display: bool) -> bool:
    """Whether KaTeX may typeset ``formula``: it cannot grow past its own line
    (or block), load anything, or define macros; nor, read as Markdown by a
    viewer without math, hold a tag or a link."""
    if len(formula) > _MAX_FORMULA[display] or "$" in formula:
        return False
    if _MARKUP_IN_MATH.search(formula):
        return False
    if _REFUSED_COMMAND.search(formula) or len(_ROW_BREAK.findall(formula)) > _MAX_ROWS:
        return False
    lengths = _LENGTH.findall(formula)
    return all(float(number) * _EMS_PER_UNIT[unit] <= _MAX_EMS for number, unit in lengths)
