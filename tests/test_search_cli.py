"""``python -m graph search`` and ``python -m graph path``, run as a person runs
them: a real process, its output and its exit code (0 found, 1 nothing found,
2 bad usage)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.kb import page, write

REPO = Path(__file__).resolve().parent.parent
H, E, ISLAND = "heuristic/use-spawn", "environment/linux", "principle/island"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "graph", *args], cwd=REPO, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root: Path = tmp_path_factory.mktemp("kb")
    write(root, "h.yaml", page(H, ("requires_env", E), title="Use spawn, not fork"))
    write(root, "e.yaml", page(E, title="Linux with glibc", overview="Fork\x1b[31m is red."))
    write(root, "i.yaml", page(ISLAND, title="An island"))
    return root


def test_search_prints_the_best_pages_with_the_sentence_that_matched() -> None:
    done = run("search", "RuntimeError: context has already been set", "--limit", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("1. multiprocessing.set_start_method(")
    assert "(implementation/multiprocessing-set-start-method, implementation)" in lines[0]
    assert "RuntimeError: context has already been set" in lines[1]
    assert lines[2].startswith("2. ")
    assert len(lines) == 4


def test_search_json_is_a_list_best_first_with_id_title_type_score_snippet() -> None:
    done = run("search", "polars hang", "--format", "json", "--limit", "3")
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)
    assert len(hits) == 3
    for hit in hits:
        assert {"id", "title", "type", "score", "snippet"} <= set(hit)
    assert [hit["score"] for hit in hits] == sorted((hit["score"] for hit in hits), reverse=True)
    assert "heuristic/polars-use-spawn-not-fork" in [hit["id"] for hit in hits]


def test_search_keeps_only_the_types_asked_for(small: Path) -> None:
    done = run("search", "fork", str(small), "--type", "environment", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert [hit["id"] for hit in json.loads(done.stdout)] == [E]


def test_search_that_finds_nothing_says_so_and_exits_1(small: Path) -> None:
    done = run("search", "zzqx", str(small))
    assert done.returncode == 1
    assert done.stdout == "No page matches 'zzqx'. No page has “zzqx”.\n"
    as_json = run("search", "多进程", str(small), "--format", "json")
    assert (as_json.returncode, json.loads(as_json.stdout)) == (1, [])


def test_search_whose_words_are_mostly_in_no_page_says_so_and_exits_1() -> None:
    done = run("search", "kubernetes helm chart")
    assert done.returncode == 1, done.stdout
    assert done.stdout.startswith(
        "No page matches 'kubernetes helm chart'. No page has “kubernetes” or “chart”."
    )
    as_json = run("search", "kubernetes helm chart", "--format", "json")
    assert (as_json.returncode, json.loads(as_json.stdout)) == (1, [])
    assert as_json.stderr.startswith("No page matches")


def test_search_says_what_a_typo_was_read_as() -> None:
    done = run("search", "forkservr preload", "--limit", "1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "“forkservr” read as “forkserver”."
    assert done.stdout.splitlines()[1].startswith("1. multiprocessing forkserver context")
    as_json = run("search", "forkservr preload", "--limit", "1", "--format", "json")
    assert as_json.stderr == "“forkservr” read as “forkserver”.\n"
    [hit] = json.loads(as_json.stdout)
    assert hit["id"] == "implementation/multiprocessing-set-forkserver-preload"


def test_search_output_never_carries_terminal_control_characters(small: Path) -> None:
    done = run("search", "red", str(small))
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout
    assert "Fork [31m is red." in done.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--type", "heurstic"], "argument --type: invalid choice: 'heurstic'"),
        (["--limit", "0"], "argument --limit: '0' is not a whole number of at least 1"),
        (["--limit", "ten"], "argument --limit: 'ten' is not a whole number of at least 1"),
        (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
    ],
)
def test_search_bad_usage_exits_2_naming_the_argument(args: list[str], message: str) -> None:
    done = run("search", "fork", *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_search_in_a_missing_folder_is_bad_usage(tmp_path: Path) -> None:
    done = run("search", "fork", str(tmp_path / "nope"))
    assert done.returncode == 2
    assert "no such folder" in done.stderr


def test_path_lists_each_step_with_its_relation(small: Path) -> None:
    done = run("path", E, H, str(small))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Linux with glibc → Use spawn, not fork: 1 shortest path of 1 step",
        "  Linux with glibc —required by→ Use spawn, not fork",
    ]


def test_path_json_gives_every_step_with_its_direction(small: Path) -> None:
    done = run("path", H, E, str(small), "--format", "json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["paths"] == [
        [
            {
                "from": H,
                "from_title": "Use spawn, not fork",
                "relation": "requires_env",
                "label": "Requires",
                "direction": "forward",
                "to": E,
                "to_title": "Linux with glibc",
            }
        ]
    ]


def test_path_between_unlinked_pages_says_so_and_exits_1(small: Path) -> None:
    done = run("path", H, ISLAND, str(small))
    assert done.returncode == 1
    assert done.stdout == (
        "No path: Use spawn, not fork and An island are not linked, not even through other pages.\n"
    )
    as_json = run("path", H, ISLAND, str(small), "--format", "json")
    assert (as_json.returncode, json.loads(as_json.stdout)["paths"]) == (1, [])


def test_path_to_itself_is_one_page(small: Path) -> None:
    done = run("path", H, H, str(small))
    assert (done.returncode, done.stdout) == (
        0,
        "Use spawn, not fork and Use spawn, not fork are one page.\n",
    )


def test_path_with_unknown_ids_exits_2_and_suggests_pages(small: Path) -> None:
    done = run("path", "heuristic/use-spwn", "linux", str(small))
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "python -m graph path: error: No page has the id `heuristic/use-spwn` (SOURCE); "
        f"did you mean `{H}`?",
        f"No page has the id `linux` (TARGET); did you mean `{E}`?",
    ]
