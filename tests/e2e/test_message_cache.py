"""No message is sent as a reference to one the browser may have let go.

Streamlit sends a message of 10 kB or more that it believes the browser has
kept as a reference (``ref_hash``); a reference the browser no longer holds
is a "Connection error" dialog with no way back ("Cached ForwardMsg MISS",
met once in a CI rehearsal on a loaded machine). The app's settings turn that
off (``global.minCachedMessageSize``): here every message the server sends
while the whole graph is toggled on, off and on again (the drawing, tens of
kB, sent twice the same) is read off the real websocket and none is cacheable
or a reference.
"""

from __future__ import annotations

import threading

from playwright.sync_api import Page
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.e2e.locators import run_finished
from tests.e2e.websocket import open_through

LARGE = 10_000  # Streamlit's default minCachedMessageSize


class Recorder:
    """Reads each message the server sends."""

    def __init__(self) -> None:
        self.messages: list[ForwardMsg] = []
        self.sizes: list[int] = []
        self.lock = threading.Lock()

    def __call__(self, message: bytes) -> bytes:
        with self.lock:
            self.messages.append(ForwardMsg.FromString(message))
            self.sizes.append(len(message))
        return message


def test_no_message_is_cacheable_or_a_reference(page: Page, shipped_url: str):
    recorder = Recorder()
    frame = open_through(page, f"{shipped_url}/", recorder)
    for _ in range(3):
        before = frame.evaluate("document.body.dataset.revision")
        page.get_by_text("Whole graph").click()
        frame.wait_for_function(
            "r => document.body.dataset.ready === '1' && document.body.dataset.revision !== r",
            arg=before,
        )
        run_finished(page)
    with recorder.lock:
        messages, sizes = list(recorder.messages), list(recorder.sizes)
    assert max(sizes) > LARGE, "a message large enough to be cached was sent"
    assert [m.WhichOneof("type") for m in messages if m.WhichOneof("type") == "ref_hash"] == []
    assert [m.hash for m in messages if m.metadata.cacheable] == []
