"""Load a folder of YAML pages into validated page models and a list of Problems.

Which files are read, and how without trusting them, is ``kb.files``; the
YAML of one file as values that keep their place is ``kb.yaml_tree`` (libyaml,
nothing unsafe constructed); the messages an author reads for a field that
does not fit are ``kb.field_messages``; the checks across pages are
``kb.crosspage``. This module validates each file against its model and puts
them together. A load re-parses only the files whose version changed since
the ``ParseCache`` it is given last saw them (``kb.parsecache``).

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

from heuristica.kb.content_rules import check_problems, release_claims
from heuristica.kb.crosspage import AcrossMemo, check_across
from heuristica.kb.field_messages import field_message
from heuristica.kb.files import FileKey, PageFile, Scan, Unreadable, read_page_file, scan_folder
from heuristica.kb.gcpause import paused_gc
from heuristica.kb.model import PAGE_MODELS, Implementation, Page, Tour
from heuristica.kb.parsecache import ParseCache, ParsedFile
from heuristica.kb.problems import Problem, Severity, did_you_mean
from heuristica.kb.relations import PageType
from heuristica.kb.settings import Settings, read_settings
from heuristica.kb.signature import reference_unparsable
from heuristica.kb.yaml_tree import (
    MAX_DEPTH,
    Mark,
    Refused,
    child,
    compose,
    construct,
    locate,
    mark,
    places,
    refuse_anchors,
    refuse_deep,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "TOURS_FOLDER",
    "LoadResult",
    "load_knowledge",
    "parse_data",
    "parse_file",
    "parse_page_file",
]

_log = logging.getLogger(__name__)

TOURS_FOLDER = "tours"
"""Files in this top-level folder of a knowledge base are tours, not pages."""

MAX_FILE_BYTES = 256 * 1024
"""A page larger than this is refused: no real page is this long."""
_PROGRESS_EVERY = 64
"""Files looked at between two reports of progress."""


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
    settings: Settings = field(default_factory=Settings)
    """The knowledge base's own settings (``kb.settings``), sound ones only."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


_KINDS = [t.value for t in PageType]


def _page_type(root: yaml.Node, data: dict[str, Any]) -> PageType:
    _, value_node = child(root, "type")
    kinds = _KINDS
    if value_node is None:
        raise Refused(
            mark(root), "missing-field", f"missing required field 'type' (one of {kinds})"
        )
    value = data["type"]
    if value not in kinds:
        hint = did_you_mean(str(value), kinds)
        raise Refused(
            mark(value_node),
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
        refuse_deep(text)
        refuse_anchors(text)
        root = compose(text)
        data = construct(root)
        model = choose(root, data)
    except Refused as refused:
        return None, None, [refused.problem(file)]
    try:
        return model.model_validate(data), root, []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            code, message = field_message(model, error)
            mark = locate(root, tuple(error["loc"]), at_key=code == "unknown-field")
            problems.append(Problem(file, mark.line, mark.col, Severity.ERROR, code, message))
        return None, root, problems


def _page_model(root: yaml.Node, data: dict[str, Any]) -> type[BaseModel]:
    return PAGE_MODELS[_page_type(root, data)]


def _decode(data: bytes, size: int) -> str:
    """The text of a file read as ``data`` (``size`` bytes on disk)."""
    if len(data) > MAX_FILE_BYTES:
        raise Refused(
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
        raise Refused(
            Mark(line, col),
            "not-utf8",
            f"file is not UTF-8 text (byte 0x{data[exc.start]:02x}); save it as UTF-8",
        ) from None
    if not text.strip():
        raise Refused(Mark(0, 0), "empty-file", "file is empty")
    return text


def _page(text: str, file: str) -> ParsedFile:
    page, root, problems = _validated(text, file, _page_model)
    if page is None or root is None:
        return ParsedFile(file, problems=tuple(problems))
    if not page.id.startswith(f"{page.type}/"):
        mark = locate(root, ("id",), at_key=False)
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
        places=places(root, locs),
        unverifiable=unverifiable,
        claims=claims,
    )


def _rule_problems(page: Page, root: yaml.Node, file: str) -> list[Problem]:
    """The content rules on one page's checks (kb/content_rules.py), as warnings."""
    problems = []
    for found in check_problems(page):
        mark = locate(root, found.loc, at_key=False)
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
            mark = locate(root, ("steps", index, "question", "answer"), at_key=False)
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
        places=places(root, locs),
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
    parsed = parse_data(data, file, found.key[2])
    return parsed, None if _is_internal_error(parsed) else key


def parse_page_file(found: PageFile) -> tuple[ParsedFile, FileKey | None]:
    """One page file of a scan read and parsed as a load reads and parses it
    (before the checks across pages), and the version of the file it is
    from (None: it changed while it was read, or a bug stopped its parse)."""
    return _read_and_parse(found)


def parse_data(data: bytes, file: str, size: int | None = None) -> ParsedFile:
    """A page file's bytes (``size`` on disk, if known) as ``parse_file`` gives
    them, or the Problem that says why they are not a page's text."""
    try:
        return parse_file(_decode(data, len(data) if size is None else size), file)
    except Refused as refused:
        return ParsedFile(file, problems=(refused.problem(file),))
    except Exception:  # one file never takes the app down, not even through a bug here
        _log.exception("loading %s", file)
        message = "could not be loaded because of a bug in Heuristica (details in the server log)"
        return ParsedFile(file, problems=(_problem(file, _INTERNAL_ERROR, message),))


_INTERNAL_ERROR = "internal-error"


def _is_internal_error(parsed: ParsedFile) -> bool:
    """A result not to keep: the next load tries again (the bug may be gone)."""
    return any(problem.code == _INTERNAL_ERROR for problem in parsed.problems)


def _problem(file: str, code: str, message: str) -> Problem:
    return Problem(file, 0, 0, Severity.ERROR, code, message)


def load_knowledge(
    root: Path | str,
    demos: Collection[str] | None = None,
    *,
    cache: ParseCache | None = None,
    scan: Scan | None = None,
    across: AcrossMemo | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LoadResult:
    """Load every page and tour below ``root``.

    ``demos`` names the live demos a page may refer to; None skips that check.
    ``cache`` keeps each file's result between loads, so that only changed
    files are parsed again; ``scan`` is a listing of ``root`` just made;
    ``across`` keeps the checks across pages between loads, so that only the
    pages a change can affect are checked again; ``progress(done, of)`` is
    told now and then how many files were looked at.
    Returns the pages that are sound and every Problem found, sorted by file.
    """
    with paused_gc():
        scan = scan if scan is not None else scan_folder(root)
        cache = cache if cache is not None else ParseCache()
        cache.parsed = 0
        files = []
        for done, found in enumerate(scan.files, 1):
            if progress is not None and not done % _PROGRESS_EVERY:
                progress(done, len(scan.files))
            parsed = cache.get(found)
            if parsed is None:
                parsed, key = _read_and_parse(found)
                cache.parsed += 1
                if key is not None:
                    cache.put(found.relative, key, parsed)
            files.append(parsed)
        cache.retain(found.relative for found in scan.files)
        checked = check_across(files, demos, across)
        settings, wrong = read_settings(Path(root), checked.pages.keys())
        problems = sorted([*checked.problems, *scan.problems, *wrong])
        sources = sorted(found.relative for found in scan.files)
        return LoadResult(
            Path(root),
            checked.pages,
            problems,
            checked.tours,
            checked.files,
            sources,
            checked.unverifiable,
            settings,
        )
