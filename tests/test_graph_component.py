"""ui.graph_component: reading the events the browser sends back."""

from __future__ import annotations

import pytest

from heuristica.ui.graph_component import EventKind, GraphEvent, parse_event


@pytest.mark.parametrize("kind", ["open", "expand", "collapse", "resend"])
def test_a_well_formed_event_is_read(kind: EventKind):
    value = {"kind": kind, "node": "heuristic/x", "nonce": "1-a-1"}
    assert parse_event(value) == GraphEvent(kind, "heuristic/x", "1-a-1")


@pytest.mark.parametrize(
    "value",
    [
        None,
        "open",
        {"kind": "delete", "node": "heuristic/x", "nonce": "1"},
        {"kind": "select", "node": "heuristic/x", "nonce": "1"},
        {"kind": "open", "node": 3, "nonce": "1"},
        {"kind": "open", "node": "heuristic/x"},
        {"kind": "open", "node": "heuristic/x", "nonce": 7},
    ],
)
def test_anything_else_is_ignored(value: object):
    assert parse_event(value) is None
