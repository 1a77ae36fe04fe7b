"""The MCP server as an agent meets it: `python -m graph mcp FOLDER` started
and driven by the official SDK's own stdio client, one server per module."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from mcp import MCPError
from mcp.types import TextResourceContents

from tests.agent import Agent, connected, mcp_server, text
from tests.kb import page, write

REPO = Path(__file__).resolve().parent.parent
SPAWN = "heuristic/polars-use-spawn-not-fork"
MACOS = "environment/macos"
PICKLING = "principle/pickling-across-process-boundaries"
LONELY = "principle/lonely"
HOSTILE = "heuristic/hostile"
EDITED = "environment/edited"
CHECKED = "heuristic/checked"
TOOLS = {"search", "get_page", "neighbours", "find_path", "list_problems", "verification"}
CHECK = {
    "name": "prints-ok",
    "claim": "The program prints ok.",
    "code": "print('ok')",
    "expect": {"output": "ok"},
}


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped knowledge base, plus a page nothing links to, a page full of
    hostile Markdown, a page the edit test changes, and one broken file."""
    root = tmp_path_factory.mktemp("mcp") / "knowledge"
    shutil.copytree(REPO / "knowledge", root)
    write(root, "principle/lonely.yaml", page(LONELY, title="Lonely"))
    write(
        root,
        "heuristic/hostile.yaml",
        page(
            HOSTILE,
            ("requires_env", MACOS),
            title="Hostile <script>alert(1)</script>",
            overview="![pixel](https://tracker.example/p.png) [run](javascript:alert(1))"
            " <img src=x onerror=alert(1)>",
        ),
    )
    write(root, "environment/edited.yaml", page(EDITED, title="Before the edit"))
    write(root, "heuristic/checked.yaml", page(CHECKED, ("requires_env", MACOS), checks=[CHECK]))
    write(root, "heuristic/broken.yaml", "type: heuristic\nid: [\n")
    return root


@pytest.fixture(scope="module")
def client(kb: Path) -> Iterator[Agent]:
    with connected(mcp_server(kb)) as agent:
        yield agent


def structured(client: Agent, tool: str, **arguments: Any) -> dict[str, Any]:
    result = client.call(tool, **arguments)
    assert not result.is_error, text(result)
    assert result.structured_content is not None
    return result.structured_content


def markdown(client: Agent, page_id: str) -> str:
    result = client.call("get_page", id=page_id)
    assert not result.is_error, text(result)
    return text(result)


def test_tools_are_listed_read_only_with_their_arguments(client: Agent) -> None:
    tools = {tool.name: tool for tool in client.list_tools().tools}
    assert set(tools) == TOOLS
    assert all(t.annotations and t.annotations.read_only_hint for t in tools.values())
    search = tools["search"].input_schema
    assert search["required"] == ["query"]
    assert set(search["properties"]) == {"query", "type", "limit"}
    assert set(tools["neighbours"].input_schema["properties"]) == {"id", "depth", "relation"}


def test_search_finds_pages_best_first(client: Agent) -> None:
    found = structured(client, "search", query="spawn not fork", limit=3)
    assert found["hits"][0]["id"] == SPAWN
    assert len(found["hits"]) <= 3
    assert found["hits"][0]["snippet"] and found["hits"][0]["matched_in"]


def test_search_answers_with_the_sentence_that_matched_and_where(client: Agent) -> None:
    found = structured(client, "search", query="RuntimeError: context has already been set")
    hits = {hit["id"]: hit for hit in found["hits"]}
    claimed = hits["heuristic/set-start-method-once-or-pass-a-context"]
    assert claimed["matched_in"] == "Checks"
    assert "raises RuntimeError: context has already been set." in rendered(claimed["snippet"])
    assert "\\" not in claimed["snippet"], "plain text needs no escapes here"
    [lonely] = structured(client, "search", query="lonely")["hits"]
    assert (lonely["id"], lonely["matched_in"]) == (LONELY, "Title")


def test_search_says_how_it_read_the_query_and_finds_nothing_about_nothing_here(
    client: Agent,
) -> None:
    typo = structured(client, "search", query="forkservr preload", limit=1)
    assert typo["note"] == "“forkservr” read as “forkserver”."
    assert typo["hits"][0]["id"] == "implementation/multiprocessing-set-forkserver-preload"
    nothing = structured(client, "search", query="kubernetes helm chart")
    assert nothing["hits"] == []
    assert nothing["note"].startswith("No page has “kubernetes” or “chart”.")


