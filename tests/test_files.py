"""Whatever a knowledge folder holds, the loader returns: editor lock and swap
files, links that dangle or lead outside, named pipes and sockets, files and
folders nobody may read, folders and files that vanish or change while they
are read. At most a Problem names the file (relative to the folder); every
other page loads."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from heuristica import child_env
from heuristica.kb import loader
from heuristica.kb.files import scan_folder
from heuristica.kb.loader import LoadResult, load_knowledge
from heuristica.kb.parsecache import ParseCache, ParsedFile
from tests.kb import page, write

H, E = "heuristic/use-spawn", "environment/linux"


def sound_base(root: Path) -> Path:
    write(root, "h.yaml", page(H, ("requires_env", E)))
    write(root, "e.yaml", page(E))
    return root


def codes(result: LoadResult) -> list[tuple[str, str]]:
    return [(problem.file, problem.code) for problem in result.problems]


def test_editor_lock_swap_and_backup_files_are_skipped_silently(tmp_path: Path) -> None:
    sound_base(tmp_path)
    os.symlink("root@host.1234:1700000000", tmp_path / ".#h.yaml")  # Emacs' lock: dangling
    for name in ("#h.yaml#", ".h.yaml.swp", ".h.yaml.swo", "4913", "h.yaml~", ".~lock.h.yaml#"):
        write(tmp_path, name, b"\x00\xff not yaml [")
    write(tmp_path, ".hidden.yaml", "type: [")
    write(tmp_path, ".git/objects/x.yaml", "type: [")
    write(tmp_path, "._h.yaml", b"\x00\x05\x16\x07")  # macOS AppleDouble
    result = load_knowledge(tmp_path)
    assert result.problems == []
    assert set(result.pages) == {H, E}


def test_a_dangling_link_named_like_a_page_is_a_problem(tmp_path: Path) -> None:
    sound_base(tmp_path)
    os.symlink(tmp_path / "nowhere.yaml", tmp_path / "gone.yaml")
    result = load_knowledge(tmp_path)
    assert codes(result) == [("gone.yaml", "broken-symlink")]
    assert set(result.pages) == {H, E}


@pytest.fixture
def outside() -> Iterator[Path]:
    """A folder outside every knowledge folder, holding a valid page."""
    with tempfile.TemporaryDirectory() as folder:
        write(Path(folder), "secret.yaml", page("principle/secret", title="Outside"))
        yield Path(folder)


def test_links_leading_outside_the_folder_are_problems_and_never_read(
    tmp_path: Path, outside: Path
) -> None:
    sound_base(tmp_path)
    os.symlink(outside / "secret.yaml", tmp_path / "secret.yaml")
    os.symlink(outside, tmp_path / "more")
    os.symlink("../" * 12 + "etc/passwd", tmp_path / "passwd.yaml")
    result = load_knowledge(tmp_path)
    assert sorted(codes(result)) == [
        ("more", "link-outside"),
        ("passwd.yaml", "link-outside"),
        ("secret.yaml", "link-outside"),
    ]
    assert set(result.pages) == {H, E}
    assert all(str(outside) not in problem.message for problem in result.problems)


def test_links_inside_the_folder_are_followed(tmp_path: Path) -> None:
    write(tmp_path, "drafts/h.yaml", page(H, ("requires_env", E)))
    write(tmp_path, "e.yaml", page(E))
    os.symlink("drafts/h.yaml", tmp_path / "h.yaml")
    os.symlink("drafts", tmp_path / "also-drafts")
    result = load_knowledge(tmp_path)
    assert codes(result) == [("drafts/h.yaml", "duplicate-id")]
    assert set(result.pages) == {H, E}


@pytest.mark.timeout(60)
def test_named_pipes_and_sockets_are_problems_and_never_opened(tmp_path: Path) -> None:
    """Opening a named pipe for reading waits for a writer: forever."""
    sound_base(tmp_path)
    os.mkfifo(tmp_path / "pipe.yaml")
    os.symlink("pipe.yaml", tmp_path / "to-pipe.yaml")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(tmp_path / "socket.yaml"))
        result = load_knowledge(tmp_path)
    assert codes(result) == [
        ("pipe.yaml", "not-a-file"),
        ("socket.yaml", "not-a-file"),
        ("to-pipe.yaml", "not-a-file"),
    ]
    assert result.problems[0].message == "is a named pipe, not a regular file; not read"
    assert set(result.pages) == {H, E}


AS_NOBODY = """
import json, os, sys
from heuristica.kb.loader import load_knowledge
load_knowledge(sys.argv[1])  # import everything the load needs before giving up root
if os.geteuid() == 0:
    os.setgroups([]); os.setgid(65534); os.setuid(65534)
