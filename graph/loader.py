"""Load a folder of YAML pages into validated page models and a list of Problems.

Which files are read, and how without trusting them, is ``graph.files``; the
checks across pages are ``graph.checks``; this module parses one file and
puts the three together. A load re-parses only the files whose version changed
since the ``ParseCache`` it is given last saw them (``graph.parsecache``).

Parsing is libyaml's (``yaml.CSafeLoader``): it composes a node tree in C. We
build plain Python values from that tree ourselves, so that every value keeps
its line and column for error messages, and so that anything unsafe (aliases,
custom tags such as ``!!python/object``) is refused before it is constructed.

One bad file never stops the load, and nothing in a file makes the loader
raise: it becomes Problems (the file named relative to the knowledge folder),
its page is left out, and every other page loads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from heuristica.graph.checks.signature import reference_unparsable
from heuristica.graph.content_rules import check_problems, release_claims
from heuristica.graph.crosspage import AcrossMemo, check_across
from heuristica.graph.files import FileKey, PageFile, Scan, Unreadable, read_page_file, scan_folder
from heuristica.graph.gcpause import paused_gc
from heuristica.graph.model import PAGE_MODELS, Implementation, Page, Tour
from heuristica.graph.parsecache import ParseCache, ParsedFile, Place
from heuristica.graph.problems import Problem, Severity, did_you_mean
from heuristica.graph.relations import PageType

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "TOURS_FOLDER",
    "LoadResult",
    "load_knowledge",
    "parse_file",
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

_log = logging.getLogger(__name__)

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
    """The pages that loaded, and everything wrong with the knowledge base
    (each Problem's file relative to ``root``)."""

    root: Path
    pages: dict[str, Page] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    tours: dict[str, Tour] = field(default_factory=dict)
    """Tour id -> tour, from the ``tours/`` folder."""
    files: dict[str, str] = field(default_factory=dict)
    """Page id -> its file, as problems name it."""
    sources: list[str] = field(default_factory=list)
    """Every page and tour file read, named as in Problems, sorted."""
    unverifiable: dict[str, tuple[str, str]] | None = None
    """Page id -> (field, why) for each page whose Code Reference cannot be
    checked, found with the parse; None: not known (found when needed)."""

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
    text: str, file: str, choose: Callable[[yaml.Node, dict[str, Any]], type[BaseModel]]
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
        return None, None, [refused.problem(file)]
    try:
        return model.model_validate(data), root, []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            code, message = _message(model, error)
            mark = _locate(root, tuple(error["loc"]), at_key=code == "unknown-field")
            problems.append(Problem(file, mark.line, mark.col, Severity.ERROR, code, message))
        return None, root, problems


def _page_model(root: yaml.Node, data: dict[str, Any]) -> type[BaseModel]:
    return PAGE_MODELS[_page_type(root, data)]


def _decode(data: bytes, size: int) -> str:
    """The text of a file read as ``data`` (``size`` bytes on disk)."""
    if len(data) > MAX_FILE_BYTES:
        raise _Refused(
            Mark(0, 0),
            "too-large",
            f"file is {max(size, len(data)):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit "
            "for one page",
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


def _places(root: yaml.Node, locs: list[tuple[str | int, ...]]) -> dict[str, Place]:
    """Where each of ``locs`` is written, for Problems found across pages."""
    places = {}
    for loc in locs:
        mark = _locate(root, loc, at_key=False)
        places[".".join(map(str, loc))] = (mark.line, mark.col)
    return places


def _page(text: str, file: str) -> ParsedFile:
    page, root, problems = _validated(text, file, _page_model)
    if page is None or root is None:
        return ParsedFile(file, problems=tuple(problems))
    if not page.id.startswith(f"{page.type}/"):
        mark = _locate(root, ("id",), at_key=False)
        message = f"id '{page.id}' must start with '{page.type}/' for a {page.type} page"
        problem = Problem(file, mark.line, mark.col, Severity.ERROR, "id-type-mismatch", message)
        return ParsedFile(file, problems=(problem,))
    locs: list[tuple[str | int, ...]] = [("id",), ("demo",)]
    for index in range(len(page.links)):
        locs += [("links", index, "to"), ("links", index, "relation")]
    # Compared across pages; a file that names no reference has none (most of them).
    claims = tuple(release_claims(page)) if "#" in text or "gh-" in text else ()
    locs += [claim.loc for claim in claims]
    unverifiable = (
        reference_unparsable(page.code_reference) if isinstance(page, Implementation) else None
    )
    return ParsedFile(
        file,
        page=page,
        problems=tuple(_rule_problems(page, root, file)),
        places=_places(root, locs),
        unverifiable=unverifiable,
        claims=claims,
    )


def _rule_problems(page: Page, root: yaml.Node, file: str) -> list[Problem]:
    """The content rules on one page's checks (graph/content_rules.py), as warnings."""
    problems = []
    for found in check_problems(page):
        mark = _locate(root, found.loc, at_key=False)
        problems.append(
            Problem(file, mark.line, mark.col, Severity.WARNING, found.code, found.message)
        )
    return problems


def _tour(text: str, file: str) -> ParsedFile:
    """A tour; a check question whose answer is not among its choices is left
    out (a Problem), the step stays."""
    tour, root, problems = _validated(text, file, lambda _root, _data: Tour)
    if tour is None or root is None:
        return ParsedFile(file, problems=tuple(problems))
    steps = list(tour.steps)
    for index, step in enumerate(tour.steps):
        question = step.question
        if question and question.answer not in question.choices:
            mark = _locate(root, ("steps", index, "question", "answer"), at_key=False)
            hint = did_you_mean(question.answer, question.choices)
            message = (
                f"step {index + 1}: the answer {question.answer!r} is not one of the "
                f"choices{hint}; copy it from the choices word for word. "
                "The step is shown without its question"
            )
            problem = Problem(file, mark.line, mark.col, Severity.ERROR, "bad-answer", message)
            problems.append(problem)
            steps[index] = step.model_copy(update={"question": None})
    locs: list[tuple[str | int, ...]] = [("id",)]
    locs += [("steps", index, "page") for index in range(len(steps))]
    return ParsedFile(
        file,
        tour=tour.model_copy(update={"steps": steps}),
        problems=tuple(problems),
        places=_places(root, locs),
    )


def parse_file(text: str, file: str) -> ParsedFile:
    """One file's text as a page (or, below ``tours/``, a tour), before the
    checks across pages; ``file`` is its path relative to the knowledge folder."""
    is_tour = file.split("/", 1)[0] == TOURS_FOLDER
    return (_tour if is_tour else _page)(text, file)


def _read_and_parse(found: PageFile) -> tuple[ParsedFile, FileKey | None]:
    """The file's result, and the version it belongs to (None: do not keep it)."""
    file = found.relative
    try:
        data, key = read_page_file(found, MAX_FILE_BYTES)
    except Unreadable as unreadable:
        problems = () if unreadable.gone else (_problem(file, unreadable.code, unreadable.message),)
        return ParsedFile(file, problems=problems), None
    try:
        return parse_file(_decode(data, found.key[2]), file), key
    except _Refused as refused:
        return ParsedFile(file, problems=(refused.problem(file),)), key
    except Exception:  # one file never takes the app down, not even through a bug here
        _log.exception("loading %s", file)
        message = "could not be loaded because of a bug in Heuristica (details in the server log)"
        return ParsedFile(file, problems=(_problem(file, "internal-error", message),)), None


def _problem(file: str, code: str, message: str) -> Problem:
    return Problem(file, 0, 0, Severity.ERROR, code, message)


def load_knowledge(
    root: Path | str,
    demos: Collection[str] | None = None,
    *,
    cache: ParseCache | None = None,
    scan: Scan | None = None,
    across: AcrossMemo | None = None,
) -> LoadResult:
    """Load every page and tour below ``root``.

    ``demos`` names the live demos a page may refer to; None skips that check.
    ``cache`` keeps each file's result between loads, so that only changed
    files are parsed again; ``scan`` is a listing of ``root`` just made;
    ``across`` keeps the checks across pages between loads, so that only the
    pages a change can affect are checked again.
    Returns the pages that are sound and every Problem found, sorted by file.
    """
    with paused_gc():
        scan = scan if scan is not None else scan_folder(root)
        cache = cache if cache is not None else ParseCache()
        cache.parsed = 0
        files = []
        for found in scan.files:
            parsed = cache.get(found)
            if parsed is None:
                parsed, key = _read_and_parse(found)
                cache.parsed += 1
                if key is not None:
                    cache.put(found.relative, key, parsed)
            files.append(parsed)
        cache.retain(found.relative for found in scan.files)
        checked = check_across(files, demos, across)
        problems = sorted([*checked.problems, *scan.problems])
        sources = sorted(found.relative for found in scan.files)
        return LoadResult(
            Path(root),
            checked.pages,
            problems,
            checked.tours,
            checked.files,
            sources,
            checked.unverifiable,
        )
