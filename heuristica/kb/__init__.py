"""The knowledge: what a page is and how a folder of them becomes a graph.

The relation table (``relations``), the typed page models (``model``), the
Problem value (``problems``), which files are read and how (``files``), the
YAML parse and validation of one file (``loader``), the content rules on a
page's checks and release claims (``content_rules``), the knowledge base's
own settings (``settings``: ``heuristica.toml``), the parse results kept
between loads (``parsecache``), the checks across pages (``crosspage``), the
``KnowledgeGraph`` over networkx (``knowledge``), the Code Reference's import
and signature parse (``signature``), untrusted page text made safe
(``markdown``, ``page_markdown``), where the user is (``where``: the
knowledge base a command run here means, and the commands and documents a
message names, written to run there), and two helpers of every load
(``gcpause``, ``identity_cache``).

May import: the heuristica root and third-party libraries, nothing of another
wing. No Streamlit.
"""
