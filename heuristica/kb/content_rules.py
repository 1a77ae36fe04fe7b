"""Rules on what pages claim, caught without running anything.

- A check that names a package its code never imports (``check-package-unused``):
  it cannot be about that package's versions, yet its range makes it "not
  applicable" or "skipped" on them.
- A check that cannot fail (``check-cannot-fail``): every line it expects is
  printed unconditionally as a constant, or it expects only a clean exit and
  has no ``assert``, ``raise`` or exit of its own, so it holds whatever the
  versions do, unless the program crashes.
- Two places that name different first releases for the same upstream pull
  request or issue (``release-disagreement``): ``polars#27767 ... (first in
  1.41.2)`` on one page and ``(first in 1.42.0)`` on another.

The first two look at one page; the third compares the release claims of all
pages (``ReleaseClaim``), which each page yields once.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from heuristica.kb.model import Check, Page
from heuristica.kb.where import doc_pointer

__all__ = [
    "ReleaseClaim",
    "RuleProblem",
    "check_problems",
    "disagreements",
    "release_claims",
    "text_fields",
]

Loc = tuple[str | int, ...]

# Fields that hold code, names or addresses, not prose a reader is told as fact.
_NOT_PROSE = frozenset(
    {
        "code", "quick_install", "signature", "import_", "url", "repository", "file", "lines",
        "id", "type", "domains", "last_updated", "demo", "links", "kind", "name", "packages",
        "python", "platform", "expect", "language", "timeout", "tools", "symbol", "revision",
    }
)  # fmt: skip

# Distributions whose import name does not resemble their own name.
_IMPORT_NAMES = {
    "beautifulsoup4": "bs4",
    "opencv-python": "cv2",
    "pillow": "pil",
    "python-dateutil": "dateutil",
    "pyyaml": "yaml",
    "scikit-learn": "sklearn",
}

# The project's own demo engine may use any package a page names; its imports
# are not followed, so a check that imports it is not judged by the first rule.
_PROJECT_PACKAGE = "heuristica"


@dataclass(frozen=True)
class RuleProblem:
    """What one page's rule found, and where (a field path, as the loader locates it)."""

    loc: Loc
    code: str
    message: str


@dataclass(frozen=True)
class ReleaseClaim:
    """'``reference`` is first in ``versions``', said at ``loc`` of page ``page``."""

    page: str
    loc: Loc
    reference: str
    """Repository name and number, e.g. ``polars#27767`` (``gh-N`` is ``cpython#N``)."""
    versions: tuple[str, ...]
    """As written, e.g. ``("3.13.8", "3.14.1")``."""


def text_fields(page: Page) -> Iterator[tuple[Loc, str]]:
    """Every prose field of ``page`` (and each source's title), with its path."""
    yield from _walk(page, ())


def _walk(node: object, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(node, BaseModel):
        for name, field in type(node).model_fields.items():
            if name not in _NOT_PROSE:
                yield from _walk(getattr(node, name), (*loc, field.alias or name))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, (*loc, index))
    elif isinstance(node, str) and loc:
        yield loc, node


# --- checks -------------------------------------------------------------------------


def check_problems(page: Page) -> list[RuleProblem]:
    """The first two rules, for every check of ``page``."""
    problems: list[RuleProblem] = []
    for index, check in enumerate(page.checks):
        tree = _parsed(check.code) if check.language == "python" else None
        if tree is None:
            continue  # not Python: the run says so
        problems += _unused_packages(index, check, tree)
        why = _cannot_fail(check, tree)
        if why:
            guide = doc_pointer("verification", "Writing a good check")
            message = (
                f"check '{check.name}' cannot fail: {why}; make what it prints depend on "
                f"what it observes, or assert it ({guide})"
            )
            problems.append(RuleProblem(("checks", index, "name"), "check-cannot-fail", message))
    return problems


def _parsed(code: str) -> ast.Module | None:
    try:
        return ast.parse(code)
    except (SyntaxError, ValueError):
        return None


