"""``heuristica mcp``: a knowledge base for coding agents, over the Model
Context Protocol (stdio), read-only.

Tools: ``search``, ``get_page``, ``neighbours``, ``find_path``,
``list_problems`` and ``verification``; every page is also a resource,
``heuristica://page/<type>/<slug>``, as Markdown. Before each call the
folder is looked at (a stat of each page file, nothing read) and loaded
again if a file changed, so an agent sees an edit on its next call: the
live knowledge base (``heuristica.live``), the app's own, whose parse
results and search index are kept in the user's cache folder between runs.

Built on the official SDK's ``MCPServer``: it turns each tool's signature
into the input schema, validates arguments against it and reports a
malformed argument to the agent as a tool error; this module adds only what
the knowledge base answers.

What only a loaded knowledge base needs (the page models, networkx, the
Markdown of a page, the verification record) is imported by the tools that
use it, not with this module: while the search index kept on disk is the
folder's as it is now, the first search is answered before any of it is
imported (``live.kept_search``), and the load that the server's start began
(``_warm_up``) imports it after that answer.
"""

from __future__ import annotations

import logging
import threading
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.types import Resource, ToolAnnotations
from pydantic import Field

from heuristica import __version__
from heuristica import search as full_text
from heuristica.commands.mcp_answers import (
    Link,
    Neighbour,
    Neighbourhood,
    PageRef,
    PathResult,
    ProblemEntry,
    ProblemList,
    SearchHit,
    SearchResults,
    VerificationState,
    page_verification_state,
)
from heuristica.commands.mcp_wire import guarded_stdio
from heuristica.kb.cache_place import cache_path
from heuristica.kb.problems import closest
from heuristica.kb.relations import RELATIONS, PageType
from heuristica.kb.text import inert_line
from heuristica.live.knowledge_base import KnowledgeBase, LiveKnowledgeBase

if TYPE_CHECKING:  # a loaded knowledge base's: imported by the load
    from heuristica.kb.knowledge import KnowledgeGraph
    from heuristica.kb.model import Page

__all__ = ["build_server", "serve_stdio"]

_log = logging.getLogger(__name__)

PAGE_URI = "heuristica://page/{type}/{slug}"
MAX_RESULTS = 100
MAX_DEPTH = 4
MAX_ID_CHARS = 200
"""The longest page id an argument may hold (a slug is a file name: real ones are short)."""
MAX_QUERY_CHARS = 1000
"""The longest search: a question or a pasted error message, not a document."""
MAX_NAME_CHARS = 100
_SUGGESTIONS = 3
_OVERVIEW_CHARS = 300
SAVE_AFTER_SECONDS = 10.0
"""How long after a load its parse results are saved (``LiveKnowledgeBase``)."""
KEPT_WAIT_SECONDS = 2.0
"""How long the load at the start waits for a first tool call when a search needs no load."""


def _ref(page: Page | full_text.PageView) -> PageRef:
    return PageRef(id=page.id, title=page.title, type=page.page_type)


def _known(graph: KnowledgeGraph, page_id: str, role: str = "id") -> Page:
    """The page ``page_id``, or a tool error that names the closest ids."""
    if page_id in graph:
        return graph.page(page_id)
    near = closest(page_id, (p.id for p in graph.pages), limit=_SUGGESTIONS, cutoff=0)
    hint = f"; the closest ids: {', '.join(near)}" if near else "; the knowledge base is empty"
    raise ToolError(f"{role} {page_id!r} is not a page{hint}")


def _relation(name: str | None) -> str | None:
    if name is not None and name not in RELATIONS:
        raise ToolError(f"relation {name!r} is not one of: {', '.join(RELATIONS)}")
    return name


def _links(graph: KnowledgeGraph, pages: set[str], relation: str | None) -> list[Link]:
    return sorted(
        (
            Link(source=source, relation=key, target=target)
            for source, target, key in graph.nx.subgraph(pages).edges(keys=True)
            if relation in (None, key)
        ),
        key=lambda link: (link.source, link.relation, link.target),
    )


def _joining(graph: KnowledgeGraph, a: str, b: str) -> Link:
    """The link between two adjacent pages, in the direction it is written."""
    source, target = (a, b) if graph.nx.has_edge(a, b) else (b, a)
    return Link(source=source, relation=min(graph.nx[source][target]), target=target)


