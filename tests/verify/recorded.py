"""A small knowledge base verified for real and recorded, with one page of
each badge state: all checks hold, one fails, never verified, edited since."""

from __future__ import annotations

from pathlib import Path

from heuristica.checks.record import RECORD_FILE, write_record
from heuristica.checks.verify import verify
from heuristica.kb.loader import load_knowledge
from tests.kb import page, write

HOLDS = "heuristic/all-hold"
FAILS = "heuristic/one-fails"
NEVER = "environment/never-verified"
EDITED = "heuristic/edited-since"


def _check(name: str, printed: str, expected: str) -> dict[str, object]:
    return {
        "name": name,
        "claim": f"It prints {expected}.",
        "code": f"print({printed!r})\n",
        "expect": {"output": expected},
    }


def build(root: Path) -> Path:
    """Write the pages, verify all but NEVER, record, then edit EDITED."""
    write(root, "holds.yaml", page(HOLDS, ("requires_env", NEVER), checks=[_check("ok", "a", "a")]))
    checks = [_check("ok", "a", "a"), _check("wrong", "a", "b"), _check("also-ok", "c", "c")]
    write(root, "fails.yaml", page(FAILS, ("requires_env", NEVER), checks=checks))
    write(root, "never.yaml", page(NEVER, checks=[_check("ok", "a", "a")]))
    edited = page(EDITED, ("requires_env", NEVER), checks=[_check("ok", "a", "a")])
    write(root, "edited.yaml", edited)
    pages = [p for p in load_knowledge(root).pages.values() if p.id != NEVER]
    write_record(root / RECORD_FILE, pages, verify(pages))
    write(root, "edited.yaml", {**edited, "overview": "Changed after the run."})
    return root
