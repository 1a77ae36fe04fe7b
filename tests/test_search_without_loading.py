"""A search answered from the index kept on disk, without loading the
knowledge base (``live.kept_search``): taken while the folder is exactly as
the index was last written for, with the same answers as a search of the
loaded folder; set aside for anything that may change what a load gives.

Real files (a copy of the shipped knowledge base), the real loader and real
tantivy; a load is told apart by the reloader being called, never by time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from heuristica import EXAMPLE_KNOWLEDGE, search
from heuristica.commands.loaded import knowledge_base
from heuristica.kb.files import scan_folder
from heuristica.kb.parsecache import cache_path
from heuristica.kb.relations import PageType
from heuristica.live import fingerprint, kept_search
from heuristica.live.kept_search import find_without_loading
from heuristica.live.knowledge_base import LiveKnowledgeBase
from heuristica.live.reload import Reloader
from heuristica.search import Found, disk

H = "heuristic/polars-use-spawn-not-fork"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HEURISTICA_CACHE", str(tmp_path / "cache"))
    folder = tmp_path / "knowledge"
    shutil.copytree(EXAMPLE_KNOWLEDGE, folder)
    return folder


def loaded_finds(root: Path, *queries: tuple[str, dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Searches as the CLI makes them when it loads, in a process of its own:
    the folder loaded, its index brought up to date on disk (with the load
    it is of), then asked."""
    with pytest.MonkeyPatch.context() as new_process:
        new_process.setattr(search, "_indexes", search._Indexes())
        kb = knowledge_base(root)
        kb.index()
        return [shown(search.find(kb.graph, q, kept=kb.kept, **options)) for q, options in queries]


def loaded_find(root: Path, query: str, **options: Any) -> tuple[Any, ...]:
    return loaded_finds(root, (query, options))[0]


def refuse_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, any load of a knowledge folder fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the knowledge base was loaded")

    monkeypatch.setattr(Reloader, "load", refuse)


def shown(found: Found | None) -> tuple[Any, ...]:
    """What a reader sees of a search: each hit as the CLI's JSON, and the notes."""
    assert found is not None
    return [hit.to_dict() for hit in found.hits], found.missing, found.read_as, found.note


QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("fork deadlock polars", {}),
    ("deadlok polrs", {}),  # typos: read as other words, a page read for how they are written
    ("why should I use spawn", {}),
    ("spaw", {}),  # a word being typed
    ("kubernetes helm chart", {}),  # nothing
    ("the", {}),  # only a stop word
    ("fork", {"types": [PageType.HEURISTIC]}),
    ("fork", {"types": [PageType.ENVIRONMENT, PageType.PRINCIPLE], "limit": 3}),
    ("polars thread pool", {"limit": 1}),
    ("spawn", {"limit": None}),
    ("fork spawn", {"every_word": True}),
    ("fork", {"snippets": False}),
]


