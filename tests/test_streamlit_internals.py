"""Contracts with Streamlit's private parts, one test per internal that
heuristica/ui/streamlit_internals.py uses: when a Streamlit upgrade changes
one, its test fails and says which, and what in the app depends on it. And
the fence: no other module of the package reaches into Streamlit's private
modules."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import logging
import typing
from pathlib import Path

import streamlit
from packaging.version import Version
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.runtime import Runtime
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils import script_run_context
from streamlit.runtime.scriptrunner_utils.script_run_context import (
    FragmentThreadState,
    ScriptRunContext,
    ThreadState,
)

from heuristica.ui import streamlit_internals
from heuristica.ui.streamlit_internals import STREAMLIT_CHECKED, quiet_outside_sessions

PACKAGE = Path(streamlit_internals.__file__).resolve().parents[1]
PRIVATE = ("streamlit.runtime", "streamlit.proto", "streamlit.web", "streamlit.elements")
"""Streamlit's modules that are not its documented API."""


def _upgrade(internal: str, used_for: str) -> str:
    return (
        f"Streamlit {streamlit.__version__} changed {internal}, which "
        f"heuristica/ui/streamlit_internals.py uses for {used_for}: adapt that module, "
        "then this contract"
    )


def test_the_installed_streamlit_is_the_minor_version_the_contracts_cover() -> None:
    installed = Version(streamlit.__version__)
    assert f"{installed.major}.{installed.minor}" == STREAMLIT_CHECKED, (
        f"these contracts were checked on Streamlit {STREAMLIT_CHECKED}; run them on "
        f"{installed}, then move STREAMLIT_CHECKED and the pins in pyproject.toml "
        "and requirements.txt"
    )


def test_a_script_run_context_names_its_session_page_fragments_and_history() -> None:
    fields = {field.name for field in dataclasses.fields(ScriptRunContext)}
    for name in ("session_id", "fragment_ids_this_run", "is_history_navigation"):
        assert name in fields, _upgrade(f"ScriptRunContext.{name}", "the tours' room")
    assert isinstance(inspect.getattr_static(ScriptRunContext, "page_script_hash"), property), (
        _upgrade("ScriptRunContext.page_script_hash", "the page a follower is woken on")
    )


def test_the_thread_state_names_the_fragment_running() -> None:
    fields = {field.name for field in dataclasses.fields(FragmentThreadState)}
    assert "fragment_id" in fields, _upgrade("FragmentThreadState.fragment_id", "wake-ups")
    assert callable(ThreadState.get), _upgrade("ThreadState.get", "wake-ups")


def test_the_runtime_finds_a_session_and_tells_whether_it_is_connected() -> None:
    for name in ("exists", "instance", "get_app_session", "is_active_session"):
        assert callable(getattr(Runtime, name, None)), _upgrade(f"Runtime.{name}", "wake-ups")
    assert list(inspect.signature(Runtime.is_active_session).parameters) == ["self", "session_id"]


def test_an_app_session_keeps_its_last_client_state_and_reruns_from_one() -> None:
    assert "self._client_state = ClientState()" in inspect.getsource(AppSession.__init__), _upgrade(
        "AppSession._client_state", "waking a follower with its URL kept"
    )
    parameters = inspect.signature(AppSession.request_rerun).parameters
    assert list(parameters) == ["self", "client_state"], _upgrade(
        "AppSession.request_rerun", "waking a follower"
    )
    fields = set(ClientState.DESCRIPTOR.fields_by_name)
    assert {"page_script_hash", "fragment_id", "query_string"} <= fields, _upgrade(
        "ClientState", "waking a follower's fragment"
    )


def test_the_pages_manager_says_whether_the_app_is_a_pages_folder_app() -> None:
    assert "uses_pages_directory" in vars(PagesManager), _upgrade(
        "PagesManager.uses_pages_directory", "deep links on a fresh server"
    )
    assert PagesManager.uses_pages_directory in (None, True, False)


def test_outside_sessions_the_missing_context_warning_is_silenced() -> None:
    logger = logging.getLogger(script_run_context.__name__)
    assert "missing ScriptRunContext" in inspect.getsource(script_run_context), _upgrade(
        "the script_run_context logger's warning", "a quiet start-up load"
    )
    before = logger.level
    with quiet_outside_sessions():
        assert not logger.isEnabledFor(logging.WARNING)
    assert logger.level == before


def test_only_the_fenced_module_imports_streamlits_private_modules() -> None:
    reaching = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "streamlit_internals.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            reaching += [
                f"{path.relative_to(PACKAGE)}: {name}" for name in names if name.startswith(PRIVATE)
            ]
    assert reaching == [], "use heuristica/ui/streamlit_internals.py"


def test_column_config_is_what_a_text_column_returns() -> None:
    returned = typing.get_type_hints(streamlit.column_config.TextColumn)["return"]
    assert returned is streamlit_internals.ColumnConfig, _upgrade(
        "streamlit.elements.lib.column_types.ColumnConfig", "the grid's column annotations"
    )
