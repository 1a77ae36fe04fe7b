"""Runnable checks on pages: run them, judge them, record the results.

``verify`` is the entry point; the modules here are its parts:
``probe`` (runs under the interpreter being verified), ``environment``,
``run`` (one check, judged), ``record`` (the committed results and the
warnings: ``record_file``, ``record_writing``, ``recorded``), ``grid`` (where
a page holds, and its badge), and the version matrix: ``matrix_file`` and
``matrix_cells`` (what ``matrix.toml`` declares), ``interpreters``,
``cell_env`` (each cell's environment, built by uv) and ``matrix`` (the cells
run); a Code Reference in another language than Python is judged in a local
checkout (``local_code``, by the rules of ``symbols``). The Code Reference's
parse is ``heuristica.kb.signature``; ``heuristica verify`` is
``heuristica.commands.verify``.

May import: ``heuristica.kb``, ``heuristica.processes`` (each check runs in
its own process session) and the root. No Streamlit.
"""
