"""The last ``check``'s findings, kept in the user's cache folder (beside the
parse results) under the folder's ``lasting_fingerprint``: a key that changes
whenever a page file, the record, the matrix or the settings file changes, or
this code, the libraries it reads pages with or Python. ``check`` on a folder
where none of that changed says what it said last time without loading a page
(10,000 pages: a scan and a small file, not a load).

The file is written only by ``keep``, whole or not at all; anything in it that
is not what ``keep`` writes (another format, another key, a damaged or
hand-edited file) is not trusted: the check loads the folder and writes it again.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any

from heuristica.commands.reports import Findings, Summary
from heuristica.kb.cache_place import cache_path, write_whole
from heuristica.kb.problems import Problem, Severity

__all__ = ["keep", "recall"]

_FORMAT = "heuristica-checked"
_log = logging.getLogger(__name__)


def recall(root: Path, key: str) -> tuple[Findings, Summary] | None:
    """What the last check of ``root`` found if it was made under ``key``, else None."""
    path = cache_path(root, "checked")
    if path is None:
        return None
    try:
        data = json.loads(path.read_bytes())
        if data["format"] != _FORMAT or data["key"] != key:
            return None
        problems = [_problem(item) for item in data["problems"]]
        sources = [_text(file) for file in data["sources"]]
        return Findings(root, problems, sources), _summary(data["summary"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as error:
        _log.warning(
            "checking %s again: its last check's file %s is unusable (%s)", root, path, error
        )
        return None


def keep(root: Path, key: str, findings: Findings, summary: Summary) -> None:
    """Keep what a check of ``root`` (as ``key`` names it) found, for the next
    check; a failure to write is logged, never raised."""
    path = cache_path(root, "checked")
    if path is None:
        return
    data = {
        "format": _FORMAT,
        "key": key,
        "summary": asdict(summary),
        "sources": findings.sources,
        "problems": [problem.to_dict() for problem in findings.problems],
    }
    try:
        write_whole(path, json.dumps(data))
    except OSError as error:
        _log.warning("could not keep the check of %s in %s: %s", root, path, error)


def _problem(item: Any) -> Problem:
    if set(item) != {"file", "line", "col", "severity", "code", "message"}:
        raise ValueError(f"not a problem: {sorted(item)}")
    return Problem(
        _text(item["file"]),
        _number(item["line"]),
        _number(item["col"]),
        Severity(item["severity"]),
        _text(item["code"]),
        _text(item["message"]),
    )


def _summary(item: Any) -> Summary:
    per_type = item["pages_per_type"]
    if not isinstance(per_type, dict):
        raise TypeError("pages_per_type is not a table")
    counts = {
        name: _number(item[name]) for name in ("pages", "links", "tours", "errors", "warnings")
    }
    return Summary(
        pages_per_type={_text(t): _number(n) for t, n in per_type.items()},
        **counts,
    )


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not text")
    return value


def _number(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{value!r} is not a whole number")
    return value
