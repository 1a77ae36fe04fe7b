"""Typed models of the four kinds of page, with every section in the order
the side panel shows them.

A page is validated once, when it is loaded; after that it is a frozen value.
Field names are the YAML keys (see docs/page-format.md).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from heuristica.graph.relations import PageType

__all__ = [
    "CODE_REFERENCE_CHECK",
    "DEFAULT_CHECK_TIMEOUT",
    "PAGE_ADAPTER",
    "PAGE_MODELS",
    "SECTIONS",
    "TOUR_ID_PATTERN",
    "Check",
    "CodeReference",
    "CommonError",
    "Dependency",
    "Environment",
    "Expect",
    "Heuristic",
    "IOContract",
    "Implementation",
    "Insight",
    "Link",
    "Page",
    "Principle",
    "Question",
    "Source",
    "SourceKind",
    "SystemRequirement",
    "Tour",
    "TourStep",
    "UsageExample",
]

SLUG = r"[a-z0-9]+(?:-[a-z0-9]+)*"
PAGE_ID_PATTERN = rf"^(?:principle|implementation|heuristic|environment)/{SLUG}$"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
"""Markdown text that must say something."""
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Url = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^https?://[^\s<>\"']+$")]
PageId = Annotated[str, StringConstraints(pattern=PAGE_ID_PATTERN)]
Domain = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=60)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class SourceKind(StrEnum):
    DOC = "doc"
    CODE = "code"
    ISSUE = "issue"
    PULL_REQUEST = "pull_request"
    RELEASE_NOTES = "release_notes"
    SPEC = "spec"
    PAPER = "paper"
    BOOK = "book"
    BLOG = "blog"
    DISCUSSION = "discussion"


class Source(_Strict):
    """Where a page's knowledge comes from."""

    title: Line
    url: Url
    kind: SourceKind


class Link(_Strict):
    """A typed, directed link written on its source page."""

    relation: str
    to: PageId


CHECK_NAME_PATTERN = rf"^{SLUG}$"
CODE_REFERENCE_CHECK = "code-reference"
"""The name of the check every implementation page gets from its Code Reference."""
DEFAULT_CHECK_TIMEOUT = 60.0
MAX_CHECK_SECONDS = 3600.0
MAX_REQUIREMENT_CHARS = 200
Platform = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*$", max_length=40)]
TOOL_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._+-]{0,59}"
"""A command a check runs, as it is named on PATH (``sqlite3``, ``node``)."""
CheckLanguage = Literal["python", "bash", "sh"]
CODE_LANGUAGE_PATTERN = r"^[a-z][a-z0-9+#-]*$"


def _bad(message: str) -> PydanticCustomError:
    """An error the loader shows as written: ``'checks[2].name': <message>``.

    No context is passed, so braces in quoted page values stay as they are."""
    return PydanticCustomError("bad_check", message)


def _bad_at(loc: tuple[int | str, ...], value: object, message: str) -> ValidationError:
    """An error at ``loc`` inside the value being validated (e.g. one item of a list)."""
    detail = InitErrorDetails(type=_bad(message), loc=loc, input=value)
    return ValidationError.from_exception_data("check", [detail])


class Expect(_Strict):
    """What a check's program must show. Nothing written means: exit status 0."""

    exit: int | None = None
    """The exit status (default 0, unless the check expects a hang)."""
    output: Line | list[Line] | None = None
    """A line the program prints (compared stripped); a list: every one of them."""
    hangs: float | None = Field(default=None, gt=0, le=MAX_CHECK_SECONDS)
    """Still running after this many seconds (then killed) means the claim holds."""

    @field_validator("output")
    @classmethod
    def _one_line_each(cls, output: str | list[str] | None) -> str | list[str] | None:
        lines = [output] if isinstance(output, str) else output or []
        if isinstance(output, list) and not output:
            raise _bad("is empty: name at least one line the program prints")
        for line in lines:
            if "\n" in line:
                raise _bad(
                    "each expected output is one line (compared with one printed line); "
                    f"got {line!r}"
                )
        return output

    @model_validator(mode="after")
    def _hang_or_finish(self) -> Expect:
        if self.hangs is not None and (self.exit is not None or self.output is not None):
            raise _bad(
                "'hangs' cannot be combined with 'exit' or 'output': a program that hangs "
                "neither exits nor finishes its output"
            )
        return self

    @property
    def exit_status(self) -> int | None:
        """The exit status that must be seen, or None when the check expects a hang."""
        if self.hangs is not None:
            return None
        return 0 if self.exit is None else self.exit

    @property
    def output_lines(self) -> list[str]:
        return [self.output] if isinstance(self.output, str) else list(self.output or [])


