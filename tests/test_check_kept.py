"""``check`` on a folder where nothing changed since the last check says what
that check said, without loading a page (``commands.checked``); anything the
findings came from changing, or a kept file that is not what ``check`` writes,
and it loads the folder again."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from heuristica import MATRIX_FILE, RECORD_FILE, SETTINGS_FILE
from heuristica.commands import loaded
from heuristica.commands.cli import main
from heuristica.commands.reports import FORMATS
from heuristica.kb.parsecache import cache_path
from heuristica.live import fingerprint
from tests.kb import page, write

H, E, P = "heuristic/use-spawn", "environment/linux", "principle/lonely"


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    write(root, "h.yaml", page(H, ("requires_env", E), title="Use spawn, not fork"))
    write(root, "e.yaml", page(E, title="Linux with glibc"))
    write(root, "p.yaml", page(P))  # links nowhere: a warning
    return root


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The folders ``check`` loaded (``commands.loaded.knowledge_base`` calls)."""
    seen: list[Path] = []
    real = loaded.knowledge_base

    def counted(path: Path, scan: object = None) -> loaded.KnowledgeBase:
        seen.append(path)
        return real(path, scan)  # type: ignore[arg-type]

    monkeypatch.setattr(loaded, "knowledge_base", counted)
    return seen


def check(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["check", *args])
    return code, capsys.readouterr().out


@pytest.mark.parametrize("strict", [[], ["--strict"]])
@pytest.mark.parametrize("form", list(FORMATS))
def test_an_unchanged_folder_is_told_what_the_last_check_found(
    kb: Path, loads: list[Path], capsys: pytest.CaptureFixture[str], form: str, strict: list[str]
) -> None:
    first = check(capsys, str(kb), "--format", form, *strict)
    again = check(capsys, str(kb), "--format", form, *strict)
    assert again == first and len(loads) == 1
    assert "lonely" in first[1]  # the warning is in what was kept


def _edit(kb: Path) -> None:
    path = kb / "e.yaml"
    path.write_text(path.read_text().replace("Linux with glibc", "Linux with musl"))


def _broken_file(kb: Path) -> None:
    write(kb, "broken.yaml", "type: heuristic\nid: [\n")


def _removed(kb: Path) -> None:
    (kb / "p.yaml").unlink()


def _renamed(kb: Path) -> None:
    (kb / "p.yaml").rename(kb / "q.yaml")


def _record(kb: Path) -> None:
    (kb / RECORD_FILE).write_text("{not json")


def _settings(kb: Path) -> None:
    (kb / SETTINGS_FILE).write_text('start_page = "principle/nowhere"\n')


def _matrix(kb: Path) -> None:
    (kb / MATRIX_FILE).write_text("format = 1\n")


CHANGES: list[Callable[[Path], None]] = [
    _edit,
    _broken_file,
    _removed,
    _renamed,
    _record,
    _settings,
    _matrix,
]


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__)
def test_a_change_to_anything_the_findings_came_from_loads_the_folder_again(
    kb: Path,
    loads: list[Path],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    change: Callable[[Path], None],
) -> None:
    check(capsys, str(kb), "--format", "json")
    change(kb)
    after = check(capsys, str(kb), "--format", "json")
    assert len(loads) == 2
    # What a check with nothing kept says about the folder as it is now.
    kept = cache_path(kb, "checked")
    assert kept is not None
    kept.unlink()
    assert check(capsys, str(kb), "--format", "json") == after


def test_another_version_of_the_code_loads_the_folder_again(
    kb: Path, loads: list[Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = check(capsys, str(kb))
    monkeypatch.setattr(fingerprint, "code_version", lambda: "another version")
    assert check(capsys, str(kb)) == first and len(loads) == 2
    assert check(capsys, str(kb)) == first and len(loads) == 2  # kept for that version


def _halved(text: str) -> str:
    return text[: len(text) // 2]


def _problem_line_as_text(text: str) -> str:
    data = json.loads(text)
    data["problems"][0]["line"] = "7"
    return json.dumps(data)


def _problem_with_a_field_more(text: str) -> str:
    data = json.loads(text)
    data["problems"][0]["script"] = "<script>"
    return json.dumps(data)


def _summary_count_as_a_truth(text: str) -> str:
    data = json.loads(text)
    data["summary"]["pages"] = True
    return json.dumps(data)


def _another_format(text: str) -> str:
    return json.dumps({**json.loads(text), "format": "something else"})


def _a_list(text: str) -> str:
    return "[1, 2]"


DAMAGES: list[Callable[[str], str]] = [
    _halved,
    _problem_line_as_text,
    _problem_with_a_field_more,
    _summary_count_as_a_truth,
    _another_format,
    _a_list,
]


@pytest.mark.parametrize("damage", DAMAGES, ids=lambda damage: damage.__name__)
def test_a_kept_check_that_is_not_what_check_writes_is_not_trusted(
    kb: Path,
    loads: list[Path],
    capsys: pytest.CaptureFixture[str],
    damage: Callable[[str], str],
) -> None:
    first = check(capsys, str(kb), "--format", "json")
    kept = cache_path(kb, "checked")
    assert kept is not None
    whole = kept.read_text()
    kept.write_text(damage(whole))
    assert check(capsys, str(kb), "--format", "json") == first and len(loads) == 2
    assert kept.read_text() == whole  # written again as check writes it
    assert check(capsys, str(kb), "--format", "json") == first and len(loads) == 2


def test_a_cache_folder_inside_the_knowledge_folder_keeps_no_check(
    kb: Path, loads: list[Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEURISTICA_CACHE", str(kb / ".cache"))
    first = check(capsys, str(kb))
    assert check(capsys, str(kb)) == first and len(loads) == 2
    assert cache_path(kb, "checked") is None
