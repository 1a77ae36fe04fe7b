"""A scripted repository for the diff's tests: three linked pages and a tour
in a first commit, and a verification record written for one page's check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from heuristica.checks.recorded import (
    PageRun,
    Record,
    RecordedCheck,
    RecordedEnvironment,
    page_hash,
)
from heuristica.checks.run import Status
from heuristica.kb.loader import load_knowledge
from tests.git_repo import ScriptedRepo
from tests.kb import page

__all__ = ["CHECK", "IMPL", "H", "P", "record", "three_pages", "tour"]

P = "principle/fork-copies-one-thread"
IMPL = "implementation/get-context"
H = "heuristic/use-spawn"
CHECK: dict[str, object] = {"name": "prints-ok", "claim": "It prints ok.", "code": "print('ok')"}
CHECK["expect"] = {"output": "ok"}


def three_pages(top: Path) -> ScriptedRepo:
    """A repository whose first commit has three linked pages and a tour."""
    repo = ScriptedRepo(top)
    repo.write(f"{P}.yaml", page(P, ("implemented_by", IMPL), ("uses_heuristic", H)))
    repo.write(f"{IMPL}.yaml", page(IMPL, ("uses_heuristic", H)))
    repo.write(f"{H}.yaml", page(H, checks=[CHECK]))
    repo.write("tours/first.yaml", tour([P, IMPL, H]))
    repo.commit("first pages")
    return repo


def tour(pages: list[str]) -> dict[str, object]:
    steps = [{"page": p, "note": f"Read {p}."} for p in pages]
    return {
        "id": "first",
        "title": "First",
        "audience": "New",
        "estimated_minutes": 5,
        "steps": steps,
    }


def record(repo: ScriptedRepo, status: Status) -> None:
    """A record in the working tree where H's check ran with ``status``."""
    loaded = load_knowledge(repo.kb).pages[H]
    run = PageRun(
        page_hash=page_hash(loaded),
        verified_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        environment=RecordedEnvironment(implementation="CPython", python="3.11.7", platform="x"),
        checks={"prints-ok": RecordedCheck(status=status)},
    )
    (repo.kb / "verification.json").write_text(Record(pages={H: [run]}).model_dump_json())