def test_a_warm_search_loads_nothing_and_finds_what_a_loaded_search_finds(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = loaded_finds(root, *QUERIES)
    refuse_loads(monkeypatch)
    found = [shown(find_without_loading(root, query, **options)) for query, options in QUERIES]
    assert found == expected
    assert sum(bool(shown[0]) for shown in found) >= 8  # most of the queries do find pages


def test_before_its_first_load_a_live_knowledge_base_answers_from_the_index(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = loaded_find(root, "deadlok polrs", limit=3)
    live = LiveKnowledgeBase(root, search_folder=cache_path(root, "search", ""))
    with monkeypatch.context() as patched:
        refuse_loads(patched)
        assert shown(live.find("deadlok polrs", limit=3)) == expected
    add_a_file(root)  # not a page: the same pages, but the index is no longer the folder's
    assert shown(live.find("deadlok polrs", limit=3)) == expected
    assert live.is_current()  # loaded


def test_a_live_knowledge_base_tells_whether_it_can_answer_before_loading(root: Path) -> None:
    live = LiveKnowledgeBase(root, search_folder=cache_path(root, "search", ""))
    assert not live.answers_without_loading()  # nothing kept yet
    assert not live.may_answer_without_loading()
    loaded_find(root, "spawn")
    assert live.answers_without_loading() and live.may_answer_without_loading()
    add_a_file(root)
    assert not live.answers_without_loading()
    assert live.may_answer_without_loading()  # an index is kept: only a scan tells it is old
    loaded_find(root, "spawn")
    assert live.answers_without_loading()
    live.current()
    assert not live.answers_without_loading()  # loaded: it answers from its load
    assert not live.may_answer_without_loading()


IMPORTS = """
import sys
from heuristica.commands.cli import main
code = main(sys.argv[1:])
print(" ".join(sorted(sys.modules)), file=sys.stderr)
sys.exit(code)
"""

NEVER_IMPORTED = (
    "heuristica.kb.model",
    "heuristica.kb.loader",
    "heuristica.kb.parsecache",
    "heuristica.search.page_text",
    "heuristica.live.reload",
    "pydantic",
    "yaml",
    "networkx",
)
"""What a search answered from the index kept on disk does without: the page
models and the loader (a tenth of a second or two to import), and any load."""


@pytest.mark.parametrize("query", ["spawn fork", "deadlok polrs", "why should I use spawn"])
def test_a_warm_search_from_the_command_line_imports_no_page_model(root: Path, query: str) -> None:
    """A real process, as a person runs it: it prints what a loaded search
    finds, and never imports the page models, the loader or networkx (a typo
    too: the words it is read as are written as the index stored them)."""
    expected = loaded_find(root, query)
    done = subprocess.run(
        [sys.executable, "-c", IMPORTS, "search", query, str(root), "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
    )
    assert done.returncode == 0, done.stderr
    imported = set(done.stderr.splitlines()[-1].split())
    assert "heuristica.live.kept_search" in imported
    assert imported.isdisjoint(NEVER_IMPORTED), imported & set(NEVER_IMPORTED)
    assert json.loads(done.stdout) == expected[0]
    assert (expected[3] in done.stderr) if expected[3] else True


def test_what_decides_what_the_index_holds_is_in_its_version() -> None:
    """The index kept on disk is trusted only if written by the same code
    (``search.disk.VERSION``): every module that decides what is indexed or
    stored of a page is part of that digest."""
    assert {"disk.py", "store.py", "index.py", "query.py", "text.py", "page_text.py"} <= set(
        disk._SOURCES
    )


def edit_a_page(root: Path) -> None:
    page = root / "heuristic" / "polars-use-spawn-not-fork.yaml"
    page.write_text(page.read_text().replace('title: "Polars:', 'title: "Zorblax:', 1))


def add_a_file(root: Path) -> None:
    (root / "heuristic" / "zorblax.yaml").write_text("type: heuristic\nid: [\n")


def remove_a_file(root: Path) -> None:
    (root / "heuristic" / "polars-use-spawn-not-fork.yaml").unlink()


def rename_a_file(root: Path) -> None:
    folder = root / "heuristic"
    (folder / "polars-use-spawn-not-fork.yaml").rename(folder / "spawn.yaml")


def change_the_record(root: Path) -> None:
    record = root / "verification.json"
    record.write_text(json.dumps(json.loads(record.read_text())))


def change_the_settings(root: Path) -> None:
    with open(root / "heuristica.toml", "a", encoding="utf-8") as settings:
        settings.write("\n# a comment\n")


def make_a_page_a_pipe(root: Path) -> None:
    page = root / "heuristic" / "polars-use-spawn-not-fork.yaml"
    page.unlink()
    os.mkfifo(page)


def damage_the_manifest(root: Path) -> None:
    manifest = cache_path(root, "search", "")
    assert manifest is not None
    (manifest / "pages.json").write_bytes((manifest / "pages.json").read_bytes()[:-5])


def hand_edit_the_manifest(root: Path) -> None:
    """Still JSON, the seal left as it was: two pages' rows swapped."""
    manifest = cache_path(root, "search", "")
    assert manifest is not None
    data = json.loads((manifest / "pages.json").read_bytes())
    pages = data["pages"]
    first, second = list(pages)[:2]
    pages[first][0], pages[second][0] = pages[second][0], pages[first][0]
    (manifest / "pages.json").write_text(json.dumps(data))


def damage_what_the_index_stored(root: Path) -> None:
    """The file tantivy stores documents in (what a hit shows of each page),
    a byte in its middle changed, its size as it was."""
    folder = cache_path(root, "search", "")
    assert folder is not None
    stored = max((folder / "index").glob("*.store"), key=lambda file: file.stat().st_size)
    data = bytearray(stored.read_bytes())
    data[len(data) // 2] ^= 0xFF
    stored.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "change",
    [
        edit_a_page,
        add_a_file,
        remove_a_file,
        rename_a_file,
        change_the_record,
        change_the_settings,
        make_a_page_a_pipe,
        damage_the_manifest,
        hand_edit_the_manifest,
        damage_what_the_index_stored,
    ],
)
def test_a_change_sets_the_index_aside_until_a_load_writes_it_again(
    root: Path, change: Callable[[Path], None]
) -> None:
    loaded_find(root, "spawn fork")
    assert find_without_loading(root, "spawn fork") is not None
    change(root)
    assert find_without_loading(root, "spawn fork") is None
    expected = loaded_find(root, "spawn fork")
    assert shown(find_without_loading(root, "spawn fork")) == expected


def test_another_version_of_the_code_sets_the_index_aside(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded_find(root, "spawn")
    monkeypatch.setattr(fingerprint, "code_version", lambda: "another version")
    assert find_without_loading(root, "spawn") is None
    expected = loaded_find(root, "spawn")
    assert shown(find_without_loading(root, "spawn")) == expected


def scanned_before(root: Path, change: Callable[[Path], None]) -> Callable[[Path], object]:
    """A scan made before ``change``, as if the change came between the scan and the reads."""
    scan = scan_folder(root)
    change(root)
    return lambda _: scan


@pytest.mark.parametrize(
    "change",
    [
        edit_a_page,
        remove_a_file,
        make_a_page_a_pipe,
    ],
    ids=["edited", "removed", "made-a-pipe"],
)
def test_a_page_that_changed_after_the_scan_sets_the_index_aside(
    root: Path, monkeypatch: pytest.MonkeyPatch, change: Callable[[Path], None]
) -> None:
    loaded_find(root, "spawn not fork")
    monkeypatch.setattr(kept_search, "scan_folder", scanned_before(root, change))
    assert find_without_loading(root, "spawn not fork") is None
