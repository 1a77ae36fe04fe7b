"""What the MCP server's tools answer (``commands.mcp``): the result models,
which the SDK publishes to agents as each tool's output schema, and a page's
verification state as ``verify --record`` last recorded it (the record's
code imported only when a page's state is asked for: the server registers
these models as it starts, before its first answer)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from heuristica import RECORD_FILE
from heuristica.kb.relations import PageType

if TYPE_CHECKING:
    from heuristica.checks.record import PageRun
    from heuristica.kb.model import Page

__all__ = [
    "CheckOutcome",
    "Link",
    "Neighbour",
    "Neighbourhood",
    "PageRef",
    "PathResult",
    "ProblemEntry",
    "ProblemList",
    "SearchHit",
    "SearchResults",
    "VerificationRun",
    "VerificationState",
    "page_verification_state",
]


class PageRef(BaseModel):
    id: str
    title: str
    type: PageType


class SearchHit(PageRef):
    score: float = Field(description="higher is a better match; compare within one query")
    matched_in: str = Field(description="where the query matched")
    snippet: str = Field(
        description="the sentence of the page that matched, plain text on one line "
        "(Markdown that shows it as written)"
    )


class SearchResults(BaseModel):
    query: str
    hits: list[SearchHit]
    note: str = Field(
        default="",
        description="how the query was read: the words no page has, and what a typo was "
        "read as (none found when most words are in no page)",
    )


class Link(BaseModel):
    """A link as written on its source page."""

    source: str
    relation: str
    target: str


class Neighbour(PageRef):
    distance: int = Field(description="how many links away from the page asked about")


class Neighbourhood(BaseModel):
    id: str
    depth: int
    relation: str | None
    pages: list[Neighbour] = Field(description="the page itself first, then by distance")
    links: list[Link] = Field(description="every link among these pages")


class PathResult(BaseModel):
    source: str
    target: str
    found: bool
    pages: list[PageRef] = Field(description="from source to target; empty if not found")
    links: list[Link] = Field(description="the link joining each step, as written")


class ProblemEntry(BaseModel):
    file: str
    line: int
    col: int
    severity: str
    code: str
    message: str


class ProblemList(BaseModel):
    errors: int
    warnings: int
    problems: list[ProblemEntry]


class CheckOutcome(BaseModel):
    name: str
    claim: str = Field(description="the sentence on the page the check backs")
    status: str = Field(description="holds, fails, error, skipped or not_applicable")
    reason: str
    expected: str
    seen: str


class VerificationRun(BaseModel):
    environment: str = Field(description="interpreter and package versions it ran on")
    cell: str | None = Field(description="the matrix cell it ran in; null for a plain verify")
    verified_at: str
    checks: list[CheckOutcome]


class VerificationState(BaseModel):
    id: str
    state: str = Field(
        description="verified, failing, stale (edited since), not_verified, or "
        "nothing_to_verify (the page has no checks)"
    )
    text: str = Field(description="the badge the explorer shows")
    summary: str = Field(
        description="one line from every environment recorded: where its checks fail "
        "(and what was expected) and where they hold; empty when never verified"
    )
    run: VerificationRun | None = Field(description="the run the state is about")
    other_runs: list[VerificationRun] = Field(
        description="this version of the page verified on other environments"
    )


def _verification_run(page: Page, run: PageRun) -> VerificationRun:
    claims = {check.name: check.claim for check in page.checks}
    return VerificationRun(
        environment=run.environment.label(),
        cell=run.cell,
        verified_at=run.verified_at.isoformat(),
        checks=[
            CheckOutcome(
                name=name,
                claim=claims.get(name, ""),
                status=check.status.value,
                reason=check.reason,
                expected=check.expected,
                seen=check.seen,
            )
            for name, check in run.checks.items()
        ],
    )


def page_verification_state(root: Path, page: Page) -> VerificationState:
    """What ``verify --record`` last recorded about ``page``, judged against the page now."""
    from heuristica.checks.record import RecordError, page_verification, read_record

    try:
        record = read_record(root / RECORD_FILE)
    except RecordError as error:
        raise ToolError(str(error.problem)) from None
    state = page_verification(page, record)
    if state is None:
        text = "Nothing to verify: the page has no checks"
        return VerificationState(
            id=page.id, state="nothing_to_verify", text=text, summary="", run=None, other_runs=[]
        )
    return VerificationState(
        id=page.id,
        state=state.state.value,
        text=state.text,
        summary=state.grid.summary() if state.grid and state.grid.columns else "",
        run=_verification_run(page, state.run) if state.run else None,
        other_runs=[_verification_run(page, run) for run in state.other_runs],
    )
