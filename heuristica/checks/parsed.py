"""Where a source file defines a symbol, by a real parser: tree-sitter, with
the grammars the tree-sitter project publishes on PyPI (one package per
language, each a compiled parser; no download at run time).

Each language has a query that captures the name of every definition it
writes (a function, method, type, macro, constant...); a symbol is defined
where a captured name is the symbol. Comments and strings are never taken
for definitions, and a call or a prototype is not one. Languages without a
grammar here are read by a textual rule (``symbols``).
"""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass
from importlib import metadata

from tree_sitter import Language, Parser, Query, QueryCursor

__all__ = ["GRAMMARS", "grammar_for", "parsed_lines"]


@dataclass(frozen=True)
class Grammar:
    """A tree-sitter grammar package and the query for its definitions."""

    package: str
    """The distribution, as pip names it (``tree-sitter-c``)."""
    function: str
    """The package's function that returns the language."""
    query: str
    """Captures each defined name as ``@name``."""

    @property
    def module(self) -> str:
        return self.package.replace("-", "_")

    def described(self) -> str:
        return f"parsed by tree-sitter with {self.package} {metadata.version(self.package)}"


_C = """
(function_definition declarator: (function_declarator declarator: (_) @name))
(function_definition declarator: (pointer_declarator
  declarator: (function_declarator declarator: (_) @name)))
(function_definition declarator: (pointer_declarator declarator: (pointer_declarator
  declarator: (function_declarator declarator: (_) @name))))
(preproc_def name: (identifier) @name)
(preproc_function_def name: (identifier) @name)
(struct_specifier name: (type_identifier) @name body: (field_declaration_list))
(union_specifier name: (type_identifier) @name body: (field_declaration_list))
(enum_specifier name: (type_identifier) @name body: (enumerator_list))
(enumerator name: (identifier) @name)
(type_definition declarator: (type_identifier) @name)
"""
_CPP = (
    _C
    + """
(class_specifier name: (type_identifier) @name body: (field_declaration_list))
(namespace_definition name: (namespace_identifier) @name)
(field_declaration_list (function_definition
  declarator: (function_declarator declarator: (field_identifier) @name)))
(alias_declaration name: (type_identifier) @name)
"""
)
_JAVASCRIPT = """
(function_declaration name: (identifier) @name)
(generator_function_declaration name: (identifier) @name)
(class_declaration name: (_) @name)
(method_definition name: (property_identifier) @name)
(variable_declarator name: (identifier) @name)
"""
_TYPESCRIPT = (
    _JAVASCRIPT
    + """
(abstract_class_declaration name: (type_identifier) @name)
(interface_declaration name: (type_identifier) @name)
(type_alias_declaration name: (type_identifier) @name)
(enum_declaration name: (identifier) @name)
(function_signature name: (identifier) @name)
(abstract_method_signature name: (property_identifier) @name)
"""
)

