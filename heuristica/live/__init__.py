"""The live knowledge base: one knowledge folder, loaded once and again when
a file changes, for as long as a process serves it (the app, the MCP server).

``reload`` (a load that does only the work a change needs), ``fingerprint``
(what changed on disk, cheaply).

May import: ``heuristica.kb``, ``heuristica.checks``, ``heuristica.search``,
``heuristica.draw``, ``heuristica.demos`` (the names a page may give its demo)
and the root. No Streamlit.
"""
