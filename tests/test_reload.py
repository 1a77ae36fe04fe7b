"""Reloading with a ParseCache parses only the files that changed and gives
exactly what a full load gives; the saved cache survives a restart and is
ignored when it cannot be trusted."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from heuristica.checks.record import with_verification_problems
from heuristica.kb.loader import LoadResult, load_knowledge
from heuristica.kb.parsecache import CACHE_ENV_VAR, ParseCache, cache_path
from tests.kb import page, write

P, IMPL, H, E = (
    "principle/fork-copies-one-thread",
    "implementation/get-context",
    "heuristic/use-spawn",
    "environment/linux",
)
TOUR = {
    "id": "first",
    "title": "First",
    "audience": "Newcomers",
    "estimated_minutes": 5,
    "steps": [{"page": H, "note": "Start."}, {"page": E, "note": "Then."}],
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write(tmp_path, "p.yaml", page(P, ("implemented_by", IMPL), ("uses_heuristic", H)))
    write(tmp_path, "i.yaml", page(IMPL, ("requires_env", E)))
    write(tmp_path, "h.yaml", page(H, ("requires_env", E)))
    write(tmp_path, "e.yaml", page(E))
    write(tmp_path, "tours/first.yaml", TOUR)
    return tmp_path


def same(incremental: LoadResult, root: Path) -> None:
    """What a load from scratch gives, to the last Problem."""
    full = load_knowledge(root)
    assert incremental.pages == full.pages
    assert incremental.tours == full.tours
    assert incremental.problems == full.problems


def warm(root: Path) -> ParseCache:
    cache = ParseCache()
    load_knowledge(root, cache=cache)
    assert cache.parsed == 5
    return cache


def test_nothing_changed_parses_nothing(root: Path) -> None:
    cache = warm(root)
    same(load_knowledge(root, cache=cache), root)
    assert cache.parsed == 0


def test_an_edited_page_is_the_only_one_parsed(root: Path) -> None:
    cache = warm(root)
    write(root, "h.yaml", page(H, ("requires_env", E), title="Edited"))
    result = load_knowledge(root, cache=cache)
    assert cache.parsed == 1
    assert result.pages[H].title == "Edited"
    same(result, root)


def test_an_added_page_is_the_only_one_parsed(root: Path) -> None:
    cache = warm(root)
    write(root, "sub/new.yaml", page("heuristic/new", ("requires_env", E)))
    result = load_knowledge(root, cache=cache)
    assert cache.parsed == 1
    assert "heuristic/new" in result.pages
    same(result, root)


def test_a_deleted_page_breaks_the_links_to_it_without_parsing_them(root: Path) -> None:
    cache = warm(root)
    (root / "h.yaml").unlink()
    result = load_knowledge(root, cache=cache)
    assert cache.parsed == 0
    assert H not in result.pages
    assert [(p.file, p.code) for p in result.errors] == [
        ("p.yaml", "broken-link"),
        ("tours/first.yaml", "broken-link"),
    ]
    assert [link.to for link in result.pages[P].links] == [IMPL]
    assert [step.page for step in result.tours["first"].steps] == [E]
    same(result, root)


def test_a_link_target_that_comes_back_restores_the_link(root: Path) -> None:
    cache = warm(root)
    text = (root / "h.yaml").read_text()
    (root / "h.yaml").unlink()
    load_knowledge(root, cache=cache)
    write(root, "h.yaml", text)
    result = load_knowledge(root, cache=cache)
    assert cache.parsed == 1
    assert result.errors == []
    assert [link.to for link in result.pages[P].links] == [IMPL, H]
    same(result, root)


def test_a_renamed_page_is_parsed_under_its_new_name(root: Path) -> None:
    cache = warm(root)
    (root / "h.yaml").rename(root / "renamed.yaml")
    result = load_knowledge(root, cache=cache)
    assert cache.parsed == 1
    assert set(result.pages) == {P, IMPL, H, E}
    same(result, root)


def test_a_changed_tour_is_the_only_one_parsed(root: Path) -> None:
    cache = warm(root)
    write(root, "tours/first.yaml", {**TOUR, "steps": [{"page": "heuristic/gone", "note": "x"}]})
    result = load_knowledge(root, cache=cache)
    assert cache.parsed == 1
    assert result.tours == {}
    assert sorted(p.code for p in result.errors) == ["broken-link", "empty-tour"]
    same(result, root)


def test_a_page_made_invalid_then_valid_again(root: Path) -> None:
    cache = warm(root)
    text = (root / "e.yaml").read_text()
    write(root, "e.yaml", "type: [")
    broken = load_knowledge(root, cache=cache)
    assert E not in broken.pages and cache.parsed == 1
    same(broken, root)
    write(root, "e.yaml", text)
    same(load_knowledge(root, cache=cache), root)


def test_a_saved_cache_spares_every_parse_after_a_restart(root: Path, tmp_path: Path) -> None:
    saved = tmp_path.parent / f"{tmp_path.name}-elsewhere" / "cache.json"
    warm(root).save(saved)
    restarted = ParseCache.load(saved)
    assert len(restarted) == 5
    result = load_knowledge(root, cache=restarted)
    assert restarted.parsed == 0
    same(result, root)


def test_a_saved_cache_keeps_problems_and_where_they_are(root: Path, tmp_path: Path) -> None:
    write(root, "bad.yaml", "type: principle\nid: [\n")
    write(root, "h.yaml", page(H, ("requires_env", "environment/linx")))
    saved = tmp_path.parent / f"{tmp_path.name}-cache.json"
    cache = ParseCache()
    first = load_knowledge(root, cache=cache)
    cache.save(saved)
    restarted = ParseCache.load(saved)
    assert load_knowledge(root, cache=restarted).problems == first.problems
    assert restarted.parsed == 0


def test_a_page_edited_while_the_server_was_down_is_parsed_again(
    root: Path, tmp_path: Path
) -> None:
    saved = tmp_path.parent / f"{tmp_path.name}-cache.json"
    warm(root).save(saved)
    write(root, "e.yaml", page(E, title="Edited meanwhile"))
    restarted = ParseCache.load(saved)
    result = load_knowledge(root, cache=restarted)
    assert restarted.parsed == 1
    assert result.pages[E].title == "Edited meanwhile"


DAMAGES: dict[str, Callable[[str], bytes]] = {
    "cut in half": lambda text: text[: len(text) // 2].encode(),
    "its last line lost": lambda text: text[: text.rstrip("\n").rindex("\n") + 1].encode(),
    "empty": lambda text: b"",
    "nested too deep": lambda text: b"[" * 100_000 + b"]" * 100_000,
    "a line nested too deep": lambda text: (
        text.replace('"page",', '"page",' + "[" * 100_000, 1)
        .replace("\t", "]" * 100_000 + "\t", 1)
        .encode()
    ),
    "not UTF-8": lambda text: b"\xff\xfe" + text.encode(),
    "a page not UTF-8": lambda text: text.replace('"title":"', '"title":"\udcff', 1).encode(
        "utf-8", "surrogateescape"
    ),
    "an older loader": lambda text: text.replace('"version": "', '"version": "old').encode(),
    "a page that is not valid": lambda text: text.replace('"id":"', '"id":"X').encode(),
    "a page read as a tour": lambda text: text.replace('"page",', '"tour",', 1).encode(),
    "a value of the wrong type": lambda text: text.replace('"page",', '"page",7,').encode(),
    "no tab": lambda text: text.replace("\t", " ", 1).encode(),
    "no files": lambda text: json.dumps({"format": "heuristica-parsed-pages"}).encode(),
}


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_or_foreign_cache_is_ignored(root: Path, tmp_path: Path, damage: str) -> None:
    saved = tmp_path.parent / f"{tmp_path.name}-cache.json"
    warm(root).save(saved)
    damaged = DAMAGES[damage](saved.read_text("utf-8"))
    assert damaged != saved.read_bytes()
    saved.write_bytes(damaged)
    restarted = ParseCache.load(saved)
    assert len(restarted) == 0
    same(load_knowledge(root, cache=restarted), root)
    assert restarted.parsed == 5


def test_the_cache_lives_outside_the_knowledge_folder(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = root.parent / f"{root.name}-caches"
    monkeypatch.setenv(CACHE_ENV_VAR, str(elsewhere))
    path = cache_path(root)
    assert path is not None and path.parent == elsewhere.resolve()
    assert cache_path(root / "tours") != path
    monkeypatch.setenv(CACHE_ENV_VAR, str(root / "sub"))
    assert cache_path(root) is None
    monkeypatch.delenv(CACHE_ENV_VAR)
    monkeypatch.setenv("XDG_CACHE_HOME", str(elsewhere / "xdg"))
    assert cache_path(root) == (elsewhere / "xdg" / "heuristica").resolve() / path.name


def test_every_field_of_the_shipped_base_survives_the_saved_cache(tmp_path: Path) -> None:
    shipped = Path(__file__).resolve().parent.parent / "knowledge"
    cache = ParseCache()
    first = load_knowledge(shipped, cache=cache)
    cache.save(tmp_path / "cache.json")
    restarted = ParseCache.load(tmp_path / "cache.json")
    again = load_knowledge(shipped, cache=restarted)
    assert restarted.parsed == 0
    assert (again.pages, again.tours, again.problems) == (first.pages, first.tours, first.problems)


def test_a_save_after_an_edit_holds_the_edit(root: Path, tmp_path: Path) -> None:
    """A save makes the text of the changed entries only; what it writes is
    still every file's latest result, and a removed file's is gone."""
    saved = tmp_path.parent / f"{tmp_path.name}-cache.json"
    cache = warm(root)
    cache.save(saved)
    write(root, "e.yaml", page(E, title="Edited after a save"))
    (root / "p.yaml").unlink()
    load_knowledge(root, cache=cache)
    cache.save(saved)
    restarted = ParseCache.load(saved)
    assert len(restarted) == 4
    result = load_knowledge(root, cache=restarted)
    assert restarted.parsed == 0
    assert result.pages[E].title == "Edited after a save"
    same(result, root)
    again = tmp_path.parent / f"{tmp_path.name}-again.json"
    restarted.save(again)
    assert again.read_bytes() == saved.read_bytes()


def test_a_code_reference_that_cannot_be_checked_is_known_after_a_restart(
    root: Path, tmp_path: Path
) -> None:
    """Whether a Code Reference parses is found with the page and kept in the
    cache: the warning is the same after a restart, without parsing again."""
    bad = page(IMPL, ("requires_env", E))
    bad["code_reference"]["signature"] = "def get_context(method=None"
    write(root, "i.yaml", bad)
    saved = tmp_path.parent / f"{tmp_path.name}-cache.json"
    cache = ParseCache()
    first = with_verification_problems(load_knowledge(root, cache=cache))
    cache.save(saved)
    restarted = ParseCache.load(saved)
    again = with_verification_problems(load_knowledge(root, cache=restarted))
    assert restarted.parsed == 0
    assert [p.code for p in again.problems] == ["unverifiable"]
    assert again.problems == first.problems
    assert again.unverifiable is not None and list(again.unverifiable) == [IMPL]
    field, why = again.unverifiable[IMPL]
    assert again.problems[0].message == f"'code_reference.{field}' cannot be checked: {why}"
