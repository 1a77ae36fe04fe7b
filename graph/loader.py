"""Load a folder of YAML pages into validated page models and a list of Problems.

Parsing is libyaml's (``yaml.CSafeLoader``): it composes a node tree in C. We
build plain Python values from that tree ourselves, so that every value keeps
its line and column for error messages, and so that anything unsafe (aliases,
custom tags such as ``!!python/object``) is refused before it is constructed.

One bad file never stops the load: it becomes Problems, its page is left out,
and every other page loads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from heuristica.graph.gcpause import paused_gc
from heuristica.graph.model import PAGE_MODELS, Page, Tour
from heuristica.graph.problems import Problem, Severity, did_you_mean
from heuristica.graph.relations import RELATIONS, PageType, allowed_targets

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "TOURS_FOLDER",
    "LoadResult",
    "load_knowledge",
    "parse_page",
]

TOURS_FOLDER = "tours"
"""Files in this top-level folder of a knowledge base are tours, not pages."""

MAX_FILE_BYTES = 256 * 1024
"""A page larger than this is refused: no real page is this long."""

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
_SAFE = yaml.constructor.SafeConstructor()


class _Loader(yaml.CSafeLoader):
    """libyaml with a lean tag resolver: pages use no path resolvers, so skip them."""

    _implicit = yaml.CSafeLoader.yaml_implicit_resolvers

    def descend_resolver(self, current_node: object, current_index: object) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self._implicit.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


@dataclass(frozen=True)
class Mark:
    line: int
    col: int


@dataclass
class LoadResult:
    """The pages that loaded, and everything wrong with the knowledge base."""

    root: Path
    pages: dict[str, Page] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    tours: dict[str, Tour] = field(default_factory=dict)
    """Tour id -> tour, from the ``tours/`` folder."""
    files: dict[str, str] = field(default_factory=dict)
    """Page id -> its file, as problems name it."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


class _Refused(Exception):
    """A file's content is refused; carries the Problem."""

    def __init__(self, mark: Mark, code: str, message: str) -> None:
        super().__init__(message)
        self.mark, self.code, self.message = mark, code, message

    def problem(self, file: str) -> Problem:
        return Problem(file, self.mark.line, self.mark.col, Severity.ERROR, self.code, self.message)


@dataclass
class _Source:
    """A file's text, kept to find where something is written."""

    file: str
    text: str

    def mark(self, loc: tuple[str | int, ...]) -> Mark:
        """Where ``loc`` is written. Parses again: only needed for the rare problem."""
        return _locate(_compose(self.text), loc, at_key=False)


@dataclass
class _Parsed(_Source):
    """One file's page before cross-page checks."""

    page: Page


@dataclass
class _ParsedTour(_Source):
    tour: Tour


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _construct(node: yaml.Node, depth: int = 0) -> Any:
    """Plain Python value of ``node``; refuses non-standard tags and nesting
    deeper than MAX_DEPTH.

    Aliases cannot occur: anchors are refused before this runs.
    """
    if depth > MAX_DEPTH:
        raise _Refused(_mark(node), "too-deep", _TOO_DEEP)
    tag = node.tag
    if tag == _STR and type(node) is yaml.ScalarNode:
        return node.value
    if isinstance(node, yaml.ScalarNode) and tag in _SCALARS:
        return _SAFE.yaml_constructors[tag](_SAFE, node)
    if tag == _SEQ and type(node) is yaml.SequenceNode:
        return [_construct(item, depth + 1) for item in node.value]
    if tag == _MAP and type(node) is yaml.MappingNode:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag != _STR or type(key_node) is not yaml.ScalarNode:
                raise _Refused(_mark(key_node), "yaml-key", "keys must be plain words")
            if key_node.value in result:
                raise _Refused(
                    _mark(key_node), "duplicate-key", f"key '{key_node.value}' appears twice"
                )
            result[key_node.value] = _construct(value_node, depth + 1)
        return result
    shown = tag.replace(_T, "!!") if tag.startswith(_T) else tag
    raise _Refused(_mark(node), "yaml-tag", f"the tag {shown} is not allowed; write plain values")


