"""The knowledge base's history: the knowledge at any revision, what a change
does to it (``heuristica diff``), and each page's commits.

``git`` reads the repository through the git command line; ``snapshot`` loads
the knowledge base at a revision like the one on disk; ``compare`` finds what
differs; ``formats`` and ``html`` present it; ``command`` is the CLI.
"""