GRAMMARS: dict[str, Grammar] = {
    "c": Grammar("tree-sitter-c", "language", _C),
    "cpp": Grammar("tree-sitter-cpp", "language", _CPP),
    "go": Grammar(
        "tree-sitter-go",
        "language",
        """
        (function_declaration name: (identifier) @name)
        (method_declaration name: (field_identifier) @name)
        (type_spec name: (type_identifier) @name)
        (type_alias name: (type_identifier) @name)
        (var_spec name: (identifier) @name)
        (const_spec name: (identifier) @name)
        """,
    ),
    "rust": Grammar(
        "tree-sitter-rust",
        "language",
        """
        (function_item name: (identifier) @name)
        (function_signature_item name: (identifier) @name)
        (struct_item name: (type_identifier) @name)
        (enum_item name: (type_identifier) @name)
        (union_item name: (type_identifier) @name)
        (trait_item name: (type_identifier) @name)
        (type_item name: (type_identifier) @name)
        (mod_item name: (identifier) @name)
        (const_item name: (identifier) @name)
        (static_item name: (identifier) @name)
        (macro_definition name: (identifier) @name)
        """,
    ),
    "javascript": Grammar("tree-sitter-javascript", "language", _JAVASCRIPT),
    "typescript": Grammar("tree-sitter-typescript", "language_typescript", _TYPESCRIPT),
    "tsx": Grammar("tree-sitter-typescript", "language_tsx", _TYPESCRIPT),
    "java": Grammar(
        "tree-sitter-java",
        "language",
        """
        (class_declaration name: (identifier) @name)
        (interface_declaration name: (identifier) @name)
        (enum_declaration name: (identifier) @name)
        (record_declaration name: (identifier) @name)
        (annotation_type_declaration name: (identifier) @name)
        (method_declaration name: (identifier) @name)
        (constructor_declaration name: (identifier) @name)
        """,
    ),
    "csharp": Grammar(
        "tree-sitter-c-sharp",
        "language",
        """
        (class_declaration name: (identifier) @name)
        (struct_declaration name: (identifier) @name)
        (interface_declaration name: (identifier) @name)
        (enum_declaration name: (identifier) @name)
        (record_declaration name: (identifier) @name)
        (delegate_declaration name: (identifier) @name)
        (method_declaration name: (identifier) @name)
        (constructor_declaration name: (identifier) @name)
        (property_declaration name: (identifier) @name)
        """,
    ),
    "scala": Grammar(
        "tree-sitter-scala",
        "language",
        """
        (class_definition name: (identifier) @name)
        (object_definition name: (identifier) @name)
        (trait_definition name: (identifier) @name)
        (enum_definition name: (identifier) @name)
        (function_definition name: (identifier) @name)
        (function_declaration name: (identifier) @name)
        (val_definition pattern: (identifier) @name)
        (type_definition name: (type_identifier) @name)
        """,
    ),
    "ruby": Grammar(
        "tree-sitter-ruby",
        "language",
        """
        (method name: (_) @name)
        (singleton_method name: (_) @name)
        (class name: (constant) @name)
        (class name: (scope_resolution name: (constant) @name))
        (module name: (constant) @name)
        (module name: (scope_resolution name: (constant) @name))
        (assignment left: (constant) @name)
        """,
    ),
    "bash": Grammar("tree-sitter-bash", "language", "(function_definition name: (word) @name)"),
}
"""Every language read by a parser, by the name a page gives it."""

_ALIASES = {
    "h": "c",
    "c++": "cpp",
    "cc": "cpp",
    "cxx": "cpp",
    "hpp": "cpp",
    "js": "javascript",
    "jsx": "javascript",
    "ts": "typescript",
    "c#": "csharp",
    "cs": "csharp",
    "rb": "ruby",
    "sh": "bash",
    "shell": "bash",
    "zsh": "bash",
}


def grammar_for(language: str) -> Grammar | None:
    """The grammar that reads ``language``, or None when none here does."""
    return GRAMMARS.get(_ALIASES.get(language, language))


@functools.cache
def _compiled(grammar: Grammar) -> tuple[Parser, Query]:
    language = Language(getattr(importlib.import_module(grammar.module), grammar.function)())
    return Parser(language), Query(language, grammar.query)


def parsed_lines(grammar: Grammar, text: str, name: str) -> list[int]:
    """The lines (from 1) where ``text``, parsed by ``grammar``, defines ``name``
    (a C++ name qualified with ``::`` by its last part)."""
    parser, query = _compiled(grammar)
    tree = parser.parse(text.encode("utf-8"))
    captured = QueryCursor(query).captures(tree.root_node).get("name", [])
    wanted = name.rsplit("::", 1)[-1].encode("utf-8")
    return sorted(
        {
            node.start_point.row + 1
            for node in captured
            if node.text is not None and node.text.rsplit(b"::", 1)[-1] == wanted
        }
    )