def test_search_by_type_returns_only_that_type(client: Agent) -> None:
    found = structured(client, "search", query="fork", type="environment", limit=50)
    assert found["hits"], "the shipped base has environment pages about fork"
    assert {hit["type"] for hit in found["hits"]} == {"environment"}


def rendered(whole: str) -> str:
    """The Markdown as a permissive viewer shows it: CommonMark, raw HTML on."""
    return MarkdownIt("commonmark", {"html": True}).render(whole)


def test_get_page_is_whole_markdown_with_links_and_backlinks(client: Agent) -> None:
    whole = markdown(client, SPAWN)
    assert whole.startswith("# ")
    assert rendered(whole).startswith("<h1>Polars: use spawn, not fork, for multiprocessing</h1>\n")
    for heading in ("## Overview", "## The Insight", "## Reasoning", "## Sources"):
        assert heading in whole
    links = whole.split("## Links", 1)[1].split("## Backlinks", 1)
    assert f"(`requires_env`) → `{MACOS}`" in links[0]
    assert "Used by: `implementation/multiprocessing-get-context`" in links[1]
    assert "(`uses_heuristic` → this page)" in links[1]


def test_get_page_text_is_inert(client: Agent) -> None:
    html = rendered(markdown(client, HOSTILE))
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, "the title shows as typed"
    assert '<a href="https://tracker.example/p.png">pixel</a>' in html, "an image is a link"
    found = structured(client, "search", query="hostile")
    snippet = next(hit["snippet"] for hit in found["hits"] if hit["id"] == HOSTILE)
    assert "<img" not in rendered(snippet) and 'href="javascript:' not in rendered(snippet)


def test_neighbours_follow_links_both_ways_within_depth(client: Agent) -> None:
    near = structured(client, "neighbours", id=MACOS)
    distances = {p["id"]: p["distance"] for p in near["pages"]}
    assert distances[MACOS] == 0 and distances[SPAWN] == 1
    assert set(distances.values()) == {0, 1}
    assert {"source": SPAWN, "relation": "requires_env", "target": MACOS} in near["links"]
    deeper = structured(client, "neighbours", id=MACOS, depth=2)
    assert len(deeper["pages"]) > len(near["pages"])


def test_neighbours_by_relation_follow_only_that_relation(client: Agent) -> None:
    near = structured(client, "neighbours", id=SPAWN, relation="requires_env")
    types = {p["type"] for p in near["pages"] if p["id"] != SPAWN}
    assert types == {"environment"}
    assert {link["relation"] for link in near["links"]} == {"requires_env"}


def test_find_path_names_each_link_as_written(client: Agent) -> None:
    path = structured(client, "find_path", source=MACOS, target=PICKLING)
    ids = [p["id"] for p in path["pages"]]
    assert path["found"] and ids[0] == MACOS and ids[-1] == PICKLING
    assert len(path["links"]) == len(ids) - 1
    for (a, b), link in zip(pairwise(ids), path["links"], strict=True):
        assert {link["source"], link["target"]} == {a, b}


def test_find_path_between_unconnected_pages_is_an_answer_not_an_error(
    client: Agent,
) -> None:
    path = structured(client, "find_path", source=LONELY, target=SPAWN)
    assert (path["found"], path["pages"], path["links"]) == (False, [], [])


def test_list_problems_names_file_and_line(client: Agent, kb: Path) -> None:
    problems = structured(client, "list_problems")
    broken = [p for p in problems["problems"] if p["file"].endswith("broken.yaml")]
    assert broken and broken[0]["line"] == 3 and broken[0]["severity"] == "error"
    assert problems["errors"] >= 1 and problems["warnings"] >= 1


def test_unknown_id_is_a_tool_error_naming_the_closest_ids(client: Agent) -> None:
    result = client.call("get_page", id="heuristic/polars-use-spawn-not-frok")
    assert result.is_error
    assert "'heuristic/polars-use-spawn-not-frok' is not a page" in text(result)
    assert f"the closest ids: {SPAWN}" in text(result)
    result = client.call("find_path", source=SPAWN, target="principle/nope")
    assert result.is_error and "target 'principle/nope' is not a page" in text(result)


