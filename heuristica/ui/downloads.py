"""Download buttons for the whole knowledge base, as other tools open it."""

from __future__ import annotations

from streamlit.delta_generator import DeltaGenerator

from heuristica.commands.export import to_graphml, to_node_link_json
from heuristica.kb.knowledge import KnowledgeGraph

__all__ = ["knowledge_base_downloads"]


def knowledge_base_downloads(
    kg: KnowledgeGraph, graphml: DeltaGenerator, json: DeltaGenerator
) -> None:
    """GraphML (Gephi, yEd) into ``graphml``, node-link JSON into ``json``; built on click."""
    graphml.download_button(
        "Knowledge base as GraphML",
        data=lambda: to_graphml(kg),
        file_name="heuristica.graphml",
        mime="application/graphml+xml",
        icon=":material/download:",
        on_click="ignore",
    )
    json.download_button(
        "Knowledge base as JSON",
        data=lambda: to_node_link_json(kg),
        file_name="heuristica.json",
        mime="application/json",
        icon=":material/download:",
        on_click="ignore",
    )