def _matched_in(hit: full_text.SearchHit) -> str:
    """Where the query matched: the section of the sentence shown, as the panel
    heads it, else the title, else the domains (the only text not in sentences)."""
    if hit.snippet and hit.snippet.marks:
        return hit.snippet.section
    return "Title" if hit.title_marks else "Domains"


def _snippet_text(hit: full_text.SearchHit) -> str:
    return inert_line(hit.snippet.text) if hit.snippet else ""  # a search here asks for snippets


def search_pages(
    kb: KnowledgeBase | LiveKnowledgeBase, query: str, page_type: PageType | None, limit: int
) -> SearchResults:
    """The one place the MCP server searches: pages matching ``query``, best
    first, each with the sentence that matched as plain text on one line
    (inert Markdown: escaped only where a viewer would read markup), and how
    the query was read."""
    types = (page_type,) if page_type else ()
    found = kb.find(query, limit=limit, types=types)
    hits = [
        SearchHit(
            **_ref(hit.page).model_dump(),
            score=round(hit.score, 4),
            matched_in=_matched_in(hit),
            snippet=_snippet_text(hit)[:_OVERVIEW_CHARS],
        )
        for hit in found.hits
    ]
    return SearchResults(query=query, hits=hits, note=inert_line(found.note))


class _KnowledgeServer(MCPServer[Any]):
    """The SDK's server, listing the pages on disk now as its resources."""

    def __init__(self, live: LiveKnowledgeBase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.live = live
        self.answered = threading.Event()
        """Set once a first tool call is answered (``_warm_up`` may wait for it)."""

    async def call_tool(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().call_tool(*args, **kwargs)
        finally:
            self.answered.set()

    async def list_resources(self) -> list[Resource]:
        from heuristica.kb.markdown import one_line, safe_markdown

        graph = self.live.current().graph
        return [
            Resource(
                uri=PAGE_URI.format(type=page.page_type.value, slug=page.id.split("/", 1)[1]),
                name=page.id,
                title=page.title,
                description=one_line(safe_markdown(page.overview))[:_OVERVIEW_CHARS],
                mime_type="text/markdown",
            )
            for page in sorted(graph.pages, key=lambda p: p.id)
        ]


_READ_ONLY = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)

PageId = Annotated[
    str,
    Field(
        max_length=MAX_ID_CHARS,
        description="a page id, <type>/<slug>, e.g. heuristic/use-spawn",
    ),
]


def _live(root: Path) -> LiveKnowledgeBase:
    """The folder as the app keeps it: reloaded when it changes, its parse
    results saved in the user's cache folder a little after each load, its
    search index kept there."""
    return LiveKnowledgeBase(
        root,
        cache_file=cache_path(root),
        search_folder=cache_path(root, "search", ""),
        save_after_seconds=SAVE_AFTER_SECONDS,
    )


def build_server(root: Path) -> _KnowledgeServer:
    """The MCP server over the knowledge folder ``root``."""
    live = _live(root)
    server = _KnowledgeServer(
        live,
        name="heuristica",
        version=__version__,
        instructions=(
            "A team's engineering knowledge as linked pages (principles, implementations, "
            "heuristics, environments). Search for pages, read one whole with get_page, "
            "follow its links with neighbours, and ask how two pages relate with find_path."
        ),
    )

    @server.tool(annotations=_READ_ONLY)
    def search(
        query: Annotated[
            str, Field(min_length=1, max_length=MAX_QUERY_CHARS, description="words to look for")
        ],
        type: Annotated[PageType | None, Field(description="only pages of this type")] = None,
        limit: Annotated[int, Field(ge=1, le=MAX_RESULTS)] = 10,
    ) -> SearchResults:
        """Pages whose title, domains or text match the query (small typos
        allowed), best first."""
        return search_pages(live, query, type, limit)

    @server.tool(annotations=_READ_ONLY)
    def get_page(id: PageId) -> str:
        """The whole page as Markdown: every section, its sources, the pages it
        links to and the pages linking to it, each named by id and relation."""
        from heuristica.kb.page_markdown import page_markdown

        graph = live.current().graph
        return page_markdown(_known(graph, id), graph)

    @server.tool(annotations=_READ_ONLY)
    def neighbours(
        id: PageId,
        depth: Annotated[int, Field(ge=1, le=MAX_DEPTH, description="links away")] = 1,
        relation: Annotated[
            str | None,
            Field(
                max_length=MAX_NAME_CHARS,
                description="follow only this relation: " + ", ".join(RELATIONS),
            ),
        ] = None,
    ) -> Neighbourhood:
        """Pages within ``depth`` links of a page, following links either way,
        and the links among them."""
        graph = live.current().graph
        _known(graph, id)
        distances = graph.distances(id, depth, _relation(relation))
        pages = [
            Neighbour(**_ref(graph.page(page_id)).model_dump(), distance=distance)
            for page_id, distance in sorted(distances.items(), key=lambda item: item[::-1])
        ]
        links = _links(graph, set(distances), relation)
        return Neighbourhood(id=id, depth=depth, relation=relation, pages=pages, links=links)

    @server.tool(annotations=_READ_ONLY)
    def find_path(source: PageId, target: PageId) -> PathResult:
        """How two pages are related: a shortest chain of links between them
        (followed either way), with each link as written."""
        graph = live.current().graph
        _known(graph, source, "source")
        _known(graph, target, "target")
        path = graph.shortest_path(source, target) or []
        return PathResult(
            source=source,
            target=target,
            found=bool(path),
            pages=[_ref(graph.page(page_id)) for page_id in path],
            links=[_joining(graph, a, b) for a, b in pairwise(path)],
        )

    @server.tool(annotations=_READ_ONLY)
    def list_problems() -> ProblemList:
        """Everything wrong with the knowledge base, with file, line and column."""
        result = live.current().result
        return ProblemList(
            errors=len(result.errors),
            warnings=len(result.warnings),
            problems=[ProblemEntry.model_validate(p.to_dict()) for p in result.problems],
        )

    @server.tool(annotations=_READ_ONLY)
    def verification(id: PageId) -> VerificationState:
        """Whether the page's runnable checks hold, as last recorded by
        ``heuristica verify --record`` (the folder's verification.json): the state,
        each check's status with what it expected and saw, and on which versions."""
        graph = live.current().graph
        return page_verification_state(live.root, _known(graph, id))

    @server.resource(PAGE_URI, mime_type="text/markdown")
    def page_resource(type: str, slug: str) -> str:
        """A page as Markdown, the same text as get_page."""
        from heuristica.kb.page_markdown import page_markdown

        graph = live.current().graph
        page_id = f"{type}/{slug}"
        if len(page_id) > MAX_ID_CHARS:
            raise ResourceNotFoundError(
                f"no page has an id of {len(page_id):,} characters (at most {MAX_ID_CHARS})"
            )
        try:
            page = _known(graph, page_id)
        except ToolError as exc:
            raise ResourceNotFoundError(str(exc)) from exc
        return page_markdown(page, graph)

    return server


def _warm_up(server: _KnowledgeServer) -> None:
    """Load the folder now, while the client connects, and save its parse
    results right after: a session shorter than ``SAVE_AFTER_SECONDS`` (an
    agent's one question) would otherwise save them only as it leaves, and a
    client waits two seconds for that before it ends the server (the MCP SDK's
    grace period), less than a 30,000-page save takes on a busy machine.

    When a search may need no load (an index is kept on disk: while it is the
    folder's as it is now, ``LiveKnowledgeBase.find`` answers from it), the
    load waits until the first tool call is answered, at most
    ``KEPT_WAIT_SECONDS``: loading meanwhile would hold the interpreter from
    the client's handshake and that first answer. Whether the index is the
    folder's is not asked here (a scan of every page file, which the first
    search makes anyway: made twice at once, the two took twice as long);
    when it is not, the first call loads, as it would have waited for this
    load to end."""
    live = server.live

    def run() -> None:
        try:
            if live.may_answer_without_loading():
                server.answered.wait(KEPT_WAIT_SECONDS)
            live.current()
            live.save_cache()
        except Exception:  # the first tool call loads again and reports it
            _log.exception("could not load %s as the server started", live.root)

    threading.Thread(target=run, name="heuristica-warm-up", daemon=True).start()


def serve_stdio(root: Path) -> None:
    """Serve the knowledge folder ``root`` on stdin/stdout until the client
    leaves, every line checked on its way in (``commands.mcp_wire``). The
    folder is loaded as the server starts (``_warm_up``), and the parse
    results saved as it leaves too."""
    server = build_server(root)
    _warm_up(server)
    try:
        with guarded_stdio():
            server.run("stdio")
    finally:
        server.live.save_cache()