def _unused_packages(index: int, check: Check, tree: ast.Module) -> list[RuleProblem]:
    modules = _modules_used(tree, depth=2)
    if _PROJECT_PACKAGE in modules:
        return []
    problems = []
    for position, scope in enumerate(check.scopes):
        wanted = _IMPORT_NAMES.get(scope.key, scope.key.replace("-", "_"))
        if not any(_same(module, wanted) for module in modules):
            message = (
                f"check '{check.name}' names package '{scope.name}' but its code never "
                f"imports it (no 'import {wanted}', no '-m {wanted}', no string naming "
                "it, no Python source in a string that imports it): a check that does not "
                "use a package cannot be about its versions; import it, or remove it "
                "from 'packages'"
            )
            loc = ("checks", index, "packages", position)
            problems.append(RuleProblem(loc, "check-package-unused", message))
    return problems


def _same(module: str, wanted: str) -> bool:
    """``grpc`` is ``grpcio``'s module: a name that starts the other counts."""
    shorter, longer = sorted((module.lower(), wanted), key=len)
    return longer.startswith(shorter) and len(shorter) >= 3


def _modules_used(tree: ast.AST, depth: int) -> set[str]:
    """Top-level modules ``tree`` imports, runs with ``-m``, or imports from Python
    source it holds in strings (followed ``depth`` levels down)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.List | ast.Tuple):
            found.update(_dash_m(node.elts))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.update(_named_in(node.value, depth))
    return found


def _named_in(text: str, depth: int) -> set[str]:
    """Modules a string names: itself when it is a module name (as in
    ``set_forkserver_preload(["polars"])``), a ``-m module``, or the imports of
    the Python source it holds."""
    if re.fullmatch(r"[A-Za-z_]\w*(?:\.\w+)*", text):
        return {text.split(".")[0]}
    found = set(re.findall(r"(?:^|\s)-m\s+([A-Za-z_]\w*)", text))
    inner = _parsed(text) if depth and "import" in text else None  # only imports matter
    if inner is not None:
        found |= _modules_used(inner, depth - 1)
    return found


def _dash_m(items: Sequence[ast.expr]) -> Iterator[str]:
    """``"gunicorn"`` in ``[sys.executable, "-m", "gunicorn", ...]``."""
    for first, second in itertools.pairwise(items):
        if _constant(first) == "-m" and (name := _constant(second)):
            yield name.split(".")[0]


def _constant(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


_EXITS = frozenset({"exit", "_exit", "abort", "kill", "killpg"})


def _cannot_fail(check: Check, tree: ast.Module) -> str:
    """Why ``check`` holds whatever happens (short of a crash), or an empty string."""
    expect = check.expect
    if expect.hangs is not None:
        return ""
    lines = expect.output_lines
    if lines:
        constant = _printed_unconditionally(tree)
        if all(line in constant for line in lines):
            shown = "', '".join(lines)
            return f"it prints '{shown}' unconditionally, as written in its code"
        return ""
    if expect.exit_status == 0 and not _can_signal_failure(tree):
        return "it expects only exit status 0 and has no assert, raise or exit of its own"
    return ""


def _printed_unconditionally(tree: ast.Module) -> set[str]:
    """Constant strings that top-level ``print(...)`` statements always print."""
    printed = set()
    for statement in tree.body:
        call = statement.value if isinstance(statement, ast.Expr) else None
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id == "print"
            and call.args
            and all(_constant(arg) is not None for arg in call.args)
        ):
            printed.add(" ".join(str(_constant(arg)).strip() for arg in call.args))
    return printed


def _can_signal_failure(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert | ast.Raise):
            return True
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in _EXITS:
                return True
    return False


# --- release claims -----------------------------------------------------------------

_VERSION = r"v?\d+\.\d+(?:\.\d+)?"
_REFERENCE = re.compile(r"(?<![\w/#-])(?:(gh-)|([A-Za-z][\w.-]*)?#)(\d{2,7})\b")
_CLAIM_WORDS = (
    r"\b(?:first (?:released |shipped )?in|shipped in|fixed in|works from)"
    r"|(?:(?<=[(;,]\s)|(?<=[(;,]))in"  # "(in 1.41.2)", "...; in 1.41.2"
)
_VERSIONS = rf"{_VERSION}(?:(?:,\s*|\s+and\s+|\s+or\s+|/){_VERSION})*"
_CLAIM = re.compile(
    rf"(?:{_CLAIM_WORDS})\s+(?:(?:Polars|CPython|Python|py-)\s*)?({_VERSIONS})", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"\.\s|\n\n")
_WINDOW = 160
_GITHUB = re.compile(r"github\.com/([^/\s]+)/([^/\s#]+)/(?:pull|issues)/(\d+)")


def release_claims(page: Page) -> list[ReleaseClaim]:
    """Every 'first in' claim ``page`` makes about a reference, with where it is."""
    numbered = _source_numbers(page)
    claims = []
    for loc, text in text_fields(page):
        if "#" not in text and "gh-" not in text:
            continue  # no reference: most fields, and the regular expressions are dearer
        in_title = loc[0] == "sources"
        own = _source_reference(page, loc) if in_title else None
        claims += _claims_in(page.id, loc, text, numbered, own)
    return claims


def _source_numbers(page: Page) -> dict[str, set[str]]:
    """Number -> the repository names the page's sources give it."""
    numbered: dict[str, set[str]] = defaultdict(set)
    for source in page.sources:
        found = _GITHUB.search(str(source.url))
        if found:
            numbered[found[3]].add(found[2].lower())
    return numbered


