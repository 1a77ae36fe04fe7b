"""Bad input to the MCP server, as a careless or hostile client sends it:
`python -m graph mcp` started as a real stdio subprocess and spoken to in raw
JSON-RPC lines, and through the official SDK's client. Every request that
has an id gets an answer; one huge request does not hold up the others."""

from __future__ import annotations

import json
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from tests.agent import Agent, connected, mcp_server, text
from tests.e2e.harness import REPO

pytestmark = pytest.mark.faults

ANSWER_S = 30.0
"""How long an answer may take on a busy machine: a wait, not a speed claim."""
HUGE = 5_000_000


class RawClient:
    """A client that writes raw lines to the server's stdin and reads its lines back."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "graph", "mcp", str(REPO / "knowledge")],
            cwd=REPO,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._pending = b""

    def send(self, line: bytes | dict[str, Any]) -> None:
        data = line if isinstance(line, bytes) else json.dumps(line).encode()
        assert self.process.stdin is not None
        self.process.stdin.write(data + b"\n")
        self.process.stdin.flush()

    def answer(self, timeout: float = ANSWER_S) -> dict[str, Any]:
        """The next line the server writes, as JSON."""
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while b"\n" not in self._pending:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self.process.stdout], [], [], max(remaining, 0))
            assert ready, f"no answer within {timeout:g} s"
            chunk = self.process.stdout.read1(1 << 20)  # type: ignore[attr-defined]
            assert chunk, "the server closed its output"
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return json.loads(line)

    def answers(self, count: int) -> dict[Any, dict[str, Any]]:
        """The next ``count`` answers, by id."""
        found = [self.answer() for _ in range(count)]
        return {message.get("id"): message for message in found}

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=ANSWER_S)


def request(number: int, method: str, **params: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": number, "method": method, "params": params}


@pytest.fixture(scope="module")
def client() -> Iterator[RawClient]:
    raw = RawClient()
    raw.send(
        request(
            0,
            "initialize",
            protocolVersion="2025-06-18",
            capabilities={},
            clientInfo={"name": "fault-suite", "version": "1"},
        )
    )
    assert "result" in raw.answer(), "initialized"
    raw.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    yield raw
    raw.close()


@pytest.mark.parametrize(
    ("line", "answer_id", "code"),
    [
        (b"{not json", None, -32700),
        (b'{"jsonrpc": "2.0", "id": 5, "method": "ping"', None, -32700),
        (b"\xff\xfe not utf-8", None, -32700),
        (b"[]", None, -32600),
        (b'[{"jsonrpc": "2.0", "id": 6, "method": "ping"}]', None, -32600),
        (b'"ping"', None, -32600),
        (b'{"jsonrpc": "2.0", "id": 7}', 7, -32600),
        (b'{"jsonrpc": "1.0", "id": 8, "method": "ping"}', 8, -32600),
        (b'{"id": 9, "method": "ping"}', 9, -32600),
        (b'{"jsonrpc": "2.0", "id": 10, "method": 42}', 10, -32600),
        (b'{"jsonrpc": "2.0", "id": {"no": 1}, "method": "ping"}', None, -32600),
        (b'{"jsonrpc": "2.0", "id": 11, "method": "tools/call", "params": [1, 2]}', 11, -32602),
        (b'{"jsonrpc": "2.0", "id": 12, "method": "tools/call", "params": "get_page"}', 12, -32600),
        (b'{"jsonrpc": "2.0", "id": 13, "method": "tools/call", "params": {"x": 1}}', 13, -32602),
        (b'{"jsonrpc": "2.0", "id": "s", "method": "no/such/method"}', "s", -32601),
    ],
)
def test_every_malformed_message_gets_the_json_rpc_error_it_calls_for(
    client: RawClient, line: bytes, answer_id: Any, code: int
) -> None:
    client.send(line)
    client.send(request(1000, "ping"))
    answers = client.answers(2)
    assert answers[1000]["result"] == {}, "the server still answers"
    error = answers[answer_id]["error"]
    assert error["code"] == code, error
    assert error["message"]


def test_a_huge_argument_gets_a_short_clear_error_and_holds_up_no_one(client: RawClient) -> None:
    baseline = time.monotonic()
    client.send(request(20, "tools/call", name="search", arguments={"query": "fork"}))
    client.answers(1)
    alone = time.monotonic() - baseline

    huge = request(21, "tools/call", name="get_page", arguments={"id": "x" * HUGE})
    client.send(huge)
    sent = time.monotonic()
    client.send(request(22, "tools/call", name="search", arguments={"query": "fork"}))
    answers = client.answers(2)
    behind_the_huge_one = time.monotonic() - sent

    error = answers[21]["error"]
    assert error["code"] == -32600 and "bytes" in error["message"], error
    assert len(json.dumps(answers[21])) < 1000, "the argument is not echoed back"
    assert "result" in answers[22]
    assert behind_the_huge_one < alone + 1.0, (
        f"a search behind a {HUGE:,}-byte request took {behind_the_huge_one:.2f} s, "
        f"alone {alone:.2f} s"
    )


@pytest.mark.parametrize(
    ("tool", "arguments", "says"),
    [
        ("get_page", {"id": "heuristic/" + "x" * 5000}, "at most"),
        ("search", {"query": "fork " * 2000}, "at most"),
        ("find_path", {"source": "x" * 5000, "target": "y"}, "at most"),
    ],
)
def test_an_argument_over_its_limit_is_a_clear_tool_error_to_a_real_client(
    agent: Agent, tool: str, arguments: dict[str, Any], says: str
) -> None:
    result = agent.call(tool, **arguments)
    assert result.is_error
    assert says in text(result)
    assert len(text(result)) < 1000, "the argument is not echoed back"
    assert not agent.call("search", query="fork").is_error


@pytest.fixture(scope="module")
def agent() -> Iterator[Agent]:
    """The official SDK's client, connected over stdio."""
    with connected(mcp_server(REPO / "knowledge")) as connected_agent:
        yield connected_agent
