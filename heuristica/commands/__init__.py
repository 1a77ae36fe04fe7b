"""The front doors outside the browser: the ``heuristica`` command
(``cli``; ``python -m graph`` in a checkout) and what its commands print or
serve: ``reports`` (check's formats), ``export``, ``start`` (``init``, from
the template in ``templates/team`` that ``init`` writes; ``new``, with
``skeleton``; ``docs``),
``verify`` and ``verify_matrix`` (``verify --matrix``; both print results
with ``check_lines``), ``terminal`` (what ``search`` and ``path`` print),
``serve`` (the explorer) and ``mcp`` (the MCP server; its answers in
``mcp_answers``, its stdio guarded by ``mcp_wire``).

May import every wing below the Streamlit glue: ``heuristica.live``,
``heuristica.draw``, ``heuristica.search``, ``heuristica.checks``,
``heuristica.demos``, ``heuristica.kb``, ``heuristica.processes`` and the root.
No Streamlit (``serve`` starts it as a program).
"""
