"""A drawing lost on its way to the browser is asked for until it comes.

Python sends the graph's drawing only when it changed, and remembers that it
sent it. Streamlit drops a run's messages that have not yet left the server
when the next run starts (``AppSession._clear_queue`` at SCRIPT_STARTED), so
a run cut short by a click can "send" a drawing that never arrives: the
graph then showed the previous drawing, and asked for the new one once. If
the run answering that ask was cut short too, it never asked again, and the
graph stayed wrong for good (a toggle of "Whole graph" left the whole graph
on screen for two minutes in a CI rehearsal on a loaded machine).

Here the loss is made on purpose, twice: the browser's connection to the
server spoils the drawing in the messages that carry one (a byte of its JSON,
so the frame cannot read it: to the frame, it never came, while the element
itself arrives, as it does from the run that cut the first one short), and
other clicks make the runs that follow, as on a busy machine.
"""

from __future__ import annotations

import threading
import time

from playwright.sync_api import Page

from tests.e2e.locators import run_finished
from tests.e2e.websocket import open_through

DRAWING = b'{"focus":'  # how the drawing's JSON starts (heuristica.draw.render.drawing_data)
SPOILED = b'{"focus";'  # the same length: the message stays whole, the JSON does not
DEADLINE_S = 60.0


class Dropper:
    """Spoils the drawing in the next ``armed`` messages from the server that carry one."""

    def __init__(self) -> None:
        self.armed = 0
        self.dropped = 0
        self.lock = threading.Lock()

    def __call__(self, message: bytes) -> bytes:
        with self.lock:
            if self.armed and DRAWING in message:
                self.armed -= 1
                self.dropped += 1
                return message.replace(DRAWING, SPOILED, 1)
        return message

    def wait_dropped(self, page: Page, count: int) -> None:
        deadline = time.monotonic() + DEADLINE_S
        while self.dropped < count:
            assert time.monotonic() < deadline, f"{self.dropped} of {count} drawings dropped"
            page.wait_for_timeout(50)


def test_a_drawing_lost_twice_on_its_way_is_asked_for_until_it_comes(page: Page, app_url: str):
    dropper = Dropper()
    frame = open_through(page, f"{app_url}/", dropper)
    shown = frame.evaluate("network.body.data.nodes.length")
    dropper.armed = 2
    page.get_by_text("Whole graph").click()  # a new drawing, lost on its way
    dropper.wait_dropped(page, 1)
    run_finished(page)
    # A run that does not change the drawing: the frame finds it lacks the
    # current one and asks; the answer is lost too.
    page.get_by_text("Beside the page").click()
    dropper.wait_dropped(page, 2)
    run_finished(page)
    assert frame.evaluate("network.body.data.nodes.length") == shown  # still the old drawing
    page.get_by_text("Wide graph").click()  # another run: the frame asks again
    frame.wait_for_function(
        "n => document.body.dataset.ready === '1' && network.body.data.nodes.length > n",
        arg=shown,
        timeout=DEADLINE_S * 1000,
    )
