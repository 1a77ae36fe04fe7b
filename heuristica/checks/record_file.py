"""The verification record's file (``verification.json`` beside the pages):
read with a Problem at its line when it is not a record, written whole or not
at all. Its shape: ``checks.recorded``."""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import ValidationError

from heuristica import RECORD_FILE
from heuristica.checks.recorded import Record
from heuristica.kb.problems import Problem, Severity

__all__ = ["RECORD_FILE", "RecordError", "read_record", "readable_record", "save_record"]


class RecordError(Exception):
    """The record file cannot be read; carries the Problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def read_record(path: Path) -> Record:
    """The record at ``path``; an empty one when there is none. RecordError
    (with file, line and message) when the file is not a record."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Record()
    except (OSError, UnicodeDecodeError) as error:
        raise _record_error(path, 0, 0, f"cannot read the verification record: {error}") from None
    try:
        return Record.model_validate_json(text)
    except ValidationError as error:
        first = error.errors()[0]
        if first["type"] == "json_invalid":
            line, col = _json_position(text)
            message = f"the verification record is not valid JSON: {first['msg']}"
            raise _record_error(path, line, col, message) from None
        where = ".".join(str(part) for part in first["loc"])
        message = f"the verification record is malformed at '{where}': {first['msg']}"
        raise _record_error(path, 0, 0, message) from None


def _json_position(text: str) -> tuple[int, int]:
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        return error.lineno, error.colno
    return 0, 0


def _record_error(path: Path, line: int, col: int, message: str) -> RecordError:
    problem = Problem(str(path), line, col, Severity.WARNING, "bad-verification-record", message)
    return RecordError(problem)


def readable_record(path: Path) -> Record:
    """The record at ``path``, or an empty one when it cannot be read."""
    try:
        return read_record(path)
    except RecordError:
        return Record()


def save_record(path: Path, record: Record) -> Path:
    """Write ``record`` to ``path`` whole or not at all (a temporary file, then a rename)."""
    text = json.dumps(record.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return path
