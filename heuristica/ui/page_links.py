"""Links to pages in the explorer that behave as links do.

Each is a real URL, ``./?node=<id>``, relative to the app's root, where the
explorer lives (every other screen is one level below it). Copying one, or
opening it in a new tab, gives that page; a plain click opens it in place,
in the same browser session. ``st.page_link`` cannot do this for the
explorer: it writes the default page's URL as ``?node=...`` alone, which
resolves against the screen it is on (Browse, Tours), not the explorer.

A small v2 component (``ui/link_list/``, no iframe) draws the links; a plain
click comes back as a trigger and this module switches to the explorer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import quote

import streamlit as st

from heuristica.draw.render import TYPE_COLOURS
from heuristica.kb.markdown import visible_bidi
from heuristica.kb.model import Page
from heuristica.kb.text import plain_title
from heuristica.ui.frontend_files import component_from_files

__all__ = ["EXPLORE_PAGE", "LinkGroup", "PageLink", "explore_url", "page_links"]

EXPLORE_PAGE = "pages/explore.py"

_component = component_from_files("heuristica_page_links", "link_list", "links")


@dataclass(frozen=True)
class PageLink:
    page: Page
    prefix: str = ""
    """Said before the title, e.g. the relation: "Implemented by"."""
    text: str | None = None
    """Shown instead of the page title, e.g. "Open this page in the explorer"."""
    detail: str = ""
    """A second, smaller line."""


@dataclass(frozen=True)
class LinkGroup:
    heading: str | None
    links: Sequence[PageLink]


def explore_url(page_id: str) -> str:
    """The explorer's URL for ``page_id``, relative to any screen of the app."""
    return f"./?node={quote(page_id, safe='')}"


def page_links(groups: Sequence[LinkGroup], *, key: str, label: str) -> None:
    """Draw ``groups`` of links (``label`` names them for screen readers);
    a plain click on one switches to the explorer on that page."""
    shown = {link.page.id for group in groups for link in group.links}
    result = _component(
        key=key,
        data={"label": label, "groups": [_group(group) for group in groups]},
        default={},
        on_open_change=lambda: None,
    )
    opened = getattr(result, "open", None)
    if isinstance(opened, str) and opened in shown:
        st.switch_page(EXPLORE_PAGE, query_params={"node": opened})


def _group(group: LinkGroup) -> dict[str, object]:
    return {
        "heading": group.heading,
        "links": [
            {
                "id": link.page.id,
                "href": explore_url(link.page.id),
                "title": visible_bidi(link.text)
                if link.text is not None
                else plain_title(link.page.title),
                "prefix": link.prefix,
                "detail": link.detail,
                "kind": link.page.page_type.label,
                "colour": TYPE_COLOURS[link.page.page_type],
            }
            for link in group.links
        ],
    }
