"""A knowledge base's own settings: ``heuristica.toml`` beside its pages.

TOML, as ``matrix.toml``: the loader reads every ``*.yaml`` file as a page,
and a hand-written settings file wants comments. No file, no settings: the
defaults hold. Its one setting today::

    # The page the explorer opens on when a link names none.
    start_page = "heuristic/polars-use-spawn-not-fork"

Every mistake is a Problem at its line (``heuristica check``, the app's
Problems page), and the setting it spoils falls back to its default: a wrong
settings file never stops the knowledge base from loading.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from heuristica import SETTINGS_FILE
from heuristica.kb.fields import PAGE_ID_PATTERN
from heuristica.kb.problems import Problem, Severity, did_you_mean

__all__ = ["SETTINGS_FILE", "Settings", "read_settings"]

KEYS = ("start_page",)
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(frozen=True)
class Settings:
    start_page: str | None = None
    """The page the explorer opens on when a link names none; None: the page
    with the most links."""


def read_settings(root: Path, pages: Collection[str]) -> tuple[Settings, list[Problem]]:
    """The settings in ``root``'s settings file, judged against the ids of the
    ``pages`` that loaded, and what is wrong with it."""
    try:
        text = (root / SETTINGS_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings(), []
    except (OSError, UnicodeDecodeError) as error:
        return Settings(), [_problem(0, 0, f"cannot read the settings file: {error}")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        at = _TOML_POSITION.search(str(error))
        line, col = (int(at[1]), int(at[2])) if at else (0, 0)
        return Settings(), [_problem(line, col, f"the settings file is not valid TOML: {error}")]
    problems = [
        _problem(
            _line_of(text, key),
            1,
            f"unknown setting {key!r}{did_you_mean(key, KEYS)}; the settings are: "
            + ", ".join(KEYS),
            "unknown-setting",
            Severity.WARNING,
        )
        for key in data
        if key not in KEYS
    ]
    start_page = _start_page(data.get("start_page"), _line_of(text, "start_page"), pages)
    if isinstance(start_page, Problem):
        return Settings(), [*problems, start_page]
    return Settings(start_page), problems


def _start_page(value: object, line: int, pages: Collection[str]) -> str | Problem | None:
    """The start page the file names, or why it cannot be used."""
    if value is None:
        return None
    if not isinstance(value, str) or not re.fullmatch(PAGE_ID_PATTERN, value):
        return _problem(
            line,
            1,
            f"start_page must be a page id such as 'heuristic/<slug>', got {value!r}; "
            "the explorer opens on the page with the most links instead",
        )
    if value not in pages:
        return _problem(
            line,
            1,
            f"start_page names page {value!r}, which is not in this knowledge base"
            f"{did_you_mean(value, pages)}; the explorer opens on the page with the most "
            "links instead",
            "start-page-missing",
        )
    return value


def _line_of(text: str, key: str) -> int:
    """The line that sets ``key`` at the top of the file (tomllib gives no positions)."""
    setting = re.compile(rf"^\s*{re.escape(key)}\s*=", re.MULTILINE)
    found = setting.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else 0


def _problem(
    line: int,
    col: int,
    message: str,
    code: str = "bad-settings",
    severity: Severity = Severity.ERROR,
) -> Problem:
    return Problem(SETTINGS_FILE, line, col, severity, code, message)
