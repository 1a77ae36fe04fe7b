"""Where a source file defines a symbol.

A Code Reference in a language other than Python names a ``symbol`` its
``file`` defines. A language a tree-sitter grammar reads here is parsed
(``parsed``). The others are read by a textual rule: a line matches when it
has one of the language's definition forms with the symbol as the defined
name (docs/page-format.md, "Code in other languages", lists them); a rule
reads text, it does not parse, so comments and strings are not told apart
from code. A language with neither falls back to the symbol as a whole word
anywhere in the file, and the check says it used that fallback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from heuristica.checks.parsed import grammar_for, parsed_lines

__all__ = ["LANGUAGE_RULES", "Definitions", "Rule", "definitions"]

Pattern = Callable[[str], str]
"""Builds a regular expression from the escaped symbol."""


@dataclass(frozen=True)
class Rule:
    """How one family of languages writes a definition."""

    description: str
    """In words, for the docs and for a check that finds nothing."""
    patterns: tuple[Pattern, ...]
    flags: re.RegexFlag = re.MULTILINE

    def lines(self, text: str, symbol: str) -> list[int]:
        name = re.escape(symbol)
        found: set[int] = set()
        for pattern in self.patterns:
            for match in re.finditer(pattern(name), text, self.flags):
                matched = match.group(0)
                start = match.start() + len(matched) - len(matched.lstrip())
                found.add(text.count("\n", 0, start) + 1)
        return sorted(found)


def _sql_object(name: str) -> str:
    kinds = "TABLE|INDEX|VIEW|TRIGGER|FUNCTION|PROCEDURE|SEQUENCE|TYPE|SCHEMA|MATERIALIZED VIEW"
    return (
        r"\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:UNIQUE|TEMP|TEMPORARY|VIRTUAL)\s+)*"
        rf"(?:{kinds})\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:[\w\"`\[\]]+\.)?"
        rf"([\"`\[]?{name}[\"`\]]?)(?![\w])"
    )


_RULES: dict[str, Rule] = {
    "sql": Rule(
        "CREATE [UNIQUE|TEMP|VIRTUAL] TABLE|INDEX|VIEW|TRIGGER|FUNCTION|PROCEDURE|... "
        "[IF NOT EXISTS] [schema.]NAME, in any letter case",
        (_sql_object,),
        re.MULTILINE | re.IGNORECASE,
    ),
    "kotlin": Rule(
        "class|interface|enum|record|object|trait NAME, fun|def NAME, or a method "
        "declared as TYPE NAME(...) on a line not ending in ';'",
        (
            lambda n: rf"\b(?:class|interface|enum|record|object|trait|struct|fun|def)\s+({n})\b",
            lambda n: rf"^\s*(?:[\w<>\[\],.?]+\s+)+({n})\s*\((?![^\n]*;\s*$)",
        ),
    ),
}

_ALIASES = {
    "sqlite": "sql",
    "postgresql": "sql",
    "mysql": "sql",
    "plpgsql": "sql",
    "kotlin": "kotlin",
    "swift": "kotlin",
}

WHOLE_WORD = Rule("the symbol as a whole word anywhere in the file", (lambda n: rf"\b({n})\b",))

LANGUAGE_RULES: dict[str, Rule] = {**_RULES, **{a: _RULES[t] for a, t in _ALIASES.items()}}
"""Every language with a rule of its own, by the name a page gives it."""


@dataclass(frozen=True)
class Definitions:
    """Where a file defines a symbol, and how that was found (said in a verdict)."""

    lines: list[int]
    how: str


def definitions(text: str, symbol: str, language: str) -> Definitions:
    """The lines (from 1) where ``text`` defines ``symbol`` in ``language``: by
    tree-sitter when a grammar here reads the language, else by its textual
    rule, else by the whole-word fallback. A dotted symbol (``Orders.total``)
    is found by its last part."""
    name = symbol.rsplit(".", 1)[-1]
    grammar = grammar_for(language)
    if grammar is not None:
        return Definitions(parsed_lines(grammar, text, name), grammar.described())
    rule = LANGUAGE_RULES.get(language)
    if rule is None:
        return Definitions(
            WHOLE_WORD.lines(text, name), f"no rule for {language}, so {WHOLE_WORD.description}"
        )
    return Definitions(rule.lines(text, name), f"rule for {language}: {rule.description}")
