"""Every test (and every app a browser test starts) keeps its parse cache in a
folder of this test session, never in the user's cache folder."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from heuristica.graph.parsecache import CACHE_ENV_VAR


@pytest.fixture(scope="session", autouse=True)
def parse_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    before = os.environ.get(CACHE_ENV_VAR)
    os.environ[CACHE_ENV_VAR] = str(tmp_path_factory.mktemp("parse-cache"))
    yield
    if before is None:
        del os.environ[CACHE_ENV_VAR]
    else:
        os.environ[CACHE_ENV_VAR] = before
