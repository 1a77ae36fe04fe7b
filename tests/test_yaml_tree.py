"""A page's YAML read in one pass: plain scalars resolved while values are
built (not while libyaml composes), places found in one walk, anchors looked
for only where one can start, the depth bound at its line and column."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml

from heuristica.kb import yaml_tree
from heuristica.kb.loader import MAX_DEPTH, parse_file
from heuristica.kb.yaml_tree import Refused, compose, construct, locate, places

SCALARS = """\
a: yes
b: 12
c: 1.5
d: ~
e: 2026-12-07
f: "yes"
g: 'no'
h: plain words
i: [1, two, true, null, 0x1F, .inf, "3"]
j: {k: off, l: '2026-12-07'}
"""


def test_plain_scalars_are_read_as_libyaml_and_pyyaml_read_them() -> None:
    assert construct(compose(SCALARS)) == yaml.load(SCALARS, Loader=yaml.CSafeLoader)


@pytest.mark.parametrize(
    ("text", "code", "where"),
    [
        ("1: a\n", "yaml-key", (1, 1)),
        ("a: b\ntrue: c\n", "yaml-key", (2, 1)),
        ("a: b\n~: c\n", "yaml-key", (2, 1)),
        ("a: b\n<<: c\n", "yaml-key", (2, 1)),
        ("a: b\nc: =\n", "yaml-tag", (2, 4)),
        ("a: b\nc: [1, <<]\n", "yaml-tag", (2, 8)),
    ],
)
def test_a_plain_key_or_value_that_resolves_to_no_page_value_is_refused_where_it_is(
    text: str, code: str, where: tuple[int, int]
) -> None:
    with pytest.raises(Refused) as refused:
        construct(compose(text))
    assert (refused.value.code, refused.value.mark.line, refused.value.mark.col) == (code, *where)


def test_places_are_where_locate_finds_each_value() -> None:
    text = "id: x\nlinks:\n  - to: a\n    relation: r\n  - {to: b, relation: s}\ntitle: t\n"
    root = compose(text)
    locs: list[tuple[str | int, ...]] = [
        ("id",),
        ("demo",),
        ("links", 1, "to"),
        ("links", 0, "relation"),
        ("links", 5, "to"),
        ("title", 0),
    ]
    found = places(root, locs)
    expected = {".".join(map(str, loc)): locate(root, loc, at_key=False) for loc in locs}
    assert found == {name: (at.line, at.col) for name, at in expected.items()}
    assert found["links.1.to"] == (5, 10)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: &x 1\n", (1, 4)),
        ("a: [&x 1]\n", (1, 5)),
        ("a: [1,&x 2]\n", (1, 7)),
        ('a: {"b":&x 1}\n', (1, 9)),
        ("&x a: 1\n", (1, 1)),
        ("\ufeff&x a: 1\n", (1, 1)),
        ("a:\n\t- &x 1\n".replace("\t", "  "), (2, 5)),
    ],
)
def test_an_anchor_anywhere_one_can_start_is_refused_at_its_place(
    text: str, where: tuple[int, int]
) -> None:
    with pytest.raises(Refused) as refused:
        yaml_tree.refuse_anchors(text)
    assert (refused.value.code, refused.value.mark.line, refused.value.mark.col) == (
        "yaml-anchor",
        *where,
    )


def test_an_ampersand_in_prose_is_not_walked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    walks: list[str] = []
    real_events = yaml_tree._events

    def counted(text: str) -> Iterator[yaml.Event]:
        walks.append(text)
        return real_events(text)

    monkeypatch.setattr(yaml_tree, "_events", counted)
    yaml_tree.refuse_anchors("title: R&D at AT&T\nurl: https://x.org/?a=1&b=2\n")
    assert walks == []
    with pytest.raises(Refused):
        yaml_tree.refuse_anchors("title: R&D\nlinks: &l []\n")
    assert len(walks) == 1


@pytest.mark.parametrize(
    "nested",
    ["x: " + "[" * 40 + "]" * 40, "x: " + "[" * 500 + "]" * 500],
    ids=["bounded while building", "bounded before composing"],
)
def test_the_depth_bound_names_the_line_and_column_of_the_first_level_too_deep(
    nested: str,
) -> None:
    parsed = parse_file(f"type: principle\nid: principle/deep\n{nested}\n", "deep.yaml")
    (problem,) = parsed.problems
    first_bracket = len("x: ") + 1
    assert (problem.code, problem.line, problem.col) == ("too-deep", 3, first_bracket + MAX_DEPTH)
