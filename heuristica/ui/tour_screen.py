"""A tour's page, whoever looks at it: the title, a header that depends on
the mode (``tour_reader``, ``tour_presenter``, ``tour_follower``), the
progress, the tour's graph, the step with its note and question, the whole
page on request, and the hand-outs."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field

import streamlit as st

from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.markdown import escape_markdown
from heuristica.kb.model import Page, Tour
from heuristica.kb.text import title_markdown
from heuristica.tours.handout import tour_html
from heuristica.tours.markdown import tour_markdown
from heuristica.tours.navigation import Position
from heuristica.tours.path import for_projector, shared_tour_drawing, with_counts
from heuristica.ui import tour_live
from heuristica.ui.downloads import knowledge_base_downloads
from heuristica.ui.graph_component import GraphEvent, graph_explorer
from heuristica.ui.panel import explore_link
from heuristica.ui.tour_keys import Move, arrow_keys
from heuristica.ui.tour_position import move_by, move_to
from heuristica.ui.tour_step import check_question, note, whole_page

__all__ = ["Room", "TourScreen"]

GRAPH_HEIGHT = 560
PRESENTER_GRAPH_HEIGHT = 680
PRESENTER_SCALE = 1.3


@dataclass(frozen=True)
class Room:
    """What a live session's room adds to the screen (ui.tour_room): how many
    detached followers are on each page (a presenter's graph shows them), and
    what stands under the step's note instead of its plain check question."""

    counts: Mapping[str, int] = field(default_factory=dict)
    under_note: Callable[[Tour, Position], None] | None = None


@dataclass(frozen=True)
class TourScreen:
    """What every mode of the page draws from."""

    tours: Mapping[str, Tour]
    kg: KnowledgeGraph
    live: tour_live.Live

    def draw(
        self,
        position: Position,
        header: Callable[[Tour, Position], None],
        presenting: bool,
        room: Room | None = None,
    ) -> None:
        """The page below its warnings, at ``position``: the session message,
        the title, ``header``, the graph, the step (with what ``room`` adds)
        and (but for a presenter) the whole page."""
        room = room or Room()
        tour = self.tours[position.tour_id]
        visited = st.session_state.tour_visited.setdefault(tour.id, set())
        visited.add(position.step)
        if st.session_state.tour_session_message:
            # stays until the reader acts: a wake-up may redraw the page first
            st.error(st.session_state.tour_session_message, icon=":material/cast:")
        arrow_keys("tour_keys", self._key)
        st.title(escape_markdown(tour.title), anchor=False)
        header(tour, position)
        steps = len(tour.steps)
        st.progress((position.step + 1) / steps, text=f"Step {position.step + 1} of {steps}")
        graph_column, step_column = st.columns([3, 2], gap="medium")
        with graph_column:
            self._graph(tour, position, visited, presenting, room.counts)
        with step_column:
            page = self._step(tour, position, presenting, room)
        if not presenting:
            whole_page(page, self.kg)

    def _key(self, pressed: Move) -> None:
        move_by(self.tours, 1 if pressed == "next" else -1)

    def _graph(
        self,
        tour: Tour,
        position: Position,
        visited: Set[int],
        presenting: bool,
        counts: Mapping[str, int],
    ) -> None:
        def on_graph_event(event: GraphEvent) -> None:
            if event.kind == "open":
                index = next((i for i, s in enumerate(tour.steps) if s.page == event.node), None)
                if index is not None:
                    move_to(self.tours, tour.id, index)

        drawing = shared_tour_drawing(tour, self.kg, position.step, visited)
        if presenting:
            drawing = for_projector(with_counts(drawing, counts), PRESENTER_SCALE)
        graph_explorer(
            drawing,
            revision=f"{tour.id}-{position.step}-{sorted(visited)}-{sorted(counts.items())}",
            reset=2 * sorted(self.tours).index(tour.id) + presenting,
            height=PRESENTER_GRAPH_HEIGHT if presenting else GRAPH_HEIGHT,
            key="tour_graph",
            on_event=on_graph_event,
        )
        st.caption(
            "Purple arrows: the tour's path · ✓ visited · faded: not visited yet · "
            "double-click a page to jump to its step · ← / → keys step through the tour"
        )

    def _step(self, tour: Tour, position: Position, presenting: bool, room: Room) -> Page:
        step = tour.steps[position.step]
        back, forward = st.columns(2)
        for column, label, offset, icon, disabled in (
            (back, "Previous", -1, ":material/arrow_back:", position.step == 0),
            (forward, "Next", 1, ":material/arrow_forward:", position.step == len(tour.steps) - 1),
        ):
            column.button(
                label,
                on_click=move_by,
                args=(self.tours, offset),
                disabled=disabled,
                icon=icon,
                use_container_width=True,
                type="primary" if offset > 0 else "secondary",
            )
        page = self.kg.page(step.page)
        st.subheader(f"{position.step + 1}. {title_markdown(page.title)}", anchor=False)
        note(step.note)
        if room.under_note is not None:
            room.under_note(tour, position)
        elif step.question is not None:
            check_question(step.question, key=f"tour_answer_{tour.id}_{position.step}")
        if not presenting:
            explore_link(page, label="Open this page in the explorer")
        return page

    def titles(self) -> dict[str, str]:
        """Page id -> title, for every page a tour steps on (the session summary)."""
        return {
            step.page: self.kg.page(step.page).title
            for tour in self.tours.values()
            for step in tour.steps
        }

    def downloads(self, tour: Tour) -> None:
        """The tour's hand-outs and the knowledge base, for readers and
        followers (outside a follower's step fragment: they do not change
        with the step)."""
        st.subheader("Hand-outs and downloads", anchor=False)
        columns = st.columns(4)
        columns[0].download_button(
            "Tour as HTML (offline)",
            data=lambda: tour_html(tour, self.kg),
            file_name=f"{tour.id}.html",
            mime="text/html",
            icon=":material/download:",
            on_click="ignore",
        )
        columns[1].download_button(
            "Tour as Markdown",
            data=lambda: tour_markdown(tour, self.kg),
            file_name=f"{tour.id}.md",
            mime="text/markdown",
            icon=":material/download:",
            on_click="ignore",
        )
        knowledge_base_downloads(self.kg, columns[2], columns[3])
