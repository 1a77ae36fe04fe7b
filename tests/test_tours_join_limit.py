"""The limit on codes that lead to no session: per client address, the same
for the in-process count and the count in a real redis-server shared by two
servers, and whom a connection counts as behind trusted and untrusted proxies."""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from heuristica.shared_store import shared_store
from heuristica.tours.join_limit import (
    JoinLimit,
    MemoryJoinLimit,
    RedisJoinLimit,
    client_address,
    refusal,
    trusted_proxies,
)
from tests.redis_server import RedisServer, redis_server

__all__ = ["redis_server"]

ATTEMPTS = 3
WINDOW = 1.0
"""Seconds. Redis counts by its own clock, so its tests wait until that clock
has moved on by the window (``redis_clock_passes``)."""
POLL_SECONDS = 0.02


@dataclass
class Limits:
    """Two servers' views of one limit, and a way to let the window pass."""

    here: JoinLimit
    there: JoinLimit
    let_window_pass: Callable[[], None]


@pytest.fixture(params=["memory", "redis"])
def limits(request: pytest.FixtureRequest) -> Iterator[Limits]:
    if request.param == "memory":
        now = [0.0]
        memory = MemoryJoinLimit(lambda: now[0], ATTEMPTS, WINDOW)

        def advance() -> None:
            now[0] += WINDOW

        yield Limits(memory, memory, advance)  # one process: "another server" is the same one
        return
    server: RedisServer = request.getfixturevalue("redis_server")
    here, there = (RedisJoinLimit(shared_store(server.url), ATTEMPTS, WINDOW) for _ in range(2))
    yield Limits(here, there, lambda: redis_clock_passes(server, WINDOW))


def redis_clock_passes(server: RedisServer, seconds: float) -> None:
    """Until Redis's own clock (``TIME``, which its scripts read) has moved on by
    ``seconds`` from now: the window is over when Redis says so, not ours."""
    client = shared_store(server.url).client

    def now() -> float:
        whole, micro = client.time()
        return whole + micro / 1e6

    until = now() + seconds
    while now() < until:
        time.sleep(POLL_SECONDS)


def test_an_address_that_failed_too_often_waits_on_every_server(limits: Limits) -> None:
    for attempt in range(ATTEMPTS):
        server = limits.here if attempt % 2 else limits.there
        assert server.wait_seconds("198.51.100.7") == 0
        assert server.failed("198.51.100.7") == attempt + 1
    for server in (limits.here, limits.there):
        assert 0 < server.wait_seconds("198.51.100.7") <= WINDOW
    assert limits.here.wait_seconds("198.51.100.8") == 0, "another address may try"
    limits.let_window_pass()
    assert limits.there.wait_seconds("198.51.100.7") == 0, "after the window it may try again"


def test_a_refusal_says_how_long_to_wait() -> None:
    assert refusal(41.6) == (
        "Too many codes that lead to no session from your address: wait 42 s before trying "
        "another, and check the code the presenter shows."
    )


PROXY = trusted_proxies("10.0.0.0/8, 2001:db8:ffff::1")


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "counted"),
    [
        ("203.0.113.9", [], PROXY, "203.0.113.9"),
        ("203.0.113.9", ["198.51.100.1"], PROXY, "203.0.113.9"),  # not a proxy: ignored
        ("10.0.0.5", ["198.51.100.1"], PROXY, "198.51.100.1"),
        ("10.0.0.5", ["198.51.100.1"], [], "10.0.0.5"),  # no proxy trusted: ignored
        ("10.0.0.5", ["6.6.6.6, 198.51.100.1, 10.0.0.6"], PROXY, "198.51.100.1"),
        ("10.0.0.5", ["6.6.6.6", "198.51.100.1"], PROXY, "198.51.100.1"),  # two headers
        ("10.0.0.5", ["10.0.0.7, 10.0.0.6"], PROXY, "10.0.0.7"),  # all trusted: the first
        ("10.0.0.5", ["nonsense, 10.0.0.6"], PROXY, "10.0.0.6"),
        ("2001:db8:1:2:3:4:5:6", [], PROXY, "2001:db8:1:2::/64"),
        ("2001:db8:ffff::1", ["2001:db8:7::9"], PROXY, "2001:db8:7::/64"),
        ("::ffff:203.0.113.9", [], PROXY, "203.0.113.9"),  # IPv4 on a dual-stack socket
    ],
)
def test_the_client_is_the_address_before_the_trusted_proxies(
    peer: str, forwarded: list[str], trusted: list, counted: str
) -> None:
    assert client_address(peer, forwarded, trusted) == counted


def test_every_address_of_one_ipv6_64_counts_as_one_client() -> None:
    block = ipaddress.ip_network("2001:db8:1:2::/64")
    clients = {client_address(str(block[n]), [], []) for n in (1, 2**20, 2**63)}
    assert clients == {"2001:db8:1:2::/64"}


def test_a_trusted_proxy_that_is_no_address_is_refused_naming_the_setting() -> None:
    with pytest.raises(ValueError, match=r"HEURISTICA_TRUSTED_PROXIES lists 'proxy\.local'"):
        trusted_proxies("10.0.0.1, proxy.local")
