"""Read what an AppTest run drew: the links into the explorer (``ui.page_links``)
and the drawings sent to the graph component."""

from __future__ import annotations

import json
from typing import Any

from streamlit.testing.v1 import AppTest

COMPONENT = "heuristica_page_links"


def explorer_links(app: AppTest) -> list[tuple[str | None, dict[str, Any]]]:
    """(group heading, link) of every link into the explorer, in order; a link
    has ``id``, ``href``, ``title``, ``prefix``, ``detail``, ``kind``."""
    return [
        (group["heading"], link)
        for element in app.main
        if element.type == "bidi_component" and element.proto.component_name == COMPONENT
        for group in json.loads(element.proto.json)["groups"]
        for link in group["links"]
    ]


def drawn_graph(app: AppTest, key: str) -> dict[str, Any]:
    """The drawing data (``draw.render.drawing_data``) the graph component
    with ``key`` was sent on this run."""
    for element in app.main:
        if element.type == "component_instance" and element.proto.component_name.endswith(
            "heuristica_graph"
        ):
            args = json.loads(element.proto.json_args)
            sent = {arg.key: arg.bytes for arg in element.proto.special_args}
            if args["key"] == key and "drawing" in sent:
                return dict(json.loads(sent["drawing"]))
    raise AssertionError(f"no drawing sent to the graph {key!r}")
