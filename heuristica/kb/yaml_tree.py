"""A page file's YAML as a node tree and plain values, refusing what a page
must not hold: aliases and anchors, custom tags such as ``!!python/object``,
keys that are not plain words or appear twice, and nesting deeper than
``MAX_DEPTH``. Every value keeps its line and column (``locate``), for the
Problems the loader reports.

Parsing is libyaml's (``yaml.CSafeLoader``): it composes the node tree in C;
plain Python values are built from it here, so that nothing unsafe is ever
constructed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml
from yaml._yaml import CParser

from heuristica.kb.problems import Problem, Severity

__all__ = [
    "MAX_DEPTH",
    "Mark",
    "Refused",
    "child",
    "compose",
    "construct",
    "locate",
    "mark",
    "places",
    "refuse_anchors",
    "refuse_deep",
]

MAX_DEPTH = 32
"""Values nested deeper than this are refused: a page needs about five levels."""
_TOO_DEEP = (
    f"too deep: values nest more than {MAX_DEPTH} levels here; "
    "a page needs a few (a field, a list, a mapping in it)"
)

_SHALLOW_BRACKETS = 256
_SHALLOW_RUN = 64
_RUN_BYTES = bytes(1 if chr(byte) in " \t-?:" else 0 for byte in range(256))
"""libyaml (scanner, parser and PyYAML's C composer) takes time quadratic in
the nesting depth, and the composer recurses once per level with no limit: a
page of 30,000 nested brackets crashed the process (a segmentation fault, not
an exception), and 40,000 took 10 s. So depth is bounded before composing.
Flow nesting needs a '[' or '{' per level; a nested block collection starts
further right, after indentation and '- ', '? ', ': ' indicators, so block
depth is at most twice the longest run of those characters plus two. A page
with at most _SHALLOW_BRACKETS brackets and no run of _SHALLOW_RUN such
characters nests less than 400 levels: safe, and cheap to tell. Any other page
is walked as events, stopping at the first level past MAX_DEPTH."""

_T = "tag:yaml.org,2002:"
_SCALARS = {f"{_T}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}
_STR, _SEQ, _MAP = f"{_T}str", f"{_T}seq", f"{_T}map"
_PLAIN = "?plain"
"""The tag ``compose`` leaves on a plain scalar: resolved when constructed."""
_SAFE = yaml.constructor.SafeConstructor()


class _Parser(CParser):
    """libyaml's parser and composer alone (no constructor: values are built
    here), with no tag resolution while composing: libyaml's composer calls
    back into Python for every node, so a plain scalar is only marked as plain
    here (one frame, no regular expressions) and resolved by ``construct``,
    which looks at every value anyway. Pages use no path resolvers."""

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


_IMPLICIT = yaml.CSafeLoader.yaml_implicit_resolvers


@functools.lru_cache(maxsize=4096)  # keys: a few dozen field names, over and over
def _key_tag(value: str) -> str:
    return _resolved(value)


def _resolved(value: str) -> str:
    """The tag of the plain scalar ``value`` (YAML 1.1 as PyYAML reads it)."""
    for tag, regexp in _IMPLICIT.get(value[:1], ()):
        if regexp.match(value):
            return str(tag)
    return _STR


@dataclass(frozen=True)
class Mark:
    line: int
    col: int


class Refused(Exception):
    """A file's content is refused; carries the Problem."""

    def __init__(self, mark: Mark, code: str, message: str) -> None:
        super().__init__(message)
        self.mark, self.code, self.message = mark, code, message

    def problem(self, file: str) -> Problem:
        return Problem(file, self.mark.line, self.mark.col, Severity.ERROR, self.code, self.message)


def mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def construct(node: yaml.Node, depth: int = 0) -> Any:
    """Plain Python value of ``node``; refuses non-standard tags and nesting
    deeper than MAX_DEPTH.

    Aliases cannot occur: anchors are refused before this runs.
    """
    if depth > MAX_DEPTH:
        raise Refused(mark(node), "too-deep", _TOO_DEEP)
    tag = node.tag
    if tag == _PLAIN:  # most values of a page: resolved here, inline
        value = node.value
        for candidate, regexp in _IMPLICIT.get(value[:1], ()):
            if regexp.match(value):
                tag = candidate
                break
        else:
            return value
    if tag == _STR and type(node) is yaml.ScalarNode:
        return node.value
    if isinstance(node, yaml.ScalarNode) and tag in _SCALARS:
        return _SAFE.yaml_constructors[tag](_SAFE, node)
    if tag == _SEQ and type(node) is yaml.SequenceNode:
        return [construct(item, depth + 1) for item in node.value]
    if tag == _MAP and type(node) is yaml.MappingNode:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            key_tag = _key_tag(key) if key_node.tag == _PLAIN else key_node.tag
            if key_tag != _STR or type(key_node) is not yaml.ScalarNode:
                raise Refused(mark(key_node), "yaml-key", "keys must be plain words")
            if key in result:
                raise Refused(mark(key_node), "duplicate-key", f"key '{key}' appears twice")
            result[key] = construct(value_node, depth + 1)
        return result
    shown = tag.replace(_T, "!!") if tag.startswith(_T) else tag
    raise Refused(mark(node), "yaml-tag", f"the tag {shown} is not allowed; write plain values")


