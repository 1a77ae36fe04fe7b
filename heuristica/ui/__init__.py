"""Streamlit glue: the two-way graph component, the page panel (its
verification badge and grid: ``verification``), search, the
knowledge base as the app serves it, tours' live sessions, and the only
module that reaches into Streamlit's private parts (``streamlit_internals``).

May import every wing but ``heuristica.pages``; only ``heuristica.pages``,
``shell.py`` and ``app.py`` import it.
"""
