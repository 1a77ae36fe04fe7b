"""The ground floor: run a Python program or module as a separate process in
its own process session, stream its JSON-line events, enforce a time limit and
leave nothing behind (``runner``), under a watchdog that ends the run when
the process that started it goes (``guard.py``, run as a script under
``python -I -S``); find and stop what a run left (``cleanup``).

Shared by the live demos (``heuristica.demos``) and the runnable checks
(``heuristica.checks``).

May import: the heuristica root (``child_env``) only. No Streamlit.
"""
