"""Every page runs inside shell.py's navigation, even on a fresh server's first request.

Streamlit decides per server process whether the app is a "pages/ folder"
app (multipage v1) before shell.py has run once. A fresh server whose first
request is a deep link such as ``/demo?demo=spawn_vs_fork`` therefore runs
``pages/demo.py`` on its own: no sidebar, file names as navigation. Calling
``inside_app()`` first in each page script switches the process to shell.py's
``st.navigation`` and reruns, keeping the URL and its query parameters.
"""

from __future__ import annotations

import streamlit as st

from heuristica.ui.streamlit_internals import leave_pages_directory_mode

__all__ = ["inside_app"]


def inside_app() -> None:
    """Rerun through shell.py if Streamlit ran this page script without it."""
    if leave_pages_directory_mode():
        st.rerun()
