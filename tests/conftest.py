"""Fixtures shared by tests in several folders: the installed wheel (built once
per session, used by tests/test_packaging.py and the browser test of
``heuristica serve`` in tests/e2e), and a parse cache folder of this session,
so that no test (nor any app a browser test starts) writes to the user's."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from heuristica.kb.parsecache import CACHE_ENV_VAR
from heuristica.live.knowledge_base import LiveKnowledgeBase
from heuristica.ui import knowledge_base
from tests.clock import FakeClock
from tests.installed import build_wheel, install, team


@pytest.fixture(scope="session", autouse=True)
def parse_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    before = os.environ.get(CACHE_ENV_VAR)
    os.environ[CACHE_ENV_VAR] = str(tmp_path_factory.mktemp("parse-cache"))
    yield
    if before is None:
        del os.environ[CACHE_ENV_VAR]
    else:
        os.environ[CACHE_ENV_VAR] = before


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="session")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed."""
    return install(wheel, tmp_path_factory.mktemp("venv") / "env")


@pytest.fixture
def team_folder(tmp_path: Path) -> Path:
    """A team's repository outside this one: the shipped pages and one of its own."""
    return team(tmp_path)


@pytest.fixture(autouse=True)
def unwatched(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's knowledge folders are not watched in this process
    (``live.watch``) unless a test is marked ``watched``: each watch holds
    one of the system's inotify instances (128 per user by default) for as
    long as its knowledge base is cached, and hundreds of tests make one.
    The app servers the browser tests start watch theirs."""
    if request.node.get_closest_marker("watched") is None:
        monkeypatch.setattr(LiveKnowledgeBase, "watch", lambda self, then=None: False)


@pytest.fixture
def app_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The clock of the app's knowledge base (``ui.knowledge_base.clock``), moved
    by the test: ``app_clock.advance(RESCAN_SECONDS)`` makes the next run look
    at the folder again (the folder is not watched: ``unwatched``)."""
    clock = FakeClock()
    monkeypatch.setattr(knowledge_base, "clock", clock)
    return clock
