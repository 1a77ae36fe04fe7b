"""Another app server holding a demo slot in Redis, as a process of its own
that a test can freeze (SIGSTOP) or kill (SIGKILL) like a real one."""

from __future__ import annotations

import subprocess
import sys

from heuristica import child_env

__all__ = ["server_holding_a_slot"]

LEASE_S = 1.0

_HOLD_A_SLOT = f"""
import sys, time
from heuristica.shared_store import shared_store
from heuristica.demos.slots import RedisRunSlots
slots = RedisRunSlots(shared_store(sys.argv[1]), 1, 5, lease={LEASE_S})
slots.wait_turn(slots.enqueue(), cancelled=lambda: False)
print("holding", flush=True)
time.sleep(600)
"""


def server_holding_a_slot(redis_url: str) -> subprocess.Popen[str]:
    """A process that holds the only slot (limit 1, leases of ``LEASE_S``) on
    ``redis_url``, once it holds it."""
    server = subprocess.Popen(
        [sys.executable, "-c", _HOLD_A_SLOT, redis_url],
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    assert server.stdout is not None
    assert server.stdout.readline().strip() == "holding"
    return server
