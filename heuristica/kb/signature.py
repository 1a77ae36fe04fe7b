"""A Code Reference's ``import`` and ``signature``, parsed and compared with
what ``inspect.signature`` reports for the installed object.

The rules (docs/page-format.md, "The Code Reference check"): ``import`` is
import statements only; ``signature`` is one callable as Python declares or
calls it, a trailing comment ignored. Names, kinds and defaults of the
parameters are compared; annotations, spacing and a leading ``self``/``cls``
are not.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass

from heuristica.kb.model import CodeReference
from heuristica.kb.where import doc_pointer

__all__ = [
    "Binding",
    "Parameter",
    "Signature",
    "differences",
    "installed_parameters",
    "parse_import",
    "parse_signature",
    "reference_unparsable",
    "render",
    "unparsable",
]

ANY_DEFAULT = "…"
"""A default the installed object can only show as ``<…>``: it matches any default."""

_HEAD = re.compile(
    r"\s*(?:async\s+)?(?:(?:def|class)\s+)?"  # def / class, or a call
    r"([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)\s*\("  # a dotted name, then "("
)
_RECEIVERS = ("self", "cls")
_OPENS_OR_QUOTES = re.compile(r"[(\[{'\"#\\]")


@dataclass(frozen=True)
class Binding:
    """One name an import statement binds: ``import a.b as x`` binds x to module a.b."""

    bound: str
    module: str
    attribute: str | None = None
    """For ``from module import attribute``."""

    def as_dict(self) -> dict[str, str | None]:
        return {"bound": self.bound, "module": self.module, "attribute": self.attribute}


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str
    """``inspect.Parameter.kind`` by name, e.g. ``KEYWORD_ONLY``."""
    default: str | None = None
    """The default as Python source, None when there is none."""


@dataclass(frozen=True)
class Signature:
    name: str
    """The dotted name the page writes, e.g. ``mp.get_context``."""
    parameters: tuple[Parameter, ...]


def parse_import(text: str) -> list[Binding]:
    """The names ``text`` binds; ValueError (saying why) unless it is import statements only."""
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        raise ValueError(f"is not Python import statements: {error.msg}") from None
    bindings: list[Binding] = []
    for statement in tree.body:
        if isinstance(statement, ast.Import):
            bindings += [
                Binding(alias.asname or alias.name.split(".")[0], alias.name)
                for alias in statement.names
            ]
        elif isinstance(statement, ast.ImportFrom) and statement.level == 0 and statement.module:
            for alias in statement.names:
                if alias.name == "*":
                    raise ValueError("must name what it imports, not 'import *'")
                bindings.append(Binding(alias.asname or alias.name, statement.module, alias.name))
        else:
            raise ValueError(
                "must hold only absolute import statements, e.g. 'import multiprocessing as mp' "
                f"or 'from polars import thread_pool_size'; found {ast.unparse(statement)!r}"
            )
    if not bindings:
        raise ValueError("imports nothing; write e.g. 'import multiprocessing as mp'")
    return bindings


def parse_signature(text: str) -> Signature:
    """The callable ``text`` declares; ValueError (saying why) when it does not parse."""
    name, function = _declared(text)
    return Signature(name, _parameters(function.args))


def _declared(text: str) -> tuple[str, ast.FunctionDef]:
    """The dotted name ``text`` declares and its parameters as a function; ValueError."""
    head = _HEAD.match(text)
    if head is None:
        raise ValueError(
            "must be one callable as Python declares or calls it, e.g. "
            "'def get_context(method=None)' or 'mp.get_context(method=None)'"
        )
    inside = _parenthesised(text[head.end() :])
    try:
        function = ast.parse(f"def _({inside}): pass").body[0]
    except SyntaxError as error:
        raise ValueError(f"has parameters Python cannot parse: {error.msg}") from None
    assert isinstance(function, ast.FunctionDef)  # what was just parsed
    return re.sub(r"\s+", "", head[1]), function


def unparsable(import_text: str, signature_text: str) -> tuple[str, str] | None:
    """(field, why) when a Code Reference cannot be checked, else None."""
    try:
        parse_import(import_text)
    except ValueError as error:
        return "import", f"{error}{_see()}"
    try:
        _declared(signature_text)  # its parameters are not needed to tell
    except ValueError as error:
        return "signature", f"{error}{_see()}"
    return None


def _see() -> str:
    return f" (see {doc_pointer('page-format', 'The Code Reference check')})"


def reference_unparsable(reference: CodeReference) -> tuple[str, str] | None:
    """(field, why) when a Python Code Reference cannot be checked; None when it
    can, or when it is in another language (checked in its checkout instead)."""
    if reference.import_ is None or reference.signature is None:
        return None
    return unparsable(reference.import_, reference.signature)


def _parenthesised(rest: str) -> str:
    """The text up to the ``)`` that closes the already opened ``(`` (strings respected)."""
    closing = rest.find(")")
    if closing >= 0 and not _OPENS_OR_QUOTES.search(rest, 0, closing):
        return rest[:closing]  # most signatures: no brackets, strings or comments inside
    depth = 1
    lines = rest.splitlines(keepends=True)
    try:
        for token in tokenize.generate_tokens(io.StringIO(rest).readline):
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
            elif token.type == tokenize.OP and token.string in ")]}":
                depth -= 1
                if depth == 0:
                    row, col = token.start
                    return "".join(lines[: row - 1]) + lines[row - 1][:col]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    raise ValueError("never closes its parameter list: a ')' is missing")


def _parameters(arguments: ast.arguments) -> tuple[Parameter, ...]:
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults))
    defaults += arguments.defaults
    kinds = ["POSITIONAL_ONLY"] * len(arguments.posonlyargs)
    kinds += ["POSITIONAL_OR_KEYWORD"] * len(arguments.args)
    result = [
        Parameter(arg.arg, kind, _source(default))
        for arg, kind, default in zip(positional, kinds, defaults, strict=True)
    ]
    if arguments.vararg:
        result.append(Parameter(arguments.vararg.arg, "VAR_POSITIONAL"))
    result += [
        Parameter(arg.arg, "KEYWORD_ONLY", _source(default))
        for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
    ]
    if arguments.kwarg:
        result.append(Parameter(arguments.kwarg.arg, "VAR_KEYWORD"))
    return tuple(result)


def _source(default: ast.expr | None) -> str | None:
    return None if default is None else ast.unparse(default)


def installed_parameters(described: list[dict[str, str | None]]) -> tuple[Parameter, ...]:
    """The probe's description of ``inspect.signature``, with defaults as source."""
    return tuple(
        Parameter(str(item["name"]), str(item["kind"]), _from_repr(item["default"]))
        for item in described
    )


def _from_repr(shown: str | None) -> str | None:
    if shown is None:
        return None
    try:
        return ast.unparse(ast.parse(shown, mode="eval"))
    except (SyntaxError, ValueError):
        return ANY_DEFAULT


def _comparable(parameters: tuple[Parameter, ...]) -> tuple[Parameter, ...]:
    if parameters and parameters[0].name in _RECEIVERS and parameters[0].default is None:
        return parameters[1:]
    return parameters


def render(parameters: tuple[Parameter, ...]) -> str:
    """Parameters as Python writes them: ``(a, /, b=1, *args, c, **kw)``; no ``self``."""
    parts: list[str] = []
    shown = _comparable(parameters)
    for index, parameter in enumerate(shown):
        previous = shown[index - 1].kind if index else None
        if previous == "POSITIONAL_ONLY" and parameter.kind != "POSITIONAL_ONLY":
            parts.append("/")
        if parameter.kind == "KEYWORD_ONLY" and previous not in ("KEYWORD_ONLY", "VAR_POSITIONAL"):
            parts.append("*")
        prefix = {"VAR_POSITIONAL": "*", "VAR_KEYWORD": "**"}.get(parameter.kind, "")
        default = f"={parameter.default}" if parameter.default is not None else ""
        parts.append(f"{prefix}{parameter.name}{default}")
    if shown and shown[-1].kind == "POSITIONAL_ONLY":
        parts.append("/")
    return f"({', '.join(parts)})"


def differences(page: tuple[Parameter, ...], installed: tuple[Parameter, ...]) -> list[str]:
    """What differs, in words; empty when they match. Names first (a renamed
    parameter is one difference, not a shifted list), then kinds, defaults, order."""
    ours, theirs = _comparable(page), _comparable(installed)
    mine = {p.name: p for p in ours}
    real = {p.name: p for p in theirs}
    only_page = [name for name in mine if name not in real]
    only_installed = [name for name in real if name not in mine]
    found: list[str] = []
    if len(only_page) == len(only_installed) == 1:
        found.append(f"'{only_page[0]}' on the page is '{only_installed[0]}' installed")
    else:
        if only_page:
            found.append(f"the installed version has no {_names(only_page)}")
        if only_installed:
            found.append(f"the installed version also has {_names(only_installed)}")
    for name in (name for name in mine if name in real):
        found += _difference(mine[name], real[name])
    common = [name for name in mine if name in real]
    if common != [name for name in real if name in mine]:
        found.append("the parameters come in another order")
    return found


def _difference(mine: Parameter, real: Parameter) -> list[str]:
    found = []
    if mine.kind != real.kind:
        found.append(
            f"'{mine.name}' is {_kind(mine.kind)} on the page, {_kind(real.kind)} installed"
        )
    if real.default != ANY_DEFAULT and mine.default != real.default:
        found.append(
            f"'{mine.name}' defaults to {mine.default or 'nothing'} on the page, "
            f"to {real.default or 'nothing'} installed"
        )
    return found


def _names(names: list[str]) -> str:
    return ", ".join(f"'{name}'" for name in names)


def _kind(kind: str) -> str:
    return kind.lower().replace("_", "-")
