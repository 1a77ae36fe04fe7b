"""A lightweight browser stand-in that speaks Streamlit's websocket protocol.

It does what the page's JavaScript does for the parts a tour follower needs:
opens ``/_stcore/stream``, asks for a run of a page with a query string and
widget values, applies ``page_info_changed`` (the URL the script wrote) the
way the browser does, and re-sends a fragment's run every ``run_every``
seconds when the server asks for it (``auto_rerun``), exactly as the
frontend's timer does. It draws nothing: it only remembers the text of the
elements it is sent, so a benchmark can run a hundred of them and a test can
send requests in an order a browser only produces under load.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

__all__ = ["StreamlitClient", "Widget"]


T = TypeVar("T")


@dataclass(frozen=True)
class Widget:
    """A widget the server drew: its id, what kind it is, its label and the
    fragment it was drawn in ("" outside any)."""

    id: str
    kind: str
    label: str
    fragment_id: str = ""


@dataclass
class StreamlitClient:
    """One browser session: connect, ask for runs, read what was drawn."""

    url: str
    page: str
    query_string: str = ""
    texts: list[str] = field(default_factory=list)
    """Text of every element drawn in the current full run (markdown, progress, ...)."""
    widgets: dict[str, Widget] = field(default_factory=dict)
    """By label, the widgets of the latest full run."""
    runs_finished: int = 0
    full_runs_started: int = 0
    """Runs of the whole page (the app script, then the page) the server started."""
    fragment_runs_started: int = 0
    """Runs of fragments alone the server started (its own wake-ups included)."""
    fragment_runs_requested: int = 0
    on_text: Callable[[str], None] = lambda text: None
    values: dict[str, WidgetState] = field(default_factory=dict)
    """By label, the values this client has typed into widgets: sent with every
    request, as the browser sends the state of every widget it shows."""
    _page_script_hash: str = ""
    _websocket: websockets.ClientConnection | None = None
    _reader: asyncio.Task[None] | None = None
    _timers: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    _finished: asyncio.Event = field(default_factory=asyncio.Event)

    async def connect(self) -> None:
        stream = re.sub(r"^http", "ws", self.url) + "/_stcore/stream"
        self._websocket = await websockets.connect(
            stream, subprotocols=[websockets.Subprotocol("streamlit")], max_size=None
        )
        self._reader = asyncio.create_task(self._read())

    async def close(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        if self._websocket is not None:
            await self._websocket.close()

    async def run(self, *, widget_states: list[WidgetState] | None = None) -> None:
        """Ask for a full run, as a page load or a widget change does."""
        await self._send(widget_states or [], fragment_id="")

    def set_number(self, label: str, value: float) -> None:
        """Type ``value`` into the number field labelled ``label`` (sent with the next request)."""
        self.values[label] = WidgetState(id=self.widgets[label].id, double_value=value)

    async def choose(self, label: str, option: str) -> None:
        """Pick ``option`` (as drawn) in the radio labelled ``label``; kept and sent
        with every later request, as the browser does."""
        widget = self.widgets[label]
        self.values[label] = WidgetState(id=widget.id, string_value=option)
        await self._send([], fragment_id=widget.fragment_id, auto=False)

    async def click(self, label: str) -> None:
        """Press the button labelled ``label`` (its trigger goes with the current
        URL; a button drawn in a fragment asks for a run of that fragment, as
        the browser does)."""
        widget = self.widgets[label]
        await self._send(
            [WidgetState(id=widget.id, trigger_value=True)],
            fragment_id=widget.fragment_id,
            auto=False,
        )

    async def wait_for_runs(self, count: int, timeout: float) -> None:
        """Until ``count`` runs (full or fragment) have finished since connecting."""
        deadline = time.monotonic() + timeout
        while self.runs_finished < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{self.runs_finished} of {count} runs within {timeout} s")
            self._finished.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._finished.wait(), min(remaining, 0.5))

    async def wait_for_text(self, pattern: str, timeout: float) -> str:
        """The first drawn text matching ``pattern``, waiting up to ``timeout`` s for it."""
        return await self._wait_for(
            lambda: next((t for t in reversed(self.texts) if re.search(pattern, t)), None),
            f"no text matching {pattern!r} within {timeout} s",
            timeout,
        )

    async def wait_for_widget(self, label: str, timeout: float) -> Widget:
        """The widget labelled ``label``, waiting up to ``timeout`` s for it to be
        drawn (a text above it can come before the run reaches it)."""
        return await self._wait_for(
            lambda: self.widgets.get(label), f"no widget {label!r} within {timeout} s", timeout
        )

    async def _wait_for(self, found: Callable[[], T | None], failure: str, timeout: float) -> T:
        deadline = time.monotonic() + timeout
        while True:
            value = found()
            if value is not None:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(failure)
            self._finished.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._finished.wait(), remaining)

    async def _send(
        self, widget_states: list[WidgetState], fragment_id: str, auto: bool = True
    ) -> None:
        assert self._websocket is not None, "connect() first"
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = self.query_string
        rerun.page_name = self.page
        rerun.page_script_hash = self._page_script_hash
        rerun.widget_states.widgets.extend([*self.values.values(), *widget_states])
        if fragment_id:
            rerun.fragment_id = fragment_id
            rerun.is_auto_rerun = auto
        await self._websocket.send(message.SerializeToString())

    async def _read(self) -> None:
        assert self._websocket is not None
        async for raw in self._websocket:
            assert isinstance(raw, bytes)
            message = ForwardMsg()
            message.ParseFromString(raw)
            self._handle(message)

    def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            if message.metadata.run.fragment_ids:
                self.fragment_runs_started += 1
            else:
                self.full_runs_started += 1
                self.texts = []
        elif kind == "delta":
            self._remember(message)
        elif kind == "navigation":
            self._page_script_hash = message.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "script_finished":
            self.runs_finished += 1
            self._finished.set()
        elif kind == "auto_rerun":
            self._start_timer(message.auto_rerun.fragment_id, message.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            for fragment_id in message.stop_auto_rerun.fragment_ids:
                timer = self._timers.pop(fragment_id, None)
                if timer is not None:
                    timer.cancel()

    def _remember(self, message: ForwardMsg) -> None:
        element = message.delta.new_element
        kind = element.WhichOneof("type")
        if kind is None:
            return
        body = getattr(element, kind)
        text = next(
            (str(getattr(body, name)) for name in ("body", "text", "label") if hasattr(body, name)),
            "",
        )
        if text:
            self.texts.append(text)
            self.on_text(text)
        if hasattr(body, "id") and body.id and hasattr(body, "label"):
            self.widgets[body.label] = Widget(body.id, kind, body.label, message.delta.fragment_id)

    def _start_timer(self, fragment_id: str, interval: float) -> None:
        if fragment_id in self._timers:
            return

        async def tick() -> None:
            while True:
                await asyncio.sleep(interval)
                self.fragment_runs_requested += 1
                await self._send([], fragment_id=fragment_id)

        self._timers[fragment_id] = asyncio.create_task(tick())
