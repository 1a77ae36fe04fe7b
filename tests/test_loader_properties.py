"""Property-based: whatever a page file holds (random YAML of any shape,
depth and size, a valid page with random damage, raw bytes), the loader
returns, with Problems that name the files, and never raises.

The deadline is generous (a slow shared machine must not fail these); it only
stops a case that would hang."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heuristica.kb.loader import MAX_FILE_BYTES, load_knowledge
from tests.kb import dump, page

SETTINGS = settings(
    max_examples=40,
    deadline=timedelta(seconds=30),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FIELDS = ["type", "id", "title", "domains", "links", "to", "relation", "insight", "steps", "x"]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.text(max_size=40),
    st.sampled_from(["principle", "heuristic/use-spawn", "requires_env", "2026-11-25", "~"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), inner, max_size=5),
    ),
    max_leaves=60,
)
"""Plain YAML data, with page field names among the keys."""


def nested(kind: str, depth: int) -> str:
    if kind == "flow":
        return "x: " + "[" * depth + "]" * depth
    if kind == "mapping":
        return "x: " + "{a: " * depth + "1" + "}" * depth
    return "x:\n" + "- " * depth + "a"


DEEP = st.builds(
    nested, st.sampled_from(["flow", "mapping", "block"]), st.integers(0, MAX_FILE_BYTES // 3)
)
DAMAGED_PAGE = st.builds(
    lambda text, at, cut, insert: text[:at] + insert + text[at + cut :],
    st.just(dump(page("heuristic/use-spawn", ("requires_env", "environment/linux")))),
    st.integers(0, 1_400),
    st.integers(0, 40),
    st.text(alphabet="[]{}:-'\"&*!|>%@` \n\t#?,", max_size=12),
)
CONTENT = st.one_of(
    VALUES.map(lambda value: yaml.safe_dump(value, allow_unicode=True)),
    DEEP,
    DAMAGED_PAGE,
    st.text(max_size=300),
    st.binary(max_size=300),
)


def check_load(contents: list[str | bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        names = []
        for index, content in enumerate(contents):
            name = f"tours/t{index}.yaml" if index % 4 == 3 else f"p{index}.yaml"
            path = root / name
            path.parent.mkdir(exist_ok=True)
            if isinstance(content, str):
                content = content.encode("utf-8", errors="surrogatepass")
            path.write_bytes(content)
            names.append(name)
        result = load_knowledge(root, demos=["spawn_vs_fork"])
    assert {problem.file for problem in result.problems} <= set(names)
    assert all(problem.message for problem in result.problems)
    for page_id, loaded in result.pages.items():
        assert loaded.id == page_id
        assert all(link.to in result.pages for link in loaded.links)
    for tour in result.tours.values():
        assert all(step.page in result.pages for step in tour.steps)


@SETTINGS
@given(st.lists(CONTENT, min_size=1, max_size=6))
def test_the_loader_returns_whatever_the_files_hold(contents: list[Any]) -> None:
    check_load(contents)


@SETTINGS
@given(DEEP)
def test_any_nesting_the_size_limit_allows_is_at_most_a_problem(text: str) -> None:
    check_load([f"type: principle\nid: principle/deep\n{text}\n"])
