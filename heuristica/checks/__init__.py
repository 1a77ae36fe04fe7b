"""Runnable checks on pages: run them, judge them, record the results.

``graph.verify`` is the entry point; the modules here are its parts:
``probe`` (runs under the interpreter being verified), ``environment``,
``signature`` (the Code Reference check), ``run`` (one check, judged),
``record`` (the committed results, the badge, the warnings), ``command``
(``python -m graph verify``).
"""
