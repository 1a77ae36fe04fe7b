"""What the MCP server reads and writes on stdio, checked before the SDK sees it.

The official SDK (mcp 2.3.0, ``mcp.server.stdio``) validates each line it reads
as a JSON-RPC message and, when that fails, drops it without a word: a line
that is not JSON, an object that is no request, a request whose params are an
array all go unanswered, and a client that sent an id waits forever. It also
reads a line of any length, and its server has no public way to be given other
streams. So ``heuristica mcp`` wraps the transport at the level of the
process's file descriptors, and leaves the SDK as it is: while ``guarded_stdio``
is open, fd 0 and fd 1 are pipes. One thread reads the client's lines (each at
most ``MAX_MESSAGE_BYTES``), passes on those that are JSON-RPC messages as MCP
frames them, and answers the others itself with the error JSON-RPC 2.0 names:

- not UTF-8, not JSON: -32700 Parse error (id null: it could not be read);
- JSON that is not one request object (an array, a string, no method, a
  ``jsonrpc`` other than "2.0", an id that is neither a string nor an integer,
  params that are neither an object nor an array): -32600 Invalid Request;
- params that are an array: -32602 Invalid params (JSON-RPC allows them by
  position, MCP names every one);
- a line over the limit: -32600, read to its end but not kept, so one huge
  request costs the others nothing.

The error goes to the request's id when it could be read, else to null. A
malformed response or notification gets no answer (JSON-RPC forbids one) and
is reported on stderr. Another thread copies the SDK's replies to the client
a whole line at a time, with these answers between them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mcp.types import (
    INVALID_PARAMS,
    INVALID_REQUEST,
    PARSE_ERROR,
    jsonrpc_message_adapter,
)
from pydantic import ValidationError

__all__ = ["MAX_MESSAGE_BYTES", "Refusal", "guarded_stdio", "judge", "judge_oversized"]

MAX_MESSAGE_BYTES = 1 << 20
"""The longest line taken (1 MiB): far above any request this server needs."""
_CHUNK = 1 << 16
_ID_AT_START = re.compile(
    rb'\A\s*\{\s*(?:"jsonrpc"\s*:\s*"[^"]*"\s*,\s*)?"id"\s*:\s*(-?\d{1,18}|"(?:[^"\\]|\\.){0,200}")'
)
"""An id a line over the limit names first (or right after "jsonrpc"), as clients write it:
read there, it cannot be a key of something nested."""
_STOP_S = 0.05


@dataclass(frozen=True)
class Refusal:
    """The error a message gets instead of reaching the SDK; ``answer`` False
    for a message that must get none (a notification, a response)."""

    id: int | str | None
    code: int
    message: str
    answer: bool = True

    def line(self) -> bytes:
        error = {"code": self.code, "message": self.message}
        return json.dumps({"jsonrpc": "2.0", "id": self.id, "error": error}).encode() + b"\n"


def judge(line: bytes) -> Refusal | None:
    """None if ``line`` is a JSON-RPC message for the SDK, else how it is refused."""
    try:
        message = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        return Refusal(None, PARSE_ERROR, "Parse error: the message is not UTF-8")
    except (ValueError, RecursionError) as error:
        return Refusal(None, PARSE_ERROR, f"Parse error: not JSON ({error})")
    return _judge_message(message)


def judge_oversized(head: bytes, size: int) -> Refusal:
    """The refusal of a line of ``size`` bytes, over the limit, that begins with ``head``."""
    found = _ID_AT_START.match(head)
    request_id = json.loads(found.group(1)) if found else None
    return Refusal(
        request_id,
        INVALID_REQUEST,
        f"Invalid Request: the message is {size:,} bytes; this server takes at most "
        f"{MAX_MESSAGE_BYTES:,} bytes per message",
    )


_NO_ID = object()


def _judge_message(message: Any) -> Refusal | None:
    if isinstance(message, list):
        return Refusal(
            None, INVALID_REQUEST, "Invalid Request: MCP sends one message per line, not a batch"
        )
    if not isinstance(message, dict):
        return Refusal(None, INVALID_REQUEST, "Invalid Request: a message is a JSON object")
    raw_id = message.get("id", _NO_ID)
    if raw_id is not _NO_ID and not _valid_id(raw_id):
        return Refusal(
            None, INVALID_REQUEST, "Invalid Request: an id is a string or an integer, never null"
        )
    request_id = None if raw_id is _NO_ID else raw_id
    if "method" not in message:
        if "result" in message or "error" in message:
            return _judge_sdk(message, request_id, answer=False)
        return Refusal(request_id, INVALID_REQUEST, "Invalid Request: the message has no method")
    problem = _envelope_problem(message)
    if problem is not None:
        return Refusal(request_id, *problem)
    return _judge_sdk(message, request_id, answer=raw_id is not _NO_ID)


def _valid_id(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _envelope_problem(message: dict[str, Any]) -> tuple[int, str] | None:
    if message.get("jsonrpc") != "2.0":
        return INVALID_REQUEST, 'Invalid Request: "jsonrpc" must be "2.0"'
    if not isinstance(message["method"], str):
        return INVALID_REQUEST, "Invalid Request: the method is a string"
    params = message.get("params")
    if isinstance(params, list):
        return INVALID_PARAMS, "Invalid params: MCP names every parameter (an object, not an array)"
    if params is not None and not isinstance(params, dict):
        return INVALID_REQUEST, "Invalid Request: params are an object"
    return None


def _judge_sdk(
    message: dict[str, Any], request_id: int | str | None, answer: bool
) -> Refusal | None:
    """Whatever else the SDK's own message model refuses."""
    try:
        jsonrpc_message_adapter.validate_python(message, by_name=False)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the message"
        return Refusal(
            request_id, INVALID_REQUEST, f"Invalid Request: {where}: {first['msg']}", answer
        )
    return None


