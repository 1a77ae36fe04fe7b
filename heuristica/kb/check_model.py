"""A page's runnable checks (``checks:``): what a check runs, what it must
show, which Python, platforms and package versions its claim is about."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from pydantic import (
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from heuristica.kb.fields import SLUG, Line, Strict, Text

__all__ = [
    "CHECK_NAME_PATTERN",
    "CODE_REFERENCE_CHECK",
    "DEFAULT_CHECK_TIMEOUT",
    "MAX_CHECK_SECONDS",
    "Check",
    "Expect",
    "PackageScope",
    "bad",
    "python_specifier",
    "unique_names",
]

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


def bad(message: str) -> PydanticCustomError:
    """An error the loader shows as written: ``'checks[2].name': <message>``.

    No context is passed, so braces in quoted page values stay as they are."""
    return PydanticCustomError("bad_check", message)


def _bad_at(loc: tuple[int | str, ...], value: object, message: str) -> ValidationError:
    """An error at ``loc`` inside the value being validated (e.g. one item of a list)."""
    detail = InitErrorDetails(type=bad(message), loc=loc, input=value)
    return ValidationError.from_exception_data("check", [detail])


class Expect(Strict):
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
            raise bad("is empty: name at least one line the program prints")
        for line in lines:
            if "\n" in line:
                raise bad(
                    "each expected output is one line (compared with one printed line); "
                    f"got {line!r}"
                )
        return output

    @model_validator(mode="after")
    def _hang_or_finish(self) -> Expect:
        if self.hangs is not None and (self.exit is not None or self.output is not None):
            raise bad(
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
        raise bad(
            "must be a PEP 440 version specifier such as '>=3.12' or '>=3.12,<3.14'; "
            f"got {python!r}"
        ) from None
    return python


class Check(Strict):
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
            raise bad(
                "must be lowercase letters, digits and single hyphens, "
                f"e.g. 'max-threads-read-at-import'; got {name!r}"
            )
        if name == CODE_REFERENCE_CHECK:
            raise bad(
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
            raise bad(
                f"expects a hang of {hangs:g} s, which the timeout of {self.timeout:g} s "
                "would cut short; make 'hangs' shorter than 'timeout'"
            )
        return self

    @property
    def time_limit(self) -> float:
        """When the run is stopped: the expected hang, else the timeout."""
        return self.expect.hangs if self.expect.hangs is not None else self.timeout


def unique_names(checks: list[Check]) -> list[Check]:
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
