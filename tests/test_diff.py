"""`heuristica diff` on scripted git repositories: each kind of change, the
defaults (merge-base against the working tree), and every mistake a user can
make with revisions and folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heuristica.checks.run import Status
from heuristica.commands.cli import main
from heuristica.commands.diff_report import diff_sides
from heuristica.history.about import about
from heuristica.history.compare import Diff, LinkChange
from heuristica.history.git import BEFORE_HISTORY, WORKING_TREE, GitError, repository
from tests.diff_repo import CHECK, IMPL, H, P, record, three_pages, tour
from tests.git_repo import ScriptedRepo
from tests.kb import page


@pytest.fixture
def repo(tmp_path: Path) -> ScriptedRepo:
    return three_pages(tmp_path / "team")


def _diff(repo: ScriptedRepo, base: str = "HEAD~1", head: str = "HEAD") -> Diff:
    return diff_sides(repository(repo.kb), base, head, repo.kb)


def test_a_page_added_and_one_removed_are_listed_with_their_links(repo: ScriptedRepo) -> None:
    new = "heuristic/cap-threads"
    repo.write(f"{new}.yaml", page(new))
    repo.write(f"{IMPL}.yaml", page(IMPL, ("uses_heuristic", new)))
    repo.remove(f"{H}.yaml")
    repo.write(f"{P}.yaml", page(P, ("implemented_by", IMPL)))
    repo.write("tours/first.yaml", tour([P, IMPL]))
    repo.commit("replace a heuristic")
    diff = _diff(repo)
    assert [c.id for c in diff.pages_added] == [new]
    assert [c.id for c in diff.pages_removed] == [H]
    assert diff.links_added == (LinkChange(IMPL, "uses_heuristic", new),)
    assert set(diff.links_removed) == {
        LinkChange(IMPL, "uses_heuristic", H),
        LinkChange(P, "uses_heuristic", H),
    }


def test_the_same_page_under_a_new_id_is_a_rename_and_its_links_follow(
    repo: ScriptedRepo,
) -> None:
    moved = "heuristic/prefer-spawn"
    repo.remove(f"{H}.yaml")
    repo.write(f"{moved}.yaml", page(moved, checks=[CHECK], title="Use Spawn"))
    repo.write(f"{P}.yaml", page(P, ("implemented_by", IMPL), ("uses_heuristic", moved)))
    repo.write(f"{IMPL}.yaml", page(IMPL, ("uses_heuristic", moved)))
    repo.write("tours/first.yaml", tour([P, IMPL, moved]))
    repo.commit("rename")
    diff = _diff(repo)
    assert [(r.old, r.new) for r in diff.pages_renamed] == [(H, moved)]
    assert not diff.pages_added and not diff.pages_removed
    assert not diff.links_added and not diff.links_removed
    assert [(c.id, c.fields) for c in diff.pages_changed] == [(IMPL, ("links",)), (P, ("links",))]
    assert not diff.checks


def test_a_changed_page_names_the_fields_that_changed(repo: ScriptedRepo) -> None:
    repo.write(
        f"{H}.yaml", page(H, checks=[CHECK], overview="Now longer.", domains=["Performance"])
    )
    repo.commit("edit")
    diff = _diff(repo)
    assert [(c.id, c.fields) for c in diff.pages_changed] == [(H, ("domains", "overview"))]
    assert [(t.id, t.changed_steps) for t in diff.tours] == [("first", ((3, H),))]


def test_a_retyped_link_is_one_link_removed_and_one_added(repo: ScriptedRepo) -> None:
    repo.write(f"{P}.yaml", page(P, ("uses_heuristic", IMPL), ("uses_heuristic", H)))
    repo.commit("retype")
    diff = _diff(repo)
    assert diff.links_removed == (LinkChange(P, "implemented_by", IMPL),)
    assert diff.links_added == ()  # principle -uses_heuristic-> implementation is not allowed
    assert any(p.code for p in diff.problems_introduced)


def test_a_tour_step_whose_page_is_gone_is_reported_lost(repo: ScriptedRepo) -> None:
    repo.remove(f"{IMPL}.yaml")
    repo.write(f"{P}.yaml", page(P, ("uses_heuristic", H)))
    repo.commit("drop the implementation, not the tour step")
    diff = _diff(repo)
    (tour,) = diff.tours
    assert (tour.id, tour.lost_steps) == ("first", ((2, IMPL),))
    assert [p.file for p in diff.problems_introduced] == [f"{repo.kb}/tours/first.yaml"]


def test_checks_added_removed_and_changed_are_listed_by_page(repo: ScriptedRepo) -> None:
    other = {**CHECK, "name": "prints-two", "code": "print(2)", "expect": {"output": "2"}}
    changed = {**CHECK, "timeout": 5}
    repo.write(f"{H}.yaml", page(H, checks=[changed, other]))
    repo.commit("checks")
    diff = _diff(repo)
    found = [(c.page, c.check, c.change, c.fields) for c in diff.checks]
    assert found == [(H, "prints-ok", "changed", ("timeout",)), (H, "prints-two", "added", ())]


def test_a_check_that_flips_from_holds_to_fails_in_the_record_is_reported(
    repo: ScriptedRepo,
) -> None:
    record(repo, Status.HOLDS)
    repo.commit("verified")
    record(repo, Status.FAILS)
    repo.commit("verified again")
    diff = _diff(repo)
    ((change),) = diff.verification
    assert (change.page, change.check, change.before, change.after) == (
        H,
        "prints-ok",
        "holds",
        "fails",
    )
    assert change.kind == "fails"
    assert [p.code for p in diff.problems_introduced] == ["failing-check"]


def test_a_newly_proven_and_a_newly_not_applicable_check_are_told_apart(
    repo: ScriptedRepo,
) -> None:
    record(repo, Status.HOLDS)
    first = repo.commit("proven")
    record(repo, Status.NOT_APPLICABLE)
    repo.commit("outside its versions now")
    proven = _diff(repo, "HEAD~2", first).verification
    not_applicable = _diff(repo, first, "HEAD").verification
    assert [(v.before, v.after, v.kind) for v in proven] == [("unverified", "holds", "proven")]
    assert [v.kind for v in not_applicable] == ["not_applicable"]


def test_a_problem_fixed_and_one_introduced_are_told_apart(repo: ScriptedRepo) -> None:
    repo.write(f"{IMPL}.yaml", page(IMPL, ("uses_heuristic", "heuristic/nowhere")))
    repo.commit("break a link")
    repo.write(f"{IMPL}.yaml", page(IMPL, ("uses_heuristic", H)))
    repo.write(f"{H}.yaml", page(H, checks=[CHECK], unknown_field=1))
    repo.commit("fix the link, break a page")
    diff = _diff(repo)
    fixed = [p for p in diff.problems_fixed if p.code == "broken-link"]
    assert ["heuristic/nowhere" in p.message for p in fixed] == [True]
    introduced = {(p.file, p.code) for p in diff.problems_introduced}
    assert (f"{repo.kb}/{H}.yaml", "unknown-field") in introduced
    assert (f"{repo.kb}/{IMPL}.yaml", "broken-link") in introduced  # its link to H, now unloaded


def test_the_default_compares_the_branch_point_with_the_working_tree(repo: ScriptedRepo) -> None:
    repo.git("checkout", "-q", "-b", "topic")
    repo.write(f"{H}.yaml", page(H, checks=[CHECK], overview="Committed on the branch."))
    repo.commit("on the branch")
    repo.write(f"{P}.yaml", page(P, ("implemented_by", IMPL), overview="Not committed."))
    repo_obj = repository(repo.kb)
    diff = diff_sides(repo_obj, repo_obj.default_base(), WORKING_TREE, repo.kb)
    assert [c.id for c in diff.pages_changed] == [H, P]
    assert diff.head.label == "the working tree"
    assert diff.base.commit == repo.git("rev-parse", "main")


def test_nothing_changed_is_said_and_exits_0(
    repo: ScriptedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", "HEAD", str(repo.kb)]) == 0
    assert "No change to the knowledge." in capsys.readouterr().out


def _broken_link_commit(repo: ScriptedRepo) -> None:
    repo.write(f"{IMPL}.yaml", page(IMPL, ("uses_heuristic", "heuristic/nowhere")))
    repo.commit("break a link")


def test_fail_on_problems_exits_1_only_when_the_change_introduces_one(
    repo: ScriptedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    _broken_link_commit(repo)
    kb = str(repo.kb)
    assert main(["diff", "HEAD~1", "HEAD", kb]) == 0
    assert main(["diff", "HEAD~1", "HEAD", kb, "--fail-on-problems"]) == 1
    assert main(["diff", "HEAD", "HEAD~1", kb, "--fail-on-problems"]) == 0


def test_json_has_the_documented_keys(
    repo: ScriptedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    _broken_link_commit(repo)
    main(["diff", "HEAD~1", "HEAD", str(repo.kb), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert list(data) == [
        "schema",
        "base",
        "head",
        "changed",
        "summary",
        "counts",
        "pages",
        "links",
        "tours",
        "checks",
        "verification",
        "problems",
    ]
    assert data["schema"] == "heuristica-diff/1"
    assert list(data["pages"]) == ["added", "removed", "renamed", "changed"]
    assert data["links"]["removed"] == [{"source": IMPL, "relation": "uses_heuristic", "target": H}]
    (problem,) = data["problems"]["introduced"]
    assert problem["file"] == f"{repo.kb}/implementation/get-context.yaml"
    assert problem["line"] > 0


@pytest.mark.parametrize(
    ("revision", "said"),
    [
        ("no-such-branch", "unknown revision 'no-such-branch'"),
        ("--output=/tmp/x", "'--output=/tmp/x' is not a revision (it starts with '-')"),
        ("HEAD\x1b[31m", "control characters"),
        ("1999-01-01", "no commit on HEAD is as old as 1999-01-01"),
    ],
)
def test_a_bad_revision_is_a_clear_message_and_exit_2(
    repo: ScriptedRepo, capsys: pytest.CaptureFixture[str], revision: str, said: str
) -> None:
    assert main(["diff", "--", revision, "HEAD", str(repo.kb)]) == 2
    err = capsys.readouterr().err
    assert said in err
    assert "Traceback" not in err


def test_a_folder_outside_any_repository_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "kb").mkdir()
    assert main(["diff", "HEAD", "HEAD", str(tmp_path / "kb")]) == 2
    assert "is not in a git repository" in capsys.readouterr().err


def test_a_path_that_is_not_a_folder_says_so(
    repo: ScriptedRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", "HEAD~0", "HEAD", str(repo.top / "nowhere")]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_a_shallow_clone_without_the_base_says_how_to_fetch_it(
    repo: ScriptedRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.write(f"{H}.yaml", page(H, checks=[CHECK], overview="Second."))
    first = repo.git("rev-parse", "HEAD")
    repo.commit("second")
    clone = tmp_path / "shallow"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.top}", str(clone))
    assert main(["diff", first, "HEAD", str(clone / "knowledge")]) == 2
    err = capsys.readouterr().err
    assert "this clone is shallow (1 commit of history)" in err
    assert "git fetch --deepen=N" in err
    assert "fetch-depth: 0" in err


def test_a_folder_the_base_did_not_have_makes_every_page_added(tmp_path: Path) -> None:
    repo = ScriptedRepo(tmp_path / "team")
    (repo.top / "README").write_text("start")
    repo.commit("no knowledge yet")
    repo.write(f"{H}.yaml", page(H))
    repo.commit("first page")
    diff = _diff(repo)
    assert [c.id for c in diff.pages_added] == [H]


def test_the_first_commit_is_compared_with_nothing_before_it(repo: ScriptedRepo) -> None:
    git = repository(repo.kb)
    (first,) = git.log()
    assert first.parent is None and git.before(first) == BEFORE_HISTORY
    diff = _diff(repo, git.before(first), first.sha)
    assert {c.id for c in diff.pages_added} == {P, IMPL, H}
    assert diff.base.label == "nothing (before the first commit)"


def test_a_commit_is_compared_with_its_first_parent(repo: ScriptedRepo) -> None:
    repo.write(f"{H}.yaml", page(H, checks=[CHECK], overview="Second."))
    second = repo.commit("second")
    git = repository(repo.kb)
    newest, oldest = git.log()
    assert newest.sha == second and git.before(newest) == oldest.sha


def test_a_shallow_clones_oldest_commit_is_compared_with_its_missing_parent(
    repo: ScriptedRepo, tmp_path: Path
) -> None:
    repo.write(f"{H}.yaml", page(H, checks=[CHECK], overview="Second."))
    second = repo.commit("second")
    clone = tmp_path / "shallow"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.top}", str(clone))
    git = repository(clone / "knowledge")
    (oldest,) = git.log()
    assert git.before(oldest) == f"{second}~1"
    with pytest.raises(GitError, match="this clone is shallow"):
        git.resolve(git.before(oldest))


def test_about_one_page_keeps_only_what_changed_for_it(repo: ScriptedRepo) -> None:
    repo.write(f"{H}.yaml", page(H, checks=[CHECK], overview="Changed."))
    repo.write(f"{IMPL}.yaml", page(IMPL, ("uses_heuristic", H), overview="Also changed."))
    repo.remove(f"{P}.yaml")
    repo.commit("three changes")
    diff = _diff(repo)
    only = about(diff, H)
    assert [c.id for c in only.pages_changed] == [H]
    assert only.pages_removed == ()
    assert only.links_removed == (LinkChange(P, "uses_heuristic", H),)
    (tour,) = only.tours  # the head's tour lost P's step: H is its second
    assert tour.changed_steps == ((2, H),) and tour.lost_steps == ()
    assert {c.id for c in about(diff, P).pages_removed} == {P}
    assert about(diff, P).pages_changed == ()


def test_a_pages_log_up_to_a_revision_leaves_out_the_commits_after_it(repo: ScriptedRepo) -> None:
    first = repo.git("rev-parse", "HEAD")
    repo.write(f"{H}.yaml", page(H, checks=[CHECK], overview="Later."))
    repo.commit("later edit")
    git = repository(repo.kb)
    assert [c.subject for c in git.log([f"{H}.yaml"])] == ["later edit", "first pages"]
    assert [c.subject for c in git.log([f"{H}.yaml"], until=first)] == ["first pages"]
    with pytest.raises(GitError):
        git.log([f"{H}.yaml"], until="--output=/tmp/x")


@pytest.mark.parametrize("format", ["text", "json", "markdown"])
def test_a_diff_but_html_imports_neither_the_drawing_nor_networkx(
    repo: ScriptedRepo, format: str
) -> None:
    # The drawing's code and networkx behind it took 0.13 s of every diff's start.
    import subprocess
    import sys

    repo.write(f"{H}.yaml", page(H, checks=[CHECK], overview="Edited."))
    repo.commit("edit a page")
    code = (
        "import sys\nfrom heuristica.commands.cli import main\n"
        f"main(['diff', 'HEAD~1', 'HEAD', {str(repo.kb)!r}, '--format', {format!r}])\n"
        "print('MODULES', *sorted(sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert H in out.stdout
    modules = out.stdout.rpartition("MODULES")[2].split()
    drawn = [m for m in modules if m.startswith(("heuristica.draw", "networkx"))]
    assert drawn == [], f"diff --format {format} imported {drawn}"