@dataclass(frozen=True)
class PackageScope:
    """One entry of a check's ``packages``: a distribution and the versions its
    claim is about (an empty range: every version)."""

    name: str
    versions: SpecifierSet

    @property
    def key(self) -> str:
        """The name as pip compares names (``Foo_Bar`` is ``foo-bar``)."""
        return canonicalize_name(self.name)

    def contains(self, version: str) -> bool:
        return self.versions.contains(version, prereleases=True)

    def __str__(self) -> str:
        return f"{self.name}{self.versions}"

    @staticmethod
    def parse(text: str) -> tuple[PackageScope | None, str]:
        """The scope ``text`` names, or None and why it is not one."""
        example = "e.g. polars, 'polars>=1.42' or 'grpcio>=1.60,<2'"
        if len(text) > MAX_REQUIREMENT_CHARS:
            return None, f"is longer than {MAX_REQUIREMENT_CHARS} characters; {example}"
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            return (
                None,
                f"must be a distribution name and an optional range, {example}; got {text!r}",
            )
        if requirement.url or requirement.marker or requirement.extras:
            return None, (
                f"takes a name and a version range only (no extras, URL or ';' marker), "
                f"{example}; got {text!r}"
            )
        return PackageScope(requirement.name, requirement.specifier), ""


def python_specifier(python: str | None) -> str | None:
    """``python`` when it is a PEP 440 specifier (or None); a field error otherwise."""
    if python is None:
        return None
    try:
        SpecifierSet(python)
    except InvalidSpecifier:
        raise _bad(
            "must be a PEP 440 version specifier such as '>=3.12' or '>=3.12,<3.14'; "
            f"got {python!r}"
        ) from None
    return python


class Check(_Strict):
    """A runnable claim: a short program and what it must show (see docs/page-format.md)."""

    name: str
    """A slug, unique within the page."""
    claim: Text
    """The one sentence on the page this check backs."""
    packages: list[str] = Field(default_factory=list)
    """Distributions whose versions matter, each with an optional PEP 440 range
    (``polars>=1.42``): one that is not installed skips the check; an installed
    version outside the range makes it not applicable."""
    python: str | None = None
    """A PEP 440 specifier on the interpreter's version, e.g. ``>=3.12``."""
    platform: Platform | None = None
    """A prefix of ``sys.platform``, e.g. ``linux``."""
    timeout: float = Field(default=DEFAULT_CHECK_TIMEOUT, gt=0, le=MAX_CHECK_SECONDS)
    expect: Expect = Field(default_factory=Expect)
    language: CheckLanguage = "python"
    """What ``code`` is: a Python program (run by the interpreter being verified)
    or a ``bash``/``sh`` script."""
    tools: list[str] = Field(default_factory=list)
    """Commands the program runs, looked up on PATH: one that is missing skips
    the check, naming it (a shell check needs its shell too, without saying so)."""
    code: Text

    @field_validator("name")
    @classmethod
    def _slug(cls, name: str) -> str:
        if not re.fullmatch(CHECK_NAME_PATTERN, name):
            raise _bad(
                "must be lowercase letters, digits and single hyphens, "
                f"e.g. 'max-threads-read-at-import'; got {name!r}"
            )
        if name == CODE_REFERENCE_CHECK:
            raise _bad(
                f"'{name}' is the check every implementation page gets from its Code "
                "Reference; choose another name"
            )
        return name

    @field_validator("packages")
    @classmethod
    def _requirements(cls, packages: list[str]) -> list[str]:
        names: set[str] = set()
        for index, package in enumerate(packages):
            scope, why = PackageScope.parse(package)
            if scope is not None and scope.key in names:
                why = f"names {scope.name} twice; give one range per package"
            if scope is None or why:
                raise _bad_at((index,), package, why)
            names.add(scope.key)
        return packages

    @field_validator("tools")
    @classmethod
    def _commands(cls, tools: list[str]) -> list[str]:
        for index, tool in enumerate(tools):
            if not re.fullmatch(TOOL_PATTERN, tool):
                why = f"must be a command as named on PATH, e.g. sqlite3 or node; got {tool!r}"
                raise _bad_at((index,), tool, why)
        return tools

    @property
    def scopes(self) -> list[PackageScope]:
        """Each named package with the versions its claim is about."""
        return [scope for scope, _ in map(PackageScope.parse, self.packages) if scope]

    @property
    def package_names(self) -> list[str]:
        return [scope.name for scope in self.scopes]

    @field_validator("python")
    @classmethod
    def _specifier(cls, python: str | None) -> str | None:
        return python_specifier(python)

    @model_validator(mode="after")
    def _hang_within_timeout(self) -> Check:
        hangs = self.expect.hangs
        if hangs is not None and hangs >= self.timeout:
            raise _bad(
                f"expects a hang of {hangs:g} s, which the timeout of {self.timeout:g} s "
                "would cut short; make 'hangs' shorter than 'timeout'"
            )
        return self

    @property
    def time_limit(self) -> float:
        """When the run is stopped: the expected hang, else the timeout."""
        return self.expect.hangs if self.expect.hangs is not None else self.timeout