result = load_knowledge(sys.argv[1])
print(json.dumps({"pages": sorted(result.pages), "problems": [str(p) for p in result.problems]}))
"""


def test_files_and_folders_nobody_may_read_are_problems() -> None:
    """Tests run as root, who may read anything: the load runs in a child
    process that gives up root first."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        root.chmod(0o755)
        sound_base(root)
        write(root, "locked.yaml", page("principle/locked")).chmod(0o000)
        write(root, "closed/p.yaml", page("principle/closed"))
        (root / "closed").chmod(0o000)
        for path in root.rglob("*"):
            if path.name not in ("locked.yaml", "closed", "p.yaml"):
                path.chmod(0o755 if path.is_dir() else 0o644)
        done = subprocess.run(
            [sys.executable, "-c", AS_NOBODY, str(root)],
            capture_output=True,
            text=True,
            env=child_env(),
            check=False,
        )
        (root / "closed").chmod(0o755)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout)
    assert seen["problems"] == [
        "closed/: error: folder cannot be read (permission denied)",
        "locked.yaml: error: cannot be read (permission denied)",
    ]
    assert seen["pages"] == [E, H]


def test_a_folder_that_vanishes_during_the_scan_is_no_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sound_base(tmp_path)
    write(tmp_path, "gone/p.yaml", page("principle/p", ("uses_heuristic", H)))
    real_scandir = os.scandir

    def vanishing(path: str) -> object:
        if path.endswith("gone"):
            for child in Path(path).iterdir():
                child.unlink()
            Path(path).rmdir()
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", vanishing)
    result = load_knowledge(tmp_path)
    assert result.problems == []
    assert set(result.pages) == {H, E}


def test_a_file_removed_between_scan_and_read_is_no_problem(tmp_path: Path) -> None:
    sound_base(tmp_path)
    extra = write(tmp_path, "p.yaml", page("principle/p", ("uses_heuristic", H)))
    scan = scan_folder(tmp_path)
    extra.unlink()
    result = load_knowledge(tmp_path, scan=scan)
    assert result.problems == []
    assert set(result.pages) == {H, E}


def test_a_file_that_changes_while_it_is_read_is_read_again_next_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sound_base(tmp_path)
    edited = tmp_path / "h.yaml"
    real_read = os.read
    edits: list[int] = []

    def read_while_editing(descriptor: int, size: int) -> bytes:
        data = real_read(descriptor, size)
        if not edits and os.fstat(descriptor).st_ino == edited.stat().st_ino:
            with edited.open("a", encoding="utf-8") as more:
                edits.append(more.write("\n"))
        return data

    cache = ParseCache()
    monkeypatch.setattr(os, "read", read_while_editing)
    first = load_knowledge(tmp_path, cache=cache)
    monkeypatch.undo()
    assert edits == [1]
    assert set(first.pages) == {H, E}
    load_knowledge(tmp_path, cache=cache)
    assert cache.parsed == 1


def test_deeply_nested_folders_are_walked(tmp_path: Path) -> None:
    sound_base(tmp_path)
    deep = "/".join(["d"] * 300)
    write(tmp_path, f"{deep}/p.yaml", page("principle/p", ("uses_heuristic", H)))
    result = load_knowledge(tmp_path)
    assert result.problems == []
    assert "principle/p" in result.pages


def test_a_missing_folder_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    result = load_knowledge(tmp_path / "nope")
    assert codes(result) == [(".", "missing-folder")]
    assert result.pages == {}


def test_a_bug_reading_one_file_is_a_problem_and_the_others_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sound_base(tmp_path)
    write(tmp_path, "trigger.yaml", page("principle/trigger", ("uses_heuristic", H)))
    real_parse = loader.parse_file

    def buggy(text: str, file: str) -> ParsedFile:
        if file == "trigger.yaml":
            raise RuntimeError("a bug")
        return real_parse(text, file)

    monkeypatch.setattr(loader, "parse_file", buggy)
    result = load_knowledge(tmp_path)
    assert [(p.file, p.code, p.message) for p in result.problems] == [
        (
            "trigger.yaml",
            "internal-error",
            "could not be loaded because of a bug in Heuristica (details in the server log)",
        )
    ]
    assert set(result.pages) == {H, E}


def test_the_change_scan_sees_every_kind_of_file_without_raising(
    tmp_path: Path, outside: Path
) -> None:
    sound_base(tmp_path)
    os.symlink("nowhere", tmp_path / ".#h.yaml")
    os.symlink(tmp_path / "nowhere.yaml", tmp_path / "gone.yaml")
    os.symlink(outside / "secret.yaml", tmp_path / "secret.yaml")
    os.mkfifo(tmp_path / "pipe.yaml")
    before = scan_folder(tmp_path)
    assert [found.relative for found in before.files] == ["e.yaml", "h.yaml"]
    (tmp_path / "h.yaml").write_text((tmp_path / "h.yaml").read_text() + "\n")
    assert scan_folder(tmp_path).fingerprint != before.fingerprint