def _child(node: yaml.Node | None, key: str | int) -> tuple[yaml.Node | None, yaml.Node | None]:
    """(key node, value node) of ``key`` inside ``node``, or Nones."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == key:
                return key_node, value_node
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return None, node.value[key]
    return None, None


def _locate(root: yaml.Node, loc: tuple[str | int, ...], at_key: bool) -> Mark:
    """Where the value at ``loc`` is written; its key when ``at_key``; else its parent."""
    node = root
    for part in loc:
        key_node, value_node = _child(node, part)
        if value_node is None:
            break
        node = key_node if at_key and part == loc[-1] and key_node is not None else value_node
    return _mark(node)


def _field_names(model: type, loc: tuple[str | int, ...]) -> list[str]:
    """The field names a model accepts at ``loc``, for "did you mean"."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = getattr(current, "model_fields", {}).get(part)
        if info is None:
            return []
        annotation = info.annotation
        for candidate in (annotation, *getattr(annotation, "__args__", ())):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                current = candidate
                break
    fields = getattr(current, "model_fields", {})
    return [info.alias or name for name, info in fields.items() if name != "type"]


def _path(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


_FRIENDLY = {
    "id": "must be '<type>/<slug>' in lowercase letters, digits and hyphens, "
    "e.g. 'heuristic/use-spawn'",
    "Tour.id": "must be lowercase letters, digits and hyphens, e.g. 'why-fork-deadlocks'",
    "to": "must be a page id '<type>/<slug>', e.g. 'principle/posix-fork'",
    "page": "must be a page id '<type>/<slug>', e.g. 'principle/posix-fork'",
    "url": "must be an http:// or https:// address",
    "repository": "must be an http:// or https:// address",
    "domains": "must be a word of letters, digits and '_', e.g. 'Python_Performance'",
}


def _message(model: type, error: ErrorDetails) -> tuple[str, str]:
    """(code, author-facing message) for one pydantic error."""
    loc = tuple(error["loc"])
    where = _path(loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        hint = did_you_mean(str(loc[-1]), _field_names(model, loc[:-1]))
        return "unknown-field", f"unknown field '{where}'{hint}"
    if kind == "missing":
        return "missing-field", f"missing required section '{where}'"
    if kind == "string_pattern_mismatch":
        named = next((str(p) for p in reversed(loc) if str(p) in _FRIENDLY), "")
        rule = _FRIENDLY.get(f"{model.__name__}.{named}") or _FRIENDLY.get(
            named, error["msg"].lower()
        )
        return "bad-value", f"'{where}' {rule}; got {error['input']!r}"
    if kind == "enum":
        return "bad-value", f"'{where}': {error['msg'].lower()}; got {error['input']!r}"
    if kind in ("too_short", "string_too_short"):
        return "empty-section", f"'{where}' is empty: write it"
    return "bad-value", f"'{where}': {error['msg']}"


def _read_text(path: str) -> str:
    with open(path, "rb") as file:
        data = file.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            size = os.fstat(file.fileno()).st_size
            raise _Refused(
                Mark(0, 0),
                "too-large",
                f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit for one page",
            )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise _Refused(
            Mark(line, col),
            "not-utf8",
            f"file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8",
        ) from None
    if not text.strip():
        raise _Refused(Mark(0, 0), "empty-file", "file is empty")
    return text


def _refuse_anchors(text: str) -> None:
    """Anchors (&name) are refused too, even unused: pages are plain data."""
    if "&" not in text:
        return
    for event in yaml.parse(text, Loader=_Loader):
        if getattr(event, "anchor", None) and event.start_mark is not None:
            mark = Mark(event.start_mark.line + 1, event.start_mark.column + 1)
            raise _Refused(mark, "yaml-anchor", "YAML anchors (&name) are not allowed in pages")


def _refuse_deep(text: str) -> None:
    """Refuses values nested deeper than MAX_DEPTH, without composing them."""
    brackets = text.count("[") + text.count("{")
    runs = text.encode("utf-8").translate(_RUN_BYTES)
    if brackets <= _SHALLOW_BRACKETS and b"\x01" * _SHALLOW_RUN not in runs:
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH + 1 and event.start_mark is not None:
                    mark = Mark(event.start_mark.line + 1, event.start_mark.column + 1)
                    raise _Refused(mark, "too-deep", _TOO_DEEP)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # composing reports it, with its place


def _compose(text: str) -> yaml.Node:
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Mark(mark.line + 1, mark.column + 1) if mark else Mark(0, 0)
        what = exc.problem or "not valid YAML"
        if exc.context and exc.context_mark and exc.context_mark is not mark:
            what = f"{exc.context} at line {exc.context_mark.line + 1}, {what}"
        raise _Refused(where, "yaml-syntax", f"YAML syntax error: {what}") from None
    except yaml.YAMLError as exc:
        raise _Refused(Mark(0, 0), "yaml-syntax", f"YAML syntax error: {exc}") from None
    if root is None:
        raise _Refused(Mark(0, 0), "empty-file", "file holds no YAML document")
    if not isinstance(root, yaml.MappingNode):
        raise _Refused(_mark(root), "not-a-page", "a page must be a mapping of fields")
    return root


def _page_type(root: yaml.Node, data: dict[str, Any]) -> PageType:
    _, value_node = _child(root, "type")
    kinds = [t.value for t in PageType]
    if value_node is None:
        raise _Refused(
            _mark(root), "missing-field", f"missing required field 'type' (one of {kinds})"
        )
    value = data["type"]
    if value not in kinds:
        hint = did_you_mean(str(value), kinds)
        raise _Refused(
            _mark(value_node),
            "unknown-type",
            f"unknown page type {value!r}{hint}; expected one of {kinds}",
        )
    return PageType(value)


def _validated(
    text: str, shown: str, choose: Callable[[yaml.Node, dict[str, Any]], type[BaseModel]]
) -> tuple[Any, yaml.Node | None, list[Problem]]:
    """(model or None, its node tree, problems) for one YAML document.

    ``choose`` picks the model from the document (a page's ``type``, or Tour).
    """
    try:
        _refuse_deep(text)
        _refuse_anchors(text)
        root = _compose(text)
        data = _construct(root)
        model = choose(root, data)
    except _Refused as refused:
        return None, None, [refused.problem(shown)]
    try:
        return model.model_validate(data), root, []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            code, message = _message(model, error)
            mark = _locate(root, tuple(error["loc"]), at_key=code == "unknown-field")
            problems.append(Problem(shown, mark.line, mark.col, Severity.ERROR, code, message))
        return None, root, problems


def _page_model(root: yaml.Node, data: dict[str, Any]) -> type[BaseModel]:
    return PAGE_MODELS[_page_type(root, data)]


def parse_page(text: str, shown: str) -> tuple[_Parsed | None, list[Problem]]:
    """Parse and validate one page's text; ``shown`` is the file name to report."""
    page, root, problems = _validated(text, shown, _page_model)
    if page is None or root is None:
        return None, problems
    if not page.id.startswith(f"{page.type}/"):
        mark = _locate(root, ("id",), at_key=False)
        problem = Problem(
            shown,
            mark.line,
            mark.col,
            Severity.ERROR,
            "id-type-mismatch",
            f"id '{page.id}' must start with '{page.type}/' for a {page.type} page",
        )
        return None, [problem]
    return _Parsed(shown, text, page), problems


def _files(root: Path) -> Iterator[str]:
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.endswith((".yaml", ".yml")):
                yield os.path.join(folder, name)


def _display_root(root: Path) -> str:
    """How to show ``root`` in messages: relative to the working folder when inside it."""
    shown = os.path.relpath(root)
    return str(root) if shown.startswith("..") else shown


def _check_links(parsed: dict[str, _Parsed], problems: list[Problem]) -> None:
    ids = list(parsed)
    for item in parsed.values():
        source_type = item.page.page_type
        for index, link in enumerate(item.page.links):

            def report(
                field: str, code: str, message: str, item: _Parsed = item, index: int = index
            ) -> None:
                mark = item.mark(("links", index, field))
                problems.append(
                    Problem(item.file, mark.line, mark.col, Severity.ERROR, code, message)
                )

            relation = RELATIONS.get(link.relation)
            if relation is None:
                hint = did_you_mean(link.relation, RELATIONS)
                report(
                    "relation",
                    "unknown-relation",
                    f"unknown relation '{link.relation}'{hint}; expected one of {list(RELATIONS)}",
                )
                continue
            target = parsed.get(link.to)
            if target is None:
                hint = did_you_mean(link.to, ids)
                report("to", "broken-link", f"link to '{link.to}', which does not exist{hint}")
                continue
            target_type = target.page.page_type
            if (source_type, target_type) not in relation.pairs:
                allowed = [t.value for t in allowed_targets(source_type, link.relation)]
                can = f"it may point to: {allowed}" if allowed else "it may not start here"
                report(
                    "relation",
                    "relation-not-allowed",
                    f"a {source_type} page cannot link '{link.relation}' to a {target_type} "
                    f"page ('{link.to}'); from a {source_type}, {can}",
                )


def _check_demos(
    parsed: dict[str, _Parsed], demos: Collection[str], problems: list[Problem]
) -> None:
    for item in parsed.values():
        if item.page.demo and item.page.demo not in demos:
            hint = did_you_mean(item.page.demo, demos)
            mark = item.mark(("demo",))
            problems.append(
                Problem(
                    item.file,
                    mark.line,
                    mark.col,
                    Severity.ERROR,
                    "unknown-demo",
                    f"unknown demo '{item.page.demo}'{hint}; available: {sorted(demos)}",
                )
            )


def _check_orphans(parsed: dict[str, _Parsed], problems: list[Problem]) -> None:
    linked = {link.to for item in parsed.values() for link in item.page.links}
    for page_id, item in parsed.items():
        if not item.page.links and page_id not in linked and len(parsed) > 1:
            problems.append(
                Problem(
                    item.file,
                    0,
                    0,
                    Severity.WARNING,
                    "orphan-page",
                    f"page '{page_id}' links nowhere and nothing links to it",
                )
            )


def _parse_file(path: str, shown: str) -> tuple[_Parsed | None, list[Problem]]:
    try:
        text = _read_text(path)
    except _Refused as refused:
        return None, [refused.problem(shown)]
    return parse_page(text, shown)


def _parse_tours(jobs: list[tuple[str, str]], problems: list[Problem]) -> list[_ParsedTour]:
    tours: list[_ParsedTour] = []
    seen: dict[str, str] = {}
    for path, shown in jobs:
        try:
            text = _read_text(path)
        except _Refused as refused:
            problems.append(refused.problem(shown))
            continue
        tour, _, found = _validated(text, shown, lambda _root, _data: Tour)
        problems.extend(found)
        if tour is None:
            continue
        item = _ParsedTour(shown, text, tour)
        if tour.id in seen:
            mark = item.mark(("id",))
            problems.append(
                Problem(
                    shown,
                    mark.line,
                    mark.col,
                    Severity.ERROR,
                    "duplicate-id",
                    f"tour id '{tour.id}' is already used by {seen[tour.id]}",
                )
            )
            continue
        seen[tour.id] = shown
        tours.append(item)
    return tours


def _check_tours(
    tours: list[_ParsedTour], page_ids: Collection[str], problems: list[Problem]
) -> None:
    for item in tours:
        for index, step in enumerate(item.tour.steps):
            if step.page not in page_ids:
                mark = item.mark(("steps", index, "page"))
                hint = did_you_mean(step.page, page_ids)
                message = f"step {index + 1} shows '{step.page}', which does not exist{hint}"
                problems.append(
                    Problem(item.file, mark.line, mark.col, Severity.ERROR, "broken-link", message)
                )
            question = step.question
            if question and question.answer not in question.choices:
                mark = item.mark(("steps", index, "question", "answer"))
                hint = did_you_mean(question.answer, question.choices)
                message = (
                    f"step {index + 1}: the answer {question.answer!r} is not one of the "
                    f"choices{hint}; copy it from the choices word for word"
                )
                problems.append(
                    Problem(item.file, mark.line, mark.col, Severity.ERROR, "bad-answer", message)
                )


def load_knowledge(root: Path | str, demos: Collection[str] | None = None) -> LoadResult:
    """Load every ``.yaml`` page below ``root``.

    ``demos`` names the live demos a page may refer to; None skips that check.
    Returns the pages that are sound and every Problem found, sorted by file.
    """
    with paused_gc():
        return _load(Path(root), demos)


def _load(root: Path, demos: Collection[str] | None) -> LoadResult:
    result = LoadResult(root=root)
    parsed: dict[str, _Parsed] = {}
    shown_root = _display_root(root)
    jobs: list[tuple[str, str]] = []
    tour_jobs: list[tuple[str, str]] = []
    prefix = len(os.path.join(root, ""))  # os.walk's paths all start with root + separator
    for path in _files(root):
        relative = path[prefix:]
        is_tour = relative.split(os.sep, 1)[0] == TOURS_FOLDER
        (tour_jobs if is_tour else jobs).append((path, os.path.join(shown_root, relative)))
    tours = _parse_tours(tour_jobs, result.problems)
    for item, problems in (_parse_file(*job) for job in jobs):
        result.problems.extend(problems)
        if item is None:
            continue
        first = parsed.get(item.page.id)
        if first is not None:
            mark = item.mark(("id",))
            result.problems.append(
                Problem(
                    item.file,
                    mark.line,
                    mark.col,
                    Severity.ERROR,
                    "duplicate-id",
                    f"id '{item.page.id}' is already used by {first.file}",
                )
            )
            continue
        parsed[item.page.id] = item
    _check_links(parsed, result.problems)
    if demos is not None:
        _check_demos(parsed, demos, result.problems)
    _check_orphans(parsed, result.problems)
    _check_tours(tours, parsed, result.problems)
    bad = {p.file for p in result.problems if p.is_error}
    result.tours = {t.tour.id: t.tour for t in tours if t.file not in bad}
    for page_id, item in parsed.items():
        if item.file not in bad:
            result.pages[page_id] = item.page
            result.files[page_id] = item.file
    result.problems.sort()
    return result