@pytest.mark.parametrize(
    ("tool", "arguments", "says"),
    [
        ("search", {"query": "fork", "limit": "many"}, "limit"),
        ("search", {"query": "fork", "type": "recipe"}, "type"),
        ("search", {"limit": 3}, "query"),
        ("neighbours", {"id": SPAWN, "depth": 99}, "depth"),
        ("neighbours", {"id": SPAWN, "relation": "likes"}, "relation 'likes' is not one of"),
        ("get_page", {"id": 7}, "id"),
    ],
)
def test_malformed_argument_is_a_clear_tool_error(
    client: Agent, tool: str, arguments: dict[str, Any], says: str
) -> None:
    result = client.call(tool, **arguments)
    assert result.is_error
    assert says in text(result)


def test_pages_are_resources_with_the_same_markdown(client: Agent) -> None:
    resources = {str(r.uri): r for r in client.list_resources().resources}
    uri = f"heuristica://page/{SPAWN}"
    assert resources[uri].name == SPAWN and resources[uri].mime_type == "text/markdown"
    contents = client.read_resource(uri).contents[0]
    assert isinstance(contents, TextResourceContents)
    assert contents.text == markdown(client, SPAWN)


def test_unknown_resource_names_the_closest_ids(client: Agent) -> None:
    with pytest.raises(MCPError, match=f"the closest ids: {MACOS}"):
        client.read_resource("heuristica://page/environment/macoss")


def test_an_edited_page_is_seen_on_the_next_call(client: Agent, kb: Path) -> None:
    assert markdown(client, EDITED).startswith("# Before the edit\n")
    write(kb, "environment/edited.yaml", page(EDITED, title="After the edit"))
    assert markdown(client, EDITED).startswith("# After the edit\n")
    write(kb, "environment/added.yaml", page("environment/added", title="Added while serving"))
    found = structured(client, "search", query="added while serving")
    assert found["hits"][0]["id"] == "environment/added"
    resources = {str(r.uri) for r in client.list_resources().resources}
    assert "heuristica://page/environment/added" in resources


def verify_and_record(kb: Path, page_id: str) -> None:
    """What a team runs: ``verify --record`` writes the folder's verification.json
    (it exits 1 here: the folder also holds a broken page)."""
    done = subprocess.run(
        [sys.executable, "-m", "graph", "verify", str(kb), "--page", page_id, "--record"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert f"holds    {page_id}" in done.stdout, done.stdout + done.stderr
    assert "recorded 1 pages" in done.stderr


def test_verification_reports_the_recorded_run_until_the_page_changes(
    client: Agent, kb: Path
) -> None:
    before = structured(client, "verification", id=CHECKED)
    assert (before["state"], before["run"]) == ("not_verified", None)
    verify_and_record(kb, CHECKED)
    state = structured(client, "verification", id=CHECKED)
    assert state["state"] == "verified" and state["text"].startswith("Verified on CPython")
    assert state["summary"].startswith("Holds on CPython ")  # the panel's line, same record
    assert state["run"]["cell"] is None  # a plain verify, not a matrix cell
    (check,) = state["run"]["checks"]
    assert check == check | {"name": "prints-ok", "claim": CHECK["claim"], "status": "holds"}
    edited = page(CHECKED, ("requires_env", MACOS), title="Checked, then edited", checks=[CHECK])
    write(kb, "heuristic/checked.yaml", edited)
    stale = structured(client, "verification", id=CHECKED)
    assert stale["state"] == "stale" and stale["text"].startswith("Edited after its last")


def test_a_page_without_checks_has_nothing_to_verify(client: Agent) -> None:
    state = structured(client, "verification", id=LONELY)
    assert (state["state"], state["run"]) == ("nothing_to_verify", None)


def test_an_unreadable_record_is_a_tool_error_naming_the_file(client: Agent, kb: Path) -> None:
    record = kb / "verification.json"
    kept = record.read_bytes() if record.exists() else None
    record.write_text("{not json", encoding="utf-8")
    try:
        result = client.call("verification", id=CHECKED)
        assert result.is_error
        assert "verification.json:1:2: warning: the verification record is not valid JSON" in (
            text(result)
        )
    finally:
        record.unlink()
        if kept is not None:
            record.write_bytes(kept)
