"""An MCP client as an agent runs one: the official SDK's ``Client`` over stdio,
driven from synchronous tests.

The client's event loop runs in its own thread (an anyio blocking portal), so
the tests work whatever else holds the main thread's loop, such as the browser
tests' Playwright session.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from anyio.from_thread import BlockingPortal, start_blocking_portal
from mcp import Client, StdioServerParameters
from mcp.types import (
    CallToolResult,
    ListResourcesResult,
    ListToolsResult,
    ReadResourceResult,
    TextContent,
)

__all__ = ["Agent", "connected", "mcp_server", "text"]

T = TypeVar("T")
REPO = Path(__file__).resolve().parent.parent


class Agent:
    """Blocking calls to an MCP server through a connected ``Client``."""

    def __init__(self, portal: BlockingPortal, client: Client) -> None:
        self._portal, self._client = portal, client

    def _run(self, call: Callable[..., Coroutine[Any, Any, T]], *args: Any) -> T:
        return self._portal.call(call, *args)

    def list_tools(self) -> ListToolsResult:
        return self._run(self._client.list_tools)

    def call(self, tool: str, **arguments: Any) -> CallToolResult:
        result = self._run(self._client.call_tool, tool, arguments)
        assert isinstance(result, CallToolResult)
        return result

    def list_resources(self) -> ListResourcesResult:
        return self._run(self._client.list_resources)

    def read_resource(self, uri: str) -> ReadResourceResult:
        result = self._run(self._client.read_resource, uri)
        assert isinstance(result, ReadResourceResult)
        return result


def mcp_server(folder: Path) -> StdioServerParameters:
    """``python -m graph mcp folder``, run from this checkout, as a client starts it."""
    return StdioServerParameters(
        command=sys.executable, args=["-m", "graph", "mcp", str(folder)], cwd=REPO
    )


@contextmanager
def connected(server: StdioServerParameters) -> Iterator[Agent]:
    """An agent connected to the server that ``server`` starts, until the block ends."""
    with (
        start_blocking_portal() as portal,
        portal.wrap_async_context_manager(Client(server, read_timeout_seconds=120)) as client,
    ):
        yield Agent(portal, client)


def text(result: CallToolResult) -> str:
    """The text of a tool's answer (its first content block)."""
    block = result.content[0]
    assert isinstance(block, TextContent)
    return block.text