def child(node: yaml.Node | None, key: str | int) -> tuple[yaml.Node | None, yaml.Node | None]:
    """(key node, value node) of ``key`` inside ``node``, or Nones."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return key_node, value_node
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return None, node.value[key]
    return None, None


def locate(root: yaml.Node, loc: tuple[str | int, ...], at_key: bool) -> Mark:
    """Where the value at ``loc`` is written; its key when ``at_key``; else its parent."""
    node = root
    for part in loc:
        key_node, value_node = child(node, part)
        if value_node is None:
            break
        node = key_node if at_key and part == loc[-1] and key_node is not None else value_node
    return mark(node)


def places(root: yaml.Node, locs: list[tuple[str | int, ...]]) -> dict[str, tuple[int, int]]:
    """Where each value at ``locs`` is written (as ``locate`` finds it), by
    ``"links.0.to"``; each mapping's keys are looked through once, not once per loc."""
    keys: dict[int, dict[Any, yaml.Node]] = {}
    found = {}
    for loc in locs:
        node = root
        for part in loc:
            inside = node.value
            if type(node) is yaml.MappingNode:
                index = keys.get(id(node))
                if index is None:  # the first of a repeated key, as ``child`` finds it
                    index = keys[id(node)] = {k.value: v for k, v in reversed(inside)}
                value_node = index.get(part)
            elif type(node) is yaml.SequenceNode and type(part) is int and part < len(inside):
                value_node = inside[part]
            else:
                value_node = None
            if value_node is None:
                break
            node = value_node
        at = node.start_mark
        found[_dotted(loc)] = (at.line + 1, at.column + 1)
    return found


@functools.lru_cache(maxsize=4096)  # the same few dozen paths, page after page
def _dotted(loc: tuple[str | int, ...]) -> str:
    return ".".join(map(str, loc))


_MAY_ANCHOR = re.compile(r"(?:^|[\s\[{,:\ufeff])&")
"""Where an anchor can start: a node's properties follow the start of the
text, a space or line break, a flow indicator or a ':'. An '&' elsewhere
(prose: "R&D", a URL's "?a=1&b=2") is text, and the page is not walked again."""


def _events(text: str) -> Iterator[yaml.Event]:
    parser = _Parser(text)
    while (event := parser.get_event()) is not None:
        yield event


def refuse_anchors(text: str) -> None:
    """Anchors (&name) are refused too, even unused: pages are plain data."""
    if "&" not in text or not _MAY_ANCHOR.search(text):
        return
    for event in _events(text):
        if getattr(event, "anchor", None) and event.start_mark is not None:
            mark = Mark(event.start_mark.line + 1, event.start_mark.column + 1)
            raise Refused(mark, "yaml-anchor", "YAML anchors (&name) are not allowed in pages")


def refuse_deep(text: str) -> None:
    """Refuses values nested deeper than MAX_DEPTH, without composing them."""
    brackets = text.count("[") + text.count("{")
    runs = text.encode("utf-8").translate(_RUN_BYTES)
    if brackets <= _SHALLOW_BRACKETS and b"\x01" * _SHALLOW_RUN not in runs:
        return
    depth = 0
    try:
        for event in _events(text):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH + 1 and event.start_mark is not None:
                    mark = Mark(event.start_mark.line + 1, event.start_mark.column + 1)
                    raise Refused(mark, "too-deep", _TOO_DEEP)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # composing reports it, with its place


def compose(text: str) -> yaml.Node:
    parser = _Parser(text)
    try:
        root = parser.get_single_node()
    except yaml.MarkedYAMLError as exc:
        at = exc.problem_mark or exc.context_mark
        where = Mark(at.line + 1, at.column + 1) if at else Mark(0, 0)
        what = exc.problem or "not valid YAML"
        if exc.context and exc.context_mark and exc.context_mark is not at:
            what = f"{exc.context} at line {exc.context_mark.line + 1}, {what}"
        raise Refused(where, "yaml-syntax", f"YAML syntax error: {what}") from None
    except yaml.YAMLError as exc:
        raise Refused(Mark(0, 0), "yaml-syntax", f"YAML syntax error: {exc}") from None
    if root is None:
        raise Refused(Mark(0, 0), "empty-file", "file holds no YAML document")
    if not isinstance(root, yaml.MappingNode):
        raise Refused(mark(root), "not-a-page", "a page must be a mapping of fields")
    return root
