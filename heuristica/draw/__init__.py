"""The drawing: what part of the graph is shown and how it looks.

``view`` (which pages and links are visible: focus, depth, expansions,
filters), ``drawing`` (the one frozen ``Drawing`` value made from a View),
``render`` (a Drawing as the data and HTML documents ``web/`` draws with the
vendored vis-network), ``layout`` (positions for the whole graph at once),
``paths`` (how two pages are related: the shortest chains of links).

May import: ``heuristica.kb``, ``heuristica.search`` and the root. No Streamlit.
"""
