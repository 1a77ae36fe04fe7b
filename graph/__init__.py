"""``python -m graph`` in a checkout: the ``heuristica`` command (check, export,
new, search, path, verify, serve, mcp), whose code is ``heuristica.commands``.

Only this door is here; the code lives in the ``heuristica`` package, in
wings (``heuristica.kb``, ``checks``, ``search``, ``draw``, ``live``,
``commands`` ...): docs/architecture.md shows the house.
"""
