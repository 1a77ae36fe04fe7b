"""The app's knowledge base: HEURISTICA_KNOWLEDGE, and edits showing without a restart."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from heuristica.kb.parsecache import ParseCache, cache_path
from heuristica.live.fingerprint import folder_fingerprint
from heuristica.live.reload import Reloader
from heuristica.live.whole_layout import WholeLayout
from heuristica.ui import knowledge_base
from heuristica.ui.knowledge_base import DEFAULT_ROOT, ENV_VAR, RESCAN_SECONDS, knowledge_root, live
from tests.clock import FakeClock
from tests.explorer_links import explorer_links
from tests.kb import page, write

APP = Path(__file__).resolve().parent.parent / "heuristica" / "shell.py"
H, E = "heuristic/use-spawn", "environment/linux"


@pytest.fixture
def kb(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(tmp_path, "h.yaml", page(H, ("requires_env", E), title="Use spawn"))
    write(tmp_path, "e.yaml", page(E, title="Linux"))
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    st.cache_resource.clear()
    return tmp_path


def test_the_environment_variable_names_the_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VAR, "/some/where")
    assert knowledge_root() == Path("/some/where")
    monkeypatch.delenv(ENV_VAR)
    assert knowledge_root() == DEFAULT_ROOT


def test_fingerprint_changes_on_add_edit_and_remove(kb: Path) -> None:
    first = folder_fingerprint(kb)
    added = write(kb, "sub/p.yaml", page("principle/p", ("uses_heuristic", H)))
    second = folder_fingerprint(kb)
    added.write_text(added.read_text() + "\n")
    third = folder_fingerprint(kb)
    added.unlink()
    assert len({first, second, third}) == 3
    assert folder_fingerprint(kb) == first


def panel_title(app: AppTest) -> str:
    return app.subheader[0].value


def test_an_edited_page_shows_on_the_next_interaction(kb: Path, app_clock: FakeClock) -> None:
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.query_params["node"] = H
    app.run()
    assert panel_title(app) == "Use spawn"
    write(kb, "h.yaml", page(H, ("requires_env", E), title="Use spawn, edited"))
    app.run()
    assert panel_title(app) == "Use spawn", "the folder is looked at once a second at most"
    app_clock.advance(RESCAN_SECONDS)
    app.run()
    assert panel_title(app) == r"Use spawn, edited"


def test_an_edit_is_reloaded_by_parsing_that_file_alone(kb: Path, app_clock: FakeClock) -> None:
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.query_params["node"] = H
    app.run()
    write(kb, "e.yaml", page(E, title="Linux, edited"))
    app_clock.advance(RESCAN_SECONDS)
    app.run()
    assert live().parsed == 1
    assert any(link["title"] == "Linux, edited" for _, link in explorer_links(app))


def test_parse_results_are_saved_for_the_next_server_start(
    kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(knowledge_base, "SAVE_AFTER_SECONDS", 0.0)
    AppTest.from_file(str(APP), default_timeout=30).run()
    saved = cache_path(kb)
    assert saved is not None
    tidied = live().tidied()  # written by a background thread
    assert tidied is not None
    tidied.result(timeout=30)
    assert len(ParseCache.load(saved)) == 2


def test_the_loaded_pages_are_left_out_of_later_collections(kb: Path) -> None:
    """Each rerun's full collections would otherwise walk every loaded page
    again (``kb.gcpause``)."""
    AppTest.from_file(str(APP), default_timeout=30).run()
    loaded = live().current().graph.page(H)
    assert not any(thing is loaded for thing in gc.get_objects())


def test_warming_up_never_raises_and_says_what_went_wrong(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(knowledge_base, "current", broken)
    knowledge_base.warm_up()  # the server still starts; the first reader sees the problem
    assert "could not load the knowledge base ahead of the first reader" in caplog.text
    assert "disk on fire" in caplog.text


def test_warming_up_loads_the_knowledge_base_for_the_first_session(
    kb: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    knowledge_base.warm_up()
    assert f"2 pages loaded from {kb}" in capsys.readouterr().out

    def load_again(*args: object, **kwargs: object) -> None:
        raise AssertionError("the first session loaded the knowledge base again")

    monkeypatch.setattr(Reloader, "load", load_again)
    app = AppTest.from_file(str(APP), default_timeout=30)
    app.query_params["node"] = H
    app.run()
    assert not app.exception
    assert panel_title(app) == "Use spawn"


def test_warming_up_starts_laying_out_the_whole_graph_of_what_it_loaded(
    kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(WholeLayout, "prepare", lambda _, kg, version: asked.append(version))
    knowledge_base.warm_up()
    assert asked == [live().current().fingerprint]


def test_warming_up_names_a_missing_folder_and_the_problems_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nope"))
    st.cache_resource.clear()
    knowledge_base.warm_up()
    said = capsys.readouterr().out
    assert f"the knowledge base folder {tmp_path / 'nope'} does not exist" in said
    assert "Set HEURISTICA_KNOWLEDGE to a folder" in said
    write(tmp_path, "h.yaml", page(H, ("requires_env", "environment/gone"), title="Use spawn"))
    write(tmp_path, "broken.yaml", "type: [")
    monkeypatch.setenv(ENV_VAR, str(tmp_path))
    knowledge_base.warm_up()
    said = capsys.readouterr().out
    assert f"1 page loaded from {tmp_path}" in said
    # the file that does not parse, and the link to a page that is not there
    assert (
        f"(2 errors, 0 warnings: see Problems in the app, or run heuristica check {tmp_path})"
        in said
    )


def test_a_missing_folder_is_named_in_the_sidebar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nope"))
    st.cache_resource.clear()
    app = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not app.exception
    assert [e.value for e in app.sidebar.error] == [
        "The knowledge base folder (`nope`) does not exist. Set HEURISTICA_KNOWLEDGE to a folder."
    ]
