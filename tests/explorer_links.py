"""Read the links into the explorer (``ui.page_links``) that an AppTest run drew."""

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
