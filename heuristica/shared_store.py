"""Where several app servers share state: Redis, when ``HEURISTICA_REDIS_URL`` is set.

Live tour sessions (``tours.redis_store``) and the demo's limit on concurrent
runs (``demos.slots``) use one client per process, made here from the
environment. Unset, each server keeps that state in its own process.

The client connects lazily and gives up quickly (``SOCKET_TIMEOUT_S``): a
Redis that does not answer must cost a page a second at most, never hang it.
So a command is tried again once, at once, only when its connection broke (a
pooled connection to a Redis that restarted), never after a timeout: redis-py's
default of ten tries with back-off would turn a frozen Redis into a 15 s wait.
Messages name the URL with any password hidden.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

__all__ = [
    "ENV_VAR",
    "SOCKET_TIMEOUT_S",
    "SharedStore",
    "SharedStoreError",
    "StoreUnavailable",
    "shared_store_from_environment",
]

ENV_VAR = "HEURISTICA_REDIS_URL"
SOCKET_TIMEOUT_S = 1.0
KEY_PREFIX = "heuristica:"


class SharedStoreError(ValueError):
    """``HEURISTICA_REDIS_URL`` is set to something that is not a Redis URL."""


class StoreUnavailable(RuntimeError):
    """The shared store does not answer; ``message`` names it, for the reader."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SharedStore:
    """A Redis client and how to name it to a reader."""

    client: redis.Redis
    shown_url: str
    """The URL with any password replaced by ``***``."""
    prefix: str = KEY_PREFIX

    def unreachable(self, error: Exception) -> str:
        """The message for a Redis that did not answer."""
        reason = str(error).strip() or type(error).__name__
        return f"Redis at {self.shown_url} does not answer ({reason})"

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Turn redis-py's errors inside the block into StoreUnavailable naming the URL."""
        try:
            yield
        except redis.RedisError as error:
            raise StoreUnavailable(self.unreachable(error)) from error

    def ping(self) -> str | None:
        """None if Redis answers, else the message saying it does not."""
        try:
            self.client.ping()
        except redis.RedisError as error:
            return self.unreachable(error)
        return None


def hide_password(url: str) -> str:
    """``url`` with its password (if any) shown as ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}{port}"))


def shared_store(url: str) -> SharedStore:
    """A lazily connecting client for ``url``; SharedStoreError if it is no Redis URL."""
    shown = hide_password(url)
    try:
        client = redis.Redis.from_url(
            url,
            socket_timeout=SOCKET_TIMEOUT_S,
            socket_connect_timeout=SOCKET_TIMEOUT_S,
            health_check_interval=15,
            retry=Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,)),
            decode_responses=True,
        )
    except ValueError as error:
        raise SharedStoreError(
            f"{ENV_VAR}={shown!r} is not a Redis URL ({error}); "
            "expected e.g. redis://localhost:6379/0"
        ) from None
    return SharedStore(client, shown)


def shared_store_from_environment() -> SharedStore | None:
    """The shared store ``HEURISTICA_REDIS_URL`` names, or None when it is unset or empty."""
    url = os.environ.get(ENV_VAR, "").strip()
    return shared_store(url) if url else None
