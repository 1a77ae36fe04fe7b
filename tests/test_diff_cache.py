"""What a diff keeps between runs and shares between its two sides: parse
results by path and blob id (``history.content_cache``), the checks across
pages and the verification warnings. Counted in parses, never timed; and the
diff it gives is the one two separate loads give."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from heuristica.checks.record import with_verification_problems
from heuristica.checks.run import Status
from heuristica.commands.diff_report import diff_sides
from heuristica.history.compare import compare
from heuristica.history.content_cache import blob_id, store_path
from heuristica.history.formats import to_json
from heuristica.history.git import WORKING_TREE, Repository, repository
from heuristica.history.snapshot import Loads, both_sides, snapshot
from heuristica.kb.loader import load_knowledge
from heuristica.kb.parsecache import CACHE_ENV_VAR, ParseCache, cache_path
from heuristica.live.knowledge_base import LiveKnowledgeBase
from tests.diff_repo import CHECK, IMPL, H, P, record, three_pages
from tests.git_repo import ScriptedRepo
from tests.kb import page


@pytest.fixture
def repo(tmp_path: Path) -> ScriptedRepo:
    """Three linked pages and a tour, then a commit that edits one page."""
    repo = three_pages(tmp_path / "team")
    repo.write(f"{IMPL}.yaml", page(IMPL, ("uses_heuristic", H), overview="Edited."))
    repo.commit("edit one page")
    return repo


def _parses(git: Repository, kb: Path, revisions: tuple[str, str]) -> list[int]:
    """How many files each side of a diff in a new process had to parse."""
    loads, counts = Loads(git, None), []
    for revision in revisions:
        snapshot(git, revision, kb, loads)
        counts.append(loads.cache.parsed)
    loads.done()
    return counts


def test_the_second_side_parses_only_what_differs_and_a_new_run_parses_nothing_saved(
    repo: ScriptedRepo,
) -> None:
    git = repository(repo.kb)
    assert _parses(git, repo.kb, ("HEAD~1", "HEAD")) == [4, 1]
    assert _parses(git, repo.kb, ("HEAD~1", "HEAD")) == [0, 1]  # the head's one edit only
    # The other way round, the saved version is still met (by the second side).
    assert _parses(git, repo.kb, ("HEAD", "HEAD~1")) == [1, 0]


def test_comparing_the_same_sides_again_writes_nothing(repo: ScriptedRepo) -> None:
    git = repository(repo.kb)
    _parses(git, repo.kb, ("HEAD~1", "HEAD"))
    before = store_path(git).stat().st_mtime_ns
    loads = Loads(git, None)
    for revision in ("HEAD~1", "HEAD"):
        snapshot(git, revision, repo.kb, loads)
    assert not loads.cache.added
    loads.done()
    assert store_path(git).stat().st_mtime_ns == before


def test_a_working_file_edited_after_a_diff_is_parsed_again(repo: ScriptedRepo) -> None:
    git = repository(repo.kb)
    assert _parses(git, repo.kb, ("HEAD", WORKING_TREE)) == [4, 0]
    repo.write(f"{H}.yaml", page(H, checks=[CHECK], overview="Not committed."))
    assert _parses(git, repo.kb, ("HEAD", WORKING_TREE)) == [0, 1]
    diff = diff_sides(git, "HEAD", WORKING_TREE, repo.kb)
    assert [(c.id, c.fields) for c in diff.pages_changed] == [(H, ("overview",))]


def _app_has_loaded(repo: ScriptedRepo) -> None:
    """The app's parse cache of the working folder, as a server saves it."""
    app = LiveKnowledgeBase(repo.kb, cache_file=cache_path(repo.kb))
    app.current()
    app.save_cache()


def test_the_working_side_takes_the_apps_parse_of_the_same_file_version(
    repo: ScriptedRepo,
) -> None:
    _app_has_loaded(repo)
    git = repository(repo.kb)
    assert _parses(git, repo.kb, (WORKING_TREE, "HEAD")) == [0, 0]


def test_the_working_tree_is_loaded_first_so_the_base_meets_the_apps_parses(
    repo: ScriptedRepo,
) -> None:
    _app_has_loaded(repo)
    git = repository(repo.kb)
    loads = Loads(git, None)
    base, head = both_sides(git, "HEAD~1", WORKING_TREE, repo.kb, loads)
    assert (base.revision, head.revision) == ("HEAD~1", WORKING_TREE)
    assert loads.parsed == [0, 1]  # the working tree, then the base's one other version
    loads.done()
    loads = Loads(git, None)
    both_sides(git, "HEAD~1", "HEAD", repo.kb, loads)
    assert loads.parsed == [1, 0]  # the working tree's versions (HEAD's) were saved
    loads.done()
    loads = Loads(git, None)
    both_sides(git, "HEAD~1", "HEAD", repo.kb, loads)
    assert loads.parsed == [1, 0] and not loads.cache.added  # HEAD's, used, stay saved


