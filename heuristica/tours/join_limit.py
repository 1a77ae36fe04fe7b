"""How many codes that lead to no session one client may try: ``JOIN_ATTEMPTS``
within ``JOIN_WINDOW_S``, then it waits.

A client is its network address, not its browser session: a script that opens
a fresh session (a new tab, a new websocket) for every guess gets no more
guesses than one browser. The count lives where the sessions do: in this
server process (``MemoryJoinLimit``), or in Redis (``RedisJoinLimit``), so
guesses spread over every app server add up.

Behind a reverse proxy every connection comes from the proxy. The address
then comes from ``X-Forwarded-For``, but only from proxies named in
``HEURISTICA_TRUSTED_PROXIES``: anyone can send that header, so it is read
from the right (the entries the trusted proxies added) and the first address
that is not a trusted proxy is the client. An IPv6 client counts as its /64,
the block one host or one home usually holds.

Why this is enough, with codes of ``CODE_LENGTH`` characters from an alphabet
of 31 (docs/tours.md has the arithmetic): one address may make 10 wrong
guesses a minute, 5.3 million a year; with 31**7 = 27.5 billion codes and
1,000 sessions live at once, finding any one takes 27.5 million guesses on
average, more than 5 years.
"""

from __future__ import annotations

import ipaddress
import os
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from typing import Protocol

from heuristica.shared_store import SharedStore

__all__ = [
    "JOIN_ATTEMPTS",
    "JOIN_WINDOW_S",
    "TRUSTED_PROXIES_ENV",
    "JoinLimit",
    "MemoryJoinLimit",
    "RedisJoinLimit",
    "client_address",
    "refusal",
    "trusted_proxies",
    "trusted_proxies_from_environment",
]

JOIN_ATTEMPTS = 10
"""Codes that lead to no session one client may try within ``JOIN_WINDOW_S``."""
JOIN_WINDOW_S = 60.0
TRUSTED_PROXIES_ENV = "HEURISTICA_TRUSTED_PROXIES"
IPV6_CLIENT_PREFIX = 64

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class JoinLimit(Protocol):
    """Failed joins per client, in a sliding window."""

    def wait_seconds(self, client: str) -> float:
        """0 if ``client`` may try a code now, else how long until it may."""
        ...

    def failed(self, client: str) -> int:
        """``client`` tried a well-formed code that leads to no session; how many
        it has tried within the window."""
        ...


def refusal(wait: float) -> str:
    """The message for a client that must wait ``wait`` seconds."""
    return (
        f"Too many codes that lead to no session from your address: wait {wait:.0f} s "
        "before trying another, and check the code the presenter shows."
    )


class MemoryJoinLimit:
    """The count in this server process."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        attempts: int = JOIN_ATTEMPTS,
        window: float = JOIN_WINDOW_S,
    ) -> None:
        self._clock, self._attempts, self._window = clock, attempts, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, client: str) -> float:
        with self._lock:
            now = self._clock()
            failures = self._recent(client, now)
            if len(failures) < self._attempts:
                return 0.0
            return self._window - (now - failures[0])

    def failed(self, client: str) -> int:
        with self._lock:
            now = self._clock()
            failures = self._failures[client] = self._recent(client, now)
            failures.append(now)
            return len(failures)

    def _recent(self, client: str, now: float) -> deque[float]:
        """The client's failures within the window (a client that stopped failing is forgotten)."""
        failures = self._failures.pop(client, deque())
        while failures and now - failures[0] >= self._window:
            failures.popleft()
        if failures:
            self._failures[client] = failures
        return failures


# KEYS[1]: the client's failures (a sorted set of failure ids scored by when,
# in ms by Redis's clock). ARGV: attempts, window ms, and for a failure its id.
_RECENT = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
"""
# Returns ms to wait, 0 if the client may try.
_WAIT = (
    _RECENT
    + """
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then return 0 end
local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
return window - (now - oldest)
"""
)
_FAILED = (
    _RECENT
    + """
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return redis.call('ZCARD', KEYS[1])
"""
)


class RedisJoinLimit:
    """The count in Redis, shared by every app server (key ``tour:join-failures:<client>``,
    expiring with the window)."""

    def __init__(
        self, shared: SharedStore, attempts: int = JOIN_ATTEMPTS, window: float = JOIN_WINDOW_S
    ) -> None:
        self._shared = shared
        self._args = [attempts, int(window * 1000)]
        self._wait = shared.client.register_script(_WAIT)
        self._failed = shared.client.register_script(_FAILED)

    def wait_seconds(self, client: str) -> float:
        with self._shared.answering():
            waiting_ms = self._wait(keys=[self._key(client)], args=self._args)
        return int(waiting_ms) / 1000

    def failed(self, client: str) -> int:
        with self._shared.answering():
            tried = self._failed(keys=[self._key(client)], args=[*self._args, uuid.uuid4().hex])
        return int(tried)

    def _key(self, client: str) -> str:
        return f"{self._shared.prefix}tour:join-failures:{client}"


def trusted_proxies(text: str) -> list[Network]:
    """The networks of ``text``, a comma-separated list of addresses and CIDR
    blocks ("10.0.0.5, 10.1.0.0/16, ::1"); ValueError naming the entry that is neither."""
    networks = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(
                f"{TRUSTED_PROXIES_ENV} lists {entry!r}, which is not an address or a network "
                "(expected e.g. 10.0.0.5, 10.1.0.0/16 or ::1)"
            ) from None
    return networks


def trusted_proxies_from_environment() -> list[Network]:
    """The proxies whose X-Forwarded-For is believed (``HEURISTICA_TRUSTED_PROXIES``,
    none if unset)."""
    return trusted_proxies(os.environ.get(TRUSTED_PROXIES_ENV, ""))


def client_address(peer: str, forwarded_for: Sequence[str], trusted: Sequence[Network]) -> str:
    """Whom to count a join against: ``peer`` (the address the connection comes
    from) unless it is a trusted proxy, then the right-most address of the
    ``X-Forwarded-For`` values that is not a trusted proxy (the left-most
    when all are). An IPv6 client is its /64."""
    client = _address(peer)
    if client is None:
        return peer
    hops = [hop.strip() for value in forwarded_for for hop in value.split(",")]
    for hop in reversed(hops):
        if not _is_trusted(client, trusted):
            break
        earlier = _address(hop)
        if earlier is None:  # a garbled entry: the proxy that passed it on is the client
            break
        client = earlier
    return _counted(client)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _is_trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, trusted: Sequence[Network]
) -> bool:
    return any(address.version == network.version and address in network for network in trusted)


def _counted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:  # an IPv4 client of a dual-stack socket
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(address)
