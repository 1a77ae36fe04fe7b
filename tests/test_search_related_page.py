"""The "How are these two related?" screen, run through the app shell by
Streamlit's AppTest on a small knowledge base: pickers, the URL, the list of
steps, "no path" and links that name no page."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Caption

from heuristica.ui.knowledge_base import ENV_VAR
from tests.explorer_links import COMPONENT, drawn_graph
from tests.kb import page, write

APP = Path(__file__).resolve().parent.parent / "heuristica" / "shell.py"
P, H, E, ISLAND = (
    "principle/fork-copies",
    "heuristic/use-spawn",
    "environment/linux",
    "principle/island",
)


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(tmp_path, "p.yaml", page(P, ("uses_heuristic", H), title="Fork copies one thread"))
    write(tmp_path, "h.yaml", page(H, ("requires_env", E), title="Use spawn, not fork"))
    write(tmp_path, "e.yaml", page(E, title="Linux with glibc"))
    write(tmp_path, "i.yaml", page(ISLAND, title="An island"))
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    return tmp_path


def related(**params: str) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.run()
    for name, value in params.items():
        app.query_params[name] = value
    app.switch_page("pages/related.py").run()
    assert not app.exception, app.exception
    return app


def chain(app: AppTest) -> list[str]:
    """The path as shown: page ids (from the links) and relation captions, in order."""
    shown: list[str] = []
    for element in app.main:
        if element.type == "bidi_component" and element.proto.component_name == COMPONENT:
            groups = json.loads(element.proto.json)["groups"]
            shown.extend(link["id"] for group in groups for link in group["links"])
        elif isinstance(element, Caption) and element.value.startswith("↓"):
            shown.append(element.value)
    return shown


def test_the_url_names_both_pages_and_the_steps_are_listed(small: Path) -> None:
    app = related(**{"from": P, "to": E})
    assert app.selectbox(key="related_from").value == P
    assert app.selectbox(key="related_to").value == E
    assert app.subheader[0].value == "1 shortest path, 2 links each"
    assert chain(app) == [P, "↓ uses heuristic", H, "↓ requires", E]
    # Nothing else is written on the screen (a stray string in the script would be).
    assert [m.value for m in app.main.markdown] == ["**Path 1**"]


def test_the_path_is_drawn_with_each_relation_named_from_the_first_page(small: Path) -> None:
    graph = drawn_graph(related(**{"from": E, "to": P}), "related_graph")
    ids = graph["nodes"]["id"]
    assert sorted(ids) == sorted([P, H, E])
    assert graph["focus"] == E
    assert graph["nodes"]["lit"] == [] and graph["nodes"]["dimmed"] == []
    named = {
        (ids[graph["edges"]["from"][i]], ids[graph["edges"]["to"][i]], label)
        for i, style, label in graph["edges"]["special"]
        if style == "path"
    }
    assert named == {(P, H, "Uses heuristic"), (H, E, "Requires")}


def test_walking_links_backwards_reads_their_inverse(small: Path) -> None:
    app = related(**{"from": E, "to": P})
    assert chain(app) == [E, "↓ required by", H, "↓ used by", P]


def test_picking_two_pages_puts_them_in_the_url(small: Path) -> None:
    app = related()
    assert [i.value for i in app.info] == ["Choose both pages to see how they are related."]
    app.selectbox(key="related_from").select(H).run()
    app.selectbox(key="related_to").select(E).run()
    assert (app.query_params["from"], app.query_params["to"]) == (H, E)
    assert chain(app) == [H, "↓ requires", E]


def test_swap_turns_the_question_around(small: Path) -> None:
    app = related(**{"from": H, "to": E})
    app.button[0].click().run()
    assert (app.query_params["from"], app.query_params["to"]) == (E, H)
    assert chain(app) == [E, "↓ required by", H]


def test_no_path_is_said_plainly(small: Path) -> None:
    app = related(**{"from": H, "to": ISLAND})
    assert [i.value for i in app.info] == [
        "No path: **Use spawn, not fork** and **An island** are not linked, "
        "not even through other pages."
    ]
    assert chain(app) == []


def test_an_unknown_id_in_the_link_is_named_with_a_suggestion(small: Path) -> None:
    app = related(**{"from": "heuristic/use-spwan", "to": E})
    [warning] = app.main.warning
    assert warning.value == (
        "No page has the id `heuristic/use-spwan` (from); did you mean `heuristic/use-spawn`?"
    )
    assert app.selectbox(key="related_from").value is None
    assert app.selectbox(key="related_to").value == E
