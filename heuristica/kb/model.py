"""Typed models of the four kinds of page, with every section in the order
the side panel shows them. A page's checks are ``kb.check_model``, tours
``kb.tour_model`` (both named here too), the building blocks ``kb.fields``.

A page is validated once, when it is loaded; after that it is a frozen value.
Field names are the YAML keys (see docs/page-format.md).
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import (
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    field_validator,
    model_validator,
)

from heuristica.kb.check_model import (
    CODE_REFERENCE_CHECK,
    DEFAULT_CHECK_TIMEOUT,
    Check,
    Expect,
    bad,
    python_specifier,
    unique_names,
)
from heuristica.kb.fields import PAGE_ID_PATTERN, Domain, Line, PageId, Strict, Text, Url
from heuristica.kb.relations import PageType
from heuristica.kb.tour_model import TOUR_ID_PATTERN, Question, Tour, TourStep

__all__ = [
    "CODE_REFERENCE_CHECK",
    "DEFAULT_CHECK_TIMEOUT",
    "PAGE_ADAPTER",
    "PAGE_ID_PATTERN",
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


class Source(Strict):
    """Where a page's knowledge comes from."""

    title: Line
    url: Url
    kind: SourceKind


class Link(Strict):
    """A typed, directed link written on its source page."""

    relation: str
    to: PageId


class _Page(Strict):
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
    """Runnable claims: ``heuristica verify`` proves them on this machine."""

    _checks_unique = field_validator("checks")(unique_names)

    @property
    def page_type(self) -> PageType:
        return PageType(self.type)  # type: ignore[attr-defined]


class Principle(_Page):
    """The theory: a library-neutral idea."""

    type: Literal["principle"]
    theoretical_basis: Text


LINES_PATTERN = r"^(\d+)(?:-(\d+))?$"
CODE_LANGUAGE_PATTERN = r"^[a-z][a-z0-9+#-]*$"


class CodeReference(Strict):
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
            raise bad(
                f"a Python Code Reference needs {' and '.join(repr(m) for m in missing)}; "
                'code in another language says so, e.g. "language: sql", and names the '
                "'symbol' its file defines"
            )
        if self.symbol is not None or self.revision is not None:
            raise bad(
                "'symbol' and 'revision' are for code in other languages: a Python Code "
                "Reference is checked against the installed package, by its 'signature'"
            )

    def _other_fields(self) -> None:
        if self.symbol is None:
            raise bad(
                f"a {self.language} Code Reference names the 'symbol' its file defines "
                '(a function, table, index, type...), e.g. "symbol: idx_orders_customer"'
            )
        if self.import_ is not None or self.python is not None:
            raise bad(
                f"'import' and 'python' are for Python Code References; this one is "
                f"{self.language}: name the 'symbol' its file defines"
            )
        lines = re.fullmatch(LINES_PATTERN, self.lines or "1")
        if lines is None or (lines[2] is not None and int(lines[1]) > int(lines[2])):
            raise bad(f"'lines' is a line or a range such as \"120-180\"; got {self.lines!r}")

    def _given(self, name: str) -> str | None:
        return self.import_ if name == "import" else self.signature

    @property
    def is_python(self) -> bool:
        return self.language == "python"


class Parameter(Strict):
    name: Line
    type: Line
    description: Text


class IOContract(Strict):
    inputs: list[Parameter] = Field(min_length=1)
    outputs: list[Parameter] = Field(min_length=1)


class UsageExample(Strict):
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


class Insight(Strict):
    action: Text
    value: Text
    trade_off: Text
    compatibility: Text | None = None


class Heuristic(_Page):
    """The wisdom: a rule of thumb."""

    type: Literal["heuristic"]
    insight: Insight
    reasoning: Text


class SystemRequirement(Strict):
    name: Line
    requirement: Text
    notes: Text | None = None


class Dependency(Strict):
    name: Line
    version: Line
    notes: Text | None = None


class CommonError(Strict):
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