def _unique_names(checks: list[Check]) -> list[Check]:
    seen: set[str] = set()
    for index, check in enumerate(checks):
        if check.name in seen:
            raise _bad_at(
                (index, "name"),
                check.name,
                f"the check name '{check.name}' is used twice on this page",
            )
        seen.add(check.name)
    return checks


class _Page(_Strict):
    id: PageId
    """Stable, URL-safe: ``<type>/<slug>``."""
    title: Line
    domains: list[Domain] = Field(min_length=1)
    last_updated: dt.date
    sources: list[Source] = Field(min_length=1)
    overview: Text
    description: Text
    usage: Text
    links: list[Link] = Field(default_factory=list)
    demo: str | None = None
    """Name of a live demo this page can run, e.g. ``spawn_vs_fork``."""
    checks: list[Check] = Field(default_factory=list)
    """Runnable claims: ``python -m graph verify`` proves them on this machine."""

    _checks_unique = field_validator("checks")(_unique_names)

    @property
    def page_type(self) -> PageType:
        return PageType(self.type)  # type: ignore[attr-defined]


class Principle(_Page):
    """The theory: a library-neutral idea."""

    type: Literal["principle"]
    theoretical_basis: Text


LINES_PATTERN = r"^(\d+)(?:-(\d+))?$"


class CodeReference(_Strict):
    """Where the code is. Python (the default) names an ``import`` and a
    ``signature``, checked against the installed package; any other language
    names the ``symbol`` its ``file`` defines, checked in a local checkout of
    the repository (docs/page-format.md, "Code in other languages")."""

    language: Annotated[str, StringConstraints(pattern=CODE_LANGUAGE_PATTERN, max_length=30)] = (
        "python"
    )
    repository: Url
    file: Line
    lines: Line | None = None
    symbol: Line | None = None
    """What ``file`` defines (a function, table, index, type...), outside Python."""
    revision: Line | None = None
    """A commit, tag or branch the reference is stated at (other languages: read with git)."""
    signature: Text | None = None
    import_: Text | None = Field(default=None, alias="import")
    python: str | None = None
    """The Python versions the signature is stated for (PEP 440, e.g. ``>=3.11``):
    elsewhere its check is not applicable."""

    model_config = ConfigDict(populate_by_name=True)

    @field_validator("python")
    @classmethod
    def _specifier(cls, python: str | None) -> str | None:
        return python_specifier(python)

    @model_validator(mode="after")
    def _fields_of_language(self) -> CodeReference:
        if self.language == "python":
            self._python_fields()
        else:
            self._other_fields()
        return self

    def _python_fields(self) -> None:
        missing = [name for name in ("signature", "import") if self._given(name) is None]
        if missing:
            raise _bad(
                f"a Python Code Reference needs {' and '.join(repr(m) for m in missing)}; "
                'code in another language says so, e.g. "language: sql", and names the '
                "'symbol' its file defines"
            )
        if self.symbol is not None or self.revision is not None:
            raise _bad(
                "'symbol' and 'revision' are for code in other languages: a Python Code "
                "Reference is checked against the installed package, by its 'signature'"
            )

    def _other_fields(self) -> None:
        if self.symbol is None:
            raise _bad(
                f"a {self.language} Code Reference names the 'symbol' its file defines "
                '(a function, table, index, type...), e.g. "symbol: idx_orders_customer"'
            )
        if self.import_ is not None or self.python is not None:
            raise _bad(
                f"'import' and 'python' are for Python Code References; this one is "
                f"{self.language}: name the 'symbol' its file defines"
            )
        lines = re.fullmatch(LINES_PATTERN, self.lines or "1")
        if lines is None or (lines[2] is not None and int(lines[1]) > int(lines[2])):
            raise _bad(f"'lines' is a line or a range such as \"120-180\"; got {self.lines!r}")

    def _given(self, name: str) -> str | None:
        return self.import_ if name == "import" else self.signature

    @property
    def is_python(self) -> bool:
        return self.language == "python"