def test_a_damaged_store_is_ignored_then_written_whole_again(repo: ScriptedRepo) -> None:
    git = repository(repo.kb)
    path = store_path(git)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"format": "heuristica-parsed-pages", "files": {"x": [')
    diff = diff_sides(git, "HEAD~1", "HEAD", repo.kb)
    assert [c.id for c in diff.pages_changed] == [IMPL]
    assert len(ParseCache.load(path)) == 4
    assert _parses(git, repo.kb, ("HEAD~1", "HEAD")) == [0, 1]


def test_a_blob_id_is_the_one_git_gives(repo: ScriptedRepo) -> None:
    data = (repo.kb / f"{H}.yaml").read_bytes()
    assert blob_id(data) == repo.git("hash-object", f"knowledge/{H}.yaml")


def _alone(git: Repository, revision: str, kb: Path, cache: Path) -> object:
    """One side loaded on its own: its own empty cache folder, nothing shared."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV_VAR, str(cache))
        return snapshot(git, revision, kb, Loads(git, None)).side(str)


@pytest.mark.parametrize("record_changes", [False, True])
def test_what_the_sides_share_gives_the_diff_two_separate_loads_give(
    repo: ScriptedRepo, tmp_path: Path, record_changes: bool
) -> None:
    record(repo, Status.HOLDS)
    repo.commit("verified")
    new = "heuristic/cap-threads"
    repo.write(f"{new}.yaml", page(new, ("uses_heuristic", "heuristic/nowhere")))
    repo.write(f"{IMPL}.yaml", page(IMPL, ("uses_heuristic", new)))
    repo.write(f"{H}.yaml", page(H, checks=[{**CHECK, "claim": "It prints ok, always."}]))
    repo.remove(f"{P}.yaml")
    if record_changes:
        record(repo, Status.FAILS)
    git = repository(repo.kb)
    shared = diff_sides(git, "HEAD", WORKING_TREE, repo.kb, named_from_here=False)
    base = _alone(git, "HEAD", repo.kb, tmp_path / "one")
    head = _alone(git, WORKING_TREE, repo.kb, tmp_path / "two")
    alone = compare(base, head)  # type: ignore[arg-type]
    assert shared.counts()["pages_added"] == 1
    assert json.loads(to_json(shared)) == json.loads(to_json(alone))


def test_the_shared_record_is_read_once_per_content(repo: ScriptedRepo) -> None:
    record(repo, Status.HOLDS)
    repo.commit("verified")
    git = repository(repo.kb)
    loads = Loads(git, None)
    sides = [snapshot(git, revision, repo.kb, loads) for revision in ("HEAD", WORKING_TREE)]
    assert sides[0].record is sides[1].record
    assert sides[0].record is not None and H in sides[0].record.pages
    alone = with_verification_problems(load_knowledge(repo.kb))
    assert sorted(p.code for p in sides[1].result.problems) == sorted(
        p.code for p in alone.problems
    )


def test_a_revision_read_from_git_points_warnings_at_their_lines(repo: ScriptedRepo) -> None:
    record(repo, Status.HOLDS)
    repo.commit("verified")
    record(repo, Status.FAILS)
    repo.commit("fails now")
    git = repository(repo.kb)
    (failing,) = [p for p in diff_sides(git, "HEAD~1", "HEAD", repo.kb).problems_introduced]
    lines = (repo.kb / f"{H}.yaml").read_text().splitlines()
    assert failing.code == "failing-check"
    assert lines[failing.line - 1].strip() == "- name: prints-ok"
    assert not list(store_path(git).parent.glob(f"{repo.git('rev-parse', 'HEAD')}-*[!s]"))


def test_a_revision_whose_page_is_a_link_is_read_where_the_link_leads(
    repo: ScriptedRepo,
) -> None:
    new = "heuristic/cap-threads"
    repo.write("heuristic/written-elsewhere.txt", page(new))
    (repo.kb / f"{new}.yaml").symlink_to("written-elsewhere.txt")
    repo.commit("a page kept as a link")
    diff = diff_sides(repository(repo.kb), "HEAD~1", "HEAD", repo.kb)
    assert [c.id for c in diff.pages_added] == [new]
    assert [p.code for p in diff.problems_introduced] == ["orphan-page"]  # the page, parsed


def test_a_diff_builds_and_compares_its_sides_with_the_collector_paused(
    repo: ScriptedRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two bases built in bulk: the collector would walk them again and again
    # (at 10,000 pages about a fifth of a first diff's CPU time).
    import gc

    from heuristica.commands import diff_report

    collecting: dict[str, bool] = {}

    def watched(name: str) -> Callable[..., object]:
        real = getattr(diff_report, name)

        def call(*args: object, **kwargs: object) -> object:
            collecting[name] = gc.isenabled()
            return real(*args, **kwargs)

        return call

    for name in ("both_sides", "compare"):
        monkeypatch.setattr(diff_report, name, watched(name))
    assert gc.isenabled()
    gc.unfreeze()
    try:
        diff_sides(repository(repo.kb), "HEAD~1", "HEAD", repo.kb)
        assert collecting == {"both_sides": False, "compare": False}
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0, "what the diff built is left out of later collections"
    finally:
        gc.unfreeze()
