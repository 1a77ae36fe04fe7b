"""The knowledge graph in formats other tools open: GraphML (Gephi, yEd) and
node-link JSON."""

from __future__ import annotations

import io
import json

import networkx as nx

from heuristica.kb.knowledge import KnowledgeGraph
from heuristica.kb.relations import RELATIONS

__all__ = ["to_graphml", "to_node_link_json"]


def _flat(graph: KnowledgeGraph) -> nx.MultiDiGraph:
    """A copy whose attributes are plain strings, as GraphML requires."""
    flat: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for page in graph.pages:
        flat.add_node(
            page.id,
            label=page.title,
            type=page.type,
            domains=", ".join(page.domains),
            overview=page.overview,
            last_updated=page.last_updated.isoformat(),
        )
    for source, target, relation in graph.nx.edges(keys=True):
        flat.add_edge(
            source, target, key=relation, relation=relation, label=RELATIONS[relation].label
        )
    return flat


def to_graphml(graph: KnowledgeGraph) -> str:
    """GraphML text: node attributes label/type/domains/overview, edge attribute relation."""
    buffer = io.BytesIO()
    nx.write_graphml(_flat(graph), buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def to_node_link_json(graph: KnowledgeGraph) -> str:
    """Node-link JSON with each whole page under ``page``."""
    data = {
        "directed": True,
        "multigraph": True,
        "nodes": [
            {"id": page.id, "page": page.model_dump(mode="json", by_alias=True)}
            for page in graph.pages
        ],
        "links": [
            {"source": s, "target": t, "relation": r, "label": RELATIONS[r].label}
            for s, t, r in graph.nx.edges(keys=True)
        ],
    }
    return json.dumps(data, indent=1, ensure_ascii=False)
