"""Every kind of Problem the loader reports, provoked on purpose, with the file,
line and message an author would see."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from heuristica.kb.loader import MAX_DEPTH, MAX_FILE_BYTES, LoadResult, load_knowledge
from heuristica.kb.model import Implementation
from heuristica.kb.problems import Problem
from tests.kb import dump, page, write

P, IMPL, H, E = (
    "principle/fork-copies-one-thread",
    "implementation/get-context",
    "heuristic/use-spawn",
    "environment/linux",
)
REPO = Path(__file__).resolve().parent.parent


def sound_base(root: Path) -> None:
    write(root, "p.yaml", page(P, ("implemented_by", IMPL), ("uses_heuristic", H)))
    write(root, "i.yaml", page(IMPL, ("requires_env", E)))
    write(root, "h.yaml", page(H, ("requires_env", E)))
    write(root, "e.yaml", page(E))


def only(result: LoadResult) -> Problem:
    errors = result.errors
    assert len(errors) == 1, [str(p) for p in result.problems]
    return errors[0]


def test_sound_base_loads_every_page_without_problems(tmp_path: Path) -> None:
    sound_base(tmp_path)
    result = load_knowledge(tmp_path)
    assert result.problems == []
    assert set(result.pages) == {P, IMPL, H, E}
    implementation = result.pages[IMPL]
    assert isinstance(implementation, Implementation)
    assert implementation.code_reference.import_ == "import multiprocessing"


def test_yaml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    sound_base(tmp_path)
    bad = write(tmp_path, "bad.yaml", "type: principle\nid: principle/x\ntitle: [unclosed\n")
    problem = only(load_knowledge(tmp_path))
    assert (problem.file, problem.code) == (bad.name, "yaml-syntax")
    assert problem.line == 4
    assert "YAML syntax error" in problem.message


def test_wrong_field_type_points_at_the_value(tmp_path: Path) -> None:
    text = dump(page(H, domains="Debugging"))
    bad = write(tmp_path, "h.yaml", text)
    problem = only(load_knowledge(tmp_path))
    assert problem.file == bad.name
    assert problem.line == text.splitlines().index("domains: Debugging") + 1
    assert problem.col == len("domains: ") + 1
    assert "'domains'" in problem.message and "list" in problem.message


def test_unknown_field_suggests_the_field_meant(tmp_path: Path) -> None:
    data = page(H)
    data["insight"] = {"action": "a", "value": "v", "trade_off": "t", "compatibilty": "c"}
    text = dump(data)
    write(tmp_path, "h.yaml", text)
    problem = only(load_knowledge(tmp_path))
    assert problem.code == "unknown-field"
    assert problem.line == text.splitlines().index("  compatibilty: c") + 1
    assert problem.message == (
        "unknown field 'insight.compatibilty' (did you mean 'compatibility'?)"
    )


def test_missing_required_section_is_named(tmp_path: Path) -> None:
    data = page(H)
    del data["reasoning"]
    write(tmp_path, "h.yaml", data)
    problem = only(load_knowledge(tmp_path))
    assert problem.code == "missing-field"
    assert problem.message == "missing required section 'reasoning'"


def test_missing_nested_section_points_at_its_parent(tmp_path: Path) -> None:
    data = page(H)
    del data["insight"]["trade_off"]
    text = dump(data)
    write(tmp_path, "h.yaml", text)
    problem = only(load_knowledge(tmp_path))
    assert problem.message == "missing required section 'insight.trade_off'"
    assert problem.line == text.splitlines().index("insight:") + 2


def test_empty_section_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "h.yaml", page(H, overview="   "))
    problem = only(load_knowledge(tmp_path))
    assert (problem.code, problem.message) == ("empty-section", "'overview' is empty: write it")


def test_unknown_page_type_suggests_the_type_meant(tmp_path: Path) -> None:
    write(tmp_path, "h.yaml", page(H, type="heurstic"))
    problem = only(load_knowledge(tmp_path))
    assert problem.code == "unknown-type"
    assert (problem.line, problem.col) == (1, 7)
    assert "'heurstic' (did you mean 'heuristic'?)" in problem.message


def test_id_must_carry_its_type(tmp_path: Path) -> None:
    write(tmp_path, "h.yaml", page(H, id="principle/use-spawn"))
    assert only(load_knowledge(tmp_path)).code == "id-type-mismatch"


def test_id_must_be_url_safe(tmp_path: Path) -> None:
    write(tmp_path, "h.yaml", page(H, id="heuristic/Use Spawn!"))
    problem = only(load_knowledge(tmp_path))
    assert problem.line == 2
    assert "'id' must be '<type>/<slug>'" in problem.message


def test_link_to_missing_page_is_a_problem_and_the_page_loads_without_it(
    tmp_path: Path,
) -> None:
    sound_base(tmp_path)
    text = dump(
        page(H, ("requires_env", "environment/linx"), ("requires_env", E), id="heuristic/other")
    )
    bad = write(tmp_path, "h2.yaml", text)
    result = load_knowledge(tmp_path)
    problem = only(result)
    assert (problem.file, problem.code) == (bad.name, "broken-link")
    assert problem.line == text.splitlines().index("  to: environment/linx") + 1
    assert problem.message == (
        "link to 'environment/linx', which does not exist (did you mean 'environment/linux'?); "
        "the page is shown without this link"
    )
    assert set(result.pages) == {P, IMPL, H, E, "heuristic/other"}
    assert [link.to for link in result.pages["heuristic/other"].links] == [E]


def test_link_breaking_the_relation_table_is_left_out_of_a_page_that_loads(
    tmp_path: Path,
) -> None:
    sound_base(tmp_path)
    text = dump(page("heuristic/other", ("implemented_by", IMPL), ("requires_env", E)))
    write(tmp_path, "h2.yaml", text)
    result = load_knowledge(tmp_path)
    problem = only(result)
    assert problem.code == "relation-not-allowed"
    assert problem.line == text.splitlines().index("- relation: implemented_by") + 1
    assert "a heuristic page cannot link 'implemented_by' to a implementation" in problem.message
    assert [link.to for link in result.pages["heuristic/other"].links] == [E]


def test_unknown_relation_suggests_the_relation_meant(tmp_path: Path) -> None:
    sound_base(tmp_path)
    write(tmp_path, "h2.yaml", page("heuristic/other", ("require_env", E)))
    problem = only(load_knowledge(tmp_path))
    assert problem.code == "unknown-relation"
    assert "(did you mean 'requires_env'?)" in problem.message


def test_duplicate_id_names_both_files(tmp_path: Path) -> None:
    sound_base(tmp_path)
    second = write(tmp_path, "z/h-copy.yaml", page(H, title="Copy"))
    problem = only(load_knowledge(tmp_path))
    assert (problem.file, problem.code, problem.line) == ("z/h-copy.yaml", "duplicate-id", 2)
    assert second.exists()
    assert problem.message == f"id '{H}' is already used by h.yaml"


@pytest.mark.parametrize("content", ["", "\n  \n", "# only a comment\n"])
def test_empty_file_is_reported(tmp_path: Path, content: str) -> None:
    write(tmp_path, "empty.yaml", content)
    problem = only(load_knowledge(tmp_path))
    assert problem.code == "empty-file"


def test_file_that_is_not_utf8_names_the_byte(tmp_path: Path) -> None:
    write(tmp_path, "latin1.yaml", "type: principle\ntitle: caf\xe9\n".encode("latin-1"))
    problem = only(load_knowledge(tmp_path))
    assert (problem.code, problem.line, problem.col) == ("not-utf8", 2, 11)
    assert "0xe9" in problem.message


def test_file_over_the_size_limit_is_not_parsed(tmp_path: Path) -> None:
    write(tmp_path, "big.yaml", page(H, description="x" * MAX_FILE_BYTES))
    problem = only(load_knowledge(tmp_path))
    assert problem.code == "too-large"
    assert f"{MAX_FILE_BYTES:,}-byte limit" in problem.message


def test_alias_bomb_is_refused_before_expansion(tmp_path: Path) -> None:
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for n in range(1, 9):
        prev, cur = chr(ord("a") + n - 1), chr(ord("a") + n)
        rows.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    write(tmp_path, "bomb.yaml", "\n".join(rows) + "\n")
    problem = only(load_knowledge(tmp_path))
    assert (problem.code, problem.line, problem.col) == ("yaml-anchor", 1, 4)


def test_python_object_tag_is_refused_and_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "constructed"
    text = (
        "type: principle\n"
        f"title: !!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path "
        f'["{marker}"]]\n'
    )
    write(tmp_path, "evil.yaml", text)
    problem = only(load_knowledge(tmp_path))
    assert (problem.code, problem.line, problem.col) == ("yaml-tag", 2, 8)
    assert "!!python/object/apply:pathlib.Path.touch is not allowed" in problem.message
    assert not marker.exists()


def test_duplicate_key_is_reported_not_silently_overwritten(tmp_path: Path) -> None:
    text = dump(page(H)) + "title: Second title\n"
    write(tmp_path, "h.yaml", text)
    problem = only(load_knowledge(tmp_path))
    assert problem.code == "duplicate-key"
    assert problem.line == len(text.splitlines())


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    write(tmp_path, "list.yaml", "- a\n- b\n")
    assert only(load_knowledge(tmp_path)).code == "not-a-page"


def test_orphan_page_is_a_warning_not_an_error(tmp_path: Path) -> None:
    sound_base(tmp_path)
    write(tmp_path, "lonely.yaml", page("principle/lonely"))
    result = load_knowledge(tmp_path)
    assert result.errors == []
    assert [w.code for w in result.warnings] == ["orphan-page"]
    assert "principle/lonely" in result.pages


def test_unknown_demo_is_reported_when_demos_are_known(tmp_path: Path) -> None:
    sound_base(tmp_path)
    write(tmp_path, "h.yaml", page(H, ("requires_env", E), demo="spawn_vs_frok"))
    problem = only(load_knowledge(tmp_path, demos=["spawn_vs_fork"]))
    assert problem.code == "unknown-demo"
    assert "(did you mean 'spawn_vs_fork'?)" in problem.message


def test_one_bad_file_never_hides_the_others(tmp_path: Path) -> None:
    sound_base(tmp_path)
    write(tmp_path, "a-bad.yaml", "type: [")
    write(tmp_path, "b-bad.yaml", b"\xff\xfe")
    result = load_knowledge(tmp_path)
    assert {p.code for p in result.errors} == {"yaml-syntax", "not-utf8"}
    assert set(result.pages) == {P, IMPL, H, E}


def test_problem_prints_as_file_line_col(tmp_path: Path) -> None:
    write(tmp_path, "h.yaml", page(H, type="heurstic"))
    assert str(only(load_knowledge(tmp_path))).startswith("h.yaml:1:7: error: ")


@pytest.mark.parametrize(
    ("name", "nested", "line"),
    [
        ("flow-500.yaml", "x: " + "[" * 500 + "]" * 500, 3),
        ("compact-500.yaml", "x:\n" + "- " * 500 + "a", 4),
        ("mapping-500.yaml", "x: " + "{a: " * 500 + "1" + "}" * 500, 3),
    ],
)
def test_deeply_nested_page_is_a_problem_and_the_others_load(
    tmp_path: Path, name: str, nested: str, line: int
) -> None:
    sound_base(tmp_path)
    bad = write(tmp_path, name, f"type: principle\nid: principle/deep\n{nested}\n")
    result = load_knowledge(tmp_path)
    problem = only(result)
    assert (problem.file, problem.code, problem.line) == (bad.name, "too-deep", line)
    assert f"more than {MAX_DEPTH} levels" in problem.message
    assert set(result.pages) == {P, IMPL, H, E}


def test_nesting_as_deep_as_the_size_limit_allows_is_a_problem_not_a_crash(
    tmp_path: Path,
) -> None:
    """libyaml's composer recursed once per level with no limit: 30,000 levels
    crashed the process with a segmentation fault; a 256 KiB file holds 131,072.
    Run in a child process, so a crash fails this test rather than the suite."""
    sound_base(tmp_path)
    levels = (MAX_FILE_BYTES - 100) // 2
    write(tmp_path, "deep.yaml", "x: " + "[" * levels + "]" * levels)
    write(tmp_path, "unclosed.yaml", "[" * (MAX_FILE_BYTES - 100))
    done = subprocess.run(
        [sys.executable, "-m", "graph", "check", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert "deep.yaml:1:" in done.stdout and "too deep" in done.stdout
    assert "unclosed.yaml:" in done.stdout
    assert "4 pages" in done.stdout.splitlines()[-1]