class _Output:
    """The client's side of stdout: whole lines, one writer at a time."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._lock = threading.Lock()

    def write(self, data: bytes) -> None:
        with self._lock:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view) :]


def _refuse(refusal: Refusal, output: _Output) -> None:
    if refusal.answer:
        output.write(refusal.line())
    else:
        print(f"heuristica mcp: ignored a message: {refusal.message}", file=sys.stderr, flush=True)


def _read_client(wire: int, to_sdk: int, output: _Output) -> None:
    """Pass the client's good lines to the SDK, answer the rest; close the SDK's
    input when the client closes its own. Of a line, at most one byte over the
    limit is kept: the rest is only counted."""
    line, size = bytearray(), 0
    try:
        while chunk := os.read(wire, _CHUNK):
            for index, part in enumerate(chunk.split(b"\n")):
                if index:  # a newline ended the line before this part
                    _take(bytes(line), size, to_sdk, output)
                    line, size = bytearray(), 0
                line += part[: MAX_MESSAGE_BYTES + 1 - len(line)]
                size += len(part)
        if size:
            _take(bytes(line), size, to_sdk, output)
    except OSError:
        pass  # the SDK stopped reading: nothing more to pass on
    finally:
        os.close(to_sdk)


def _take(line: bytes, size: int, to_sdk: int, output: _Output) -> None:
    """One line from the client, ``size`` bytes long (``line`` holds what was kept)."""
    if size > MAX_MESSAGE_BYTES:
        _refuse(judge_oversized(line[:_CHUNK], size), output)
        return
    if not line.strip():
        return
    refusal = judge(line)
    if refusal is not None:
        _refuse(refusal, output)
        return
    view = memoryview(line + b"\n")
    while view:
        view = view[os.write(to_sdk, view) :]


def _relay_sdk(from_sdk: int, output: _Output, stop: threading.Event) -> None:
    """Copy the SDK's replies to the client a whole line at a time, until told to
    stop and nothing is left to copy."""
    pending = b""
    while True:
        ready, _, _ = select.select([from_sdk], [], [], _STOP_S)
        if not ready:
            if stop.is_set():
                break
            continue
        chunk = os.read(from_sdk, _CHUNK)
        if not chunk:
            break
        *complete, pending = (pending + chunk).split(b"\n")
        if complete:
            output.write(b"".join(part + b"\n" for part in complete))
    if pending:
        output.write(pending)


@contextlib.contextmanager
def guarded_stdio() -> Iterator[None]:
    """Put the guard between the client (the real stdin and stdout) and
    whatever serves MCP on this process's stdio inside the block."""
    wire_in, wire_out = os.dup(0), os.dup(1)
    to_sdk_read, to_sdk = os.pipe()
    from_sdk, from_sdk_write = os.pipe()
    os.dup2(to_sdk_read, 0)
    os.dup2(from_sdk_write, 1)
    for fd in (to_sdk_read, from_sdk_write):
        os.close(fd)
    output = _Output(wire_out)
    stop = threading.Event()
    relay = threading.Thread(target=_relay_sdk, args=(from_sdk, output, stop), name="mcp-out")
    threading.Thread(
        target=_read_client, args=(wire_in, to_sdk, output), name="mcp-in", daemon=True
    ).start()
    relay.start()
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(wire_out, 1)  # the SDK's pipe end at fd 1 closes
        stop.set()
        relay.join()
        os.dup2(wire_in, 0)
