"""The demo's settings, validated in one place for the CLI, the runner and the page."""

import multiprocessing
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from enum import Enum
from typing import TypeVar

__all__ = [
    "LIMITS",
    "DemoSettings",
    "Method",
    "Scenario",
    "SettingsError",
    "parse_settings",
]


class SettingsError(ValueError):
    """A setting is missing, has the wrong type or is out of bounds.

    setting: the name of the field that failed (``"workers"``), for pointing at it.
    """

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(message)
        self.setting = setting


class _Word(str, Enum):  # noqa: UP042 (StrEnum is 3.11+: see the docstring)
    """A choice that reads as its value, as ``enum.StrEnum`` (3.11+) does: checks
    import this engine under the interpreter being verified, which may be older."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class Method(_Word):
    """How multiprocessing starts a worker process."""

    FORK = "fork"
    SPAWN = "spawn"
    FORKSERVER = "forkserver"


class Scenario(_Word):
    """What the parent process does before it starts its workers."""

    PARENT_USES_POLARS = "parent-uses-polars"
    PARENT_IDLE = "parent-idle"


_Choice = TypeVar("_Choice", bound=_Word)

# Bounds keep a room full of people pressing Run from overloading the machine.
LIMITS: dict[str, tuple[int, int]] = {
    "workers": (1, 8),
    "tasks": (1, 64),
    "rows": (1, 1_000_000),
    "time_limit": (1, 60),
}


@dataclass(frozen=True)
class DemoSettings:
    """One run of the demo.

    method: start method of the worker processes.
    scenario: whether the parent runs a parallel Polars query before it starts them.
    workers, tasks: how many worker processes, and how many group_by tasks they share.
    rows: rows of the data frame each group_by (and the parent's warm-up) works on.
    time_limit: seconds the workers get to finish every task; after that the run
        counts as stuck and its processes are killed.
    """

    method: Method = Method.FORK
    scenario: Scenario = Scenario.PARENT_USES_POLARS
    workers: int = 4
    tasks: int = 8
    rows: int = 200_000
    time_limit: float = 5.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", _choice(Method, "method", self.method))
        object.__setattr__(self, "scenario", _choice(Scenario, "scenario", self.scenario))
        for name in LIMITS:
            _check_bounds(name, getattr(self, name))
        if self.method not in multiprocessing.get_all_start_methods():
            raise SettingsError(
                "method",
                f"method {self.method.value!r} is not available on this platform; "
                f"choose one of {', '.join(multiprocessing.get_all_start_methods())}",
            )

    def command_args(self) -> list[str]:
        """The arguments of ``python -m heuristica.demos.spawn_vs_fork`` for these settings."""
        return [
            "--method",
            self.method.value,
            f"--{self.scenario.value}",
            "--workers",
            str(self.workers),
            "--tasks",
            str(self.tasks),
            "--rows",
            str(self.rows),
            "--timeout",
            f"{self.time_limit:g}",
        ]

    def as_dict(self) -> dict[str, object]:
        """Plain values, as written into the demo's ``start`` event."""
        values = asdict(self)
        values["method"] = self.method.value
        values["scenario"] = self.scenario.value
        return values


def parse_settings(raw: Mapping[str, object]) -> DemoSettings:
    """Build settings from loose values (a form, a URL); unknown names are refused."""
    known = {field.name for field in fields(DemoSettings)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise SettingsError(
            unknown[0],
            f"unknown setting {', '.join(unknown)}; the settings are {', '.join(sorted(known))}",
        )
    return DemoSettings(**raw)  # type: ignore[arg-type]


def _check_bounds(name: str, value: object) -> None:
    low, high = LIMITS[name]
    allowed: tuple[type, ...] = (int, float) if name == "time_limit" else (int,)
    if isinstance(value, bool) or not isinstance(value, allowed):
        kind = "a number" if name == "time_limit" else "a whole number"
        raise SettingsError(name, f"{name} must be {kind} from {low} to {high:,}, got {value!r}")
    if not low <= value <= high:  # type: ignore[operator]
        raise SettingsError(name, f"{name} must be from {low} to {high:,}, got {value:,}")


def _choice(enum: type[_Choice], name: str, value: object) -> _Choice:
    try:
        return enum(str(value))
    except ValueError:
        options = ", ".join(member.value for member in enum)
        raise SettingsError(name, f"{name} must be one of {options}, got {value!r}") from None