class Parameter(_Strict):
    name: Line
    type: Line
    description: Text


class IOContract(_Strict):
    inputs: list[Parameter] = Field(min_length=1)
    outputs: list[Parameter] = Field(min_length=1)


class UsageExample(_Strict):
    title: Line
    language: Line = "python"
    code: Text
    explanation: Text | None = None


class Implementation(_Page):
    """The code: a concrete API or tool."""

    type: Literal["implementation"]
    code_reference: CodeReference
    io_contract: IOContract
    usage_examples: list[UsageExample] = Field(min_length=1)


class Insight(_Strict):
    action: Text
    value: Text
    trade_off: Text
    compatibility: Text | None = None


class Heuristic(_Page):
    """The wisdom: a rule of thumb."""

    type: Literal["heuristic"]
    insight: Insight
    reasoning: Text


class SystemRequirement(_Strict):
    name: Line
    requirement: Text
    notes: Text | None = None


class Dependency(_Strict):
    name: Line
    version: Line
    notes: Text | None = None


class CommonError(_Strict):
    error: Text
    cause: Text
    fix: Text


class Environment(_Page):
    """The context: platform, versions, setup."""

    type: Literal["environment"]
    system_requirements: list[SystemRequirement] = Field(min_length=1)
    dependencies: list[Dependency] = Field(min_length=1)
    credentials: Text
    quick_install: Text
    common_errors: list[CommonError] = Field(min_length=1)
    compatibility_notes: Text


Page = Annotated[
    Principle | Implementation | Heuristic | Environment,
    Field(discriminator="type"),
]

PAGE_MODELS: dict[PageType, type[_Page]] = {
    PageType.PRINCIPLE: Principle,
    PageType.IMPLEMENTATION: Implementation,
    PageType.HEURISTIC: Heuristic,
    PageType.ENVIRONMENT: Environment,
}

PAGE_ADAPTER: TypeAdapter[Principle | Implementation | Heuristic | Environment] = TypeAdapter(Page)

_COMMON = ("overview", "description", "usage")
SECTIONS: dict[PageType, tuple[tuple[str, str], ...]] = {
    PageType.PRINCIPLE: (
        *((s, s.capitalize()) for s in _COMMON),
        ("theoretical_basis", "Theoretical Basis"),
    ),
    PageType.IMPLEMENTATION: (
        *((s, s.capitalize()) for s in _COMMON),
        ("code_reference", "Code Reference"),
        ("io_contract", "I/O Contract"),
        ("usage_examples", "Usage Examples"),
    ),
    PageType.HEURISTIC: (
        *((s, s.capitalize()) for s in _COMMON),
        ("insight", "The Insight"),
        ("reasoning", "Reasoning"),
    ),
    PageType.ENVIRONMENT: (
        *((s, s.capitalize()) for s in _COMMON),
        ("system_requirements", "System Requirements"),
        ("dependencies", "Dependencies"),
        ("credentials", "Credentials"),
        ("quick_install", "Quick Install"),
        ("common_errors", "Common Errors"),
        ("compatibility_notes", "Compatibility Notes"),
    ),
}
"""Each type's sections, in the order the panel renders them: (field, heading)."""


TOUR_ID_PATTERN = rf"^{SLUG}$"
TourId = Annotated[str, StringConstraints(pattern=TOUR_ID_PATTERN)]


class Question(_Strict):
    """A check question; ``answer`` is one of ``choices``, word for word."""

    prompt: Text
    choices: list[Line] = Field(min_length=2)
    answer: Line
    explanation: Text


class TourStep(_Strict):
    page: PageId
    note: Text
    question: Question | None = None


class Tour(_Strict):
    """An ordered walk through pages, for an onboarding session."""

    id: TourId
    """URL-safe slug, e.g. ``why-fork-deadlocks``."""
    title: Line
    audience: Text
    estimated_minutes: int = Field(ge=1, le=600)
    steps: list[TourStep] = Field(min_length=1)
