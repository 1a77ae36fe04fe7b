"""The knowledge base's history in git: the knowledge at any revision, what a
change does to it, and each page's commits.

``git`` reads the repository through the git command line (revisions checked,
never given to a shell); ``snapshot`` writes a revision's knowledge folder into
the user cache once and loads it like the one on disk; ``compare`` finds what
differs between two loads (pages, links, tours, checks, the verification
record, problems), ``about`` only what it did to one page; ``formats`` says
it as text, JSON and a pull-request comment. The drawing of a diff is
``heuristica.draw.diff``, the command ``heuristica.commands.diff``, the app's
screens ``heuristica.ui.history`` and ``heuristica.ui.changes``.

May import: ``heuristica.search``, ``heuristica.checks``, ``heuristica.demos``,
``heuristica.kb`` and the root. No Streamlit.
"""
