"""The app's websocket as a test sees it: Playwright's ``route_web_socket``
between the page and the real server, every message forwarded both ways,
each of the server's first handed to ``change`` (which may read it, or
return other bytes to send in its place)."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Frame, Page, WebSocketRoute

from tests.e2e.locators import graph_frame, run_finished

STREAM = re.compile(r".*/_stcore/stream")


def open_through(page: Page, url: str, change: Callable[[bytes], bytes]) -> Frame:
    """Open ``url`` (a screen with a graph) with the server's messages going
    through ``change``; the graph's frame once drawn and the run finished."""

    def route(ws: WebSocketRoute) -> None:
        server = ws.connect_to_server()

        def from_server(message: str | bytes) -> None:
            ws.send(change(message) if isinstance(message, bytes) else message)

        server.on_message(from_server)
        ws.on_message(server.send)

    page.route_web_socket(STREAM, route)
    page.goto(url)
    frame = graph_frame(page)
    run_finished(page)
    return frame
