"""The only module that reaches into Streamlit's private parts.

Streamlit offers no public way to do what these functions do; each use is
here, with why, and tests/test_streamlit_internals.py has one contract test
per internal (it fails with a message naming the internal when a Streamlit
upgrade changes it). ``STREAMLIT_CHECKED`` is the minor version those tests
cover; pyproject.toml and requirements.txt pin Streamlit to it.

- ``ScriptRunContext`` (``get_script_run_ctx``): which browser session this run
  serves, its page, whether fragments run alone and whether the run came from
  Back/Forward. The tours' room addresses a browser and its fragment by these.
- ``ThreadState.get().fragment_id``: the fragment running now.
- ``Runtime`` and ``AppSession``: whether a browser is still connected, and
  a rerun of its fragment requested from outside its script (the room wakes a
  follower when the presenter moves), built from the session's last
  ``ClientState`` (the private ``AppSession._client_state``) so the URL and
  context of its last run stay.
- ``PagesManager.uses_pages_directory``: Streamlit decides per server process
  whether the app is a "pages/ folder" app before shell.py ran once; a deep
  link to a page script as a fresh server's first request turns it off.
- The logger of ``script_run_context``: it warns "missing ScriptRunContext"
  whenever a cached function runs outside a session, as the start-up load does.
- ``ColumnConfig``: the type ``st.column_config.TextColumn`` returns, which
  ``st.column_config`` does not export; the grid of where a page holds names it
  in its annotations.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from streamlit.elements.lib.column_types import ColumnConfig
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.runtime import Runtime
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils import script_run_context
from streamlit.runtime.scriptrunner_utils.script_run_context import (
    ThreadState,
    get_script_run_ctx,
)

__all__ = [
    "STREAMLIT_CHECKED",
    "ColumnConfig",
    "browser_session",
    "fragment_id",
    "fragments_run_alone",
    "is_connected",
    "is_history_navigation",
    "leave_pages_directory_mode",
    "page_script_hash",
    "quiet_outside_sessions",
    "rerun_fragment",
]

STREAMLIT_CHECKED = "1.67"
"""The Streamlit minor version whose internals the contract tests cover."""


def browser_session() -> str | None:
    """The id of the browser session this script run serves; None outside one."""
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def page_script_hash() -> str | None:
    """The hash of the page this run shows; None outside a session."""
    ctx = get_script_run_ctx()
    return ctx.page_script_hash if ctx is not None else None


def fragments_run_alone() -> bool:
    """Whether this run runs fragments alone (a wake-up, or a widget inside one)."""
    ctx = get_script_run_ctx()
    return ctx is not None and bool(ctx.fragment_ids_this_run)


def is_history_navigation() -> bool:
    """Whether this run was started by the browser's Back or Forward."""
    ctx = get_script_run_ctx()
    return ctx is not None and ctx.is_history_navigation


def fragment_id() -> str:
    """The fragment running now; "" outside one."""
    return ThreadState.get().fragment_id or ""


def is_connected(session: str) -> bool:
    """Whether the browser session ``session`` is still connected to this server."""
    return Runtime.exists() and Runtime.instance().is_active_session(session)


def rerun_fragment(session: str, page: str, fragment: str) -> bool:
    """Rerun the fragment ``fragment`` of page ``page`` in browser session
    ``session``, the way Streamlit reruns a page whose script changed; False
    if that session is gone. A fragment run queues behind a run in progress."""
    if not Runtime.exists():
        return False
    app_session = Runtime.instance().get_app_session(session)
    if app_session is None:
        return False
    request = ClientState()
    request.CopyFrom(app_session._client_state)  # the URL and context its last run left
    # A run stopped before st.navigation chose the page leaves the app's own
    # hash here, which would take the page to the default one.
    request.page_script_hash = page
    request.fragment_id = fragment
    app_session.request_rerun(request)
    return True


def leave_pages_directory_mode() -> bool:
    """Switch this server process from "pages/ folder" mode to shell.py's
    ``st.navigation``; whether it was in that mode (then the page reruns)."""
    if not PagesManager.uses_pages_directory:
        return False
    PagesManager.uses_pages_directory = False
    return True


@contextmanager
def quiet_outside_sessions() -> Iterator[None]:
    """Streamlit's "missing ScriptRunContext" warnings silenced meanwhile."""
    logger = logging.getLogger(script_run_context.__name__)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