def _source_reference(page: Page, loc: Loc) -> str | None:
    found = _GITHUB.search(str(page.sources[int(loc[1])].url))
    return f"{found[2].lower()}#{found[3]}" if found else None


def _claims_in(
    page_id: str, loc: Loc, text: str, numbered: dict[str, set[str]], own: str | None
) -> list[ReleaseClaim]:
    references = [(m.start(), m.end(), _key(m, numbered)) for m in _REFERENCE.finditer(text)]
    claims = []
    for position, (_, end, key) in enumerate(references):
        stop = min(
            end + _WINDOW,
            references[position + 1][0] if position + 1 < len(references) else len(text),
        )
        sentence = _SENTENCE_END.search(text, end, stop)
        window = text[end : sentence.start() if sentence else stop]
        claim = _CLAIM.search(window)
        if key and claim:
            claims.append(ReleaseClaim(page_id, loc, key, _versions(claim[1])))
    if own and not references:  # a source title about its own URL: "... (first in 1.39.0)"
        claim = _CLAIM.search(text)
        if claim:
            claims.append(ReleaseClaim(page_id, loc, own, _versions(claim[1])))
    return claims


def _key(match: re.Match[str], numbered: dict[str, set[str]]) -> str | None:
    number = match[3]
    if match[1]:
        return f"cpython#{number}"
    name = match[2]
    if name:
        return f"{name.lower().split('/')[-1]}#{number}"
    repositories = numbered.get(number, set())
    return f"{next(iter(repositories))}#{number}" if len(repositories) == 1 else None


def _versions(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\d+\.\d+(?:\.\d+)?", text))


def disagreements(claims: Iterable[ReleaseClaim]) -> list[tuple[ReleaseClaim, ReleaseClaim]]:
    """Each claim that another contradicts, paired with the first that does."""
    by_reference: dict[str, list[ReleaseClaim]] = defaultdict(list)
    for claim in claims:
        by_reference[claim.reference].append(claim)
    found = []
    for said in by_reference.values():
        for claim in said:
            other = next((o for o in said if _contradict(claim.versions, o.versions)), None)
            if other is not None:
                found.append((claim, other))
    return found


def _contradict(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    """Both name a first release: they contradict when a release series appears in
    both with different versions, or when they share no series at all."""
    one, two = _by_series(first), _by_series(second)
    shared = one.keys() & two.keys()
    if not shared:
        return True
    return any(one[series] != two[series] for series in shared)


def _by_series(versions: tuple[str, ...]) -> dict[tuple[int, int], tuple[int, int, int]]:
    series = {}
    for version in versions:
        major, minor, *patch = (int(part) for part in version.split("."))
        series[(major, minor)] = (major, minor, patch[0] if patch else 0)
    return series
