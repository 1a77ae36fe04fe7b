"""Where a source file defines a symbol, by a textual rule per language.

A Code Reference in a language other than Python names a ``symbol`` its
``file`` defines. These rules find the lines that define it: a line matches
when it has one of the language's definition forms with the symbol as the
defined name (docs/page-format.md, "Code in other languages", lists them).
Comments and strings are not told apart from code: a rule reads text, it
does not parse. A language without a rule falls back to the symbol as a
whole word anywhere in the file, and the check says it used that fallback.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["LANGUAGE_RULES", "Rule", "definition_lines", "rule_for"]

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


def _c_function(name: str) -> str:
    # A definition starts at column 0 (the return type may sit on the line
    # before) and does not end with ';' on that line, which a prototype does.
    return rf"^(?![#/ \t])(?:[\w \t\*]*?[ \t\*])?({name})[ \t]*\((?![^\n]*\)\s*;[ \t]*$)"


def _c_type_or_macro(name: str) -> str:
    return (
        rf"(?:^\s*#\s*define\s+({name})\b"
        rf"|\b(?:struct|union|enum)\s+({name})\s*\{{"
        rf"|^\}}\s*({name})\s*;)"
    )


_RULES: dict[str, Rule] = {
    "sql": Rule(
        "CREATE [UNIQUE|TEMP|VIRTUAL] TABLE|INDEX|VIEW|TRIGGER|FUNCTION|PROCEDURE|... "
        "[IF NOT EXISTS] [schema.]NAME, in any letter case",
        (_sql_object,),
        re.MULTILINE | re.IGNORECASE,
    ),
    "c": Rule(
        "a function defined from column 0 (NAME( on a line that is not a prototype "
        "ending in ';'), #define NAME, struct|union|enum NAME {, or } NAME; closing a typedef",
        (_c_function, _c_type_or_macro),
    ),
    "go": Rule(
        "func NAME(, func (receiver) NAME(, type NAME, var NAME or const NAME",
        (
            lambda n: rf"^func\s+(?:\([^)]*\)\s*)?({n})\s*[\[(]",
            lambda n: rf"^\s*(?:type|var|const)\s+({n})\b",
        ),
    ),
    "rust": Rule(
        "fn|struct|enum|trait|type|mod|const|static|union NAME, or macro_rules! NAME",
        (
            lambda n: rf"\b(?:fn|struct|enum|trait|type|mod|const|static|union)\s+({n})\b",
            lambda n: rf"\bmacro_rules!\s*({n})\b",
        ),
    ),
    "javascript": Rule(
        "function NAME, class NAME, const|let|var NAME = (or :), or a method NAME(...) {",
        (
            lambda n: rf"\b(?:function\s*\*?|class|interface|type|enum)\s+({n})\b",
            lambda n: rf"\b(?:const|let|var)\s+({n})\s*[=:]",
            lambda n: (
                rf"^\s+(?:(?:async|static|get|set|public|private|protected)\s+)*"
                rf"({n})\s*\([^)]*\)\s*(?::[^{{]*)?\{{"
            ),
        ),
    ),
    "java": Rule(
        "class|interface|enum|record|object|trait NAME, fun|def NAME, or a method "
        "declared as TYPE NAME(...) on a line not ending in ';'",
        (
            lambda n: rf"\b(?:class|interface|enum|record|object|trait|struct|fun|def)\s+({n})\b",
            lambda n: rf"^\s*(?:[\w<>\[\],.?]+\s+)+({n})\s*\((?![^\n]*;\s*$)",
        ),
    ),
    "ruby": Rule(
        "def [self.]NAME, class NAME or module NAME",
        (lambda n: rf"\b(?:def\s+(?:self\.)?|class\s+|module\s+)({n})\b",),
    ),
    "shell": Rule(
        "NAME() or function NAME",
        (lambda n: rf"^\s*(?:function\s+)?({n})\s*\(\s*\)", lambda n: rf"^\s*function\s+({n})\b"),
    ),
}

_ALIASES = {
    "sqlite": "sql",
    "postgresql": "sql",
    "mysql": "sql",
    "plpgsql": "sql",
    "cpp": "c",
    "c++": "c",
    "h": "c",
    "typescript": "javascript",
    "js": "javascript",
    "ts": "javascript",
    "kotlin": "java",
    "scala": "java",
    "csharp": "java",
    "c#": "java",
    "swift": "java",
    "bash": "shell",
    "sh": "shell",
    "zsh": "shell",
}

WHOLE_WORD = Rule("the symbol as a whole word anywhere in the file", (lambda n: rf"\b({n})\b",))

LANGUAGE_RULES: dict[str, Rule] = {**_RULES, **{a: _RULES[t] for a, t in _ALIASES.items()}}
"""Every language with a rule of its own, by the name a page gives it."""


def rule_for(language: str) -> Rule:
    """The rule for ``language``; the whole-word fallback when it has none."""
    return LANGUAGE_RULES.get(language, WHOLE_WORD)


def definition_lines(text: str, symbol: str, language: str) -> list[int]:
    """The line numbers (from 1) where ``text`` defines ``symbol`` in ``language``.

    A dotted symbol (``Orders.total``) is found by its last part."""
    return rule_for(language).lines(text, symbol.rsplit(".", 1)[-1])
